"""The admin's review list: a round's applications filtered and sorted, a page at a time by keyset.

Every offered sort has an index led by the round and ending in the unique id (see `Application.__table_args__`),
and a page starts where the last one ended (an opaque cursor holding that row's sort key), so a page is one index
range however deep it is: no OFFSET, no sort of the whole round. Sorting by status, and students first where the
round prefers them, walk one status (or student flag) at a time: each is a range of its own index, and one UNION
ALL reads at most a page from each. Only the listed columns are read; the encrypted ID number is not among them.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, false, func, literal, select, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.errors import N_, InvalidInput
from recruitment.models import Application, ApplicationStatus, ApplicationTrack, Round, Track
from recruitment.rounds import round_by_id

A = Application
LIMIT_MAX = 500
# Counts stop here: counting a round of 50,000 to the last row costs more than the page it heads, and past this
# many an admin narrows the list by its filters rather than reads on. A count above it reads "more than 1,000".
COUNT_MAX = 1000
CURSOR_MAX = 1000  # characters; a real cursor is a few hundred at most


@dataclass
class ApplicationFilter:
    status: str | None = None
    track: str | None = None
    is_student: bool | None = None
    sort: str | None = None
    limit: int = 50
    cursor: str | None = None


@dataclass(frozen=True)
class Ordering:
    """Ascending key columns ending in the unique id (read backwards when `descending`), optionally after a
    `group` column walked one value at a time in the given order."""

    keys: tuple[Any, ...]
    descending: bool = False
    group: Any = None
    group_values: tuple[Any, ...] = ()


ORDERINGS: dict[str, Ordering] = {
    "created_at": Ordering((A.created_at, A.id)),
    "-created_at": Ordering((A.created_at, A.id), descending=True),
    "legal_name": Ordering((A.legal_name_key, A.legal_name, A.id)),  # pinyin (recruitment.name_order)
    # the pipeline's order, not the alphabet's
    "status": Ordering((A.created_at, A.id), group=A.status, group_values=tuple(ApplicationStatus)),
    "age": Ordering((A.age_at_application, A.created_at, A.id)),
    "-age": Ordering((A.age_at_application, A.created_at, A.id), descending=True),
}
STUDENTS_FIRST = Ordering((A.created_at, A.id), group=A.is_student, group_values=(True, False))
STUDENTS_FIRST_NAME = "students_first"

# What the list shows, and nothing else (no encrypted field).
LISTED = (
    A.id,
    A.round_id,
    A.user_id,
    A.legal_name,
    A.legal_name_key,
    A.age_at_application,
    A.phone,
    A.is_student,
    A.tracks,
    A.status,
    A.status_reason,
    A.status_reason_code,
    A.status_reason_params,
    A.created_at,
    A.updated_at,
)
# How a cursor's key values are read back, by column.
_DECODE: dict[str, Callable[[Any], Any]] = {
    "id": uuid.UUID,
    "created_at": datetime.fromisoformat,
    "legal_name_key": str,
    "legal_name": str,
    "age_at_application": int,
}


@dataclass(frozen=True)
class ReviewRow:
    """One listed application, as the list and the CSV show it; its fields are LISTED's columns, in order."""

    id: uuid.UUID
    round_id: uuid.UUID
    user_id: uuid.UUID
    legal_name: str
    legal_name_key: str
    age_at_application: int
    phone: str
    is_student: bool
    tracks: list[str]
    status: ApplicationStatus
    status_reason: str
    status_reason_code: str | None
    status_reason_params: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ReviewPage:
    """A page of the list; `next_cursor`/`previous_cursor` are None at either end. `total` counts what the
    filters select up to COUNT_MAX (`total_exact` False when there are more), or is None when not asked for or
    not `countable`."""

    rows: list[ReviewRow]
    total: int | None
    next_cursor: str | None = None
    previous_cursor: str | None = None
    limit: int = 50
    total_exact: bool = True


def check_filter(filters: ApplicationFilter) -> None:
    """Refuses an unknown status, track or sort, and a limit out of range, naming the parameter."""
    if filters.status is not None and filters.status not in ApplicationStatus.__members__.values():
        raise InvalidInput(N_("Unknown status."), field="status", rule="one_of")
    if filters.track is not None and filters.track not in Track.__members__.values():
        raise InvalidInput(N_("Unknown track."), field="track", rule="one_of")
    if filters.sort is not None and filters.sort not in ORDERINGS:
        raise InvalidInput(N_("Unknown sort order."), field="sort", rule="one_of")
    if not (1 <= filters.limit <= LIMIT_MAX):
        raise InvalidInput(
            N_("limit is %(least)s to %(most)s."), field="limit", rule="range", params={"least": 1, "most": LIMIT_MAX}
        )


def filtered(round_id: uuid.UUID, filters: ApplicationFilter, *columns: Any) -> Select[Any]:
    """The round's applications that the filters select (a track through `application_tracks`' key)."""
    query = select(*columns).where(A.round_id == round_id)
    if filters.status:
        query = query.where(A.status == filters.status)
    if filters.is_student is not None:
        query = query.where(A.is_student.is_(filters.is_student))
    if filters.track:
        query = query.where(
            exists().where(ApplicationTrack.application_id == A.id, ApplicationTrack.track == filters.track)
        )
    return query


def ordering_for(round_: Round, filters: ApplicationFilter) -> tuple[str, Ordering]:
    """The sort asked for; by default the oldest first, students first where the round prefers them."""
    if filters.sort is None and round_.student_preferred:
        return STUDENTS_FIRST_NAME, STUDENTS_FIRST
    name = filters.sort or "created_at"
    return name, ORDERINGS[name]


def groups_of(ordering: Ordering, filters: ApplicationFilter) -> list[tuple[int, Any]]:
    """The group values the filters leave (a status filter leaves one status), with their place in the order."""
    if ordering.group is None:
        return []
    wanted = {A.status: filters.status, A.is_student: filters.is_student}.get(ordering.group)
    return [(n, value) for n, value in enumerate(ordering.group_values) if wanted is None or value == wanted]


# --- cursors --------------------------------------------------------------------------------------------------------


def _encode(sort: str, group: int | None, keys: Sequence[Any], forward: bool) -> str:
    plain = [sort, group, [k.isoformat() if isinstance(k, datetime) else str(k) for k in keys], forward]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


@dataclass(frozen=True)
class Cursor:
    group: int | None
    keys: tuple[Any, ...]
    forward: bool


def _decode(raw: str, sort: str, ordering: Ordering) -> Cursor:
    """A cursor this list gave out for this sort, or a 422 naming `cursor`."""
    bad = InvalidInput(
        N_("This page link is not valid any more; start from the first page."), field="cursor", rule="format"
    )
    if len(raw) > CURSOR_MAX:
        raise bad
    try:
        name, group, keys, forward = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        if name != sort or len(keys) != len(ordering.keys) or not isinstance(forward, bool):
            raise ValueError(raw)
        if ordering.group is None:
            if group is not None:
                raise ValueError(raw)
        elif not (isinstance(group, int) and 0 <= group < len(ordering.group_values)):
            raise ValueError(raw)
        values = tuple(_DECODE[c.key](v) for c, v in zip(ordering.keys, keys, strict=True))
        if any(isinstance(v, datetime) and v.tzinfo is None for v in values):
            raise ValueError(raw)
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        raise bad from None
    return Cursor(group, values, forward)


def cursor_of(sort: str, ordering: Ordering, row: ReviewRow, forward: bool) -> str:
    group = None
    if ordering.group is not None:
        group = ordering.group_values.index(getattr(row, ordering.group.key))
    return _encode(sort, group, [getattr(row, c.key) for c in ordering.keys], forward)


# --- the page -------------------------------------------------------------------------------------------------------


def key_range(query: Select[Any], ordering: Ordering, after: tuple[Any, ...] | None, ascending: bool) -> Select[Any]:
    """`query` from just after `after` (in the reading direction), in index order."""
    if after is not None:
        row, value = (
            tuple_(*ordering.keys),
            tuple_(*[literal(v, c.type) for c, v in zip(ordering.keys, after, strict=True)]),
        )
        query = query.where(row > value if ascending else row < value)
    return query.order_by(*(c if ascending else c.desc() for c in ordering.keys))


def page_query(
    round_id: uuid.UUID, filters: ApplicationFilter, ordering: Ordering, cursor: Cursor | None, size: int
) -> Select[Any]:
    """At most `size` listed rows from the cursor on (or back), in reading order for that direction."""
    forward = cursor is None or cursor.forward
    ascending = forward != ordering.descending
    base = filtered(round_id, filters, *LISTED)
    if ordering.group is None:
        return key_range(base, ordering, cursor.keys if cursor else None, ascending).limit(size)
    arms = []
    for n, value in groups_of(ordering, filters):
        if cursor is not None and (n < cursor.group if forward else n > cursor.group):
            continue
        after = cursor.keys if cursor is not None and n == cursor.group else None
        arm = key_range(base.where(ordering.group == value), ordering, after, ascending).limit(size).subquery()
        arms.append(select(arm, literal(n).label("group_place")))
    if not arms:
        return base.where(false())
    both = union_all(*arms).subquery()
    place = both.c.group_place if forward else both.c.group_place.desc()
    keys = [both.c[c.key] if ascending else both.c[c.key].desc() for c in ordering.keys]
    return select(*[both.c[c.key] for c in LISTED]).order_by(place, *keys).limit(size)


def as_row(values: Any) -> ReviewRow:
    """A row selected as LISTED, whose order ReviewRow's fields follow (by position: a name lookup per column
    was most of the export's time)."""
    return ReviewRow(*values[: len(LISTED)])


async def review_applications(
    session: AsyncSession, round_id: uuid.UUID, filters: ApplicationFilter, *, with_total: bool = True
) -> ReviewPage:
    """A page of the round's applications, filtered and sorted, from `filters.cursor` on; the total (counted up to
    COUNT_MAX, see `capped_count`) only when asked for."""
    round_ = await round_by_id(session, round_id)
    check_filter(filters)
    sort, ordering = ordering_for(round_, filters)
    cursor = _decode(filters.cursor, sort, ordering) if filters.cursor else None
    query = page_query(round_id, filters, ordering, cursor, filters.limit + 1)
    fetched = [as_row(r) for r in await session.execute(query)]
    more = len(fetched) > filters.limit
    rows = fetched[: filters.limit]
    forward = cursor is None or cursor.forward
    if not forward:
        rows.reverse()
        if not more and len(rows) < filters.limit:  # back at the start: the first page as it always reads
            cursor, forward = None, True
            query = page_query(round_id, filters, ordering, None, filters.limit + 1)
            fetched = [as_row(r) for r in await session.execute(query)]
            more, rows = len(fetched) > filters.limit, fetched[: filters.limit]
    next_cursor = previous_cursor = None
    if rows:
        if more or not forward:
            next_cursor = cursor_of(sort, ordering, rows[-1], True)
        if cursor is not None and (forward or more):
            previous_cursor = cursor_of(sort, ordering, rows[0], False)
    total = None
    if with_total and countable(filters):
        total = await session.scalar(capped_count(filtered(round_id, filters, A.id))) or 0
    exact = total is not None and total <= COUNT_MAX
    total = None if total is None else min(total, COUNT_MAX)
    return ReviewPage(rows, total, next_cursor, previous_cursor, filters.limit, exact)


def countable(filters: ApplicationFilter) -> bool:
    """Whether the filters' total can be counted through one index range: the round's, a status's or the
    student flag's. A track (one application in forty may ask for the rarest) or two filters at once would have
    the count walk one index checking every row against the other condition, up to the whole round; such a list
    is paged without a total."""
    return not filters.track and (filters.status is None or filters.is_student is None)


def capped_count(query: Select[Any]) -> Select[Any]:
    """How many rows `query` selects, counted up to COUNT_MAX + 1 (a bounded index range, whatever the round's
    size); more than COUNT_MAX reads as "more than COUNT_MAX"."""
    return select(func.count()).select_from(query.limit(COUNT_MAX + 1).subquery())


async def count_by_status(session: AsyncSession, round_id: uuid.UUID) -> dict[str, int]:
    """How many of the round's applications stand at each status, each counted up to COUNT_MAX + 1 through the
    status index, in one statement (statuses with none are left out)."""
    counts = [
        capped_count(select(A.id).where(A.round_id == round_id, A.status == status)).scalar_subquery().label(status)
        for status in ApplicationStatus
    ]
    row = (await session.execute(select(*counts))).one()
    return {status.value: n for status, n in zip(ApplicationStatus, row, strict=True) if n}
