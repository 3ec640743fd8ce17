"""The `Allow` header of an OPTIONS reply and of a 405: every method the path answers, read from the app's routes.

Litestar builds one OPTIONS handler per route object and, when a second handler joins a path (a GET and a POST in
separate methods of a Controller), keeps the first object's handler, whose `Allow` names only the first handler's
methods. This hook rewrites the header from the finished route map, so both replies list the same full set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar.datastructures import MutableScopeHeaders
from litestar.exceptions import HTTPException
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope

if TYPE_CHECKING:
    from litestar import Litestar


def allowed_methods(app: Litestar, path: str) -> str | None:
    """`"GET, OPTIONS, POST"` for the route serving `path` (a request path), or None when no HTTP route does."""
    try:
        *_, template = app.asgi_router.handle_routing(path=path, method="OPTIONS")  # every HTTP route answers it
    except HTTPException:
        return None
    methods: set[str] = set()
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path_format == template:
            methods |= set(route.methods)
    return ", ".join(sorted(methods)) if methods else None


async def complete_allow_header(message: Message, scope: Scope) -> None:
    """Litestar `before_send` hook: an OPTIONS reply or a 405 names every method of its path."""
    if message["type"] != "http.response.start":
        return
    if scope.get("method") != "OPTIONS" and message["status"] != 405:
        return
    headers = MutableScopeHeaders.from_message(message)
    if "allow" not in headers:
        return
    methods = allowed_methods(scope["app"], scope["path"])
    if methods:
        headers["allow"] = methods
