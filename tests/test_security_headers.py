"""Every reply carries the security headers; pages and API replies are never cached, static files are."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import bearer, register, sign_in

Client = AsyncTestClient[Litestar]


def assert_secured(response, cache: str = "no-store") -> None:  # type: ignore[no-untyped-def]
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cache-control"] == cache


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/health", "/no-such-page"])
async def test_public_replies_are_secured(client: Client, path: str) -> None:
    response = await client.get(path, headers={"accept": "text/html"})
    assert_secured(response)


async def test_api_reply_with_personal_data_is_not_cached(client: Client) -> None:
    await register(client, "13911112222")
    me = await client.get("/api/me", headers=bearer(await sign_in(client, "13911112222")))
    assert me.status_code == 200
    assert_secured(me)
    refused = await client.get("/api/me")
    assert refused.status_code == 401
    assert_secured(refused)


async def test_static_files_are_cached_but_secured(client: Client) -> None:
    response = await client.get("/static/app.css")
    assert response.status_code == 200
    assert_secured(response, cache="public, max-age=3600")


def test_no_template_has_inline_script() -> None:
    """`script-src 'self'` would block it: every script is a file under /static."""
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parents[1] / "web" / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\son[a-z]+=", text), path
