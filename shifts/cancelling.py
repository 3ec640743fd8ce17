"""A freelancer's bookings: finding one (`access_booking`), listing them, and cancelling one, which frees the seat
for the waitlist in the same transaction."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.errors import N_, Conflict, NotFound
from gigplatform.events import record_event
from gigplatform.security import Principal
from shifts.booking import release
from shifts.models import BookingStatus, ShiftBooking, ShiftSlot
from shifts.policy import load_policy
from shifts.waitlist import fill_from_waitlist


async def access_booking(session: AsyncSession, actor: Principal, booking_id: uuid.UUID) -> ShiftBooking:
    """The caller's booking, or the one 404 (another person's booking looks missing)."""
    booking = await session.get(ShiftBooking, booking_id)
    if booking is None or (booking.user_id != actor.user_id and actor.role != "admin"):
        raise NotFound("There is no such booking.", field="booking_id", rule="not_found")
    return booking


async def my_bookings(
    session: AsyncSession, user_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[list[tuple[ShiftBooking, ShiftSlot]], int]:
    """The person's bookings, latest shift first, with their slots; and how many there are."""
    total = await session.scalar(select(func.count()).where(ShiftBooking.user_id == user_id)) or 0
    rows = await session.execute(
        select(ShiftBooking, ShiftSlot)
        .join(ShiftSlot, ShiftSlot.id == ShiftBooking.slot_id)
        .where(ShiftBooking.user_id == user_id)
        .order_by(ShiftBooking.starts_at.desc(), ShiftBooking.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [(b, s) for b, s in rows.all()], total


def is_free_cancellation(booking: ShiftBooking, now: datetime, free_minutes: int, cutoff_minutes: int) -> bool:
    """Free within `free_minutes` of booking, or until `cutoff_minutes` before the start; later it is late."""
    return now <= booking.booked_at + timedelta(minutes=free_minutes) or now <= booking.starts_at - timedelta(
        minutes=cutoff_minutes
    )


async def cancel_booking(session: AsyncSession, now: datetime, actor: Principal, booking_id: uuid.UUID) -> ShiftBooking:
    """Cancels the caller's booking before its shift starts: free, or late (which counts against reliability). The
    seat and hours are given back and the seat goes to the waitlist at once. Claims the booking with a conditional
    UPDATE, so a double click cancels once."""
    booking = await access_booking(session, actor, booking_id)
    if booking.status != BookingStatus.BOOKED:
        raise Conflict(N_("Only a booked shift can be cancelled."), field="booking", rule="not_active")
    if now >= booking.starts_at:
        raise Conflict(N_("This shift has already started."), field="booking", rule="started")
    policy = await load_policy(session)
    free = is_free_cancellation(booking, now, policy.free_cancel_minutes, policy.cancel_cutoff_minutes)
    status = BookingStatus.CANCELLED if free else BookingStatus.LATE_CANCELLED
    claimed = await session.execute(
        update(ShiftBooking)
        .where(ShiftBooking.id == booking.id, ShiftBooking.status == BookingStatus.BOOKED)
        .values(status=status, cancelled_at=now, updated_at=now, sequence=ShiftBooking.sequence + 1)
        .returning(ShiftBooking.id)
    )
    if claimed.first() is None:
        raise Conflict(N_("Only a booked shift can be cancelled."), field="booking", rule="not_active")
    slot = await session.get(ShiftSlot, booking.slot_id)
    assert slot is not None
    await release(session, slot.id, booking.user_id, slot.day, slot.week, ("day", "week"))
    await fill_from_waitlist(session, now, slot.id)
    record_event(session, "shift.seats_changed", slot_id=slot.id)
    await session.refresh(booking)
    return booking
