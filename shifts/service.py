"""The shift marketplace's one door. Inner modules:
  policy        the booking policy (window, priority access, caps, cut-off)
  reliability   the reliability formula and its counts
  rules         who may book a slot, and the 409 that says why not
  booking       booking a seat, decided by the database in one statement
  waitlist      joining and leaving a full slot's line; handing freed seats to it
  cancelling    a freelancer's bookings, cancelling one
  attendance    checking in; the sweep that marks no-shows and completes shifts
  slots         publishing, cancelling a slot, the list freelancers book from
  idempotency   first answers kept under an `Idempotency-Key`
  jobs          the timed work (`JOBS`)

Verbs never commit; the edge's unit of work does.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.events import record_event
from gigplatform.security import Principal
from shifts.attendance import check_in, complete_shifts, expire_waitlists, mark_no_shows
from shifts.booking import Booked, attempt_booking
from shifts.cancelling import access_booking, cancel_booking, is_free_cancellation, my_bookings
from shifts.idempotency import Answer, fingerprint, first_answer, purge_keys, remember
from shifts.jobs import JOBS, settle_shifts
from shifts.models import (
    ACTIVE_STATUSES,
    BookingStatus,
    IdempotencyKey,
    ShiftBooking,
    ShiftPolicy,
    ShiftSlot,
    SlotStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from shifts.policy import DEFAULT_POLICY, Policy, load_policy
from shifts.reliability import ReliabilityCounts, has_priority, reliability_counts, reliability_score
from shifts.rules import MESSAGES, REASONS, BookingRefused, Refusal
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


async def book_slot(session: AsyncSession, now: datetime, actor: Principal, slot_id: uuid.UUID) -> Booked:
    """Books the slot for the caller, first come first served, or raises `BookingRefused` (409 with `reason`)."""
    outcome = await attempt_booking(session, now, slot_id, actor.user_id)
    if isinstance(outcome, Refusal):
        raise outcome.error(slot_id)
    record_event(session, "shift.seats_changed", slot_id=slot_id)
    return outcome


__all__ = [
    "ACTIVE_STATUSES",
    "DEFAULT_POLICY",
    "JOBS",
    "MESSAGES",
    "REASONS",
    "Answer",
    "Booked",
    "BookingRefused",
    "BookingStatus",
    "IdempotencyKey",
    "Place",
    "Policy",
    "PublishInput",
    "PublishItem",
    "PublishResult",
    "ReliabilityCounts",
    "ShiftBooking",
    "ShiftPolicy",
    "ShiftSlot",
    "SlotStatus",
    "SlotView",
    "WaitlistEntry",
    "WaitlistStatus",
    "access_booking",
    "access_slot",
    "book_slot",
    "cancel_booking",
    "cancel_slot",
    "check_in",
    "complete_shifts",
    "expire_waitlists",
    "fill_from_waitlist",
    "fingerprint",
    "first_answer",
    "has_priority",
    "is_free_cancellation",
    "join_waitlist",
    "leave_waitlist",
    "list_slots",
    "load_policy",
    "mark_no_shows",
    "my_bookings",
    "publish_slots",
    "purge_keys",
    "reliability_counts",
    "reliability_score",
    "remember",
    "settle_shifts",
]
