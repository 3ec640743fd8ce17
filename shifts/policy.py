"""The booking policy: when a slot's window opens, who gets it earlier, the caps, the cancellation cut-off.

One row (`ShiftPolicy`, id 1) holds it; while there is none, the defaults below apply. The booking statement reads
the caps from the same row (`policy_value`), so the database decides them with the values an admin set.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.clock import BUSINESS_TZ
from shifts.models import ShiftPolicy


@dataclass(frozen=True)
class Policy:
    window_days_before: int = 2
    window_hour: int = 20
    priority_threshold: int = 95
    priority_min_completed: int = 5
    priority_minutes: int = 30
    daily_cap_hours: int = 8
    weekly_cap_hours: int = 40
    cancel_cutoff_minutes: int = 120
    free_cancel_minutes: int = 5

    def opens_at(self, starts_at: datetime) -> datetime:
        """The standard booking window of a slot: `window_days_before` days before its business day, at
        `window_hour` o'clock Asia/Shanghai (default two days before, 20:00)."""
        day = starts_at.astimezone(BUSINESS_TZ).date() - timedelta(days=self.window_days_before)
        return datetime.combine(day, time(self.window_hour), BUSINESS_TZ).astimezone(starts_at.tzinfo)


DEFAULT_POLICY = Policy()
POLICY_FIELDS = tuple(f.name for f in fields(Policy))


async def load_policy(session: AsyncSession) -> Policy:
    row = await session.get(ShiftPolicy, 1)
    if row is None:
        return DEFAULT_POLICY
    return Policy(**{name: getattr(row, name) for name in POLICY_FIELDS})


def policy_value(name: str) -> ColumnElement[Any]:
    """The policy's `name` as a scalar subquery, its default when the row is missing: for statements that decide
    with the policy in the database."""
    column = getattr(ShiftPolicy, name)
    return func.coalesce(select(column).where(ShiftPolicy.id == 1).scalar_subquery(), getattr(DEFAULT_POLICY, name))


def business_day_and_week(starts_at: datetime) -> tuple[date, date]:
    """The slot's Asia/Shanghai date and the Monday of its week (weeks run Monday to Sunday)."""
    day = starts_at.astimezone(BUSINESS_TZ).date()
    return day, day - timedelta(days=day.weekday())
