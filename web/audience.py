"""Deny by default: every page belongs to one audience's Router, whose guard runs before any of its handlers.

A handler added to `web.admin`, `web.worker` or `web.seller` cannot forget the sign-in or the role check; a
visitor who is not signed in is sent to the sign-in page (the 401 is rendered as a redirect for pages), and a
signed-in user of another role gets the 403 page. Public pages (landing, sign-in, registration) sit in the public
Router, which has no guard.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Router
from litestar.di import Provide
from litestar.types import ControllerRouterHandler

from gigplatform.security import authenticated, require_role
from web.forms import provide_visit

PAGE_OPT = {"page": True}
"""Route option read by the error handler: problems on these routes are always rendered as pages."""


def page_router(audience: str, handlers: Sequence[ControllerRouterHandler]) -> Router:
    """The Router of one audience ("admin", "worker", "seller", "signed_in" or "public") at the site's root."""
    guards: list[Any]
    if audience == "public":
        guards = []
    elif audience == "signed_in":
        guards = [authenticated]
    else:
        guards = [require_role(audience)]
    return Router(
        path="/",
        route_handlers=list(handlers),
        guards=guards,
        dependencies={} if audience == "public" else {"visit": Provide(provide_visit)},
        opt=dict(PAGE_OPT),
        include_in_schema=False,
    )


def collect_routes(package: str, path: Sequence[str]) -> list[ControllerRouterHandler]:
    """Every `ROUTES` list of the modules of an audience package, in module-name order, so adding a page module
    needs no second edit (and cannot land outside the package's guard)."""
    import importlib
    import pkgutil

    routes: list[ControllerRouterHandler] = []
    for info in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
        module = importlib.import_module(f"{package}.{info.name}")
        routes.extend(getattr(module, "ROUTES", ()))
    return routes
