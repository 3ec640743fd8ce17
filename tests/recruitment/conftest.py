"""Shared recruitment fixtures: an admin, workers with their own real ID numbers, rounds opened through the API,
and the steps of the pipeline as one-line helpers.

Every helper goes through the HTTP API, so the tests exercise what a browser or the mobile app would send.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.cn import ric

from gigplatform.accounts import service as accounts
from gigplatform.clock import FakeClock
from gigplatform.config import Settings
from gigplatform.security import SecurityKit
from tests.conftest import PASSWORD, assert_problem, bearer, make_settings, register, scheduler_state, sign_in

Client = AsyncTestClient[Litestar]
Headers = dict[str, str]


def valid_id(birth: date, region: str = "110105", seq: str = "001") -> str:
    """An 18-character resident ID number for `birth` with the right GB 11643 check digit."""
    body = f"{region}{birth:%Y%m%d}{seq}"
    assert len(body) == 17, body
    return body + ric.calc_check_digit(body + "0")


def iso(instant: datetime) -> str:
    return instant.isoformat()


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def compact(text: str) -> str:
    """The passage as the server scores it: whitespace does not count."""
    return "".join(text.split())


@dataclass
class Worker:
    """A registered, signed-in freelancer and the real person behind the account."""

    login: str
    user_id: str
    headers: Headers
    id_number: str


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # Long-lived access tokens: these tests move the clock by hours and days without signing in again.
    return make_settings(database_url, tmp_path, access_token_minutes=90 * 24 * 60)


async def make_admin(client: Client, session: AsyncSession, kit: SecurityKit, login: str) -> Headers:
    await accounts.create_admin(session, kit, login=login, password=PASSWORD, display_name="招募管理员")
    await session.commit()
    return bearer(await sign_in(client, login))


@pytest.fixture
async def job_state(app: Litestar, settings: Settings) -> AsyncIterator[Any]:
    async with scheduler_state(app, settings) as state:
        yield state


@pytest.fixture
async def admin(client: Client, session: AsyncSession, kit: SecurityKit) -> Headers:
    """Bearer headers of a signed-in admin."""
    return await make_admin(client, session, kit, "admin@example.com")


NewWorker = Callable[..., Awaitable[Worker]]


@pytest.fixture
def new_worker(client: Client) -> NewWorker:
    """Registers and signs in a worker; each gets a distinct (valid, adult) ID number unless `birth` is given."""
    counter = itertools.count(1)

    async def make(*, birth: date = date(1995, 1, 1), login: str | None = None) -> Worker:
        n = next(counter)
        login = login or f"1390000{n:04d}"
        user = await register(client, login, display_name=f"工人{n}")
        tokens = await sign_in(client, login)
        return Worker(login, user["id"], bearer(tokens), valid_id(birth, seq=f"{n:03d}"))

    return make


@pytest.fixture
async def worker(new_worker: NewWorker) -> Worker:
    return await new_worker()


def round_body(clock: FakeClock, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "2026 春季客服招募",
        "tracks": ["pre_sales", "after_sales"],
        "opens_at": iso(clock.now() - timedelta(hours=1)),
        "closes_at": iso(clock.now() + timedelta(days=30)),
        "quota": 10,
    }
    body.update(fields)
    return body


MakeRound = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def make_round(client: Client, admin: Headers, clock: FakeClock) -> MakeRound:
    """Creates a round through the API (opening an hour ago, closing in 30 days) and opens it unless told not to."""

    async def make(*, opened: bool = True, **fields: Any) -> dict[str, Any]:
        response = await client.post("/api/admin/rounds", json=round_body(clock, **fields), headers=admin)
        assert response.status_code == 201, response.text
        created = response.json()
        if not opened:
            return created
        response = await client.post(f"/api/admin/rounds/{created['id']}/open", headers=admin)
        assert response.status_code == 200, response.text
        return response.json()

    return make


@pytest.fixture
def make_module(client: Client, admin: Headers) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def make(**fields: Any) -> dict[str, Any]:
        body = {"title": "服务规范", "body_markdown": "# 服务规范\n\n请使用礼貌用语。", "min_reading_seconds": 120}
        body.update(fields)
        response = await client.post("/api/admin/training-modules", json=body, headers=admin)
        assert response.status_code == 201, response.text
        return response.json()

    return make


# --- pipeline steps ----------------------------------------------------------------------------------------------


def application_body(worker: Worker, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "legal_name": "李娜",
        "id_number": worker.id_number,
        "phone": "13912345678",
        "is_student": False,
        "tracks": ["pre_sales"],
        "consent": True,
    }
    body.update(fields)
    return body


async def apply(client: Client, worker: Worker, round_id: str, **fields: Any) -> Any:
    """The raw response of `worker` applying to the round."""
    return await client.post(
        f"/api/rounds/{round_id}/applications", json=application_body(worker, **fields), headers=worker.headers
    )


async def applied(client: Client, worker: Worker, round_id: str, **fields: Any) -> dict[str, Any]:
    response = await apply(client, worker, round_id, **fields)
    assert response.status_code == 201, response.text
    return response.json()


async def start_typing(client: Client, worker: Worker, application_id: str) -> dict[str, Any]:
    response = await client.post(f"/api/applications/{application_id}/typing-test", headers=worker.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def submit_typing(client: Client, worker: Worker, test_id: str, text: str) -> Any:
    return await client.post(f"/api/typing-tests/{test_id}/submit", json={"text": text}, headers=worker.headers)


async def pass_typing(client: Client, clock: FakeClock, worker: Worker, application_id: str) -> dict[str, Any]:
    """Types the passage perfectly in 60 s of server time."""
    test = await start_typing(client, worker, application_id)
    clock.advance(seconds=60)
    response = await submit_typing(client, worker, test["test_id"], test["passage"])
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["passed"], result
    return result


async def in_exam(client: Client, clock: FakeClock, worker: Worker, round_id: str, **fields: Any) -> str:
    """Applies and passes the typing test on a round without modules: the application waits for the exam."""
    application = await applied(client, worker, round_id, **fields)
    result = await pass_typing(client, clock, worker, application["id"])
    assert result["application_status"] == "exam", result
    return application["id"]


async def bulk(client: Client, headers: Headers, ids: list[str], action: str = "advance", reason: str = "") -> Any:
    return await client.post(
        "/api/admin/applications/bulk", json={"ids": ids, "action": action, "reason": reason}, headers=headers
    )


async def advance(client: Client, headers: Headers, application_id: str, reason: str = "") -> dict[str, Any]:
    """Advances one application one step; returns its bulk result item, which must be ok."""
    response = await bulk(client, headers, [application_id], reason=reason)
    assert response.status_code == 200, response.text
    item = response.json()["results"][0]
    assert item["ok"], item
    return item


async def read_application(client: Client, headers: Headers, application_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/applications/{application_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def get_round(client: Client, headers: Headers, round_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/admin/rounds/{round_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def assert_rule(response: Any, status: int, rule: str) -> dict[str, Any]:
    """A problem with this status naming `rule` for some field (for errors whose field name is the framework's)."""
    body = assert_problem(response, status)
    assert any(e["rule"] == rule for e in body.get("errors", [])), body
    return body


async def concurrently(client: Client, *requests: tuple[str, str, dict[str, Any]]) -> list[httpx.Response]:
    """Sends (method, url, httpx keyword arguments) requests at the same moment, really in parallel.

    The test client hands each request to the app's event loop (in its own thread) and blocks until it is answered,
    so `asyncio.gather` over the client alone runs the requests one after another. Here the requests are gathered
    inside the app's own loop, through a plain ASGI transport, so they interleave at every database round trip.
    """

    async def fire() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url=str(client.base_url)) as parallel:
            return list(await asyncio.gather(*(parallel.request(m, url, **kw) for m, url, kw in requests)))

    return client.blocking_portal.call(fire)


def steps(application: dict[str, Any]) -> list[tuple[str | None, str, str]]:
    """The timeline as (from, to, actor) triples."""
    return [(e["from_status"], e["to_status"], e["actor"]) for e in application["timeline"]]
