"""Booking a seat: decided by the database, first come first served, in one statement on PostgreSQL.

The statement (`_book_in_one_statement`) reads the facts the rules need (the slot, the caller's certification,
standing, bookings at that hour, hours that day and week, the policy's caps) and, only when they all allow it,
claims in the same statement: a seat (a conditional UPDATE of the slot's `booked` below `capacity`, whose row lock
queues bookers of one slot and re-checks the count after the wait), an hour of the day and of the week (a
conditional upsert of the caller's counters below the caps), and the booking (an INSERT that one active booking per
slot and per hour, both unique indexes, lets through once). SQLite has no data-modifying CTEs: there the same claims
run one after another (`claim_seat`), each conditional, under SQLite's single writer.

When a claim fails after an earlier one succeeded (two requests of one person racing), the earlier claims are given
back in the same transaction before it commits, while their row locks still hold, so nobody sees a seat or hour
counted that was not booked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Row, Uuid, and_, bindparam, exists, func, literal, not_, or_, select, union_all, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts import service as accounts
from gigplatform.db import UTCDateTime, uuid7
from gigplatform.errors import NotFound
from recruitment import service as recruitment
from shifts.models import ACTIVE_STATUSES, BookingStatus, ShiftBooking, ShiftSlot, ShiftUserHours, SlotStatus
from shifts.policy import load_policy, policy_value
from shifts.reliability import has_priority, reliability_counts
from shifts.rules import BOOKABLE_STANDINGS, CallerFacts, Refusal, SlotFacts, refusal

FAR = timedelta(days=3650)


@dataclass(frozen=True)
class Booked:
    """A booking just made, as its reply shows it."""

    id: uuid.UUID
    slot_id: uuid.UUID
    track: str
    starts_at: datetime
    status: str
    pay_fen: int
    booked_at: datetime


def slot_not_found() -> NotFound:
    return NotFound("There is no such shift.", field="slot_id", rule="not_found")


def _insert_for(session: AsyncSession) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


SLOT_ID = bindparam("slot_id", type_=Uuid())
USER_ID = bindparam("user_id", type_=Uuid())
BOOKING_ID = bindparam("booking_id", type_=Uuid())
NOW = bindparam("now", type_=UTCDateTime())
OPEN_BY = bindparam("open_by", type_=UTCDateTime())


async def read_facts(session: AsyncSession, slot_id: uuid.UUID, user_id: uuid.UUID) -> Row[Any] | None:
    """The facts the rules need about one slot and one caller, in one read (SQLite, joining a waitlist)."""
    return (await session.execute(_facts_statement(), {"slot_id": slot_id, "user_id": user_id})).one_or_none()


@cache
def _facts_statement() -> Any:
    """Built once: constructing a statement this size costs more Python time than the database spends on it."""
    user_id, slot_id = USER_ID, SLOT_ID

    def hours(kind: str, period: Any) -> Any:
        held = select(ShiftUserHours.hours).where(
            ShiftUserHours.user_id == user_id, ShiftUserHours.kind == kind, ShiftUserHours.period == period
        )
        return func.coalesce(held.scalar_subquery(), 0)

    return select(
        ShiftSlot.id,
        ShiftSlot.track,
        ShiftSlot.starts_at,
        ShiftSlot.status,
        ShiftSlot.capacity,
        ShiftSlot.booked,
        ShiftSlot.opens_at,
        ShiftSlot.day,
        ShiftSlot.week,
        ShiftSlot.pay_fen,
        recruitment.certified_for(user_id, ShiftSlot.track).label("certified"),
        select(accounts.User.standing).where(accounts.User.id == user_id).scalar_subquery().label("standing"),
        exists()
        .where(
            ShiftBooking.user_id == user_id,
            ShiftBooking.starts_at == ShiftSlot.starts_at,
            ShiftBooking.status.in_(ACTIVE_STATUSES),
        )
        .label("overlap"),
        hours("day", ShiftSlot.day).label("day_hours"),
        hours("week", ShiftSlot.week).label("week_hours"),
        policy_value("daily_cap_hours").label("daily_cap"),
        policy_value("weekly_cap_hours").label("weekly_cap"),
        policy_value("priority_minutes").label("priority_minutes"),
    ).where(ShiftSlot.id == slot_id)


def caller_facts(row: Row[Any], opens_at: datetime) -> CallerFacts:
    standing = row.standing.value if hasattr(row.standing, "value") else str(row.standing)
    return CallerFacts(
        bool(row.certified),
        standing,
        bool(row.overlap),
        row.day_hours,
        row.week_hours,
        row.daily_cap,
        row.weekly_cap,
        opens_at,
    )


def _hour_claim_where() -> Any:
    return or_(
        and_(ShiftUserHours.kind == "day", ShiftUserHours.hours < policy_value("daily_cap_hours")),
        and_(ShiftUserHours.kind == "week", ShiftUserHours.hours < policy_value("weekly_cap_hours")),
    )


async def _book_in_one_statement(
    session: AsyncSession,
    slot_id: uuid.UUID,
    user_id: uuid.UUID,
    booking_id: uuid.UUID,
    now: datetime,
    open_by: datetime,
) -> Row[Any] | None:
    """PostgreSQL: the facts and every claim in one statement (see the module's docstring)."""
    values = {"slot_id": slot_id, "user_id": user_id, "booking_id": booking_id, "now": now, "open_by": open_by}
    return (await session.execute(_booking_statement(), values)).one_or_none()


@cache
def _booking_statement() -> Any:
    """The booking statement, built once with bound parameters (slot_id, user_id, booking_id, now, open_by)."""
    now, open_by = NOW, OPEN_BY
    chk = _facts_statement().cte("chk")
    allowed = select(chk.c.id).where(
        chk.c.status == SlotStatus.PUBLISHED,
        chk.c.starts_at > now,
        chk.c.opens_at <= open_by,
        chk.c.certified,
        chk.c.standing.in_(BOOKABLE_STANDINGS),
        not_(chk.c.overlap),
        chk.c.day_hours < chk.c.daily_cap,
        chk.c.week_hours < chk.c.weekly_cap,
    )
    seat = (
        update(ShiftSlot)
        .where(ShiftSlot.id.in_(allowed), ShiftSlot.booked < ShiftSlot.capacity)
        .values(booked=ShiftSlot.booked + 1)
        .returning(ShiftSlot.id, ShiftSlot.starts_at, ShiftSlot.pay_fen, ShiftSlot.day, ShiftSlot.week)
        .cte("seat")
    )
    uid = USER_ID
    periods = union_all(
        select(uid, literal("day"), seat.c.day, literal(1)),
        select(uid, literal("week"), seat.c.week, literal(1)),
    )
    hours = pg_insert(ShiftUserHours).from_select(["user_id", "kind", "period", "hours"], periods)
    hours = hours.on_conflict_do_update(
        index_elements=["user_id", "kind", "period"],
        set_={"hours": ShiftUserHours.hours + 1},
        where=_hour_claim_where(),
    )
    hrs = hours.returning(ShiftUserHours.kind).cte("hrs")
    at = NOW
    row = select(
        BOOKING_ID,
        seat.c.id,
        uid,
        seat.c.starts_at,
        literal(BookingStatus.BOOKED.value),
        seat.c.pay_fen,
        at,
        at,
        literal(False),
        literal(False),
        literal(0),
    ).where(select(func.count()).select_from(hrs).scalar_subquery() == 2)
    columns = ["id", "slot_id", "user_id", "starts_at", "status", "pay_fen", "booked_at", "updated_at"]
    columns += ["late_check_in", "from_waitlist", "sequence"]
    ins = pg_insert(ShiftBooking).from_select(columns, row).on_conflict_do_nothing().returning(ShiftBooking.id)
    ins_cte = ins.cte("ins")
    query = select(
        *chk.c,
        exists(select(seat.c.id)).label("seat_claimed"),
        exists(select(hrs.c.kind).where(hrs.c.kind == "day")).label("day_claimed"),
        exists(select(hrs.c.kind).where(hrs.c.kind == "week")).label("week_claimed"),
        exists(select(ins_cte.c.id)).label("inserted"),
    )
    return query


async def release(
    session: AsyncSession, slot_id: uuid.UUID, user_id: uuid.UUID, day: Any, week: Any, kinds: tuple[str, ...]
) -> None:
    """Gives back a seat and the person's hours of `kinds` ("day", "week"): a cancellation, or a claim undone."""
    await session.execute(update(ShiftSlot).where(ShiftSlot.id == slot_id).values(booked=ShiftSlot.booked - 1))
    wanted = [and_(ShiftUserHours.kind == k, ShiftUserHours.period == (day if k == "day" else week)) for k in kinds]
    if wanted:
        await session.execute(
            update(ShiftUserHours)
            .where(ShiftUserHours.user_id == user_id, or_(*wanted))
            .values(hours=ShiftUserHours.hours - 1)
        )


async def claim_seat(
    session: AsyncSession, facts: SlotFacts, user_id: uuid.UUID, booking_id: uuid.UUID, now: datetime, pay_fen: int
) -> Refusal | None:
    """The claims one after another, each conditional (SQLite, and the waitlist's promotions on either database).
    Returns the refusal when a claim fails; what was claimed before it is given back."""
    seat = await session.execute(
        update(ShiftSlot)
        .where(
            ShiftSlot.id == facts.id,
            ShiftSlot.booked < ShiftSlot.capacity,
            ShiftSlot.status == SlotStatus.PUBLISHED,
            ShiftSlot.starts_at > now,
        )
        .values(booked=ShiftSlot.booked + 1)
        .returning(ShiftSlot.id)
    )
    if seat.first() is None:
        return Refusal("full", {})
    insert = _insert_for(session)
    rows = [{"user_id": user_id, "kind": "day", "period": facts.day, "hours": 1}]
    rows.append({"user_id": user_id, "kind": "week", "period": facts.week, "hours": 1})
    upsert = insert(ShiftUserHours).values(rows)
    upsert = upsert.on_conflict_do_update(
        index_elements=["user_id", "kind", "period"],
        set_={"hours": ShiftUserHours.hours + 1},
        where=_hour_claim_where(),
    )
    kinds = tuple((await session.execute(upsert.returning(ShiftUserHours.kind))).scalars())
    if len(kinds) < 2:
        await release(session, facts.id, user_id, facts.day, facts.week, kinds)
        cap = await load_policy(session)
        if "day" not in kinds:
            return Refusal("daily_cap", {"cap": cap.daily_cap_hours})
        return Refusal("weekly_cap", {"cap": cap.weekly_cap_hours})
    booking = {
        "id": booking_id,
        "slot_id": facts.id,
        "user_id": user_id,
        "starts_at": facts.starts_at,
        "status": BookingStatus.BOOKED,
        "pay_fen": pay_fen,
        "booked_at": now,
        "updated_at": now,
        "late_check_in": False,
        "from_waitlist": False,
        "sequence": 0,
    }
    made = await session.execute(
        insert(ShiftBooking).values(booking).on_conflict_do_nothing().returning(ShiftBooking.id)
    )
    if made.first() is None:
        await release(session, facts.id, user_id, facts.day, facts.week, kinds)
        return Refusal("overlap", {})
    return None


async def caller_window(session: AsyncSession, row: Row[Any], user_id: uuid.UUID, now: datetime) -> datetime:
    """When the slot's window opens for this caller: earlier by the policy's minutes with priority access. Asked
    only when the standard window has not opened yet, so the burst at opening time does not pay for it."""
    if now >= row.opens_at:
        return row.opens_at
    policy = await load_policy(session)
    if has_priority(await reliability_counts(session, user_id, now), policy):
        return row.opens_at - timedelta(minutes=policy.priority_minutes)
    return row.opens_at


async def attempt_booking(
    session: AsyncSession, now: datetime, slot_id: uuid.UUID, user_id: uuid.UUID, *, any_window: bool = False
) -> Booked | Refusal:
    """Books `slot_id` for `user_id`, or says why not. Never raises for a refusal (the waitlist's promotion goes on
    to the next in line); `any_window` skips the window (a waitlisted person was allowed in when they joined).
    On PostgreSQL the decision is one statement; on SQLite a read and conditional writes."""
    booking_id = uuid7()
    postgres = session.get_bind().dialect.name == "postgresql"
    lead = FAR if any_window else timedelta(0)  # how much earlier than the standard window this caller may book
    asked = any_window
    for _ in range(2):  # a second pass only when a caller with priority access is inside their earlier window
        if postgres:
            row = await _book_in_one_statement(session, slot_id, user_id, booking_id, now, now + lead)
        else:
            row = await read_facts(session, slot_id, user_id)
        if row is None:
            raise slot_not_found()
        slot = SlotFacts.of(row)
        if postgres and row.inserted:
            return _booked(booking_id, user_id, slot, row.pay_fen, now)
        refused = refusal(slot, caller_facts(row, row.opens_at - lead), now, seats_checked=not postgres)
        if refused is not None and refused.reason == "not_open" and not asked:
            asked = True
            window = await caller_window(session, row, user_id, now)
            if now >= window:
                lead = row.opens_at - window
                continue
            refused = refusal(slot, caller_facts(row, window), now)
        if refused is not None:
            if postgres and row.seat_claimed:
                await release(session, slot_id, user_id, slot.day, slot.week, _kinds(row))
            return refused
        if not postgres:
            refused = await claim_seat(session, slot, user_id, booking_id, now, row.pay_fen)
            return refused or _booked(booking_id, user_id, slot, row.pay_fen, now)
        return await _lost_race(session, row, slot, user_id)
    raise AssertionError("unreachable: the second pass decides")


def _kinds(row: Row[Any]) -> tuple[str, ...]:
    return tuple(k for k, claimed in (("day", row.day_claimed), ("week", row.week_claimed)) if claimed)


async def _lost_race(session: AsyncSession, row: Row[Any], slot: SlotFacts, user_id: uuid.UUID) -> Refusal:
    """Every rule allowed the booking when the statement read, yet a claim failed: another request took the last
    seat, the last hour of a cap, or the hour itself first. What this statement claimed is given back."""
    if not row.seat_claimed:
        return Refusal("full", {})
    await release(session, slot.id, user_id, slot.day, slot.week, _kinds(row))
    if not row.day_claimed:
        return Refusal("daily_cap", {"cap": row.daily_cap})
    if not row.week_claimed:
        return Refusal("weekly_cap", {"cap": row.weekly_cap})
    return Refusal("overlap", {})


def _booked(booking_id: uuid.UUID, user_id: uuid.UUID, slot: SlotFacts, pay_fen: int, now: datetime) -> Booked:
    del user_id
    return Booked(booking_id, slot.id, slot.track, slot.starts_at, BookingStatus.BOOKED.value, pay_fen, now)
