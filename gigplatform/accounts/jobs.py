"""The timed jobs of accounts; `gigplatform.jobs` collects `JOBS` through `service`."""

from __future__ import annotations

from datetime import timedelta

from litestar.datastructures import State

from gigplatform.accounts.sign_in import prune_sign_in_records
from gigplatform.accounts.standing import end_expired_restrictions
from gigplatform.db import unit_of_work
from gigplatform.timed import Job


async def _prune_sign_in_records(state: State) -> int:
    async with unit_of_work(state.sessionmaker) as session:
        return await prune_sign_in_records(session, state.kit)


async def _end_expired_restrictions(state: State) -> int:
    async with unit_of_work(state.sessionmaker) as session:
        return await end_expired_restrictions(session, state.clock.now())


JOBS = (
    Job("prune_sign_in_records", timedelta(hours=1), _prune_sign_in_records),
    Job("end_expired_restrictions", timedelta(minutes=1), _end_expired_restrictions),
)
