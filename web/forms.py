"""Forms: reading a posted form into the verb's own input Struct, and the one "validate, call the service, redirect
or show the form again with every field's error" step that every page handler uses.

A page holds no limit of its own: the Struct in the domain's `schemas.py` carries them (`msgspec.Meta`), the API
receives the same Struct, and a form is converted field by field so that every field's error shows at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar, get_args, get_origin

import msgspec
from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.db import DbSession, discard
from gigplatform.errors import DomainError, FieldError, InvalidInput
from gigplatform.limits import field_error
from gigplatform.security import CurrentPrincipal, Kit, Principal, SecurityKit
from web.rendering import error_status, form_errors, page

T = TypeVar("T")
S = TypeVar("S", bound=msgspec.Struct)

CHECKED = frozenset({"on", "true", "1", "yes"})


def _is_list(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin is list:
        return True
    return any(_is_list(arg) for arg in get_args(annotation) if arg is not type(None))


def _is_bool(annotation: Any) -> bool:
    return annotation is bool or bool in get_args(annotation)


def read_form(
    form: FormMultiDict | dict[str, Any],
    struct: type[S],
    *,
    only: Iterable[str] | None = None,
    also: Callable[[dict[str, Any]], None] | None = None,
    **fixed: Any,
) -> S:
    """The form as `struct`, checked against the Struct's own limits, every field at once.

    Text inputs arrive as strings and are converted loosely (`"30"` to 30); a checkbox is true when ticked and
    false when absent; a multi-select or checkbox list becomes a list; an empty optional input takes the field's
    default. `only` limits which fields are read from the form (an editor whose other inputs are locked); `fixed`
    supplies values that do not come from the form. Raises InvalidInput naming every field that broke a rule.

    `also` is the verb's own check of the fields (its `check_*`, raising InvalidInput): when some fields do not
    convert, it runs on those that did, so its errors show with theirs in the same submit rather than on the next.
    """
    allowed = None if only is None else frozenset(only)
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for info in msgspec.structs.fields(struct):
        name = info.encode_name
        if name in fixed:
            values[info.name] = fixed[name]
            continue
        if allowed is not None and name not in allowed:
            continue
        if _is_list(info.type):
            raw: Any = form.getall(name, []) if isinstance(form, FormMultiDict) else form.get(name, [])
            raw = [v for v in raw if v != ""]
        elif _is_bool(info.type):
            raw = (str(form.get(name, "")).strip().lower() in CHECKED) if name in form or info.required else None
            if raw is None:
                continue
        else:
            raw = form.get(name)
            if raw is None or (isinstance(raw, str) and raw.strip() == "" and not info.required):
                continue
        try:
            values[info.name] = msgspec.convert(raw, type=info.type, strict=False)
        except msgspec.ValidationError as exc:
            errors.append(field_error(name, raw, str(exc).split(" - at ")[0]))
    missing = [
        f.encode_name
        for f in msgspec.structs.fields(struct)
        if f.required and f.name not in values and f.encode_name not in {e.field for e in errors}
    ]
    errors += [field_error(name, None, "") for name in missing]
    if errors and also is not None:
        try:
            also(values)
        except InvalidInput as exc:
            broken = {e.field for e in errors}
            errors += [e for e in exc.errors if e.field not in broken]
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)
    return struct(**values)


async def form_page(
    session: AsyncSession,
    action: Callable[[], Awaitable[T]],
    *,
    done: Callable[[T], Response[Any]],
    again: Callable[[dict[str, str], int], Awaitable[Response[Any]]],
    messages: dict[tuple[str, str], str] | None = None,
    explain: Callable[[DomainError], dict[str, str]] | None = None,
) -> Response[Any]:
    """Runs `action` (read the form, call the service); on success answers `done(result)` (usually a redirect),
    on a refusal drops what the verb wrote and answers `again(errors, status)`: the form shown again with each
    field's message in the visitor's language.

    `explain` replaces the default wording (`form_errors(exc, messages)`) where a form says more, e.g. every rule a
    field breaks rather than one.

    Not signed in (401) and not found (404) are not form errors: they go to the error pages, so a hidden object
    answers the same whether it is missing or forbidden.
    """
    try:
        result = await action()
    except DomainError as exc:
        if exc.status in (401, 404):
            raise
        await discard(session, exc)
        return await again(explain(exc) if explain else form_errors(exc, messages), error_status(exc))
    return done(result)


@dataclass(frozen=True)
class Visit:
    """One signed-in page request: what every "read the object, show it (with the errors of a refused action)"
    handler passes around, given to handlers as the `visit` dependency of the audience Routers."""

    request: Request[Any, Any, Any]
    db_session: AsyncSession
    kit: SecurityKit
    principal: Principal

    def show(self, template: str, status: int = 200, errors: dict[str, str] | None = None, **context: Any) -> Template:
        """The page, with a refused action's messages above it (`general_errors`)."""
        return page(template, self.request, status, general_errors=list((errors or {}).values()), **context)

    async def act(
        self,
        action: Callable[[], Awaitable[T]],
        *,
        done: Callable[[T], Response[Any]],
        again: Callable[[dict[str, str], int], Awaitable[Response[Any]]],
    ) -> Response[Any]:
        """`form_page` in this request's unit of work."""
        return await form_page(self.db_session, action, done=done, again=again)


CurrentVisit = NamedDependency[Visit]
"""How a page handler asks for its `Visit`."""


async def provide_visit(
    request: Request[Any, Any, Any], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
) -> Visit:
    return Visit(request, db_session, kit, principal)
