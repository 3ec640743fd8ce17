"""Every timed job, registered in one place, run by APScheduler inside each app process.

Each job is a sweep over state that is already due ("applications whose identity retry time has passed", "open
rounds past their closing time"), claimed row by row with conditional UPDATEs. So a job that runs on several
instances at once does each piece of work once, and a job that missed runs while the service was down catches up
on its first run after start-up (every job also runs once at start-up).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from litestar.datastructures import State

from exams import service as exams
from gigplatform.accounts import service as accounts
from recruitment import service as recruitment

log = logging.getLogger("gigplatform.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[State], Awaitable[Any]]


async def retry_identity_checks(state: State) -> int:
    async with state.sessionmaker() as session:
        return await recruitment.retry_identity_checks(session, state.kit, state.identity_provider)


async def close_expired_rounds(state: State) -> int:
    async with state.sessionmaker() as session:
        return await recruitment.close_expired_rounds(session, state.kit)


async def prune_sign_in_records(state: State) -> int:
    async with state.sessionmaker() as session:
        return await accounts.prune_sign_in_records(session, state.kit)


JOBS = (
    *exams.JOBS,
    Job("retry_identity_checks", timedelta(minutes=1), retry_identity_checks),
    Job("close_expired_rounds", timedelta(minutes=1), close_expired_rounds),
    Job("prune_sign_in_records", timedelta(hours=1), prune_sign_in_records),
)


async def run_job(job: Job, state: State) -> None:
    """One run; a failure is logged and the next run tries again, it never stops the scheduler."""
    try:
        done = await job.run(state)
        if done:
            log.info("job %s handled %s", job.name, done)
    except Exception:
        log.exception("job %s failed", job.name)


def start_scheduler(state: State) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    for job in JOBS:
        scheduler.add_job(
            run_job,
            "interval",
            args=(job, state),
            seconds=job.every.total_seconds(),
            id=job.name,
            coalesce=True,
            max_instances=1,
            next_run_time=state.clock.now(),
        )
    scheduler.start()
    return scheduler
