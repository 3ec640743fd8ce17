"""The reminder each confirmed booking gets 30 minutes before its shift starts.

A sweep over database state: bookings still `booked` whose start is at most 30 minutes away and not yet passed,
and which have no `reminded_at`. Each is claimed by a conditional UPDATE (`WHERE reminded_at IS NULL`), so two
app instances sweeping at once send each reminder once, and a restarted instance catches up on what is still due.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.notifications import notify
from shifts.models import BookingStatus, ShiftBooking, ShiftSlot

REMIND_BEFORE = timedelta(minutes=30)


async def send_reminders(session: AsyncSession, now: datetime, batch: int) -> int:
    """Claims up to `batch` due reminders and tells each owner when and on which track their shift starts."""
    due = (
        select(ShiftBooking.id)
        .where(
            ShiftBooking.status == BookingStatus.BOOKED,
            ShiftBooking.reminded_at.is_(None),
            ShiftBooking.starts_at > now,
            ShiftBooking.starts_at <= now + REMIND_BEFORE,
        )
        .limit(batch)
    )
    claimed = await session.execute(
        update(ShiftBooking)
        .where(
            ShiftBooking.id.in_(due.scalar_subquery()),
            ShiftBooking.status == BookingStatus.BOOKED,
            ShiftBooking.reminded_at.is_(None),
        )
        .values(reminded_at=now)
        .returning(ShiftBooking.id, ShiftBooking.user_id, ShiftBooking.slot_id, ShiftBooking.starts_at)
        .execution_options(synchronize_session=False)
    )
    rows = claimed.all()
    if not rows:
        return 0
    slots = await session.execute(select(ShiftSlot.id, ShiftSlot.track).where(ShiftSlot.id.in_({r[2] for r in rows})))
    tracks = {slot_id: track for slot_id, track in slots.all()}
    for booking_id, user_id, slot_id, starts_at in rows:
        notify(
            session,
            user_id,
            "shift.reminder",
            at=now,
            booking_id=str(booking_id),
            slot_id=str(slot_id),
            track=str(tracks[slot_id]),
            starts_at=starts_at.isoformat(),
        )
    return len(rows)
