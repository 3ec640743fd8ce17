"""The waitlist of a full slot: joining and leaving it with the position shown, and handing a freed seat to the
first person in line who can still take it, in the transaction that freed it.

A join claims its place with a conditional UPDATE of the slot (`waitlisted + 1` only while every seat is booked),
the same row a cancellation's release and a booking lock, so a join racing a cancellation either sees the seat
taken back by the line or is told to book the free seat instead: no seat is lost and none given twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.db import uuid7
from gigplatform.errors import N_, Conflict, NotFound
from gigplatform.events import record_event
from gigplatform.notifications import notify
from gigplatform.security import Principal
from shifts.booking import (
    Booked,
    attempt_booking,
    caller_facts,
    caller_window,
    read_facts,
    slot_not_found,
)
from shifts.models import ShiftBooking, ShiftSlot, SlotStatus, WaitlistEntry, WaitlistStatus
from shifts.rules import SlotFacts, refusal


@dataclass(frozen=True)
class Place:
    entry_id: uuid.UUID
    slot_id: uuid.UUID
    position: int
    joined_at: datetime


async def position_of(session: AsyncSession, entry: WaitlistEntry) -> int:
    ahead = select(func.count()).where(
        WaitlistEntry.slot_id == entry.slot_id,
        WaitlistEntry.status == WaitlistStatus.WAITING,
        WaitlistEntry.id <= entry.id,
    )
    return await session.scalar(ahead) or 0


async def join_waitlist(session: AsyncSession, now: datetime, actor: Principal, slot_id: uuid.UUID) -> Place:
    """Joins the line of a full slot, while the caller could otherwise book it (the booking's rules, seats aside)."""
    row = await read_facts(session, slot_id, actor.user_id)
    if row is None:
        raise slot_not_found()
    slot = SlotFacts.of(row)
    refused = refusal(
        slot, caller_facts(row, await caller_window(session, row, actor.user_id, now)), now, seats_checked=False
    )
    if refused is not None:
        raise refused.error(slot_id)
    mine = await session.scalar(
        select(WaitlistEntry).where(
            WaitlistEntry.slot_id == slot_id,
            WaitlistEntry.user_id == actor.user_id,
            WaitlistEntry.status == WaitlistStatus.WAITING,
        )
    )
    if mine is not None:
        raise Conflict(N_("You are already on this shift's waitlist."), field="slot", rule="already_waiting")
    claimed = await session.execute(
        update(ShiftSlot)
        .where(
            ShiftSlot.id == slot_id, ShiftSlot.booked >= ShiftSlot.capacity, ShiftSlot.status == SlotStatus.PUBLISHED
        )
        .values(waitlisted=ShiftSlot.waitlisted + 1)
        .returning(ShiftSlot.id)
    )
    if claimed.first() is None:
        raise Conflict(N_("This shift has a free seat: book it instead."), field="slot", rule="not_full")
    entry = WaitlistEntry(
        id=uuid7(), slot_id=slot_id, user_id=actor.user_id, status=WaitlistStatus.WAITING, created_at=now
    )
    try:
        async with session.begin_nested():
            session.add(entry)
    except IntegrityError as exc:  # the same person joining twice at once
        raise Conflict(N_("You are already on this shift's waitlist."), field="slot", rule="already_waiting") from exc
    record_event(session, "shift.waitlist_changed", slot_id=slot_id)
    return Place(entry.id, slot_id, await position_of(session, entry), now)


async def my_place(session: AsyncSession, user_id: uuid.UUID, slot_id: uuid.UUID) -> WaitlistEntry | None:
    return await session.scalar(
        select(WaitlistEntry).where(
            WaitlistEntry.slot_id == slot_id,
            WaitlistEntry.user_id == user_id,
            WaitlistEntry.status == WaitlistStatus.WAITING,
        )
    )


async def leave_waitlist(session: AsyncSession, now: datetime, actor: Principal, slot_id: uuid.UUID) -> None:
    """Leaves the line; a caller not in it gets the one 404."""
    left = await session.execute(
        update(WaitlistEntry)
        .where(
            WaitlistEntry.slot_id == slot_id,
            WaitlistEntry.user_id == actor.user_id,
            WaitlistEntry.status == WaitlistStatus.WAITING,
        )
        .values(status=WaitlistStatus.LEFT, ended_at=now)
        .returning(WaitlistEntry.id)
    )
    if left.first() is None:
        raise NotFound(N_("You are not on this shift's waitlist."), field="slot_id", rule="not_waiting")
    await session.execute(update(ShiftSlot).where(ShiftSlot.id == slot_id).values(waitlisted=ShiftSlot.waitlisted - 1))
    record_event(session, "shift.waitlist_changed", slot_id=slot_id)


async def fill_from_waitlist(session: AsyncSession, now: datetime, slot_id: uuid.UUID) -> int:
    """Gives free seats of the slot to the line, first come first served. Call it in the transaction that freed
    them, after the release (which holds the slot's row lock on PostgreSQL). Someone who can no longer take the
    seat (a cap, another shift at that hour, their standing or certification) is skipped and told why; each
    person booked is notified. Returns how many were booked."""
    promoted = 0
    while True:
        entry = await session.scalar(
            select(WaitlistEntry)
            .where(WaitlistEntry.slot_id == slot_id, WaitlistEntry.status == WaitlistStatus.WAITING)
            .order_by(WaitlistEntry.id)
            .limit(1)
        )
        if entry is None:
            return promoted
        outcome = await attempt_booking(session, now, slot_id, entry.user_id, any_window=True)
        if not isinstance(outcome, Booked):
            if outcome.reason in ("full", "started", "cancelled"):
                return promoted  # the seat is gone or the slot is over: the line stays as it is
            entry.status, entry.skip_reason, entry.ended_at = WaitlistStatus.SKIPPED, outcome.reason, now
            notify(
                session, entry.user_id, "shift.waitlist_skipped", at=now, slot_id=str(slot_id), reason=outcome.reason
            )
        else:
            entry.status, entry.booking_id, entry.ended_at = WaitlistStatus.PROMOTED, outcome.id, now
            await session.flush()
            await session.execute(update(ShiftBooking).where(ShiftBooking.id == outcome.id).values(from_waitlist=True))
            notify(
                session,
                entry.user_id,
                "shift.waitlist_promoted",
                at=now,
                slot_id=str(slot_id),
                booking_id=str(outcome.id),
                starts_at=outcome.starts_at.isoformat(),
            )
            promoted += 1
        await session.execute(
            update(ShiftSlot).where(ShiftSlot.id == slot_id).values(waitlisted=ShiftSlot.waitlisted - 1)
        )
        await session.flush()
