"""Server-rendered pages: the shell (layout, sign-in, registration, sign-out, language) and a home page per role.

Pages call the same service functions as the API; a page holds no rule of its own. Failures from a service come
back as the form re-rendered with each field's message in the visitor's language.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from sqlalchemy import func, select

from gigplatform.accounts import service as accounts
from gigplatform.accounts.models import Role, ShopPermission, Standing, User
from gigplatform.db import DbSession
from gigplatform.errors import DomainError, FieldError, Problem
from gigplatform.security import REFRESH_COOKIE, Kit, SecurityKit, current_principal, session_cookies
from web import i18n
from web.i18n import N_, _

HERE = Path(__file__).parent
Form = URLEncodedBody[dict[str, str]]

# Each (field, rule) a form can break, in the visitor's language; anything else falls back to the service's text.
FIELD_MESSAGES: dict[tuple[str, str], str] = {
    ("login", "format"): N_("Enter an 11-digit mainland mobile number or an e-mail address."),
    ("login", "unique"): N_("This login is already registered."),
    ("login", "too_many_failures"): N_("Too many failed sign-ins for this login. Please try again later."),
    ("login", "standing"): N_("This account is banned."),
    ("password", "min_length"): N_("The password needs at least 8 characters."),
    ("password", "max_length"): N_("The password may have at most 128 characters."),
    ("password", "letters_and_digits"): N_("The password needs both letters and digits."),
    ("password", "credentials"): N_("The login or the password is wrong."),
    ("display_name", "length"): N_("The display name needs 1 to 32 characters."),
    ("role", "one_of"): N_("Choose whether you join as a freelancer or as a seller."),
    ("shop_name", "length"): N_("The shop name needs 1 to 64 characters."),
    ("name", "length"): N_("The shop name needs 1 to 64 characters."),
    ("permission", "one_of"): N_("Choose a permission."),
    ("role", "sub_account"): N_("A sub-account cannot open shops of its own."),
    ("role", "role_required"): N_("Only sellers can open shops."),
    ("shop_name", "seller_only"): N_("Only sellers register a shop."),
    ("permission", "one_owner"): N_("A shop has exactly one owner."),
}


def _translated(error: FieldError) -> str:
    message = FIELD_MESSAGES.get((error.field, error.rule))
    return _(message) if message else error.message


def form_errors(exc: DomainError) -> dict[str, str]:
    """Field name -> translated message, for the form that is shown again."""
    return {e.field: _translated(e) for e in exc.errors} or {"form": exc.detail}


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        auto_reload=False,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(language_names=i18n.LANGUAGE_NAMES)
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(env))


def apply_language(request: Request[Any, Any, Any]) -> None:
    """The visitor's language, from the cookie the language switch sets (Chinese by default)."""
    i18n.current_language.set(i18n.pick_language(request.cookies.get(i18n.LANG_COOKIE)))


async def set_language(request: Request[Any, Any, Any]) -> None:
    """before_request hook; async so it runs in the request's own context, where the templates read the language."""
    apply_language(request)


def page(name: str, request: Request[Any, Any, Any], status_code: int = 200, **context: Any) -> Template:
    lang = i18n.current_language.get()
    return Template(
        template_name=name,
        context={
            "principal": current_principal(request),
            "lang": lang,
            "html_lang": i18n.HTML_LANG[lang],
            "path": request.url.path,
            **context,
        },
        status_code=status_code,
    )


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so `?next=` can't send anyone to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _sign_in_redirect(request: Request[Any, Any, Any]) -> Redirect:
    return Redirect(path="/login?" + urlencode({"next": request.url.path}))


def render_problem_page(request: Request[Any, Any, Any], problem: Problem) -> Response[Any]:
    apply_language(request)
    if problem.status == 401:
        return _sign_in_redirect(request)
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
        rows = await db_session.execute(
            select(User.role, User.standing, func.count()).group_by(User.role, User.standing)
        )
        counts: dict[str, dict[str, int]] = {r.value: {s.value: 0 for s in Standing} for r in Role}
        for role, standing, n in rows.all():
            counts[role.value][standing.value] = n
        context.update(counts=counts, standings=[s.value for s in Standing])
    return page(f"home_{user.role.value}.html", request, status, **context)


@get("/login", operation_id="page_login", include_in_schema=False)
async def login_form(request: Request[Any, Any, Any], next: FromQuery[str | None] = None) -> Template:
    return page("login.html", request, next=_safe_next(next), values={}, errors={})


def _with_session(response: Response[Any], kit: SecurityKit, pair: Any) -> Response[Any]:
    for cookie in session_cookies(kit.settings, pair):
        response.set_cookie(cookie)
    return response


@post("/login", operation_id="page_login_submit", include_in_schema=False)
async def login_submit(request: Request[Any, Any, Any], data: Form, db_session: DbSession, kit: Kit) -> Response[Any]:
    target = _safe_next(data.get("next"))
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
    response = Redirect(path=_safe_next(next))
    if code in i18n.LOCALES:
        response.set_cookie(Cookie(key=i18n.LANG_COOKIE, value=code, max_age=365 * 86400, samesite="lax", path="/"))
    return response


@post("/shops", operation_id="page_create_shop", include_in_schema=False)
async def create_shop(request: Request[Any, Any, Any], data: Form, db_session: DbSession, kit: Kit) -> Response[Any]:
    principal = current_principal(request)
    if principal is None:
        return _sign_in_redirect(request)
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
        return _sign_in_redirect(request)
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
]


def install(app: Litestar) -> None:
    """Hooks the page layer into the app: HTML error pages (the language is set by `set_language`)."""
    app.state["render_problem_page"] = render_problem_page
