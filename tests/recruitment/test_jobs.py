"""The scheduler: every timed job registered once, failures logged not fatal, rounds closed when their time is up."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from gigplatform import jobs
from gigplatform.accounts import service as accounts
from tests.conftest import bearer, sign_in


@pytest.fixture
async def job_state(app, settings) -> AsyncIterator[Any]:
    from gigplatform.db import make_engine, make_sessionmaker

    engine = make_engine(settings.database_url)
    state = type(app.state)(dict(app.state))
    state.sessionmaker = make_sessionmaker(engine)
    yield state
    await engine.dispose()


async def test_scheduler_registers_every_job_once(job_state) -> None:
    scheduler = jobs.start_scheduler(job_state)
    try:
        registered = {job.id: job for job in scheduler.get_jobs()}
        assert set(registered) == {job.name for job in jobs.JOBS}
        for job in registered.values():
            assert job.max_instances == 1 and job.coalesce
            assert job.next_run_time is not None  # runs at start-up too: that is how it catches up after downtime
    finally:
        scheduler.shutdown(wait=False)


async def test_a_failing_job_is_logged_and_does_not_raise(job_state, caplog) -> None:
    async def broken(state: Any) -> None:
        raise RuntimeError("database on fire")

    with caplog.at_level(logging.ERROR, logger="gigplatform.jobs"):
        await jobs.run_job(jobs.Job("broken", timedelta(minutes=1), broken), job_state)
    assert "job broken failed" in caplog.text


async def test_open_rounds_close_when_their_time_is_up(client, session, kit, clock, job_state) -> None:
    await accounts.create_admin(session, kit, login="admin@example.com", password="abc12345", display_name="管理员")
    admin = bearer(await sign_in(client, "admin@example.com"))
    now = clock.now()
    created = await client.post(
        "/api/admin/rounds",
        headers=admin,
        json={
            "title": "短期招募",
            "tracks": ["complaints"],
            "quota": 5,
            "opens_at": now.isoformat(),
            "closes_at": (now + timedelta(hours=2)).isoformat(),
        },
    )
    round_id = created.json()["id"]
    await client.post(f"/api/admin/rounds/{round_id}/open", headers=admin)
    await jobs.run_job(jobs.JOBS[1], job_state)
    assert (await client.get(f"/api/admin/rounds/{round_id}", headers=admin)).json()["status"] == "open"
    clock.advance(hours=2)
    assert await jobs.close_expired_rounds(job_state) == 1
    assert (await client.get(f"/api/admin/rounds/{round_id}", headers=admin)).json()["status"] == "closed"
    assert await jobs.close_expired_rounds(job_state) == 0
