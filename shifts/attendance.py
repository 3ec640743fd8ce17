"""Attendance: checking in to a booked shift, and the sweep that settles shifts whose time has passed.

Check-in opens 10 minutes before the start; it is on time until 5 minutes after, late until 15 minutes after. A
booking not checked in by then becomes a no-show, and a checked-in booking is completed when its hour ends: both
are done by `settle_shifts`, a sweep that claims each booking with a conditional UPDATE (`WHERE status = ...`), so
two app instances sweeping at once settle each booking once, and a restarted instance catches up.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.errors import N_, Conflict
from gigplatform.events import record_event
from gigplatform.notifications import notify
from gigplatform.security import Principal
from shifts.cancelling import access_booking
from shifts.models import BookingStatus, ShiftBooking, ShiftSlot, WaitlistEntry, WaitlistStatus

CHECK_IN_OPENS = timedelta(minutes=10)  # before the start
ON_TIME_UNTIL = timedelta(minutes=5)  # after the start
LATE_UNTIL = timedelta(minutes=15)  # after the start; then a no-show
SHIFT_LENGTH = timedelta(hours=1)


async def check_in(session: AsyncSession, now: datetime, actor: Principal, booking_id: uuid.UUID) -> ShiftBooking:
    """Checks the caller in to their booked shift: on time, or late (which reliability counts)."""
    booking = await access_booking(session, actor, booking_id)
    if booking.status != BookingStatus.BOOKED:
        raise Conflict(N_("Only a booked shift can be checked in to."), field="booking", rule="not_booked")
    opens = booking.starts_at - CHECK_IN_OPENS
    if now < opens:
        raise Conflict(
            N_("Check-in opens at %(opens_at)s."),
            field="booking",
            rule="too_early",
            params={"opens_at": opens.isoformat()},
            extra={"opens_at": opens.isoformat()},
        )
    if now > booking.starts_at + LATE_UNTIL:
        raise Conflict(N_("Check-in for this shift has closed."), field="booking", rule="too_late")
    late = now > booking.starts_at + ON_TIME_UNTIL
    claimed = await session.execute(
        update(ShiftBooking)
        .where(ShiftBooking.id == booking.id, ShiftBooking.status == BookingStatus.BOOKED)
        .values(
            status=BookingStatus.LATE if late else BookingStatus.CHECKED_IN,
            checked_in_at=now,
            late_check_in=late,
            updated_at=now,
            sequence=ShiftBooking.sequence + 1,
        )
        .returning(ShiftBooking.id)
    )
    if claimed.first() is None:
        raise Conflict(N_("Only a booked shift can be checked in to."), field="booking", rule="not_booked")
    record_event(session, "shift.checked_in", slot_id=booking.slot_id, booking_id=booking.id)
    await session.refresh(booking)
    return booking


async def mark_no_shows(session: AsyncSession, now: datetime, batch: int) -> int:
    """Bookings nobody checked in to by 15 minutes after the start become no-shows; each owner is told."""
    due = (
        select(ShiftBooking.id)
        .where(ShiftBooking.status == BookingStatus.BOOKED, ShiftBooking.starts_at < now - LATE_UNTIL)
        .limit(batch)
    )
    claimed = await session.execute(
        update(ShiftBooking)
        .where(ShiftBooking.id.in_(due.scalar_subquery()), ShiftBooking.status == BookingStatus.BOOKED)
        .values(status=BookingStatus.NO_SHOW, updated_at=now, sequence=ShiftBooking.sequence + 1)
        .returning(ShiftBooking.id, ShiftBooking.user_id, ShiftBooking.slot_id)
        .execution_options(synchronize_session=False)
    )
    rows = claimed.all()
    for booking_id, user_id, slot_id in rows:
        notify(session, user_id, "shift.no_show", at=now, booking_id=str(booking_id), slot_id=str(slot_id))
    return len(rows)


async def complete_shifts(session: AsyncSession, now: datetime, batch: int) -> int:
    """Checked-in bookings whose hour has ended are completed (a late check-in keeps its mark)."""
    due = (
        select(ShiftBooking.id)
        .where(
            ShiftBooking.status.in_((BookingStatus.CHECKED_IN, BookingStatus.LATE)),
            ShiftBooking.starts_at <= now - SHIFT_LENGTH,
        )
        .limit(batch)
    )
    claimed = await session.execute(
        update(ShiftBooking)
        .where(
            ShiftBooking.id.in_(due.scalar_subquery()),
            ShiftBooking.status.in_((BookingStatus.CHECKED_IN, BookingStatus.LATE)),
        )
        .values(status=BookingStatus.COMPLETED, completed_at=now, updated_at=now, sequence=ShiftBooking.sequence + 1)
        .returning(ShiftBooking.id)
        .execution_options(synchronize_session=False)
    )
    return len(claimed.all())


async def expire_waitlists(session: AsyncSession, now: datetime, batch: int) -> int:
    """Waitlist entries end when their slot starts."""
    started = select(ShiftSlot.id).where(ShiftSlot.starts_at <= now)
    due = (
        select(WaitlistEntry.id)
        .where(WaitlistEntry.status == WaitlistStatus.WAITING, WaitlistEntry.slot_id.in_(started))
        .limit(batch)
    )
    claimed = await session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.id.in_(due.scalar_subquery()), WaitlistEntry.status == WaitlistStatus.WAITING)
        .values(status=WaitlistStatus.EXPIRED, ended_at=now)
        .returning(WaitlistEntry.slot_id)
        .execution_options(synchronize_session=False)
    )
    slots = [slot_id for (slot_id,) in claimed.all()]
    for slot_id in slots:
        await session.execute(
            update(ShiftSlot).where(ShiftSlot.id == slot_id).values(waitlisted=ShiftSlot.waitlisted - 1)
        )
    return len(slots)
