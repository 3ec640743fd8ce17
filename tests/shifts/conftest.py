"""Shift fixtures: an admin, certified freelancers made in bulk by SQL (no HTTP registration, so a thousand cost
a fraction of a second), slots published through the API, and the clock set to when a slot's window opens.

Certifications are written straight into recruitment's tables here: the tests stand outside the layering, and
going through rounds, typing tests and exams for a thousand people would test recruitment, not shifts.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts.models import User
from gigplatform.clock import BUSINESS_TZ, FakeClock
from gigplatform.config import Settings
from gigplatform.db import uuid7
from gigplatform.security import SecurityKit
from recruitment.models import Application, Certification, Round
from tests.conftest import bearer, make_settings
from tests.recruitment.conftest import concurrently, job_state, make_admin  # noqa: F401  (re-exported for the tests)

Client = AsyncTestClient[Litestar]
Headers = dict[str, str]
ALL_TRACKS = ("pre_sales", "after_sales", "complaints")
DAY = date(2026, 3, 5)  # a Thursday; the clock starts on Monday 2 March, 09:00 in Shanghai


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path, access_token_minutes=90 * 24 * 60)


@dataclass
class Freelancer:
    user_id: Any
    headers: Headers


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An instant given in Shanghai time, as UTC."""
    return datetime.combine(day, time(hour, minute), BUSINESS_TZ).astimezone(UTC)


def window_of(day: date) -> datetime:
    """When a slot of `day` opens by default: two days before, 20:00."""
    return at(day - timedelta(days=2), 20)


MakeFreelancers = Callable[..., Awaitable[list[Freelancer]]]

_seq = itertools.count(1)


@pytest.fixture
def make_freelancers(session: AsyncSession, kit: SecurityKit, clock: FakeClock) -> MakeFreelancers:
    """`n` worker accounts certified for `tracks`, inserted by SQL, each with a bearer token."""

    async def make(n: int = 1, tracks: tuple[str, ...] = ALL_TRACKS, standing: str = "good") -> list[Freelancer]:
        now = clock.now()
        admin_id = uuid7()
        batch = next(_seq)
        users = [
            {
                "id": uuid7(),
                "login": f"w{batch}-{i}@example.com",
                "login_kind": "email",
                "display_name": f"工人{i}",
                "password_hash": "x",
                "role": "worker",
                "standing": standing,
                "created_at": now,
            }
            for i in range(n)
        ]
        admin = {**users[0], "id": admin_id, "login": f"a{batch}@example.com", "role": "admin", "standing": "good"}
        await session.execute(insert(User), [admin, *users])
        round_id = uuid7()
        await session.execute(
            insert(Round).values(
                id=round_id,
                title="t",
                description="",
                tracks=list(ALL_TRACKS),
                opens_at=now,
                closes_at=now,
                quota=n,
                certified_count=n,
                min_age=18,
                min_typing_cpm=0,
                min_typing_accuracy=0,
                typing_attempts=3,
                student_preferred=False,
                status="closed",
                created_by=admin_id,
                created_at=now,
                updated_at=now,
            )
        )
        if tracks:
            applications = [
                {
                    "id": uuid7(),
                    "round_id": round_id,
                    "user_id": u["id"],
                    "legal_name": "x",
                    "id_number_encrypted": "x",
                    "id_hash": f"{batch}-{i}",
                    "age_at_application": 20,
                    "phone": "13900000000",
                    "is_student": False,
                    "tracks": list(tracks),
                    "status": "certified",
                    "status_reason": "",
                    "identity_attempts": 0,
                    "typing_attempts_used": 0,
                    "passed_tracks": list(tracks),
                    "created_at": now,
                    "updated_at": now,
                }
                for i, u in enumerate(users)
            ]
            await session.execute(insert(Application), applications)
            certifications = [
                {
                    "id": uuid7(),
                    "user_id": a["user_id"],
                    "track": t,
                    "application_id": a["id"],
                    "round_id": round_id,
                    "certified_at": now,
                }
                for a in applications
                for t in tracks
            ]
            await session.execute(insert(Certification), certifications)
        await session.commit()
        return [Freelancer(u["id"], bearer(kit.access_tokens.issue(u["id"], "worker").token)) for u in users]

    return make


@pytest.fixture
async def freelancer(make_freelancers: MakeFreelancers) -> Freelancer:
    return (await make_freelancers(1))[0]


@pytest.fixture
async def admin(client: Client, session: AsyncSession, kit: SecurityKit) -> Headers:
    return await make_admin(client, session, kit, "admin@example.com")


Publish = Callable[..., Awaitable[list[dict[str, Any]]]]


@pytest.fixture
def publish(client: Client, admin: Headers) -> Publish:
    """Publishes slots through the API; returns the items of the reply."""

    async def run(
        dates: tuple[date, ...] = (DAY,),
        hours: tuple[int, ...] = (10,),
        tracks: tuple[str, ...] = ("pre_sales",),
        capacity: int = 2,
        pay_fen: int = 3000,
        **extra: Any,
    ) -> list[dict[str, Any]]:
        body = {
            "dates": [d.isoformat() for d in dates],
            "hours": list(hours),
            "tracks": list(tracks),
            "capacity": capacity,
            "pay_fen": pay_fen,
            **extra,
        }
        response = await client.post("/api/admin/slots/publish", json=body, headers=admin)
        assert response.status_code == 200, response.text
        return response.json()["items"]

    return run


async def book(client: Client, who: Freelancer, slot_id: str, key: str | None = None) -> Any:
    headers = dict(who.headers)
    if key is not None:
        headers["Idempotency-Key"] = key
    return await client.post(f"/api/slots/{slot_id}/bookings", headers=headers)


def reason_of(response: Any) -> str:
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["errors"][0]["rule"] == body["reason"], body
    return body["reason"]
