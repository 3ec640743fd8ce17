"""The API's own description: one explorer (Swagger UI) served from this site's files, so it works offline and
under the pages' Content-Security-Policy (no CDN, no inline script). The JSON document stays at
`/schema/openapi.json`; `/schema` and `/schema/swagger` show the explorer; the other explorers Litestar offers
(redoc, elements, rapidoc, scalar) are off and answer 404.
"""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin

ASSETS = "/static/vendor/swagger-ui"  # swagger-ui-dist, version in that folder's VERSION file


class LocalSwaggerPlugin(OpenAPIRenderPlugin):
    """Swagger UI from the vendored bundle, started by a script file instead of an inline one."""

    def __init__(self) -> None:
        super().__init__(path=["/swagger", "/"])

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = escape(str(openapi_schema.get("info", {}).get("title", "API")))
        spec_url = escape(self.get_openapi_json_route(request))
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} API</title>
  <link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-spec-url="{spec_url}"></div>
  <script src="{ASSETS}/swagger-ui-bundle.js"></script>
  <script src="{ASSETS}/init.js"></script>
</body>
</html>""".encode()


RENDER_PLUGINS = [JsonRenderPlugin(), LocalSwaggerPlugin()]
