"""Reliability: one formula over a freelancer's last 30 days, and who earns priority access with it.

`reliability_score` is pure, so attendance (check-in, the no-show sweep, disputes) only has to feed it counts. Today
the counts come from booking statuses: completed shifts (late check-ins among them), late cancellations, no-shows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shifts.models import BookingStatus, ShiftBooking
from shifts.policy import Policy

WINDOW_DAYS = 30


@dataclass(frozen=True)
class ReliabilityCounts:
    """What counts, in the last 30 days. `late_check_ins` are completed shifts that were checked in late (they are
    also in `completed`)."""

    completed: int = 0
    late_check_ins: int = 0
    late_cancellations: int = 0
    no_shows: int = 0


def reliability_score(counts: ReliabilityCounts) -> int:
    """The score, 0 to 100, of the last 30 days:

        100 × (completed − ½ × late check-ins) ÷ (completed + late cancellations + 2 × no-shows), rounded half up

    An on-time shift earns a full point, a late one half; a late cancellation is a shift not worked, a no-show counts
    as two. With nothing to count the score is 100: a newcomer starts trusted, and priority access also needs a
    number of completed shifts (`Policy.priority_min_completed`).
    """
    weight = counts.completed + counts.late_cancellations + 2 * counts.no_shows
    if weight <= 0:
        return 100
    earned_halves = 2 * counts.completed - counts.late_check_ins  # in half points, to stay in integers
    score = (100 * max(earned_halves, 0) + weight) // (2 * weight)  # ÷ (2 × weight), rounded half up
    return max(0, min(100, score))


def has_priority(counts: ReliabilityCounts, policy: Policy) -> bool:
    """Priority access: a score at or above the threshold, with at least the policy's number of completed shifts."""
    return counts.completed >= policy.priority_min_completed and reliability_score(counts) >= policy.priority_threshold


async def reliability_counts(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> ReliabilityCounts:
    """The counts of shifts that started in the 30 days before `now`, from the bookings' statuses."""
    since = now - timedelta(days=WINDOW_DAYS)
    worked = ShiftBooking.status == BookingStatus.COMPLETED
    rows = await session.execute(
        select(
            func.count().filter(worked),
            func.count().filter(worked, ShiftBooking.late_check_in),
            func.count().filter(ShiftBooking.status == BookingStatus.LATE_CANCELLED),
            func.count().filter(ShiftBooking.status == BookingStatus.NO_SHOW),
        ).where(ShiftBooking.user_id == user_id, ShiftBooking.starts_at >= since, ShiftBooking.starts_at < now)
    )
    completed, late, late_cancelled, no_shows = rows.one()
    return ReliabilityCounts(completed, late, late_cancelled, no_shows)
