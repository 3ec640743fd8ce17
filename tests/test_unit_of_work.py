"""The request is the unit of work: through the real app and real verbs, on SQLite and PostgreSQL.

A verb never commits. The edge commits once the handler has returned and rolls back when it raises, so a failed
request leaves nothing written and publishes nothing; events go out only after the commit; a `.recorded()`
refusal keeps its writes; a savepoint rolled back drops the events recorded inside it. And page Routers per
audience refuse visitors and other roles before any handler runs.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from litestar import Request, get, post
from litestar.response import Template
from sqlalchemy import text

from gigplatform.accounts import service as accounts
from gigplatform.app import create_app
from gigplatform.config import Settings
from gigplatform.db import DbSession, make_engine
from gigplatform.errors import Conflict
from gigplatform.events import Event, RecordingPublisher, record_event
from gigplatform.security import CurrentPrincipal, Kit
from tests.conftest import PASSWORD, assert_problem, register

LOGIN = "13912345678"


async def count(settings: Settings, sql: str, **params: Any) -> int:
    """What another connection sees: only what was committed."""
    engine = make_engine(settings.database_url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(text(sql), params)).scalar_one())
    finally:
        await engine.dispose()


def count_now(settings: Settings, sql: str, **params: Any) -> int:
    """`count` from synchronous code (a publisher), on a thread with an event loop of its own."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, count(settings, sql, **params)).result()


class CommitCheckingPublisher(RecordingPublisher):
    """Notes, as each batch is published, how many accounts another connection already sees."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.users_visible: list[int] = []

    def publish(self, events: Sequence[Event]) -> None:
        self.users_visible.append(count_now(self.settings, "SELECT count(*) FROM users"))
        super().publish(events)


@pytest.fixture
def publisher(settings: Settings) -> CommitCheckingPublisher:
    return CommitCheckingPublisher(settings)


@pytest.fixture
async def app(settings, clock, publisher):
    return create_app(settings, clock, publisher=publisher)


def users_with_login(login: str) -> str:
    return f"SELECT count(*) FROM users WHERE login = '{login}'"


async def test_a_verb_that_writes_records_and_then_fails_leaves_nothing(client, settings, publisher, monkeypatch):
    registered = accounts.register_user

    async def register_then_fail(*args: Any, **kwargs: Any) -> Any:
        await registered(*args, **kwargs)  # the rows are flushed and "account.created" recorded
        raise Conflict("Something after the write refused.", field="login", rule="late")

    monkeypatch.setattr(accounts, "register_user", register_then_fail)
    body = {"login": LOGIN, "password": PASSWORD, "display_name": "李娜", "role": "seller", "shop_name": "小店"}
    assert_problem(await client.post("/api/auth/register", json=body), 409, "login", "late")
    assert await count(settings, users_with_login(LOGIN)) == 0
    assert await count(settings, "SELECT count(*) FROM shops") == 0
    assert publisher.events == []


async def test_on_success_the_row_is_committed_before_its_event_goes_out(client, settings, publisher):
    created = await register(client, LOGIN)
    assert await count(settings, users_with_login(LOGIN)) == 1
    assert publisher.topics() == ["account.created"]
    assert publisher.events[0].payload["user_id"] == uuid.UUID(created["id"])
    assert publisher.users_visible == [1]  # when the event went out, another connection already saw the row


async def test_a_recorded_refusal_keeps_its_writes_and_answers_the_error(client, settings, publisher, monkeypatch):
    signed_in = accounts.sign_in

    async def sign_in_noting_the_attempt(session: Any, *args: Any, **kwargs: Any) -> Any:
        record_event(session, "test.sign_in_attempted")
        return await signed_in(session, *args, **kwargs)

    monkeypatch.setattr(accounts, "sign_in", sign_in_noting_the_attempt)
    await register(client, LOGIN)
    response = await client.post("/api/auth/login", json={"login": LOGIN, "password": "wrong1234"})
    assert_problem(response, 401, "password", "credentials")
    assert await count(settings, "SELECT sum(attempts) FROM login_throttles") == 1  # counted although refused
    assert publisher.topics() == ["account.created", "test.sign_in_attempted"]


@post("/api/test/savepoint", status_code=200)
async def savepoint_probe(db_session: DbSession, kit: Kit) -> dict[str, str]:
    """Makes one admin, then tries a second inside a savepoint that is rolled back; the request succeeds."""
    await accounts.create_admin(db_session, kit, login="first@example.com", password=PASSWORD, display_name="一")
    try:
        async with db_session.begin_nested():
            await accounts.create_admin(
                db_session, kit, login="second@example.com", password=PASSWORD, display_name="二"
            )
            raise Conflict("Changed my mind.")
    except Conflict:
        pass
    return {"status": "ok"}


async def test_events_of_a_rolled_back_savepoint_are_dropped_the_outer_ones_go_out(app, client, settings, publisher):
    app.register(savepoint_probe)
    assert (await client.post("/api/test/savepoint")).status_code == 200
    assert await count(settings, users_with_login("first@example.com")) == 1
    assert await count(settings, users_with_login("second@example.com")) == 0
    assert publisher.topics() == ["account.created"]


async def test_a_registration_that_loses_the_race_for_its_login_is_the_same_409(app, client, settings, publisher):
    """The other registration commits between this one's pre-check and its insert (simulated while the password
    is hashed): the insert fails inside its savepoint and the reply is the pre-check's 409, not a 500."""
    kit = app.state.kit
    hash_password = kit.passwords.hash

    def hash_while_another_registers(password: str) -> str:
        kit.passwords.hash = hash_password  # only once
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, _register_elsewhere(settings)).result()
        return hash_password(password)

    kit.passwords.hash = hash_while_another_registers
    body = {"login": LOGIN, "password": PASSWORD, "display_name": "李娜", "role": "worker"}
    assert_problem(await client.post("/api/auth/register", json=body), 409, "login", "unique")
    assert await count(settings, users_with_login(LOGIN)) == 1
    assert publisher.events == []


async def _register_elsewhere(settings: Settings) -> None:
    from gigplatform.clock import SystemClock
    from gigplatform.db import make_sessionmaker, unit_of_work
    from gigplatform.security import SecurityKit

    engine = make_engine(settings.database_url)
    try:
        kit = SecurityKit.build(settings, SystemClock())
        async with unit_of_work(make_sessionmaker(engine)) as session:
            await accounts.register_user(
                session, kit, login=LOGIN, password=PASSWORD, display_name="王芳", role="worker"
            )
    finally:
        await engine.dispose()


# --- page Routers per audience --------------------------------------------------------------------------------

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _probe(audience: str):
    @get(f"/{audience}/probe", name=f"{audience}_probe", sync_to_thread=False)
    def probe(request: Request[Any, Any, Any], principal: CurrentPrincipal) -> Template:
        return Template(template_str=f"{audience} page for {principal.role}")

    return probe


async def _sign_in_page(client, login: str) -> None:
    token = CSRF.search((await client.get("/login")).text).group(1)
    data = {"login": login, "password": PASSWORD, "_csrf_token": token}
    assert (await client.post("/login", data=data, follow_redirects=False)).status_code in (302, 303)


async def test_audience_routers_refuse_visitors_and_other_roles_without_a_check_in_the_handler(
    app, client, session, kit
) -> None:
    from web.audience import page_router

    for audience in ("admin", "worker", "seller"):
        app.register(page_router(audience, [_probe(audience)]))
    await register(client, "13900000001")
    await register(client, "13800000001", role="seller")
    await accounts.create_admin(session, kit, login="admin@example.com", password=PASSWORD, display_name="管理员")
    await session.commit()

    for audience in ("admin", "worker", "seller"):
        visitor = await client.get(f"/{audience}/probe", follow_redirects=False)
        assert visitor.status_code in (302, 303)
        assert visitor.headers["location"] == f"/login?next=%2F{audience}%2Fprobe"
    for login, role in (("admin@example.com", "admin"), ("13900000001", "worker"), ("13800000001", "seller")):
        client.cookies.clear()
        await _sign_in_page(client, login)
        for audience in ("admin", "worker", "seller"):
            response = await client.get(f"/{audience}/probe", follow_redirects=False)
            if audience == role:
                assert response.status_code == 200 and response.text == f"{audience} page for {role}"
            else:
                assert response.status_code == 403 and response.headers["content-type"].startswith("text/html")
