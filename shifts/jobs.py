"""The shift marketplace's timed work: settling shifts whose time has passed (no-shows, completions, waitlists
that ended), and removing idempotency keys past their keeping time. Each piece is claimed by a conditional UPDATE,
so several instances sweeping at once do each piece once."""

from __future__ import annotations

from datetime import timedelta

from litestar.datastructures import State

from gigplatform.db import unit_of_work
from gigplatform.timed import Job
from shifts.attendance import complete_shifts, expire_waitlists, mark_no_shows
from shifts.idempotency import purge_keys

BATCH = 500


async def settle_shifts(state: State, batch: int = BATCH) -> int:
    """Runs each sweep in batches, one unit of work per batch, until nothing is due."""
    done = 0
    for sweep in (mark_no_shows, complete_shifts, expire_waitlists):
        while True:
            async with unit_of_work(state.sessionmaker) as session:
                handled = await sweep(session, state.clock.now(), batch)
            done += handled
            if handled < batch:
                break
    return done


async def purge_idempotency_keys(state: State) -> int:
    async with unit_of_work(state.sessionmaker) as session:
        return await purge_keys(session, state.clock.now())


JOBS = (
    Job("settle_shifts", timedelta(minutes=1), settle_shifts),
    Job("purge_idempotency_keys", timedelta(hours=1), purge_idempotency_keys),
)
