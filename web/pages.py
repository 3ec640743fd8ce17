"""The page layer's wiring: the template engine, the error pages, the visitor's language, and every page Router.

Pages live by audience: `web.public` (anyone), and the packages `web.admin`, `web.worker`, `web.seller`, each
behind its role's guard. Pages call the same service functions as the API; a page holds no rule of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Litestar, Request, Response
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from gigplatform import notifications
from gigplatform.errors import Problem
from gigplatform.security import current_principal
from web import account, admin, i18n, live, public, seller, worker
from web.i18n import _
from web.rendering import FILTERS, page, sign_in_redirect
from web.worker import applications as worker_applications

HERE = Path(__file__).parent
__all__ = ["ROUTES", "install", "load_header", "render_problem_page", "set_language", "template_config"]


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


async def load_header(request: Request[Any, Any, Any]) -> None:
    """before_request hook: a signed-in visitor's unread notifications, for the page header (pages only)."""
    principal = current_principal(request)
    if principal is None or request.url.path.startswith(("/api/", "/static/")):
        return
    async with request.app.state.sessionmaker() as session:
        request.state.unread = await notifications.unread_count(session, principal.user_id)


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


ROUTES = [
    create_static_files_router(path="/static", directories=[HERE / "static"], include_in_schema=False),
    public.ROUTER,
    account.ROUTER,
    live.ROUTER,
    admin.ROUTER,
    worker.ROUTER,
    seller.ROUTER,
    worker_applications.SIGNED_IN,  # open rounds and an application: its applicant or an admin
]


def install(app: Litestar) -> None:
    """Hooks the page layer into the app: HTML error pages (the language is set by `set_language`)."""
    app.state["render_problem_page"] = render_problem_page
