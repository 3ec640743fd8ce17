"""Slots: publishing them in bulk (with a preview), cancelling one, and the list a freelancer books from.

Publishing the same range again changes capacity and pay, never the bookings (each keeps the pay it was booked at),
and never below what is booked: the UPDATE itself refuses (`booked <= capacity`), so a booking racing a
republish cannot slip under it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts import service as accounts
from gigplatform.clock import BUSINESS_TZ
from gigplatform.db import uuid7
from gigplatform.errors import N_, Conflict, InvalidInput, NotFound
from gigplatform.events import record_event
from gigplatform.notifications import notify
from gigplatform.security import Principal
from recruitment import service as recruitment
from shifts.booking import slot_not_found
from shifts.models import (
    ACTIVE_STATUSES,
    BookingStatus,
    ShiftBooking,
    ShiftSlot,
    ShiftUserHours,
    SlotStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from shifts.policy import Policy, business_day_and_week, load_policy
from shifts.reliability import has_priority, reliability_counts
from shifts.rules import CallerFacts, SlotFacts, refusal
from shifts.waitlist import fill_from_waitlist, position_of

MAX_LIST_DAYS = 31


@dataclass(frozen=True)
class PublishInput:
    dates: Sequence[date]
    hours: Sequence[int]
    tracks: Sequence[str]
    capacity: int
    pay_fen: int
    preview: bool = False


@dataclass(frozen=True)
class PublishItem:
    slot_id: uuid.UUID | None
    track: str
    starts_at: datetime
    action: str  # create | update | unchanged
    capacity: int
    pay_fen: int
    booked: int
    previous_capacity: int | None
    previous_pay_fen: int | None


@dataclass(frozen=True)
class PublishResult:
    preview: bool
    items: list[PublishItem]


def _start(day: date, hour: int) -> datetime:
    """The instant hour `hour` of business day `day` starts, in UTC."""
    return datetime.combine(day, time(hour), BUSINESS_TZ).astimezone(UTC)


async def publish_slots(session: AsyncSession, now: datetime, data: PublishInput) -> PublishResult:
    """Makes or changes every slot of dates × hours × tracks; with `preview`, only says what it would do."""
    starts = sorted({_start(d, h) for d in data.dates for h in data.hours})
    if starts and starts[0] <= now:
        raise InvalidInput(
            N_("Slots can only be published for hours that have not started."), field="dates", rule="past"
        )
    wanted = [(track, start) for track in sorted(set(data.tracks)) for start in starts]
    existing = {
        (str(s.track), s.starts_at): s
        for s in await session.scalars(
            select(ShiftSlot).where(tuple_(ShiftSlot.track, ShiftSlot.starts_at).in_(wanted))
        )
    }
    items: list[PublishItem] = []
    for track, start in wanted:
        slot = existing.get((track, start))
        if slot is None:
            items.append(PublishItem(None, track, start, "create", data.capacity, data.pay_fen, 0, None, None))
            continue
        if slot.status == SlotStatus.CANCELLED:
            raise Conflict(
                N_("The slot %(slot_id)s was cancelled; it cannot be published again."),
                field="slot",
                rule="cancelled",
                params={"slot_id": str(slot.id)},
                extra={"slot_id": str(slot.id)},
            )
        if data.capacity < slot.booked:
            raise _below_booked(slot)
        same = slot.capacity == data.capacity and slot.pay_fen == data.pay_fen
        action = "unchanged" if same else "update"
        items.append(
            PublishItem(
                slot.id, track, start, action, data.capacity, data.pay_fen, slot.booked, slot.capacity, slot.pay_fen
            )
        )
    if data.preview:
        return PublishResult(True, items)
    policy = await load_policy(session)
    made: list[PublishItem] = []
    for item in items:
        if item.action == "create":
            slot = _new_slot(item, policy, now)
            session.add(slot)
            made.append(PublishItem(slot.id, *_tail(item)))
            continue
        assert item.slot_id is not None
        if item.action == "update":
            changed = await session.execute(
                update(ShiftSlot)
                .where(ShiftSlot.id == item.slot_id, ShiftSlot.booked <= data.capacity)
                .values(capacity=data.capacity, pay_fen=data.pay_fen, updated_at=now)
                .returning(ShiftSlot.id)
            )
            if changed.first() is None:
                raise _below_booked(existing[(item.track, item.starts_at)])
            if data.capacity > (item.previous_capacity or 0):
                await fill_from_waitlist(session, now, item.slot_id)
        made.append(item)
    await session.flush()
    record_event(session, "shift.slots_published", count=len(made))
    return PublishResult(False, made)


def _tail(item: PublishItem) -> tuple[object, ...]:
    return (item.track, item.starts_at, item.action, item.capacity, item.pay_fen, 0, None, None)


def _below_booked(slot: ShiftSlot) -> Conflict:
    return Conflict(
        N_("The slot %(slot_id)s already has %(booked)s bookings; its capacity cannot go below that."),
        field="capacity",
        rule="below_booked",
        params={"slot_id": str(slot.id), "booked": slot.booked},
        extra={"slot_id": str(slot.id), "booked": slot.booked},
    )


def _new_slot(item: PublishItem, policy: Policy, now: datetime) -> ShiftSlot:
    day, week = business_day_and_week(item.starts_at)
    return ShiftSlot(
        id=uuid7(),
        track=item.track,
        starts_at=item.starts_at,
        day=day,
        week=week,
        opens_at=policy.opens_at(item.starts_at),
        capacity=item.capacity,
        booked=0,
        waitlisted=0,
        pay_fen=item.pay_fen,
        status=SlotStatus.PUBLISHED,
        created_at=now,
        updated_at=now,
    )


async def cancel_slot(session: AsyncSession, now: datetime, slot_id: uuid.UUID) -> ShiftSlot:
    """Cancels a slot that has not started: every booking on it ends as `slot_cancelled` (counting against nobody)
    and its owner is told; the waitlist ends too. Claimed with a conditional UPDATE, so it happens once."""
    slot = await session.get(ShiftSlot, slot_id)
    if slot is None:
        raise slot_not_found()
    if slot.status == SlotStatus.CANCELLED:
        raise Conflict(N_("This shift was cancelled."), field="slot", rule="cancelled")
    if now >= slot.starts_at:
        raise Conflict(N_("This shift has already started."), field="slot", rule="started")
    claimed = await session.execute(
        update(ShiftSlot)
        .where(ShiftSlot.id == slot_id, ShiftSlot.status != SlotStatus.CANCELLED)
        .values(status=SlotStatus.CANCELLED, cancelled_at=now, updated_at=now, booked=0, waitlisted=0)
        .returning(ShiftSlot.id)
    )
    if claimed.first() is None:
        raise Conflict(N_("This shift was cancelled."), field="slot", rule="cancelled")
    ended = await session.execute(
        update(ShiftBooking)
        .where(ShiftBooking.slot_id == slot_id, ShiftBooking.status.in_(ACTIVE_STATUSES))
        .values(
            status=BookingStatus.SLOT_CANCELLED, cancelled_at=now, updated_at=now, sequence=ShiftBooking.sequence + 1
        )
        .returning(ShiftBooking.id, ShiftBooking.user_id)
    )
    for booking_id, user_id in ended.all():
        await session.execute(
            update(ShiftUserHours)
            .where(
                ShiftUserHours.user_id == user_id,
                tuple_(ShiftUserHours.kind, ShiftUserHours.period).in_([("day", slot.day), ("week", slot.week)]),
            )
            .values(hours=ShiftUserHours.hours - 1)
        )
        notify(
            session,
            user_id,
            "shift.slot_cancelled",
            at=now,
            slot_id=str(slot_id),
            booking_id=str(booking_id),
            starts_at=slot.starts_at.isoformat(),
        )
    await session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.slot_id == slot_id, WaitlistEntry.status == WaitlistStatus.WAITING)
        .values(status=WaitlistStatus.EXPIRED, ended_at=now)
    )
    record_event(session, "shift.seats_changed", slot_id=slot_id)
    await session.refresh(slot)
    return slot


@dataclass(frozen=True)
class SlotView:
    """A slot as one freelancer sees it: seats left, when its window opens for them, and whether they may book."""

    slot: ShiftSlot
    seats_left: int
    opens_at_for_me: datetime
    can_book: bool
    reason: str | None
    my_booking_id: uuid.UUID | None
    waitlist_position: int | None


def _business_range(start: date, end: date) -> tuple[datetime, datetime]:
    return _start(start, 0), _start(end + timedelta(days=1), 0)


async def list_slots(
    session: AsyncSession, now: datetime, actor: Principal, start: date, end: date, track: str | None
) -> list[SlotView]:
    """Published and cancelled slots of the business days `start`..`end`, for the caller."""
    if end < start:
        raise InvalidInput(N_("The end of the range is before its start."), field="to", rule="order")
    if (end - start).days >= MAX_LIST_DAYS:
        raise InvalidInput(
            N_("A range of at most %(days)s days."), field="to", rule="range", params={"days": MAX_LIST_DAYS}
        )
    lo, hi = _business_range(start, end)
    query = select(ShiftSlot).where(
        ShiftSlot.starts_at >= lo, ShiftSlot.starts_at < hi, ShiftSlot.status != SlotStatus.DRAFT
    )
    if track is not None:
        query = query.where(ShiftSlot.track == track)
    slots = list(await session.scalars(query.order_by(ShiftSlot.starts_at, ShiftSlot.track)))
    policy = await load_policy(session)
    user = await accounts.get_user(session, actor.user_id)
    standing = user.standing.value if user is not None else "banned"
    tracks = {c.track for c in await recruitment.certifications(session, actor.user_id)}
    lead = (
        timedelta(minutes=policy.priority_minutes)
        if has_priority(await reliability_counts(session, actor.user_id, now), policy)
        else timedelta(0)
    )
    mine = {
        b.slot_id: b
        for b in await session.scalars(
            select(ShiftBooking).where(
                ShiftBooking.user_id == actor.user_id,
                ShiftBooking.starts_at >= lo,
                ShiftBooking.starts_at < hi,
                ShiftBooking.status.in_(ACTIVE_STATUSES),
            )
        )
    }
    busy = {b.starts_at for b in mine.values()}
    hours = {
        (h.kind, h.period): h.hours
        for h in await session.scalars(select(ShiftUserHours).where(ShiftUserHours.user_id == actor.user_id))
    }
    waiting = {
        e.slot_id: e
        for e in await session.scalars(
            select(WaitlistEntry).where(
                WaitlistEntry.user_id == actor.user_id, WaitlistEntry.status == WaitlistStatus.WAITING
            )
        )
    }
    views = []
    for slot in slots:
        facts = SlotFacts.of(slot)
        caller = CallerFacts(
            str(slot.track) in tracks,
            standing,
            slot.starts_at in busy,
            hours.get(("day", slot.day), 0),
            hours.get(("week", slot.week), 0),
            policy.daily_cap_hours,
            policy.weekly_cap_hours,
            slot.opens_at - lead,
        )
        refused = refusal(facts, caller, now)
        booking = mine.get(slot.id)
        entry = waiting.get(slot.id)
        views.append(
            SlotView(
                slot,
                max(slot.capacity - slot.booked, 0) if slot.status == SlotStatus.PUBLISHED else 0,
                slot.opens_at - lead,
                refused is None,
                refused.reason if refused else None,
                booking.id if booking else None,
                await position_of(session, entry) if entry else None,
            )
        )
    return views


async def access_slot(session: AsyncSession, slot_id: uuid.UUID) -> ShiftSlot:
    slot = await session.get(ShiftSlot, slot_id)
    if slot is None or slot.status == SlotStatus.DRAFT:
        raise NotFound("There is no such shift.", field="slot_id", rule="not_found")
    return slot
