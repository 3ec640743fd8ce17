"""Request and reply shapes of the shift API; limits written once, in `msgspec.Meta`."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

TrackName = Literal["pre_sales", "after_sales", "complaints"]
Hour = Annotated[int, msgspec.Meta(ge=0, le=23)]
Capacity = Annotated[int, msgspec.Meta(ge=1, le=100_000)]
PayFen = Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]
IDEMPOTENCY_KEY_MAX = 255


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
