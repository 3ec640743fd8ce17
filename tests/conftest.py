"""Shared fixtures: every database test runs twice, on SQLite and on PostgreSQL (where GIG_TEST_POSTGRES_URL is set).

The PostgreSQL half uses a database of its own, created for this run and dropped after it, so runs never collide
and never lean on leftovers. Time never passes by itself: tests move the `clock` fixture.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import secrets
import shutil
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.app import create_app
from gigplatform.clock import FakeClock
from gigplatform.config import Settings
from gigplatform.db import make_engine, make_sessionmaker
from gigplatform.migrations import runner
from gigplatform.migrations.metadata import target_metadata
from gigplatform.security import SecurityKit

POSTGRES_URL = os.environ.get("GIG_TEST_POSTGRES_URL", "").strip()
PG_SKIP_REASON = "PostgreSQL half: GIG_TEST_POSTGRES_URL is not set"
PASSWORD = "abc12345"


def asyncpg_url(url: str, database: str | None = None) -> str:
    """The SQLAlchemy async URL for `url` (any postgres scheme), optionally for another database."""
    parsed = make_url(url).set(drivername="postgresql+asyncpg")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def _admin_execute(url: str, *statements: str) -> None:
    engine = make_engine(asyncpg_url(url), isolation_level="AUTOCOMMIT", null_pool=True)
    try:
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str | None]:
    """A database of this run's own on the PostgreSQL server, migrated to head; None without a server."""
    if not POSTGRES_URL:
        yield None
        return
    name = f"gig_test_{os.getpid()}_{secrets.token_hex(4)}"
    asyncio.run(_admin_execute(POSTGRES_URL, f'CREATE DATABASE "{name}"'))
    url = asyncpg_url(POSTGRES_URL, name)
    try:
        runner.upgrade(url)
        yield url
    finally:
        asyncio.run(_admin_execute(POSTGRES_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; each test gets a copy, which is far cheaper than migrating again."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    runner.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


TABLES = ", ".join(t.name for t in reversed(target_metadata.sorted_tables))


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path, postgres_database: str | None
) -> str:
    """The parametrised database: a fresh SQLite copy, or the run's PostgreSQL database with every table emptied."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    if postgres_database is None:
        pytest.skip(PG_SKIP_REASON)
    await _admin_execute(postgres_database, f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    return postgres_database


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))


def make_settings(database_url: str, var_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "secret_key": "test-secret-" + "k" * 40,
        "field_key": base64.urlsafe_b64encode(b"f" * 32).decode(),
        "env": "test",
        "var_dir": var_dir,
        "run_jobs": False,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path)


@pytest.fixture
def kit(settings: Settings, clock: FakeClock) -> SecurityKit:
    return SecurityKit.build(settings, clock)


@pytest.fixture
async def session(settings: Settings) -> AsyncIterator[AsyncSession]:
    """A session for service-level tests, on the same database as the app."""
    engine = make_engine(settings.database_url)
    async with make_sessionmaker(engine)() as s:
        yield s
    await engine.dispose()


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> Litestar:
    return create_app(settings, clock)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as c:
        yield c


# --- helpers shared by the tests -----------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def scheduler_state(app: Litestar, settings: Settings) -> AsyncIterator[Any]:
    """The app's state as a scheduler in this event loop sees it: its own engine (pools are bound to one loop),
    so it also stands for a second app instance sharing the database."""
    engine = make_engine(settings.database_url)
    state = type(app.state)(dict(app.state))
    state.sessionmaker = make_sessionmaker(engine)
    try:
        yield state
    finally:
        await engine.dispose()


async def register(
    client: AsyncTestClient[Litestar], login: str, role: str = "worker", password: str = PASSWORD, **extra: Any
) -> dict[str, Any]:
    body = {"login": login, "password": password, "display_name": extra.pop("display_name", "测试用户"), "role": role}
    body.update(extra)
    response = await client.post("/api/auth/register", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def sign_in(client: AsyncTestClient[Litestar], login: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post("/api/auth/login", json={"login": login, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def bearer(tokens: dict[str, Any] | str) -> dict[str, str]:
    token = tokens if isinstance(tokens, str) else tokens["access_token"]
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: Any, status: int, field: str | None = None, rule: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status, naming `field` and `rule` when given."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status and body["type"].startswith("https://") and body["title"]
    if field is not None:
        assert any(e["field"] == field and (rule is None or e["rule"] == rule) for e in body.get("errors", [])), body
    return body


# --- one line about what was skipped ------------------------------------------------------------------------------


def pytest_terminal_summary(terminalreporter: Any) -> None:
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    if reasons:
        parts = "; ".join(f"{reason} ({n} tests)" for reason, n in reasons.most_common())
        terminalreporter.write_line(f"skipped: {parts}")
