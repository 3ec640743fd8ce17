"""The operator's commands: migrate, create-admin and demo (loaded once, logins printed every time)."""

from __future__ import annotations

import asyncio

import pytest

from gigplatform import cli, demo
from tests.conftest import bearer, sign_in


@pytest.fixture
def cli_env(monkeypatch, tmp_path, database_url) -> str:
    monkeypatch.setenv("GIG_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("GIG_DATABASE_URL", database_url)
    monkeypatch.setenv("GIG_ENV", "test")
    return database_url


async def run(*argv: str) -> int:
    return await asyncio.to_thread(cli.main, list(argv))


async def test_migrate_is_idempotent(cli_env, capsys) -> None:
    assert await run("migrate") == 0
    assert "head" in capsys.readouterr().out


async def test_create_admin_and_sign_in(cli_env, client, capsys) -> None:
    assert await run("create-admin", "--login", "Boss@Example.com", "--password", "abc12345") == 0
    assert "boss@example.com" in capsys.readouterr().out
    tokens = await sign_in(client, "boss@example.com")
    me = (await client.get("/api/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})).json()
    assert me["role"] == "admin"
    assert await run("create-admin", "--login", "boss@example.com", "--password", "abc12345") == 1
    assert "already registered" in capsys.readouterr().out
    assert await run("create-admin", "--login", "x", "--password", "short") == 1
    assert "login: format" in capsys.readouterr().out


async def test_demo_loads_once_and_prints_logins(cli_env, client, capsys) -> None:
    assert await run("demo") == 0
    first = capsys.readouterr().out
    for login in demo.ALL:
        assert login.login in first and login.password in first
    assert await run("demo") == 0
    assert "already loaded" in capsys.readouterr().out
    seller = await sign_in(client, demo.SELLER.login, demo.SELLER.password)
    shops = (await client.get("/api/shops", headers={"Authorization": f"Bearer {seller['access_token']}"})).json()[
        "items"
    ]
    assert [s["name"] for s in shops] == [demo.SHOP_NAME]
    members = (
        await client.get(
            f"/api/shops/{shops[0]['id']}/members", headers={"Authorization": f"Bearer {seller['access_token']}"}
        )
    ).json()["items"]
    assert sorted(m["permission"] for m in members) == ["configuration", "owner"]
    stages = []
    for worker in demo.WORKERS:
        tokens = await sign_in(client, worker.login, worker.password)
        (application,) = (await client.get("/api/me/applications", headers=bearer(tokens))).json()["items"]
        stages.append(application["status"])
    assert stages == ["exam", "typing", "training", "rejected", "withdrawn"]
    admin = bearer(await sign_in(client, demo.ADMIN.login, demo.ADMIN.password))
    rounds = (await client.get("/api/admin/rounds", headers=admin)).json()["items"]
    assert sorted(r["status"] for r in rounds) == ["draft", "open"]
    open_round = next(r for r in rounds if r["status"] == "open")
    assert len(open_round["training_module_ids"]) == 3
    modules = (await client.get("/api/admin/training-modules", headers=admin)).json()["items"]
    assert all(m["body_markdown"].startswith("# ") for m in modules)
    questions = (await client.get("/api/admin/questions", headers=admin)).json()
    assert questions["total"] >= 40
    (blueprint,) = (await client.get("/api/admin/exams", params={"round_id": open_round["id"]}, headers=admin)).json()[
        "items"
    ]
    assert blueprint["question_count"] == 20 and blueprint["pass_mark"] == 80


def test_production_without_secrets_refuses_to_start(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setenv("GIG_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("GIG_ENV", "production")
    monkeypatch.delenv("GIG_SECRET_KEY", raising=False)
    with pytest.raises(SystemExit) as exc:
        cli.main(["migrate"])
    assert exc.value.code == 2 and "GIG_SECRET_KEY is required" in capsys.readouterr().out


def test_demo_refuses_in_production_and_writes_nothing(monkeypatch, tmp_path, capsys) -> None:
    """Its accounts have known passwords: under GIG_ENV=production it must not run, even fully configured."""
    import base64

    database = tmp_path / "prod.db"
    monkeypatch.setenv("GIG_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("GIG_ENV", "production")
    monkeypatch.setenv("GIG_SECRET_KEY", "s" * 48)
    monkeypatch.setenv("GIG_FIELD_KEY", base64.urlsafe_b64encode(b"f" * 32).decode())
    monkeypatch.setenv("GIG_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.setenv("GIG_ALLOW_SQLITE", "1")
    assert cli.main(["demo"]) == 2
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "GIG_ENV=production" in out
    assert not database.exists()
    from gigplatform.config import Settings

    with pytest.raises(RuntimeError, match="production"):
        asyncio.run(demo.load(Settings.from_env()))
