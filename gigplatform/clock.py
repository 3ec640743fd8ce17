"""The injectable clock and the business calendar.

Every rule that depends on time asks a `Clock`, never `datetime.now()`, so tests move a `FakeClock` instead of
sleeping. Instants are timezone-aware UTC; days and hours of the business are in Asia/Shanghai.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Moves forward by `delta` (or timedelta(**kwargs)) and returns the new instant."""
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FakeClock.set needs a timezone-aware instant")
        self._now = instant.astimezone(UTC)


def business_now(clock: Clock) -> datetime:
    """The clock's instant seen in Asia/Shanghai."""
    return clock.now().astimezone(BUSINESS_TZ)


def business_today(clock: Clock) -> date:
    """Today's date in Asia/Shanghai, the day that age and booking rules count in."""
    return business_now(clock).date()
