"""One list shape for the whole API: every list endpoint answers a page `{items, total, limit, offset}`, so a
client pages through any list the same way, and a list that grows later (a seller's shops, an admin's rounds) can
be paged without changing its reply. `window` is the shared `limit`/`offset` dependency with its bounds (which the
document shows), `page_of` slices a list the service returned whole.

A list that grows past where an OFFSET stays cheap (a round's applications) is read by keyset instead: the same
`items`, `total` and `limit`, with `next_cursor`/`previous_cursor` in place of `offset` (`CursorPage`); a client
passes a cursor back as `cursor` to get the next or previous page, and a null cursor means there is none. Such a
list counts only so far (counting it whole would cost more than the page): `total_exact` is false when there are
more than `total` says, and `total` is null when a filter could only be counted by reading the whole list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

import msgspec
from litestar.di import NamedDependency, Provide
from litestar.params import Parameter

T = TypeVar("T")
MAX_LIMIT = 500
Limit = Annotated[int, Parameter(ge=1, le=MAX_LIMIT, description="How many items, at most.")]
Offset = Annotated[int, Parameter(ge=0, le=1_000_000, description="How many items to skip.")]


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class CursorPage(msgspec.Struct, Generic[T]):
    items: list[T]
    total: int | None
    total_exact: bool
    limit: int
    next_cursor: str | None
    previous_cursor: str | None


CursorParam = Annotated[
    str | None,
    Parameter(
        max_length=1000,
        description="Where the page starts: a `next_cursor` or `previous_cursor` of the page before; none for the "
        "first page.",
    ),
]


@dataclass(frozen=True)
class Window:
    limit: int
    offset: int


def window(limit: Limit = 100, offset: Offset = 0) -> Window:
    return Window(limit, offset)


WINDOW = {"window": Provide(window, sync_to_thread=False)}
Paged = NamedDependency[Window]


def page_of(items: Sequence[T], window: Window) -> Page[T]:
    """The window's slice of a whole list, with the list's total."""
    return Page(list(items[window.offset : window.offset + window.limit]), len(items), window.limit, window.offset)
