"""Bound parameters never reach an error or a log: they carry password hashes, legal names, phone numbers.

Seen before the fix on PostgreSQL: a failed INSERT logged the whole parameter list with the 500. Each test forces a
real database error with a recognisable value among the parameters and scans what came out.
"""

from __future__ import annotations

import logging

import pytest
from litestar import get
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from gigplatform.app import create_app
from gigplatform.clock import FakeClock
from gigplatform.config import Settings
from gigplatform.db import DbSession, make_engine

SECRET = "13912345678-李秘密-110105199001011234"


class Collected(logging.Handler):
    """Every record, formatted with its traceback, as one text to scan."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


async def test_engine_errors_hide_parameters(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    engine = make_engine(settings.database_url, **settings.engine_options())
    caplog.set_level(logging.DEBUG)
    try:
        async with engine.begin() as conn:
            with pytest.raises(DBAPIError) as failure:
                await conn.execute(text("INSERT INTO users (login) VALUES (:login)"), {"login": SECRET})
    finally:
        await engine.dispose()
    assert SECRET not in str(failure.value)
    assert "hidden" in str(failure.value)  # SQLAlchemy says the parameters were left out, not that there were none
    assert SECRET not in caplog.text


async def test_a_500_from_the_database_logs_no_parameters(settings: Settings, clock: FakeClock) -> None:
    @get("/api/test-failing-insert")
    async def failing_insert(db_session: DbSession) -> None:
        await db_session.execute(text("INSERT INTO users (login) VALUES (:login)"), {"login": SECRET})

    app = create_app(settings, clock)
    app.register(failing_insert)
    seen = Collected()
    async with AsyncTestClient(app=app) as client:
        # Litestar configures logging when the app starts; listen at the root afterwards, at every level
        root = logging.getLogger()
        level = root.level
        root.addHandler(seen)
        root.setLevel(logging.DEBUG)
        try:
            response = await client.get("/api/test-failing-insert")
        finally:
            root.removeHandler(seen)
            root.setLevel(level)
    assert response.status_code == 500
    assert SECRET not in response.text
    assert "unhandled error" in seen.text  # the failure itself is logged, with its traceback
    assert SECRET not in seen.text


def test_pool_settings_come_from_the_environment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        "GIG_VAR_DIR": str(tmp_path),
        "GIG_DB_POOL_SIZE": "24",
        "GIG_DB_MAX_OVERFLOW": "0",
        "GIG_DB_POOL_RECYCLE_SECONDS": "600",
        "GIG_DB_POOL_TIMEOUT_SECONDS": "2.5",
    }
    options = Settings.from_env(env).engine_options()
    assert options == {
        "pool_size": 24,
        "max_overflow": 0,
        "pool_recycle": 600,
        "pool_timeout": 2.5,
        "pool_pre_ping": False,
    }
    assert Settings.from_env({**env, "GIG_DB_POOL_PRE_PING": "1"}).engine_options()["pool_pre_ping"] is True
    assert Settings.from_env({"GIG_VAR_DIR": str(tmp_path)}).engine_options()["max_overflow"] == 0


async def test_postgres_pool_has_no_pre_ping(settings: Settings) -> None:
    engine = make_engine(settings.database_url, **settings.engine_options())
    try:
        assert engine.pool._pre_ping is False  # type: ignore[attr-defined]
        if engine.dialect.name == "postgresql":
            assert engine.pool.size() == settings.db_pool_size  # type: ignore[attr-defined]
    finally:
        await engine.dispose()
