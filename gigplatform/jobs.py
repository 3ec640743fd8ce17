"""Collects every domain's timed jobs and runs them with APScheduler inside each app process.

Each domain owns its `JOBS` (see `gigplatform.timed.Job`) and re-exports them from its `service`. A job is a sweep
over state that is already due, claimed row by row with conditional UPDATEs, so a job running on several instances
at once does each piece of work once, and a job that missed runs while the service was down catches up on its first
run after start-up (every job also runs once at start-up).
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from litestar.datastructures import State

from exams import service as exams
from gigplatform.accounts import service as accounts
from gigplatform.timed import Job
from recruitment import service as recruitment
from shifts import service as shifts

log = logging.getLogger("gigplatform.jobs")

__all__ = ["JOBS", "Job", "run_job", "start_scheduler"]


JOBS: tuple[Job, ...] = (
    *accounts.JOBS,
    *recruitment.JOBS,
    *exams.JOBS,
    *shifts.JOBS,
)


async def run_job(job: Job, state: State) -> None:
    """One run, logged only when it did something; a failure is logged and the next run tries again, it never
    stops the scheduler."""
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
