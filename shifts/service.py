"""The shift marketplace's one door. Inner modules:
  policy        the booking policy (window, priority access, caps, cut-off)
  reliability   the reliability formula and its counts
  rules         who may book a slot, and the 409 that says why not
  booking       booking a seat, decided by the database in one statement
  waitlist      joining and leaving a full slot's line; handing freed seats to it
  cancelling    a freelancer's bookings, cancelling one
  attendance    checking in; the sweep that marks no-shows and completes shifts
  restrictions  three no-shows in 30 days restrict booking; lifting one an accepted dispute undoes
  disputes      disputing a no-show or a late mark, an admin's decision; the freelancer's reliability report
  slots         publishing, cancelling a slot, the list freelancers book from
  idempotency   first answers kept under an `Idempotency-Key`
  operations    what admins watch: each slot's fill, who is on shift now
  reminders     the reminder 30 minutes before a booked shift starts
  jobs          the timed work (`JOBS`)
  earnings      what completed shifts earn per Asia/Shanghai month; the payroll
  calendar_feed the private iCalendar link and its feed

Verbs never commit; the edge's unit of work does.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform import realtime
from gigplatform.events import record_event
from gigplatform.security import Principal
from shifts.attendance import (
    CHECK_IN_OPENS,
    LATE_UNTIL,
    ON_TIME_UNTIL,
    SHIFT_LENGTH,
    check_in,
    complete_shifts,
    expire_waitlists,
    mark_no_shows,
)
from shifts.booking import Booked, attempt_booking
from shifts.calendar_feed import calendar_feed, has_calendar_token, issue_calendar_token, revoke_calendar_token
from shifts.cancelling import access_booking, cancel_booking, is_free_cancellation, my_bookings
from shifts.disputes import (
    DISPUTE_WINDOW,
    FORMULA,
    Reliability,
    ReliabilityEvent,
    access_dispute,
    decide_dispute,
    disputable_event,
    file_dispute,
    list_disputes,
    my_reliability,
)
from shifts.earnings import (
    PAYROLL_COLUMNS,
    STATEMENT_COLUMNS,
    EarnedShift,
    PayrollLine,
    Statement,
    month_bounds,
    month_or_this,
    month_text,
    monthly_statement,
    parse_month,
    payroll,
    payroll_csv,
    statement_csv,
    yuan,
)
from shifts.idempotency import Answer, fingerprint, first_answer, purge_keys, remember
from shifts.jobs import JOBS, remind_shifts, settle_shifts
from shifts.models import (
    ACTIVE_STATUSES,
    BookingStatus,
    DisputeKind,
    DisputeStatus,
    IdempotencyKey,
    ShiftBooking,
    ShiftDispute,
    ShiftPolicy,
    ShiftRestriction,
    ShiftSlot,
    SlotStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from shifts.operations import OnShift, SlotFill, on_shift, slot_fill
from shifts.policy import DEFAULT_POLICY, Policy, load_policy
from shifts.reliability import ReliabilityCounts, has_priority, reliability_counts, reliability_score
from shifts.reminders import REMIND_BEFORE, send_reminders
from shifts.restrictions import restrict_after_no_shows
from shifts.rules import MESSAGES, REASONS, BookingRefused, Refusal
from shifts.schemas import DisputeDecisionIn, DisputeIn
from shifts.slots import (
    PublishInput,
    PublishItem,
    PublishResult,
    SlotView,
    access_slot,
    cancel_slot,
    list_slots,
    publish_slots,
)
from shifts.waitlist import Place, fill_from_waitlist, join_waitlist, leave_waitlist

# Seat counts reach open booking grids (the `slots` channel); the payload is the slot's id only.
realtime.route_public("slots", "shift.seats_changed")


async def book_slot(session: AsyncSession, now: datetime, actor: Principal, slot_id: uuid.UUID) -> Booked:
    """Books the slot for the caller, first come first served, or raises `BookingRefused` (409 with `reason`)."""
    outcome = await attempt_booking(session, now, slot_id, actor.user_id)
    if isinstance(outcome, Refusal):
        raise outcome.error(slot_id)
    record_event(session, "shift.seats_changed", slot_id=slot_id)
    return outcome


__all__ = [
    "ACTIVE_STATUSES",
    "CHECK_IN_OPENS",
    "DEFAULT_POLICY",
    "DISPUTE_WINDOW",
    "FORMULA",
    "JOBS",
    "LATE_UNTIL",
    "MESSAGES",
    "ON_TIME_UNTIL",
    "PAYROLL_COLUMNS",
    "REASONS",
    "REMIND_BEFORE",
    "SHIFT_LENGTH",
    "STATEMENT_COLUMNS",
    "Answer",
    "Booked",
    "BookingRefused",
    "BookingStatus",
    "DisputeDecisionIn",
    "DisputeIn",
    "DisputeKind",
    "DisputeStatus",
    "EarnedShift",
    "IdempotencyKey",
    "OnShift",
    "PayrollLine",
    "Place",
    "Policy",
    "PublishInput",
    "PublishItem",
    "PublishResult",
    "Reliability",
    "ReliabilityCounts",
    "ReliabilityEvent",
    "ShiftBooking",
    "ShiftDispute",
    "ShiftPolicy",
    "ShiftRestriction",
    "ShiftSlot",
    "SlotFill",
    "SlotStatus",
    "SlotView",
    "Statement",
    "WaitlistEntry",
    "WaitlistStatus",
    "access_booking",
    "access_dispute",
    "access_slot",
    "book_slot",
    "calendar_feed",
    "cancel_booking",
    "cancel_slot",
    "check_in",
    "complete_shifts",
    "decide_dispute",
    "disputable_event",
    "expire_waitlists",
    "file_dispute",
    "fill_from_waitlist",
    "fingerprint",
    "first_answer",
    "has_calendar_token",
    "has_priority",
    "is_free_cancellation",
    "issue_calendar_token",
    "join_waitlist",
    "leave_waitlist",
    "list_disputes",
    "list_slots",
    "load_policy",
    "mark_no_shows",
    "month_bounds",
    "month_or_this",
    "month_text",
    "monthly_statement",
    "my_bookings",
    "my_reliability",
    "on_shift",
    "parse_month",
    "payroll",
    "payroll_csv",
    "publish_slots",
    "purge_keys",
    "reliability_counts",
    "reliability_score",
    "remember",
    "remind_shifts",
    "restrict_after_no_shows",
    "revoke_calendar_token",
    "send_reminders",
    "settle_shifts",
    "slot_fill",
    "statement_csv",
    "yuan",
]
