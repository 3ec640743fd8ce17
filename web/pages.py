"""Server-rendered pages: the shell (layout, sign-in, registration, sign-out, language) and a home page per role.
Each domain's pages live in a module of their own (`web.recruitment_pages`) whose routes are collected here.

Pages call the same service functions as the API; a page holds no rule of its own. Failures from a service come
back as the form re-rendered with each field's message in the visitor's language.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from gigplatform.accounts import service as accounts
from gigplatform.accounts.models import Role, ShopPermission, Standing
from gigplatform.db import DbSession
from gigplatform.errors import DomainError, Problem
from gigplatform.security import REFRESH_COOKIE, Kit, SecurityKit, current_principal, session_cookies
from recruitment import service as recruitment
from web import admin, i18n, recruitment_pages, seller, worker
from web.i18n import _
from web.rendering import FIELD_MESSAGES, FILTERS, Form, form_errors, page, safe_next, sign_in_redirect

HERE = Path(__file__).parent
# FIELD_MESSAGES and the helpers live in web.rendering so every page module can share them; re-exported here.
__all__ = ["FIELD_MESSAGES", "ROUTES", "Form", "form_errors", "install", "page", "render_problem_page", "set_language"]


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        auto_reload=False,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(language_names=i18n.LANGUAGE_NAMES)
    env.filters.update(FILTERS)
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(env))


def apply_language(request: Request[Any, Any, Any]) -> None:
    """The visitor's language, from the cookie the language switch sets (Chinese by default)."""
    i18n.current_language.set(i18n.pick_language(request.cookies.get(i18n.LANG_COOKIE)))


async def set_language(request: Request[Any, Any, Any]) -> None:
    """before_request hook; async so it runs in the request's own context, where the templates read the language."""
    apply_language(request)


def render_problem_page(request: Request[Any, Any, Any], problem: Problem) -> Response[Any]:
    apply_language(request)
    if problem.status == 401:
        return sign_in_redirect(request)
    messages = {
        404: _("This page does not exist."),
        405: _("This page cannot be used that way."),
        403: _("You do not have permission to see this page."),
        429: _("Too many requests. Please slow down and try again."),
    }
    message = messages.get(problem.status, _("Something went wrong. Please try again."))
    return page("error.html", request, status_code=problem.status, status=problem.status, message=message)


@get("/", name="home", operation_id="page_home", include_in_schema=False)
async def home(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    return await render_home(request, db_session)


async def render_home(
    request: Request[Any, Any, Any], db_session: DbSession, errors: dict[str, str] | None = None, status: int = 200
) -> Template:
    """The signed-in visitor's home for their role, or the landing page for a visitor."""
    principal = current_principal(request)
    if principal is None:
        return page("landing.html", request)
    user = await accounts.get_user(db_session, principal.user_id)
    context: dict[str, Any] = {"user": user, "errors": errors or {}}
    if user.role == Role.SELLER:
        shops = await accounts.list_shops(db_session, principal)
        members = {
            a.shop.id: await accounts.list_members(db_session, principal, a.shop.id)
            for a in shops
            if a.member.permission == ShopPermission.OWNER
        }
        context.update(shops=shops, members=members, permissions=[p for p in ShopPermission if p != "owner"])
    elif user.role == Role.ADMIN:
        context.update(counts=await accounts.count_users(db_session), standings=[s.value for s in Standing])
    elif user.role == Role.WORKER:
        context.update(
            applications=await recruitment.my_applications(db_session, principal),
            in_good_standing=accounts.in_good_standing(user),
            certifications=await recruitment.certifications(db_session, principal.user_id),
        )
    return page(f"home_{user.role.value}.html", request, status, **context)


@get("/login", operation_id="page_login", include_in_schema=False)
async def login_form(request: Request[Any, Any, Any], next: FromQuery[str | None] = None) -> Template:
    return page("login.html", request, next=safe_next(next), values={}, errors={})


def _with_session(response: Response[Any], kit: SecurityKit, pair: Any) -> Response[Any]:
    for cookie in session_cookies(kit.settings, pair):
        response.set_cookie(cookie)
    return response


@post("/login", operation_id="page_login_submit", include_in_schema=False)
async def login_submit(request: Request[Any, Any, Any], data: Form, db_session: DbSession, kit: Kit) -> Response[Any]:
    target = safe_next(data.get("next"))
    try:
        pair = await accounts.sign_in(db_session, kit, login=data.get("login", ""), password=data.get("password", ""))
    except DomainError as exc:
        status = exc.status if exc.status in (401, 403, 429) else 422
        values = {"login": data.get("login", "")}
        return page("login.html", request, status, next=target, values=values, errors=form_errors(exc))
    return _with_session(Redirect(path=target), kit, pair)


@get("/register", operation_id="page_register", include_in_schema=False)
async def register_form(request: Request[Any, Any, Any], role: FromQuery[str] = "worker") -> Template:
    return page(
        "register.html", request, values={"role": role if role in ("worker", "seller") else "worker"}, errors={}
    )


@post("/register", operation_id="page_register_submit", include_in_schema=False)
async def register_submit(
    request: Request[Any, Any, Any], data: Form, db_session: DbSession, kit: Kit
) -> Response[Any]:
    values = {k: data.get(k, "") for k in ("login", "display_name", "role", "shop_name")}
    try:
        await accounts.register_user(
            db_session,
            kit,
            login=values["login"],
            password=data.get("password", ""),
            display_name=values["display_name"],
            role=values["role"],
            shop_name=(values["shop_name"].strip() or None) if values["role"] == "seller" else None,
        )
        pair = await accounts.sign_in(db_session, kit, login=values["login"], password=data.get("password", ""))
    except DomainError as exc:
        return page(
            "register.html", request, exc.status if exc.status == 409 else 422, values=values, errors=form_errors(exc)
        )
    return _with_session(Redirect(path="/"), kit, pair)


@post("/logout", operation_id="page_logout", include_in_schema=False)
async def logout(request: Request[Any, Any, Any], db_session: DbSession, kit: Kit) -> Response[Any]:
    raw = request.cookies.get(REFRESH_COOKIE)
    if raw:
        await accounts.sign_out(db_session, kit, raw)
    return _with_session(Redirect(path="/"), kit, None)


@get("/lang/{code:str}", operation_id="page_language", include_in_schema=False)
async def switch_language(
    request: Request[Any, Any, Any], code: FromPath[str], next: FromQuery[str | None] = None
) -> Response[Any]:
    response = Redirect(path=safe_next(next))
    if code in i18n.LOCALES:
        response.set_cookie(Cookie(key=i18n.LANG_COOKIE, value=code, max_age=365 * 86400, samesite="lax", path="/"))
    return response


@post("/shops", operation_id="page_create_shop", include_in_schema=False)
async def create_shop(request: Request[Any, Any, Any], data: Form, db_session: DbSession, kit: Kit) -> Response[Any]:
    principal = current_principal(request)
    if principal is None:
        return sign_in_redirect(request)
    try:
        await accounts.create_shop(db_session, kit, principal, name=data.get("name", ""))
    except DomainError as exc:
        return await _home_with_errors(request, db_session, exc)
    return Redirect(path="/")


@post("/shops/{shop_id:uuid}/members", operation_id="page_add_sub_account", include_in_schema=False)
async def add_sub_account(
    request: Request[Any, Any, Any], shop_id: FromPath[uuid.UUID], data: Form, db_session: DbSession, kit: Kit
) -> Response[Any]:
    principal = current_principal(request)
    if principal is None:
        return sign_in_redirect(request)
    try:
        await accounts.add_sub_account(
            db_session,
            kit,
            principal,
            shop_id,
            login=data.get("login", ""),
            password=data.get("password", ""),
            display_name=data.get("display_name", ""),
            permission=data.get("permission", ""),
        )
    except DomainError as exc:
        return await _home_with_errors(request, db_session, exc)
    return Redirect(path="/")


async def _home_with_errors(request: Request[Any, Any, Any], db_session: DbSession, exc: DomainError) -> Any:
    if exc.status in (403, 404):
        raise exc
    return await render_home(request, db_session, errors=form_errors(exc), status=422)


ROUTES = [
    home,
    login_form,
    login_submit,
    register_form,
    register_submit,
    logout,
    switch_language,
    create_shop,
    add_sub_account,
    create_static_files_router(path="/static", directories=[HERE / "static"], include_in_schema=False),
    admin.ROUTER,
    worker.ROUTER,
    seller.ROUTER,
    # pages not yet moved into an audience package check the visitor themselves
    *recruitment_pages.ROUTES,
]


def install(app: Litestar) -> None:
    """Hooks the page layer into the app: HTML error pages (the language is set by `set_language`)."""
    app.state["render_problem_page"] = render_problem_page
