"""Admins' pages for accounts: finding an account by login, its standing with the form to change it and its audit
log, and the whole audit log. The rules are `accounts.change_standing`'s, as in the API."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Redirect, Template

from gigplatform.accounts import service as accounts
from gigplatform.db import DbSession
from gigplatform.errors import N_
from gigplatform.security import CurrentPrincipal, Kit
from web.forms import form_page, read_form
from web.rendering import Form, general_errors, notice, page, parse_beijing

PER_PAGE = 50
STANDING_FIELDS = ("standing", "until", "reason")
NOTICES = {"standing_changed": N_("The standing was changed, and the person was told.")}
# What each audited action is called; an action without words here is shown as its code.
ACTION_WORDS = {
    "standing.changed": N_("Standing changed"),
    "standing.restriction_ended": N_("Restriction ended"),
}
DETAIL_WORDS = {"from": N_("From"), "to": N_("To"), "until": N_("Until (Beijing time)")}
Code = Annotated[str | None, Parameter(max_length=64)]


async def _entries(db_session: DbSession, **filters: Any) -> tuple[list[Any], int, dict[uuid.UUID, str]]:
    rows, total = await accounts.list_audit(db_session, **filters)
    names = await accounts.display_names(db_session, [r.actor_id for r in rows] + [r.subject_id for r in rows])
    return rows, total, names


def _context(rows: list[Any], names: dict[uuid.UUID, str]) -> dict[str, Any]:
    return {"entries": rows, "names": names, "action_words": ACTION_WORDS, "detail_words": DETAIL_WORDS}


@get("/admin/users", operation_id="page_admin_users")
async def admin_users(
    request: Request[Any, Any, Any], db_session: DbSession, login: FromQuery[Code] = None
) -> Response[Any]:
    """Finds one account by its exact login (any spelling of a number) and opens it."""
    if login:
        user = await accounts.find_user_by_login(db_session, login)
        if user is not None:
            return Redirect(path=f"/admin/users/{user.id}")
    return page("admin/users.html", request, login=login or "", missing=bool(login))


async def _user_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    kit: Kit,
    user: accounts.User,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    notice_text: str | None = None,
) -> Template:
    standing, until = await accounts.standing_of(db_session, user.id, kit.clock.now())
    rows, total, names = await _entries(db_session, subject_kind="user", subject_id=user.id, limit=PER_PAGE)
    errors = errors or {}
    return page(
        "admin/user.html",
        request,
        status,
        user=user,
        login=accounts.mask_login(user.login),
        standing=standing.value,
        until=until,
        standings=[s.value for s in accounts.Standing],
        values=values or {"standing": standing.value},
        errors=errors,
        general_errors=general_errors(errors, STANDING_FIELDS),
        total=total,
        notice=notice_text,
        **_context(rows, names),
    )


@get("/admin/users/{user_id:uuid}", operation_id="page_admin_user")
async def admin_user(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    kit: Kit,
    principal: CurrentPrincipal,
    user_id: FromPath[uuid.UUID],
    notice_code: FromQuery[str | None] = None,
) -> Template:
    user = await accounts.access_user(db_session, principal, user_id)
    return await _user_page(request, db_session, kit, user, notice_text=notice(notice_code, NOTICES))


@post("/admin/users/{user_id:uuid}/standing", operation_id="page_admin_user_standing")
async def admin_user_standing(
    request: Request[Any, Any, Any],
    data: Form,
    db_session: DbSession,
    kit: Kit,
    principal: CurrentPrincipal,
    user_id: FromPath[uuid.UUID],
) -> Response[Any]:
    """`until` is a Beijing date and time (`datetime-local`); the verb checks it as the API's does."""
    user = await accounts.access_user(db_session, principal, user_id)

    async def change() -> accounts.User:
        until = parse_beijing(data.get("until", "")) if (data.get("until") or "").strip() else None
        form = read_form(data, accounts.StandingIn, until=until)
        return await accounts.change_standing(db_session, principal, user, form, kit.clock.now())

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        await db_session.refresh(user)
        return await _user_page(request, db_session, kit, user, values=dict(data), errors=errors, status=status)

    def done(changed: accounts.User) -> Response[Any]:
        return Redirect(path=f"/admin/users/{changed.id}?notice_code=standing_changed")

    return await form_page(db_session, change, done=done, again=again)


@get("/admin/audit-log", operation_id="page_admin_audit_log")
async def admin_audit_log(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    action: FromQuery[Code] = None,
    page_number: Annotated[int, Parameter(ge=1, le=100_000)] = 1,
) -> Template:
    """Newest first, a page at a time, optionally one action only."""
    rows, total, names = await _entries(
        db_session, action=action or None, limit=PER_PAGE, offset=(page_number - 1) * PER_PAGE
    )
    return page(
        "admin/audit_log.html",
        request,
        action=action or "",
        page_number=page_number,
        pages=max(1, -(-total // PER_PAGE)),
        total=total,
        **_context(rows, names),
    )


ROUTES = [admin_users, admin_user, admin_user_standing, admin_audit_log]
