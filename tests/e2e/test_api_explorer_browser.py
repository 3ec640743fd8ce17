"""The API explorer works offline: Swagger UI from this site's own files, under the pages' Content-Security-Policy.

Before: /schema/swagger, /redoc, /elements and /rapidoc loaded their scripts from public CDNs and were blank here;
/schema/scalar answered a bare 404. Now one explorer is served locally and the others are off.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Page, expect


def test_swagger_ui_renders_the_api_from_local_files(page: Page, server: str, screenshots: Path) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))

    page.goto("/schema/swagger")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("gigplatform")
    expect(page.locator(".opblock-tag").first).to_be_visible()  # the operations, grouped by tag
    page.screenshot(path=str(screenshots / "api_explorer.png"))

    assert requested and all(url.startswith(server) for url in requested), requested
    refused = [text for text in console if "Content Security Policy" in text]
    assert not refused, refused


def test_the_other_explorers_are_off(server: str) -> None:
    for path in ("/schema/redoc", "/schema/elements", "/schema/rapidoc", "/schema/scalar"):
        assert httpx.get(server + path).status_code == 404, path
    assert httpx.get(server + "/schema").status_code == 200
