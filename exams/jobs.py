"""The exams' timed job: handing in every attempt whose time ran out while nobody looked."""

from __future__ import annotations

from datetime import timedelta

from litestar.datastructures import State

from exams.grading import hand_in_overdue, overdue_attempt_ids
from gigplatform.db import unit_of_work
from gigplatform.timed import Job

BATCH = 200


async def submit_overdue_attempts(state: State, batch: int = BATCH) -> int:
    """Hands in every overdue attempt, each in a unit of work of its own (a failure costs one attempt, not the
    batch). Each is claimed by a conditional UPDATE, so two instances running the job at once grade none twice."""
    submitted = 0
    while True:
        async with unit_of_work(state.sessionmaker) as session:
            due = await overdue_attempt_ids(session, state.clock, batch)
        for attempt_id in due:
            async with unit_of_work(state.sessionmaker) as session:
                submitted += await hand_in_overdue(session, state.clock, attempt_id)
        if len(due) < batch:
            return submitted


JOBS = (Job("submit_overdue_attempts", timedelta(seconds=30), submit_overdue_attempts),)
