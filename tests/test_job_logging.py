"""The scheduler's log says what the jobs did, not that they ran: before, APScheduler wrote two INFO lines for every
run of every job (eight lines a minute with nothing done)."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from litestar.datastructures import State

from gigplatform import jobs
from gigplatform.clock import SystemClock


async def test_only_jobs_that_did_something_are_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    ran = {"idle": asyncio.Event(), "busy": asyncio.Event()}

    async def idle(_state: State) -> int:
        ran["idle"].set()
        return 0

    async def busy(_state: State) -> int:
        ran["busy"].set()
        return 3

    monkeypatch.setattr(
        jobs, "JOBS", (jobs.Job("idle", timedelta(seconds=30), idle), jobs.Job("busy", timedelta(seconds=30), busy))
    )
    caplog.set_level(logging.DEBUG)
    logged = asyncio.Event()

    class Seen(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "busy" in record.getMessage():
                logged.set()

    seen = Seen()
    logging.getLogger("gigplatform.jobs").addHandler(seen)
    # APScheduler keeps real time: the jobs' first run is "now" on the wall clock, as in production
    scheduler = jobs.start_scheduler(State({"clock": SystemClock()}))
    try:
        await asyncio.wait_for(asyncio.gather(ran["idle"].wait(), ran["busy"].wait(), logged.wait()), 10)
    finally:
        logging.getLogger("gigplatform.jobs").removeHandler(seen)
        scheduler.shutdown(wait=False)
    info = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert [r.getMessage() for r in info if r.name == "gigplatform.jobs"] == ["job busy handled 3"]
    assert not [r for r in info if r.name.startswith("apscheduler")], [r.getMessage() for r in info]
