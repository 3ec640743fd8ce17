"""Past shifts written straight into the tables, so reliability tests need not replay weeks of booking."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.db import uuid7
from shifts.policy import business_day_and_week
from shifts.service import ShiftBooking, ShiftSlot, SlotStatus


async def past_shift(
    session: AsyncSession,
    user_id: uuid.UUID,
    starts_at: datetime,
    status: str = "booked",
    *,
    checked_in_at: datetime | None = None,
    late: bool = False,
    track: str = "after_sales",
) -> Any:
    """A booking of `user_id` on a slot starting at `starts_at` (the slot made if missing); committed."""
    slot = await session.scalar(select(ShiftSlot).where(ShiftSlot.track == track, ShiftSlot.starts_at == starts_at))
    if slot is None:
        day, week = business_day_and_week(starts_at)
        slot = ShiftSlot(
            id=uuid7(),
            track=track,
            starts_at=starts_at,
            day=day,
            week=week,
            opens_at=starts_at - timedelta(days=2),
            capacity=50,
            booked=0,
            waitlisted=0,
            pay_fen=1000,
            status=SlotStatus.PUBLISHED,
            created_at=starts_at - timedelta(days=3),
            updated_at=starts_at - timedelta(days=3),
        )
        session.add(slot)
        await session.flush()
    slot.booked += 1
    booking = ShiftBooking(
        id=uuid7(),
        slot_id=slot.id,
        user_id=user_id,
        starts_at=starts_at,
        status=status,
        pay_fen=1000,
        booked_at=starts_at - timedelta(days=1),
        updated_at=starts_at,
        checked_in_at=checked_in_at,
        late_check_in=late,
        from_waitlist=False,
        sequence=0,
    )
    session.add(booking)
    await session.commit()
    return booking
