"""Role guards: each role's routes refuse the other roles and anonymous callers."""

from __future__ import annotations

import inspect

import pytest
from litestar import get

from gigplatform.accounts import service
from gigplatform.security import admin_only, authenticated, seller_only, worker_only
from tests.conftest import assert_problem, bearer, register, sign_in


@get("/api/probe/admin", guards=[admin_only])
async def admin_probe() -> str:
    return "admin"


@get("/api/probe/seller", guards=[seller_only])
async def seller_probe() -> str:
    return "seller"


@get("/api/probe/worker", guards=[worker_only])
async def worker_probe() -> str:
    return "worker"


@get("/api/probe/anyone", guards=[authenticated])
async def anyone_probe() -> str:
    return "anyone"


@pytest.fixture
async def tokens(client, session, kit) -> dict:
    await register(client, "13900000001")
    await register(client, "13800000001", role="seller")
    await service.create_admin(session, kit, login="admin@example.com", password="abc12345", display_name="管理员")
    await session.commit()
    return {
        "worker": await sign_in(client, "13900000001"),
        "seller": await sign_in(client, "13800000001"),
        "admin": await sign_in(client, "admin@example.com"),
    }


async def test_each_role_guard(app, client, tokens) -> None:
    for probe in (admin_probe, seller_probe, worker_probe, anyone_probe):
        app.register(probe)
    for role in ("admin", "seller", "worker"):
        for target in ("admin", "seller", "worker"):
            response = await client.get(f"/api/probe/{target}", headers=bearer(tokens[role]))
            if role == target:
                assert response.status_code == 200 and response.text == target
            else:
                assert_problem(response, 403, "role", "role_required")
        assert (await client.get("/api/probe/anyone", headers=bearer(tokens[role]))).status_code == 200
    for target in ("admin", "seller", "worker", "anyone"):
        assert_problem(await client.get(f"/api/probe/{target}"), 401)


async def test_admin_created_from_the_cli_service_signs_in_with_admin_role(client, tokens) -> None:
    me = (await client.get("/api/me", headers=bearer(tokens["admin"]))).json()
    assert me["role"] == "admin" and me["login"] == "admin@example.com"


def test_guards_run_on_the_event_loop() -> None:
    """Litestar runs a sync guard in a worker thread; ours only read the token, so they are coroutines."""
    for guard in (admin_only, seller_only, worker_only, authenticated):
        assert inspect.iscoroutinefunction(guard), guard.__name__
