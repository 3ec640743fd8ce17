"""Request and reply shapes of the shift API; limits written once, in `msgspec.Meta`."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar.params import QueryParameter

TrackName = Literal["pre_sales", "after_sales", "complaints"]
Hour = Annotated[int, msgspec.Meta(ge=0, le=23)]
Capacity = Annotated[int, msgspec.Meta(ge=1, le=100_000)]
PayFen = Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]
IDEMPOTENCY_KEY_MAX = 255
FirstDay = Annotated[date | None, QueryParameter(name="from", description="First business day; today by default.")]
LastDay = Annotated[date | None, QueryParameter(name="to", description="Last business day; a week on by default.")]


class PublishIn(msgspec.Struct, forbid_unknown_fields=True):
    dates: Annotated[list[date], msgspec.Meta(min_length=1, max_length=31)]
    hours: Annotated[list[Hour], msgspec.Meta(min_length=1, max_length=24)]
    tracks: Annotated[list[TrackName], msgspec.Meta(min_length=1, max_length=3)]
    capacity: Capacity
    pay_fen: PayFen
    preview: bool = False


class PublishItemOut(msgspec.Struct):
    slot_id: uuid.UUID | None
    track: str
    starts_at: datetime
    action: str
    capacity: int
    pay_fen: int
    booked: int
    previous_capacity: int | None
    previous_pay_fen: int | None


class PublishOut(msgspec.Struct):
    preview: bool
    items: list[PublishItemOut]


class SlotOut(msgspec.Struct):
    id: uuid.UUID
    track: str
    starts_at: datetime
    ends_at: datetime
    status: str
    capacity: int
    seats_left: int
    pay_fen: int
    opens_at: datetime
    opens_at_for_me: datetime
    can_book: bool
    reason: str | None
    my_booking_id: uuid.UUID | None
    waitlist_position: int | None


class AdminSlotOut(msgspec.Struct):
    id: uuid.UUID
    track: str
    starts_at: datetime
    status: str
    capacity: int
    booked: int
    waitlisted: int
    pay_fen: int


class SlotFillOut(msgspec.Struct):
    slot_id: uuid.UUID
    track: str
    starts_at: datetime
    day: date
    status: str
    capacity: int
    booked: int
    waitlisted: int
    checked_in: int
    pay_fen: int
    fill_percent: int


class SlotFillPage(msgspec.Struct):
    items: list[SlotFillOut]


class OnShiftOut(msgspec.Struct):
    booking_id: uuid.UUID
    user_id: uuid.UUID
    display_name: str
    slot_id: uuid.UUID
    starts_at: datetime
    status: str
    checked_in_at: datetime | None


class OnShiftTrackOut(msgspec.Struct):
    track: str
    people: list[OnShiftOut]


class OnShiftPage(msgspec.Struct):
    at: datetime
    tracks: list[OnShiftTrackOut]


class BookingOut(msgspec.Struct):
    id: uuid.UUID
    slot_id: uuid.UUID
    track: str
    starts_at: datetime
    ends_at: datetime
    status: str
    pay_fen: int
    booked_at: datetime
    cancelled_at: datetime | None = None
    checked_in_at: datetime | None = None
    late_check_in: bool = False
    from_waitlist: bool = False


class WaitlistOut(msgspec.Struct):
    entry_id: uuid.UUID
    slot_id: uuid.UUID
    position: int
    joined_at: datetime


def to_json(value: Any) -> Any:
    """A reply as plain JSON values, the form an idempotency key keeps."""
    return msgspec.json.decode(msgspec.json.encode(value))


DISPUTE_REASON_MAX = 1000
DisputeText = Annotated[str, msgspec.Meta(min_length=1, max_length=DISPUTE_REASON_MAX)]


class DisputeIn(msgspec.Struct, forbid_unknown_fields=True):
    """A dispute of a no-show or a late mark, within 48 hours of it; `reason` is read by an admin."""

    booking_id: uuid.UUID
    reason: DisputeText


class DisputeDecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    """An admin's decision; `note` says why (audited, and told to the freelancer)."""

    decision: Literal["accept", "reject"]
    note: DisputeText


class DisputeOut(msgspec.Struct):
    id: uuid.UUID
    booking_id: uuid.UUID
    user_id: uuid.UUID
    kind: str
    reason: str
    status: str
    created_at: datetime
    shift_starts_at: datetime
    decided_at: datetime | None = None
    note: str | None = None


class ReliabilityEventOut(msgspec.Struct):
    booking_id: uuid.UUID
    kind: str
    starts_at: datetime
    counts: bool
    dispute_status: str | None
    disputable_until: datetime | None


class ReliabilityCountsOut(msgspec.Struct):
    completed: int
    late_check_ins: int
    late_cancellations: int
    no_shows: int


class ReliabilityOut(msgspec.Struct):
    score: int
    formula: str
    window_from: datetime
    window_to: datetime
    counts: ReliabilityCountsOut
    events: list[ReliabilityEventOut]
    standing: str
    standing_until: datetime | None
    disputes: list[DisputeOut]
