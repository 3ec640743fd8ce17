"""The scheduler: every timed job registered once, failures logged not fatal, rounds closed when their time is up."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from gigplatform import jobs
from recruitment import jobs as recruitment_jobs
from tests.recruitment.conftest import iso


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


async def test_open_rounds_close_when_their_time_is_up(client, admin, make_round, clock, job_state) -> None:
    now = clock.now()
    round_id = (await make_round(opens_at=iso(now), closes_at=iso(now + timedelta(hours=2))))["id"]
    await jobs.run_job(next(j for j in jobs.JOBS if j.name == "close_expired_rounds"), job_state)
    assert (await client.get(f"/api/admin/rounds/{round_id}", headers=admin)).json()["status"] == "open"
    clock.advance(hours=2)
    assert await recruitment_jobs.close_expired_rounds(job_state) == 1
    assert (await client.get(f"/api/admin/rounds/{round_id}", headers=admin)).json()["status"] == "closed"
    assert await recruitment_jobs.close_expired_rounds(job_state) == 0
