"""The error contract (RFC 9457, field and rule named, never a 500 for bad input) and the operations endpoints."""

from __future__ import annotations

import pytest
from litestar import get
from litestar.testing import AsyncTestClient

from tests.conftest import assert_problem


async def test_health_and_ready(client) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert ready.status_code == 200 and ready.json()["checks"]["database"] == "ok"


async def test_ready_says_503_when_the_database_is_gone(tmp_path, clock) -> None:
    from gigplatform.app import create_app
    from tests.conftest import make_settings

    missing = tmp_path / "no" / "such" / "dir" / "db.sqlite"
    app = create_app(make_settings(f"sqlite+aiosqlite:///{missing}", tmp_path), clock)
    async with AsyncTestClient(app=app) as c:
        response = await c.get("/ready")
    assert response.status_code == 503 and response.json()["checks"]["database"] == "unreachable"


async def test_openapi_schema_names_the_routes(client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"register", "login", "refresh", "logout", "me", "health", "ready"} <= operations
    assert "/api/auth/register" in schema["paths"]


async def test_unknown_route_is_404_and_wrong_method_is_405(client) -> None:
    assert_problem(await client.get("/api/no-such-thing"), 404)
    assert_problem(await client.delete("/api/me"), 405)
    assert_problem(await client.get("/api/auth/login"), 405)


@pytest.mark.parametrize(
    ("content", "headers", "status", "field", "rule"),
    [
        ("{bad json", {"content-type": "application/json"}, 400, "body", "json"),
        ("[]", {"content-type": "application/json"}, 422, "body", "type"),
        ("", {"content-type": "application/json"}, 422, "body", "required"),
        ('{"login": "13912345678"}', {"content-type": "application/json"}, 422, "password", "required"),
        ('{"login": 1, "password": "x"}', {"content-type": "application/json"}, 422, "login", "type"),
    ],
)
async def test_malformed_bodies_are_4xx_naming_field_and_rule(client, content, headers, status, field, rule) -> None:
    response = await client.post("/api/auth/login", content=content, headers=headers)
    assert_problem(response, status, field, rule)


async def test_a_bad_uuid_in_the_path_is_404_not_500(client) -> None:
    assert_problem(await client.get("/api/shops/not-a-uuid"), 404)


async def test_unexpected_errors_are_500_without_internals(app, client) -> None:
    @get("/api/boom")
    async def boom() -> None:
        raise RuntimeError("secret internal detail")

    app.register(boom)
    body = assert_problem(await client.get("/api/boom"), 500)
    assert "secret" not in str(body)


async def test_pages_get_html_error_pages(client) -> None:
    response = await client.get("/no-such-page", headers={"accept": "text/html"})
    assert response.status_code == 404 and "text/html" in response.headers["content-type"]
    assert "404" in response.text and "页面不存在" in response.text


async def test_ready_checks_redis_when_configured(tmp_path, clock, database_url) -> None:
    import os

    from gigplatform.app import create_app
    from tests.conftest import make_settings

    down = create_app(make_settings(database_url, tmp_path, redis_url="redis://127.0.0.1:1/0"), clock)
    async with AsyncTestClient(app=down) as c:
        response = await c.get("/ready")
    assert response.status_code == 503 and response.json()["checks"]["redis"] == "unreachable"
    redis_url = os.environ.get("GIG_REDIS_URL")
    if not redis_url:
        pytest.skip("Redis checks: GIG_REDIS_URL is not set")
    up = create_app(make_settings(database_url, tmp_path, redis_url=redis_url), clock)
    async with AsyncTestClient(app=up) as c:
        response = await c.get("/ready")
    assert response.status_code == 200 and response.json()["checks"] == {"database": "ok", "redis": "ok"}
