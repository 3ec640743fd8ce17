"""What admins watch while shifts run: each slot's fill (capacity, booked, waitlisted, checked in) over a range of
business days, and who is on a shift right now, per track.

The fill is one grouped query (slots left-joined to their bookings' check-ins), never a query per slot, so a
month of slots on every track costs one round trip.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts import service as accounts
from shifts.attendance import SHIFT_LENGTH
from shifts.models import BookingStatus, ShiftBooking, ShiftSlot, SlotStatus
from shifts.slots import business_range, check_range

CHECKED_IN = (BookingStatus.CHECKED_IN, BookingStatus.LATE, BookingStatus.COMPLETED)
ON_SHIFT = (BookingStatus.BOOKED, BookingStatus.CHECKED_IN, BookingStatus.LATE, BookingStatus.NO_SHOW)
"""A booking on a running slot in one of these is shown on the on-shift board (a no-show too, so it is seen)."""


@dataclass(frozen=True)
class SlotFill:
    slot_id: uuid.UUID
    track: str
    starts_at: datetime
    day: date
    status: str
    capacity: int
    booked: int
    waitlisted: int
    checked_in: int
    pay_fen: int

    @property
    def percent(self) -> int:
        """How full the slot is, in whole percent (a cancelled slot is empty)."""
        return self.booked * 100 // self.capacity if self.capacity else 0


async def slot_fill(session: AsyncSession, start: date, end: date, track: str | None = None) -> list[SlotFill]:
    """Every published or cancelled slot of business days `start`..`end`, with its fill, in one grouped query."""
    check_range(start, end)
    lo, hi = business_range(start, end)
    checked_in = func.count(ShiftBooking.id).filter(ShiftBooking.status.in_(CHECKED_IN))
    query = (
        select(ShiftSlot, checked_in)
        .outerjoin(ShiftBooking, ShiftBooking.slot_id == ShiftSlot.id)
        .where(ShiftSlot.starts_at >= lo, ShiftSlot.starts_at < hi, ShiftSlot.status != SlotStatus.DRAFT)
        .group_by(ShiftSlot.id)
        .order_by(ShiftSlot.starts_at, ShiftSlot.track)
    )
    if track is not None:
        query = query.where(ShiftSlot.track == track)
    return [
        SlotFill(
            slot.id,
            str(slot.track),
            slot.starts_at,
            slot.day,
            str(slot.status),
            slot.capacity,
            slot.booked,
            slot.waitlisted,
            count,
            slot.pay_fen,
        )
        for slot, count in (await session.execute(query)).all()
    ]


@dataclass(frozen=True)
class OnShift:
    booking_id: uuid.UUID
    user_id: uuid.UUID
    display_name: str
    track: str
    slot_id: uuid.UUID
    starts_at: datetime
    status: str
    checked_in_at: datetime | None


async def on_shift(session: AsyncSession, now: datetime) -> list[OnShift]:
    """Who holds a seat on a published slot running now (started, not yet ended), checked in or not, by track."""
    rows = (
        await session.execute(
            select(ShiftBooking, ShiftSlot.track)
            .join(ShiftSlot, ShiftSlot.id == ShiftBooking.slot_id)
            .where(
                ShiftSlot.status == SlotStatus.PUBLISHED,
                ShiftSlot.starts_at <= now,
                ShiftSlot.starts_at > now - SHIFT_LENGTH,
                ShiftBooking.status.in_(ON_SHIFT),
            )
            .order_by(ShiftSlot.track, ShiftBooking.status, ShiftBooking.id)
        )
    ).all()
    names = await accounts.display_names(session, [b.user_id for b, _ in rows])
    return [
        OnShift(
            b.id,
            b.user_id,
            names.get(b.user_id, ""),
            str(track),
            b.slot_id,
            b.starts_at,
            str(b.status),
            b.checked_in_at,
        )
        for b, track in rows
    ]
