"""What a timed job is. Each domain lists its own `JOBS`; `gigplatform.jobs` only collects and schedules them.

A job is a sweep over state that is already due, claiming each piece of work with a conditional UPDATE, so two
instances running it at once do each piece once and a restarted instance catches up. The job is an edge: it opens
its own unit of work (`unit_of_work(state.sessionmaker)`), one per piece of work where a piece calls out.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from litestar.datastructures import State

# APScheduler logs "Running job" and "executed successfully" at INFO for every run: two lines every 30 seconds
# that say nothing. Our runner logs a job only when it did something, and failures always.
for _name in ("apscheduler.executors.default", "apscheduler.scheduler"):
    logging.getLogger(_name).setLevel(logging.WARNING)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[State], Awaitable[int]]
    """Returns how much it did; the scheduler logs a run only when that is not zero."""
