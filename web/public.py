"""Pages anyone may open: the landing page (or, signed in, the home of one's role), sign-in, registration,
sign-out and the language switch."""

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
from gigplatform.errors import DomainError
from gigplatform.security import (
    REFRESH_COOKIE,
    Kit,
    Principal,
    SecurityKit,
    SessionTokens,
    current_principal,
    session_cookies,
)
from web import i18n
from web.admin import home as admin_home
from web.audience import page_router
from web.forms import form_page, read_form
from web.rendering import Form, form_errors, page, safe_next
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


def _with_session(response: Response[Any], kit: SecurityKit, pair: SessionTokens | None) -> Response[Any]:
    for cookie in session_cookies(kit.settings, pair):
        response.set_cookie(cookie)
    return response


@get("/login", operation_id="page_login")
async def login_form(request: Request[Any, Any, Any], next: FromQuery[str | None] = None) -> Template:
    return page("public/login.html", request, next=safe_next(next), values={}, errors={})


@post("/login", operation_id="page_login_submit")
async def login_submit(request: Request[Any, Any, Any], data: Form, db_session: DbSession, kit: Kit) -> Response[Any]:
    """Not `form_page`: there a 401 means "sign in first" and leaves the form, while here it is the form's answer
    (the wrong password, counted: `discard` keeps that count)."""
    target = safe_next(data.get("next"))
    login = data.get("login", "")
    try:
        pair = await accounts.sign_in(db_session, kit, login=login, password=data.get("password", ""))
    except DomainError as exc:
        await discard(db_session, exc)
        status = exc.status if exc.status in (401, 403, 429) else 422
        errors = form_errors(exc)
        return page("public/login.html", request, status, next=target, values={"login": login}, errors=errors)
    return _with_session(Redirect(path=target), kit, pair)


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
        db_session, register, done=lambda pair: _with_session(Redirect(path="/"), kit, pair), again=again
    )


@post("/logout", operation_id="page_logout")
async def logout(request: Request[Any, Any, Any], db_session: DbSession, kit: Kit) -> Response[Any]:
    raw = request.cookies.get(REFRESH_COOKIE)
    if raw:
        await accounts.sign_out(db_session, kit.clock, raw)
    return _with_session(Redirect(path="/"), kit, None)


@get("/lang/{code:str}", operation_id="page_language")
async def switch_language(
    request: Request[Any, Any, Any], code: FromPath[str], next: FromQuery[str | None] = None
) -> Response[Any]:
    response = Redirect(path=safe_next(next))
    if code in i18n.LOCALES:
        response.set_cookie(Cookie(key=i18n.LANG_COOKIE, value=code, max_age=365 * 86400, samesite="lax", path="/"))
    return response


ROUTER = page_router(
    "public", [home, login_form, login_submit, register_form, register_submit, logout, switch_language]
)
