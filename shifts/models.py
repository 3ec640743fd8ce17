"""Tables of the shift marketplace: slots, bookings, waitlist entries, the booking policy, the hour counters that
let the database decide the daily and weekly caps, and the idempotency keys of booking requests.

The database, not Python, keeps the booking rules: a slot's `booked` never exceeds its `capacity` (a CHECK, and the
booking statement claims a seat with a conditional UPDATE); a person holds one active booking per slot and per hour
(partial unique indexes); a person's hours per day and per week are counters claimed with a conditional upsert.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from gigplatform.db import Base, UUIDPrimaryKey, str_enum
from recruitment.service import Track


class SlotStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"  # on time
    LATE = "late"  # checked in late
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"  # free cancellation
    LATE_CANCELLED = "late_cancelled"  # counts against reliability
    SLOT_CANCELLED = "slot_cancelled"  # the admin cancelled the slot: counts against nobody


ACTIVE_STATUSES = (
    BookingStatus.BOOKED,
    BookingStatus.CHECKED_IN,
    BookingStatus.LATE,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
)
"""A booking in one of these holds its seat and its hour."""
_ACTIVE_SQL = "status IN ('booked', 'checked_in', 'late', 'completed', 'no_show')"


class WaitlistStatus(StrEnum):
    WAITING = "waiting"
    PROMOTED = "promoted"  # given a freed seat
    SKIPPED = "skipped"  # a seat came free but the person could no longer take it (`skip_reason`)
    LEFT = "left"
    EXPIRED = "expired"  # the slot started or was cancelled


class ShiftSlot(UUIDPrimaryKey, Base):
    """One hour of one track. `day` and `week` (its Monday) are the slot's Asia/Shanghai date, written at publishing
    so the caps are counted per business day and week without time-zone arithmetic in SQL."""

    __tablename__ = "shift_slots"
    __table_args__ = (
        Index("uq_shift_slots_track_starts_at", "track", "starts_at", unique=True),
        Index("ix_shift_slots_starts_at", "starts_at"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
        CheckConstraint("waitlisted >= 0", name="waitlisted_not_negative"),
        CheckConstraint("pay_fen >= 0", name="pay_not_negative"),
    )

    track: Mapped[Track] = mapped_column(str_enum(Track, "shift_track"))
    starts_at: Mapped[datetime]
    day: Mapped[date] = mapped_column(Date)
    week: Mapped[date] = mapped_column(Date)
    opens_at: Mapped[datetime]
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    waitlisted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pay_fen: Mapped[int] = mapped_column(Integer)
    status: Mapped[SlotStatus] = mapped_column(str_enum(SlotStatus, "shift_slot_status"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class ShiftBooking(UUIDPrimaryKey, Base):
    """A person's seat on a slot, at the pay it was booked at. `starts_at` is the slot's, copied so one index keeps
    a person to one active booking per hour whatever the track."""

    __tablename__ = "shift_bookings"
    __table_args__ = (
        Index(
            "uq_shift_bookings_active_slot_user",
            "slot_id",
            "user_id",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
        Index(
            "uq_shift_bookings_active_user_hour",
            "user_id",
            "starts_at",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
        Index("ix_shift_bookings_user_starts_at", "user_id", "starts_at"),
        Index("ix_shift_bookings_slot_status", "slot_id", "status"),
        CheckConstraint("pay_fen >= 0", name="pay_not_negative"),
    )

    slot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shift_slots.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    status: Mapped[BookingStatus] = mapped_column(str_enum(BookingStatus, "shift_booking_status"))
    pay_fen: Mapped[int] = mapped_column(Integer)
    booked_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    late_check_in: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    """Checked in after the on-time window; kept when the shift completes, for reliability."""
    from_waitlist: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Raised on every change, for the calendar feed's SEQUENCE."""


class WaitlistEntry(UUIDPrimaryKey, Base):
    """A place in a full slot's line; the line is ordered by `id` (time-ordered)."""

    __tablename__ = "shift_waitlist_entries"
    __table_args__ = (
        Index(
            "uq_shift_waitlist_waiting_slot_user",
            "slot_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'waiting'"),
            postgresql_where=text("status = 'waiting'"),
        ),
        Index("ix_shift_waitlist_entries_slot_status", "slot_id", "status"),
        Index("ix_shift_waitlist_entries_user_id", "user_id"),
    )

    slot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shift_slots.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[WaitlistStatus] = mapped_column(str_enum(WaitlistStatus, "shift_waitlist_status"))
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    skip_reason: Mapped[str | None] = mapped_column(String(16))
    booking_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("shift_bookings.id", ondelete="SET NULL"))


class ShiftUserHours(Base):
    """Hours a person has booked in one business day (`kind` day) or week (`kind` week, `period` its Monday).
    Claimed with a conditional upsert in the booking statement, so concurrent bookings never pass a cap."""

    __tablename__ = "shift_user_hours"
    __table_args__ = (CheckConstraint("hours >= 0", name="hours_not_negative"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    hours: Mapped[int] = mapped_column(Integer)


class ShiftPolicy(Base):
    """The booking policy: one row (id 1). Missing, the defaults below apply (see `shifts.policy`)."""

    __tablename__ = "shift_policies"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    window_days_before: Mapped[int] = mapped_column(Integer, default=2)
    window_hour: Mapped[int] = mapped_column(Integer, default=20)
    priority_threshold: Mapped[int] = mapped_column(Integer, default=95)
    priority_min_completed: Mapped[int] = mapped_column(Integer, default=5)
    priority_minutes: Mapped[int] = mapped_column(Integer, default=30)
    daily_cap_hours: Mapped[int] = mapped_column(Integer, default=8)
    weekly_cap_hours: Mapped[int] = mapped_column(Integer, default=40)
    cancel_cutoff_minutes: Mapped[int] = mapped_column(Integer, default=120)
    free_cancel_minutes: Mapped[int] = mapped_column(Integer, default=5)
    updated_at: Mapped[datetime]


class IdempotencyKey(Base):
    """The first answer to a request sent with an `Idempotency-Key`, replayed to a retry with the same key and
    body. Keys belong to their user and are kept at least 24 hours."""

    __tablename__ = "idempotency_keys"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    route: Mapped[str] = mapped_column(String(200))
    body_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(index=True)
