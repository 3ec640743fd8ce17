"""Disputes of no-shows and late marks, and the reliability report a freelancer disputes from.

A freelancer may dispute a no-show or a late check-in of their own within 48 hours of it, once per booking (a
booking has one such event at most). The instant of a no-show is when check-in closed (15 minutes after the start,
when the rule made it one, whenever the sweep wrote it down); of a late mark, the check-in itself. An admin accepts
(the event stops counting, and a restriction resting on it that no longer holds is lifted) or rejects (it stays);
either way the decision is audited and the freelancer told.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts import service as accounts
from gigplatform.db import uuid7
from gigplatform.errors import N_, Conflict, InvalidInput, NotFound
from gigplatform.events import record_event
from gigplatform.notifications import notify
from gigplatform.security import Principal
from shifts.attendance import LATE_UNTIL
from shifts.models import BookingStatus, DisputeKind, DisputeStatus, ShiftBooking, ShiftDispute
from shifts.reliability import WINDOW_DAYS, ReliabilityCounts, reliability_counts, reliability_score
from shifts.restrictions import lift_unfounded
from shifts.schemas import DisputeDecisionIn, DisputeIn

DISPUTE_WINDOW = timedelta(hours=48)
DECIDED = {"accept": "shift.dispute_accepted", "reject": "shift.dispute_rejected"}
FORMULA = "100 × (completed − ½ × late check-ins) ÷ (completed + late cancellations + 2 × no-shows)"
COUNTED = (BookingStatus.COMPLETED, BookingStatus.LATE_CANCELLED, BookingStatus.NO_SHOW)


def disputable_event(booking: ShiftBooking) -> tuple[DisputeKind, datetime] | None:
    """The booking's no-show or late mark and when it happened, or None when it has neither."""
    if booking.status == BookingStatus.NO_SHOW:
        return DisputeKind.NO_SHOW, booking.starts_at + LATE_UNTIL
    late = booking.status in (BookingStatus.LATE, BookingStatus.COMPLETED) and booking.late_check_in
    if late and booking.checked_in_at is not None:
        return DisputeKind.LATE_CHECK_IN, booking.checked_in_at
    return None


def _already() -> Conflict:
    return Conflict(N_("This event has already been disputed."), field="booking_id", rule="already_disputed")


async def file_dispute(session: AsyncSession, now: datetime, actor: Principal, data: DisputeIn) -> ShiftDispute:
    """The caller disputes their own no-show or late mark: 404 for another person's booking, 409 with a rule
    (`not_disputable`, `too_late` with `deadline`, `already_disputed`), 422 for an empty reason."""
    reason = data.reason.strip()
    if not reason:
        raise InvalidInput(N_("Say why you dispute it."), field="reason", rule="required")
    booking = await session.get(ShiftBooking, data.booking_id)
    if booking is None or booking.user_id != actor.user_id:
        raise NotFound("There is no such booking.", field="booking_id", rule="not_found")
    event = disputable_event(booking)
    if event is None:
        raise Conflict(
            N_("Only a no-show or a late check-in can be disputed."), field="booking_id", rule="not_disputable"
        )
    kind, happened = event
    deadline = happened + DISPUTE_WINDOW
    if now > deadline:
        raise Conflict(
            N_("The 48 hours to dispute this ended at %(deadline)s."),
            field="booking_id",
            rule="too_late",
            params={"deadline": deadline.isoformat()},
            extra={"deadline": deadline.isoformat()},
        )
    if await session.scalar(select(ShiftDispute.id).where(ShiftDispute.booking_id == booking.id)) is not None:
        raise _already()
    dispute = ShiftDispute(
        id=uuid7(),
        booking_id=booking.id,
        user_id=actor.user_id,
        kind=kind,
        reason=reason,
        status=DisputeStatus.OPEN,
        created_at=now,
    )
    try:
        async with session.begin_nested():  # a double submit racing this one: the unique index decides
            session.add(dispute)
    except IntegrityError:
        raise _already() from None
    record_event(session, "shift.dispute_filed", dispute_id=dispute.id)
    return dispute


async def access_dispute(session: AsyncSession, actor: Principal, dispute_id: uuid.UUID) -> ShiftDispute:
    """The dispute, for an admin or its owner; one 404 for missing and forbidden alike."""
    dispute = await session.get(ShiftDispute, dispute_id)
    if dispute is None or (actor.role != "admin" and dispute.user_id != actor.user_id):
        raise NotFound("There is no such dispute.", field="dispute_id", rule="not_found")
    return dispute


async def decide_dispute(
    session: AsyncSession, now: datetime, actor: Principal, dispute_id: uuid.UUID, data: DisputeDecisionIn
) -> ShiftDispute:
    """An admin accepts or rejects an open dispute (claimed with a conditional UPDATE, so two admins deciding at
    once decide once: the second gets `decided`). Accepting takes the event out of the counts and lifts a
    restriction that no longer holds. Audited (who, when, what, why); the freelancer is told."""
    note = data.note.strip()
    if not note:
        raise InvalidInput(N_("Say why you decided so."), field="note", rule="required")
    dispute = await access_dispute(session, actor, dispute_id)
    status = DisputeStatus.ACCEPTED if data.decision == "accept" else DisputeStatus.REJECTED
    claimed = await session.execute(
        update(ShiftDispute)
        .where(ShiftDispute.id == dispute.id, ShiftDispute.status == DisputeStatus.OPEN)
        .values(status=status, decided_at=now, decided_by=actor.user_id, note=note)
        .returning(ShiftDispute.id)
    )
    if claimed.first() is None:
        raise Conflict(N_("This dispute has already been decided."), field="dispute_id", rule="decided")
    await session.refresh(dispute)
    lifted = None
    if status == DisputeStatus.ACCEPTED:
        lifted = await lift_unfounded(session, now, actor, dispute.user_id, dispute.booking_id)
    accounts.record_audit(
        session,
        actor,
        DECIDED[data.decision],
        at=now,
        subject_kind="user",
        subject_id=dispute.user_id,
        reason=note,
        details={
            "dispute_id": dispute.id,
            "booking_id": dispute.booking_id,
            "kind": dispute.kind.value,
            "restriction_lifted": lifted is not None,
        },
    )
    notify(
        session,
        dispute.user_id,
        DECIDED[data.decision],
        at=now,
        dispute_id=dispute.id,
        booking_id=dispute.booking_id,
        note=note,
    )
    return dispute


async def list_disputes(
    session: AsyncSession, *, status: str | None, limit: int, offset: int
) -> tuple[list[tuple[ShiftDispute, datetime]], int]:
    """Disputes (with their shift's start), the oldest open first when filtered by status, newest first
    otherwise; and how many match."""
    where = [ShiftDispute.status == status] if status else []
    total = await session.scalar(select(func.count()).select_from(ShiftDispute).where(*where)) or 0
    order = ShiftDispute.created_at.asc() if status == DisputeStatus.OPEN else ShiftDispute.created_at.desc()
    rows = await session.execute(
        select(ShiftDispute, ShiftBooking.starts_at)
        .join(ShiftBooking, ShiftBooking.id == ShiftDispute.booking_id)
        .where(*where)
        .order_by(order, ShiftDispute.id)
        .limit(limit)
        .offset(offset)
    )
    return [(d, s) for d, s in rows.all()], total


@dataclass(frozen=True)
class ReliabilityEvent:
    """One booking that counts (or counted until a dispute was accepted)."""

    booking_id: uuid.UUID
    kind: str  # completed | late_check_in | late_cancellation | no_show
    starts_at: datetime
    counts: bool
    dispute_status: str | None
    disputable_until: datetime | None  # while a dispute may still be filed


@dataclass(frozen=True)
class Reliability:
    score: int
    counts: ReliabilityCounts
    window_from: datetime
    window_to: datetime
    events: list[ReliabilityEvent]
    standing: str
    standing_until: datetime | None
    disputes: list[tuple[ShiftDispute, datetime]]


EVENT_KINDS = {BookingStatus.LATE_CANCELLED: "late_cancellation", BookingStatus.NO_SHOW: "no_show"}


async def my_reliability(session: AsyncSession, now: datetime, user_id: uuid.UUID) -> Reliability:
    """The score of the last 30 days, every event that counts with its date, the person's disputes, and their
    standing with its end: what the freelancer's reliability page and `GET /api/me/reliability` show."""
    since = now - timedelta(days=WINDOW_DAYS)
    counts = await reliability_counts(session, user_id, now)
    rows = await session.execute(
        select(ShiftBooking, ShiftDispute.status)
        .outerjoin(ShiftDispute, ShiftDispute.booking_id == ShiftBooking.id)
        .where(
            ShiftBooking.user_id == user_id,
            ShiftBooking.status.in_(COUNTED),
            ShiftBooking.starts_at >= since,
            ShiftBooking.starts_at < now,
        )
        .order_by(ShiftBooking.starts_at.desc(), ShiftBooking.id.desc())
    )
    events = []
    for booking, dispute_status in rows.all():
        kind = EVENT_KINDS.get(booking.status, "late_check_in" if booking.late_check_in else "completed")
        excused = dispute_status == DisputeStatus.ACCEPTED
        event = disputable_event(booking)
        open_until = event[1] + DISPUTE_WINDOW if event is not None and dispute_status is None else None
        events.append(
            ReliabilityEvent(
                booking.id,
                kind,
                booking.starts_at,
                not (excused and kind in ("no_show", "late_check_in")),
                dispute_status.value if dispute_status is not None else None,
                open_until if open_until is not None and now <= open_until else None,
            )
        )
    standing, until = await accounts.standing_of(session, user_id, now)
    disputes = await session.execute(
        select(ShiftDispute, ShiftBooking.starts_at)
        .join(ShiftBooking, ShiftBooking.id == ShiftDispute.booking_id)
        .where(ShiftDispute.user_id == user_id)
        .order_by(ShiftDispute.created_at.desc())
        .limit(100)
    )
    return Reliability(
        reliability_score(counts),
        counts,
        since,
        now,
        events,
        standing.value,
        until,
        [(d, s) for d, s in disputes.all()],
    )
