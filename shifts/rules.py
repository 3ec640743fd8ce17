"""Who may book a slot, as one function over facts the booking statement (or the slot list) has read, and the
409 that says why not. The list and the booking ask the same function, so a slot shown bookable is bookable."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from gigplatform.errors import N_, Conflict
from shifts.models import SlotStatus

REASONS = (
    "full",
    "overlap",
    "daily_cap",
    "weekly_cap",
    "not_certified",
    "standing",
    "not_open",
    "started",
    "cancelled",
)
"""Every code a refused booking can answer, in the order they are checked after the slot's own state."""
BOOKABLE_STANDINGS = ("good", "warned")

MESSAGES = {
    "full": N_("This shift is full; you may join its waitlist."),
    "overlap": N_("You already have a shift at this hour."),
    "daily_cap": N_("This shift would take you past %(cap)s hours on that day."),
    "weekly_cap": N_("This shift would take you past %(cap)s hours in that week."),
    "not_certified": N_("You are not certified for the %(track)s track."),
    "standing": N_("Your account may not book shifts while its standing is %(standing)s."),
    "not_open": N_("Booking for this shift opens at %(opens_at)s."),
    "started": N_("This shift has already started."),
    "cancelled": N_("This shift was cancelled."),
}


@dataclass(frozen=True)
class SlotFacts:
    id: uuid.UUID
    track: str
    starts_at: datetime
    status: str
    capacity: int
    booked: int
    opens_at: datetime
    day: date
    week: date

    @classmethod
    def of(cls, slot: Any) -> SlotFacts:
        """From a `ShiftSlot`, or a row of the booking statement (which has the same names)."""
        return cls(
            slot.id,
            str(slot.track),
            slot.starts_at,
            str(slot.status),
            slot.capacity,
            slot.booked,
            slot.opens_at,
            slot.day,
            slot.week,
        )


@dataclass(frozen=True)
class CallerFacts:
    """The caller as the rules see them for one slot."""

    certified: bool
    standing: str
    overlap: bool
    day_hours: int
    week_hours: int
    daily_cap: int
    weekly_cap: int
    opens_at: datetime  # the caller's own window: earlier with priority access
    standing_until: datetime | None = None


@dataclass(frozen=True)
class Refusal:
    reason: str
    params: dict[str, Any]

    def error(self, slot_id: uuid.UUID) -> BookingRefused:
        return BookingRefused(self, slot_id)


def refusal(slot: SlotFacts, caller: CallerFacts, now: datetime, *, seats_checked: bool = True) -> Refusal | None:
    """Why `caller` may not book `slot` now, or None. `seats_checked=False` leaves the seats to the statement."""
    if slot.status == SlotStatus.CANCELLED:
        return Refusal("cancelled", {})
    if now >= slot.starts_at:
        return Refusal("started", {})
    if slot.status != SlotStatus.PUBLISHED:
        return Refusal("not_open", {"opens_at": caller.opens_at})
    if not caller.certified:
        return Refusal("not_certified", {"track": slot.track})
    if caller.standing not in BOOKABLE_STANDINGS:
        return Refusal("standing", {"standing": caller.standing, "until": caller.standing_until})
    if now < caller.opens_at:
        return Refusal("not_open", {"opens_at": caller.opens_at})
    if caller.overlap:
        return Refusal("overlap", {})
    if caller.day_hours >= caller.daily_cap:
        return Refusal("daily_cap", {"cap": caller.daily_cap})
    if caller.week_hours >= caller.weekly_cap:
        return Refusal("weekly_cap", {"cap": caller.weekly_cap})
    if seats_checked and slot.booked >= slot.capacity:
        return Refusal("full", {})
    return None


class BookingRefused(Conflict):
    """A refused booking: a 409 whose `reason` is one code of `REASONS`, with `opens_at`, `until` or the waitlist
    offer where they apply."""

    def __init__(self, refused: Refusal, slot_id: uuid.UUID) -> None:
        self.reason = refused.reason
        params = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in refused.params.items()}
        extra: dict[str, Any] = {"reason": refused.reason}
        if refused.reason == "not_open":
            extra["opens_at"] = params["opens_at"]
        if refused.reason == "standing":
            extra["until"] = params.get("until")
        if refused.reason == "full":
            extra["waitlist"] = {"join": f"/api/slots/{slot_id}/waitlist", "method": "POST"}
        shown = {k: v for k, v in params.items() if v is not None}
        super().__init__(MESSAGES[refused.reason], field="slot", rule=refused.reason, params=shown or None, extra=extra)
