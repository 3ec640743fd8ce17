"""Hostile input answered with a 4xx naming the field, never a 500: NUL characters and absurdly nested JSON.

Seen before the fix: a NUL in any text field was a 500 on PostgreSQL (12 endpoints, registration and sign-in among
them), and JSON nested 1,000 levels deep was a RecursionError for anyone, signed in or not.
"""

from __future__ import annotations

import json

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts import service as accounts
from gigplatform.accounts.models import User
from gigplatform.security import SecurityKit
from tests.conftest import PASSWORD, assert_problem, bearer, register, sign_in

Client = AsyncTestClient[Litestar]


@pytest.mark.parametrize("field", ["login", "display_name", "password"])
async def test_nul_in_registration_is_refused_naming_the_field(
    client: Client, session: AsyncSession, field: str
) -> None:
    body = {"login": "13911110000", "password": PASSWORD, "display_name": "张三", "role": "worker"}
    body[field] = body[field][:2] + "\x00" + body[field][2:]
    response = await client.post("/api/auth/register", json=body)
    assert_problem(response, 422, field, "control_character")
    assert await session.scalar(select(func.count()).select_from(User)) == 0


async def test_nul_in_sign_in_is_refused(client: Client) -> None:
    response = await client.post("/api/auth/login", json={"login": "139\x0011110000", "password": PASSWORD})
    assert_problem(response, 422, "login", "control_character")


async def test_nul_in_a_nested_field_names_its_path(client: Client) -> None:
    await register(client, "13911110001")
    headers = bearer(await sign_in(client, "13911110001"))
    response = await client.post("/api/auth/logout", json={"refresh_token": ["ok", "b\x00d"]}, headers=headers)
    assert_problem(response, 422, "refresh_token[1]", "control_character")


async def test_nul_in_a_query_parameter_is_refused(client: Client) -> None:
    await register(client, "13911110002")
    headers = bearer(await sign_in(client, "13911110002"))
    response = await client.get("/api/me?q=a%00b", headers=headers)
    assert_problem(response, 422, "q", "control_character")


async def test_nul_in_a_form_is_refused(client: Client) -> None:
    await client.get("/login")
    token = client.cookies.get("gig_csrf")
    response = await client.post(
        "/login",
        content="login=139%0011110000&password=x",
        headers={"content-type": "application/x-www-form-urlencoded", "x-csrftoken": token or ""},
    )
    assert response.status_code == 422
    assert "control_character" in response.text or response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
async def test_deeply_nested_json_is_refused_without_signing_in(client: Client, depth: int) -> None:
    response = await client.post(
        "/api/auth/login", content="[" * depth + "]" * depth, headers={"content-type": "application/json"}
    )
    assert_problem(response, 422, "body", "depth")


async def test_ordinary_nesting_and_brackets_in_strings_pass(client: Client) -> None:
    name = "[[[[" * 20 + "{" * 40  # brackets inside a string do not nest
    response = await client.post(
        "/api/auth/register",
        content=json.dumps({"login": "13911110003", "password": PASSWORD, "display_name": name[:32], "role": "worker"}),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None]
)
async def test_api_refuses_bodies_that_are_not_json(client: Client, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    body = json.dumps({"login": "13911110004", "password": PASSWORD, "display_name": "张三", "role": "worker"})
    response = await client.post("/api/auth/register", content=body, headers=headers)
    assert_problem(response, 415, "content-type", "media_type")


async def test_api_takes_json_with_a_charset(client: Client) -> None:
    body = json.dumps({"login": "13911110005", "password": PASSWORD, "display_name": "张三", "role": "worker"})
    response = await client.post(
        "/api/auth/register", content=body, headers={"content-type": "application/json; charset=utf-8"}
    )
    assert response.status_code == 201, response.text


async def _admin_headers(client: Client, session: AsyncSession, kit: SecurityKit) -> dict[str, str]:
    await accounts.create_admin(session, kit, login="admin@example.com", password=PASSWORD, display_name="管理员")
    await session.commit()
    return bearer(await sign_in(client, "admin@example.com"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"active": 0}, "active"),  # seen: schemathesis's "active": 0 was taken for false
        ({"active": "true"}, "active"),
        ({"min_reading_seconds": "60"}, "min_reading_seconds"),
        ({"min_reading_seconds": 60.5}, "min_reading_seconds"),
    ],
)
async def test_a_json_body_is_read_strictly_as_its_document_types(
    client: Client, session: AsyncSession, kit: SecurityKit, change: dict[str, object], field: str
) -> None:
    """Litestar converts bodies with msgspec's lax rules (made for query strings): a number passed for a boolean
    and a string for a number. The body is read as its route's type strictly first."""
    headers = await _admin_headers(client, session, kit)
    body = {"title": "服务规范", "body_markdown": "# 服务规范", "min_reading_seconds": 60, **change}
    response = await client.post("/api/admin/training-modules", json=body, headers=headers)
    assert_problem(response, 422, field, "type")
    assert (await client.get("/api/admin/training-modules", headers=headers)).json()["items"] == []
    created = await client.post(
        "/api/admin/training-modules",
        json={"title": "服务规范", "body_markdown": "# 服务规范", "min_reading_seconds": 60, "active": False},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["active"] is False
    patched = await client.patch(f"/api/admin/training-modules/{created.json()['id']}", json=change, headers=headers)
    assert_problem(patched, 422, field, "type")


async def test_a_whole_number_written_with_a_fraction_is_an_integer(
    client: Client, session: AsyncSession, kit: SecurityKit
) -> None:
    """JSON Schema's integer is any number without a fraction, 60.0 included: strict reading keeps that promise."""
    headers = await _admin_headers(client, session, kit)
    body = {"title": "服务规范", "body_markdown": "# 服务规范", "min_reading_seconds": 60.0}
    response = await client.post("/api/admin/training-modules", json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["min_reading_seconds"] == 60
    body["min_reading_seconds"] = 60.5
    assert_problem(
        await client.post("/api/admin/training-modules", json=body, headers=headers), 422, "min_reading_seconds"
    )


@pytest.mark.parametrize("body", [b"[", b'{"title": ', b"[1, 2"])
async def test_malformed_json_is_a_400(client: Client, session: AsyncSession, kit: SecurityKit, body: bytes) -> None:
    """Seen: "[" sent to a route reading an object was a 500 (the strict reading saw an array, then failed to
    decode it a second time)."""
    headers = await _admin_headers(client, session, kit)
    response = await client.post(
        "/api/admin/training-modules", content=body, headers={**headers, "content-type": "application/json"}
    )
    assert_problem(response, 400)
