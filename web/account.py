"""Pages of one's own account, for every role: changing the password, and the in-app inbox."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from gigplatform import notifications
from gigplatform.accounts import service as accounts
from gigplatform.db import DbSession
from gigplatform.errors import N_
from gigplatform.notifications import Notification
from gigplatform.security import CurrentPrincipal, Kit, SessionTokens
from web.audience import page_router
from web.forms import form_page, read_form
from web.i18n import _
from web.public import with_session
from web.rendering import Form, notice, page, shown_instants

# What each kind of notification says; its params fill in the values.
NOTIFICATION_WORDS = {
    "password_reset_requested": N_("A link to reset your password was sent; it is valid for %(minutes)s minutes."),
    "password_changed": N_("Your password was changed, and your other sessions were signed out."),
    "standing_good": N_("Your account is in good standing again. Reason: %(reason)s"),
    "standing_warned": N_("Your account has received a warning. Reason: %(reason)s"),
    "standing_restricted": N_("Your account may not book shifts until %(until)s (Beijing time). Reason: %(reason)s"),
    "standing_banned": N_("Your account has been banned. Reason: %(reason)s"),
    "restriction_ended": N_("Your restriction has ended: you may book shifts again."),
}
NOTICES = {"changed": N_("Your password was changed. Your other sessions were signed out.")}


def notification_text(item: Notification) -> str:
    words = NOTIFICATION_WORDS.get(item.kind)
    if words is None:
        return item.kind
    try:
        return _(words) % shown_instants(item.params) if item.params else _(words)
    except (KeyError, TypeError, ValueError):
        return _(words)


@get("/account/password", operation_id="page_change_password")
async def password_form(request: Request[Any, Any, Any], notice_code: FromQuery[str | None] = None) -> Template:
    shown = notice(notice_code, NOTICES)
    return page("account/password.html", request, errors={}, notice=shown)


@post("/account/password", operation_id="page_change_password_submit")
async def password_submit(
    request: Request[Any, Any, Any], data: Form, db_session: DbSession, kit: Kit, principal: CurrentPrincipal
) -> Response[Any]:
    """This session is re-issued (new cookies, a new CSRF token); every other one is closed."""

    async def change() -> SessionTokens:
        form = read_form(data, accounts.PasswordChangeIn)
        return await accounts.change_password(
            db_session, kit, principal, current_password=form.current_password, new_password=form.new_password
        )

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        return page("account/password.html", request, status, errors=errors, notice=None)

    def done(pair: SessionTokens) -> Response[Any]:
        return with_session(Redirect(path="/account/password?notice_code=changed"), kit, pair)

    return await form_page(db_session, change, done=done, again=again)


@get("/notifications", operation_id="page_notifications")
async def inbox(request: Request[Any, Any, Any], db_session: DbSession, principal: CurrentPrincipal) -> Template:
    items, total = await notifications.list_notifications(db_session, principal.user_id, limit=100)
    shown = [(item, notification_text(item)) for item in items]
    return page("account/notifications.html", request, items=shown, total=total)


@post("/notifications/read", operation_id="page_notifications_read")
async def inbox_read(data: Form, db_session: DbSession, kit: Kit, principal: CurrentPrincipal) -> Response[Any]:
    """One notification (`id`) or, without it, all of them."""
    raw = data.get("id")
    try:
        ids = [uuid.UUID(raw)] if raw else None
    except ValueError:
        ids = []
    await notifications.mark_read(db_session, principal.user_id, ids, kit.clock.now())
    return Redirect(path="/notifications")


ROUTER = page_router("signed_in", [password_form, password_submit, inbox, inbox_read])
