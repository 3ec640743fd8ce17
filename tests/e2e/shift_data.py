"""Shift data for the browser tests, against the server's own SQLite file: certifying freelancers (going through a
round, a typing test and an exam for each would test recruitment, not shifts) and moving a published slot to a
start a few minutes away on the real clock (the server runs on the system clock, and slots are published on the
hour only). The tests stand outside the layering here, as tests/shifts/conftest.py does.

The work runs in a thread of its own: the sync Playwright API keeps an event loop registered in the test's thread.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
from sqlalchemy import update

from gigplatform.db import make_engine, make_sessionmaker
from shifts.models import ShiftSlot
from shifts.policy import business_day_and_week
from tests.e2e.conftest import ServerEnv
from tests.shifts.conftest import certify

T = TypeVar("T")


def _run(work: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()


def _url(server_env: ServerEnv) -> str:
    return f"sqlite+aiosqlite:///{server_env.var_dir / 'gigplatform.db'}"


def certify_users(server_env: ServerEnv, user_ids: Sequence[str], tracks: tuple[str, ...] = ("pre_sales",)) -> None:
    async def work() -> None:
        engine = make_engine(_url(server_env))
        try:
            async with make_sessionmaker(engine)() as session:
                ids = [uuid.UUID(i) for i in user_ids]
                await certify(session, datetime.now(UTC), ids, tracks, created_by=ids[0], tag=uuid.uuid4().hex[:8])
                await session.commit()
        finally:
            await engine.dispose()

    _run(work())


def move_slot(server_env: ServerEnv, slot_id: str, starts_at: datetime, opens_at: datetime | None = None) -> None:
    """The slot now starts at `starts_at` (any minute), its window open since a day before, or from `opens_at`."""

    async def work() -> None:
        engine = make_engine(_url(server_env))
        day, week = business_day_and_week(starts_at)
        try:
            async with make_sessionmaker(engine)() as session:
                await session.execute(
                    update(ShiftSlot)
                    .where(ShiftSlot.id == uuid.UUID(slot_id))
                    .values(starts_at=starts_at, day=day, week=week, opens_at=opens_at or starts_at - timedelta(days=1))
                )
                await session.commit()
        finally:
            await engine.dispose()

    _run(work())


def api(server: str, login: str, password: str) -> httpx.Client:
    """An API client signed in as `login` (bearer token)."""
    tokens = httpx.post(f"{server}/api/auth/login", json={"login": login, "password": password})
    assert tokens.status_code == 200, tokens.text
    return httpx.Client(base_url=server, headers={"Authorization": f"Bearer {tokens.json()['access_token']}"})


def publish(
    admin: httpx.Client, dates: Sequence[str], hours: Sequence[int], tracks: Sequence[str], capacity: int
) -> list:
    body = {"dates": list(dates), "hours": list(hours), "tracks": list(tracks), "capacity": capacity, "pay_fen": 3000}
    published = admin.post("/api/admin/slots/publish", json=body)
    assert published.status_code == 200, published.text
    return published.json()["items"]
