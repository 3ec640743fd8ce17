"""The shift marketplace's timed work. For now: removing idempotency keys past their keeping time."""

from __future__ import annotations

from datetime import timedelta

from litestar.datastructures import State

from gigplatform.db import unit_of_work
from gigplatform.timed import Job
from shifts.idempotency import purge_keys


async def purge_idempotency_keys(state: State) -> int:
    async with unit_of_work(state.sessionmaker) as session:
        return await purge_keys(session, state.clock.now())


JOBS = (Job("purge_idempotency_keys", timedelta(hours=1), purge_idempotency_keys),)
