"""Pages anyone may open: the landing page (or, signed in, the home of one's role), sign-in, registration,
sign-out, the forgotten-password pages and the language switch.

Every change of sign-in session (sign-in, registration, sign-out) also replaces the CSRF cookie, so a form token
from before it no longer works after it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts import service as accounts
from gigplatform.db import DbSession, discard
from gigplatform.errors import N_, DomainError
from gigplatform.notifications import AppNotifier
from gigplatform.security import (
    REFRESH_COOKIE,
    Kit,
    Principal,
    SecurityKit,
    SessionTokens,
    current_principal,
    fresh_csrf_cookie,
    session_cookies,
)
from web import i18n
from web.admin import home as admin_home
from web.audience import page_router
from web.forms import form_page, read_form
from web.rendering import Form, form_errors, page, safe_next
from web.rendering import notice as show_notice
from web.seller import home as seller_home
from web.worker import home as worker_home

HomeRenderer = Callable[[Request[Any, Any, Any], AsyncSession, Principal], Awaitable[Template]]
HOMES: dict[str, HomeRenderer] = {
    accounts.Role.ADMIN: admin_home.render_home,
    accounts.Role.WORKER: worker_home.render_home,
    accounts.Role.SELLER: seller_home.render_home,
}


@get("/", name="home", operation_id="page_home")
async def home(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    """The landing page for a visitor; the home of their role for a signed-in user."""
    principal = current_principal(request)
    render_home = HOMES.get(principal.role) if principal is not None else None
    if principal is None or render_home is None:
        return page("public/landing.html", request)
    return await render_home(request, db_session, principal)


def with_session(response: Response[Any], kit: SecurityKit, pair: SessionTokens | None) -> Response[Any]:
    """The session cookies for `pair` (cleared when None) and a new CSRF cookie: the token is bound to the session."""
    for cookie in [*session_cookies(kit.settings, pair), fresh_csrf_cookie(kit.settings)]:
        response.set_cookie(cookie)
    return response


NOTICES = {
    "reset": N_("Your password was reset. Please sign in with the new one."),
}


@get("/login", operation_id="page_login")
async def login_form(
    request: Request[Any, Any, Any], next: FromQuery[str | None] = None, notice: FromQuery[str | None] = None
) -> Template:
    shown = show_notice(notice, NOTICES)
    return page("public/login.html", request, next=safe_next(next), values={}, errors={}, notice=shown)


@post("/login", operation_id="page_login_submit")
async def login_submit(request: Request[Any, Any, Any], data: Form, db_session: DbSession, kit: Kit) -> Response[Any]:
    """Not `form_page`: there a 401 means "sign in first" and leaves the form, while here it is the form's answer
    (the wrong password, counted: `discard` keeps that count)."""
    target = safe_next(data.get("next"))
    try:
        form = read_form(data, accounts.LoginIn)
        pair = await accounts.sign_in(db_session, kit, login=form.login, password=form.password)
    except DomainError as exc:
        await discard(db_session, exc)
        status = exc.status if exc.status in (401, 403, 429) else 422
        values = {"login": data.get("login", "")}
        answer = page("public/login.html", request, status, next=target, values=values, errors=form_errors(exc))
        answer.headers.update({k: v for k, v in exc.headers.items() if k == "Retry-After"})
        return answer
    return with_session(Redirect(path=target), kit, pair)


@get("/register", operation_id="page_register")
async def register_form(request: Request[Any, Any, Any], role: FromQuery[str] = "worker") -> Template:
    values = {"role": role if role in accounts.SELF_SERVICE_ROLES else "worker"}
    return page("public/register.html", request, values=values, errors={})


@post("/register", operation_id="page_register_submit")
async def register_submit(
    request: Request[Any, Any, Any], data: Form, db_session: DbSession, kit: Kit
) -> Response[Any]:
    """Registers and signs in at once; a worker's shop name (the field is on the form for everyone) is ignored."""

    async def register() -> SessionTokens:
        form = read_form(data, accounts.RegisterIn)
        await accounts.register_user(
            db_session,
            kit,
            login=form.login,
            password=form.password,
            display_name=form.display_name,
            role=form.role,
            shop_name=form.shop_name if form.role == accounts.Role.SELLER else None,
        )
        return await accounts.sign_in(db_session, kit, login=form.login, password=form.password)

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        values = {k: data.get(k, "") for k in ("login", "display_name", "role", "shop_name")}
        return page("public/register.html", request, status, values=values, errors=errors)

    return await form_page(
        db_session, register, done=lambda pair: with_session(Redirect(path="/"), kit, pair), again=again
    )


@post("/logout", operation_id="page_logout")
async def logout(request: Request[Any, Any, Any], db_session: DbSession, kit: Kit) -> Response[Any]:
    raw = request.cookies.get(REFRESH_COOKIE)
    if raw:
        await accounts.sign_out(db_session, kit.clock, raw)
    return with_session(Redirect(path="/"), kit, None)


@get("/password-reset", operation_id="page_password_reset")
async def password_reset_form(request: Request[Any, Any, Any]) -> Template:
    return page("public/password_reset.html", request, values={}, errors={}, sent=False)


@post("/password-reset", operation_id="page_password_reset_submit")
async def password_reset_submit(
    request: Request[Any, Any, Any], data: Form, db_session: DbSession, kit: Kit, notifier: AppNotifier
) -> Response[Any]:
    """Answers the same whether or not the login has an account."""

    async def send() -> None:
        form = read_form(data, accounts.PasswordResetIn)
        await accounts.request_password_reset(db_session, kit, notifier, login=form.login)

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        values = {"login": data.get("login", "")}
        return page("public/password_reset.html", request, status, values=values, errors=errors, sent=False)

    def done(_: None) -> Response[Any]:
        return page("public/password_reset.html", request, values={}, errors={}, sent=True)

    return await form_page(db_session, send, done=done, again=again)


@get("/password-reset/confirm", operation_id="page_password_reset_confirm")
async def password_reset_confirm_form(request: Request[Any, Any, Any], token: FromQuery[str] = "") -> Template:
    return page("public/password_reset_confirm.html", request, token=token, errors={})


@post("/password-reset/confirm", operation_id="page_password_reset_confirm_submit")
async def password_reset_confirm_submit(
    request: Request[Any, Any, Any], data: Form, db_session: DbSession, kit: Kit
) -> Response[Any]:
    async def confirm() -> accounts.User:
        form = read_form(data, accounts.PasswordResetConfirmIn)
        return await accounts.confirm_password_reset(db_session, kit, token=form.token, new_password=form.new_password)

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        token = data.get("token", "")
        return page("public/password_reset_confirm.html", request, status, token=token, errors=errors)

    return await form_page(db_session, confirm, done=lambda _: Redirect(path="/login?notice=reset"), again=again)


@get("/lang/{code:str}", operation_id="page_language")
async def switch_language(
    request: Request[Any, Any, Any], code: FromPath[str], next: FromQuery[str | None] = None
) -> Response[Any]:
    response = Redirect(path=safe_next(next))
    if code in i18n.LOCALES:
        response.set_cookie(Cookie(key=i18n.LANG_COOKIE, value=code, max_age=365 * 86400, samesite="lax", path="/"))
    return response


ROUTER = page_router(
    "public",
    [
        home,
        login_form,
        login_submit,
        register_form,
        register_submit,
        logout,
        password_reset_form,
        password_reset_submit,
        password_reset_confirm_form,
        password_reset_confirm_submit,
        switch_language,
    ],
)
