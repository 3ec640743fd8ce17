"""the shift marketplace: slots, bookings, waitlist, hour counters, the booking policy, idempotency keys

Revision ID: 0010_shifts
Revises: 0009_audit_and_standing
Create Date: 2026-12-01 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_shifts"
down_revision: str | None = "0009_audit_and_standing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = "status IN ('booked', 'checked_in', 'late', 'completed', 'no_show')"
TZ = sa.DateTime(timezone=True)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=16)


def upgrade() -> None:
    op.create_table(
        "shift_slots",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("track", _enum("shift_track", "pre_sales", "after_sales", "complaints"), nullable=False),
        sa.Column("starts_at", TZ, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("opens_at", TZ, nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), server_default="0", nullable=False),
        sa.Column("waitlisted", sa.Integer(), server_default="0", nullable=False),
        sa.Column("pay_fen", sa.Integer(), nullable=False),
        sa.Column("status", _enum("shift_slot_status", "draft", "published", "cancelled"), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("cancelled_at", TZ, nullable=True),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_shift_slots_capacity_positive")),
        sa.CheckConstraint("booked >= 0 AND booked <= capacity", name=op.f("ck_shift_slots_booked_within_capacity")),
        sa.CheckConstraint("waitlisted >= 0", name=op.f("ck_shift_slots_waitlisted_not_negative")),
        sa.CheckConstraint("pay_fen >= 0", name=op.f("ck_shift_slots_pay_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_slots")),
    )
    op.create_index("uq_shift_slots_track_starts_at", "shift_slots", ["track", "starts_at"], unique=True)
    op.create_index("ix_shift_slots_starts_at", "shift_slots", ["starts_at"], unique=False)

    booking_status = _enum(
        "shift_booking_status",
        "booked",
        "checked_in",
        "late",
        "completed",
        "no_show",
        "cancelled",
        "late_cancelled",
        "slot_cancelled",
    )
    op.create_table(
        "shift_bookings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slot_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", TZ, nullable=False),
        sa.Column("status", booking_status, nullable=False),
        sa.Column("pay_fen", sa.Integer(), nullable=False),
        sa.Column("booked_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("cancelled_at", TZ, nullable=True),
        sa.Column("checked_in_at", TZ, nullable=True),
        sa.Column("completed_at", TZ, nullable=True),
        sa.Column("late_check_in", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("from_waitlist", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("sequence", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("pay_fen >= 0", name=op.f("ck_shift_bookings_pay_not_negative")),
        sa.ForeignKeyConstraint(
            ["slot_id"], ["shift_slots.id"], name=op.f("fk_shift_bookings_slot_id_shift_slots"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_shift_bookings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_bookings")),
    )
    for name, columns in (
        ("uq_shift_bookings_active_slot_user", ["slot_id", "user_id"]),
        ("uq_shift_bookings_active_user_hour", ["user_id", "starts_at"]),
    ):
        op.create_index(
            name,
            "shift_bookings",
            columns,
            unique=True,
            sqlite_where=sa.text(ACTIVE),
            postgresql_where=sa.text(ACTIVE),
        )
    op.create_index("ix_shift_bookings_user_starts_at", "shift_bookings", ["user_id", "starts_at"], unique=False)
    op.create_index("ix_shift_bookings_slot_status", "shift_bookings", ["slot_id", "status"], unique=False)

    op.create_table(
        "shift_waitlist_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slot_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            _enum("shift_waitlist_status", "waiting", "promoted", "skipped", "left", "expired"),
            nullable=False,
        ),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("ended_at", TZ, nullable=True),
        sa.Column("skip_reason", sa.String(length=16), nullable=True),
        sa.Column("booking_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["shift_bookings.id"],
            name=op.f("fk_shift_waitlist_entries_booking_id_shift_bookings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["shift_slots.id"],
            name=op.f("fk_shift_waitlist_entries_slot_id_shift_slots"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_shift_waitlist_entries_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_waitlist_entries")),
    )
    op.create_index(
        "uq_shift_waitlist_waiting_slot_user",
        "shift_waitlist_entries",
        ["slot_id", "user_id"],
        unique=True,
        sqlite_where=sa.text("status = 'waiting'"),
        postgresql_where=sa.text("status = 'waiting'"),
    )
    op.create_index(
        "ix_shift_waitlist_entries_slot_status", "shift_waitlist_entries", ["slot_id", "status"], unique=False
    )
    op.create_index("ix_shift_waitlist_entries_user_id", "shift_waitlist_entries", ["user_id"], unique=False)

    op.create_table(
        "shift_user_hours",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.CheckConstraint("hours >= 0", name=op.f("ck_shift_user_hours_hours_not_negative")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_shift_user_hours_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", "period", name=op.f("pk_shift_user_hours")),
    )

    op.create_table(
        "shift_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("window_days_before", sa.Integer(), nullable=False),
        sa.Column("window_hour", sa.Integer(), nullable=False),
        sa.Column("priority_threshold", sa.Integer(), nullable=False),
        sa.Column("priority_min_completed", sa.Integer(), nullable=False),
        sa.Column("priority_minutes", sa.Integer(), nullable=False),
        sa.Column("daily_cap_hours", sa.Integer(), nullable=False),
        sa.Column("weekly_cap_hours", sa.Integer(), nullable=False),
        sa.Column("cancel_cutoff_minutes", sa.Integer(), nullable=False),
        sa.Column("free_cancel_minutes", sa.Integer(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_shift_policies_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_policies")),
    )

    op.create_table(
        "idempotency_keys",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("route", sa.String(length=200), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idempotency_keys_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_idempotency_keys_created_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_table("shift_policies")
    op.drop_table("shift_user_hours")
    op.drop_index("ix_shift_waitlist_entries_user_id", table_name="shift_waitlist_entries")
    op.drop_index("ix_shift_waitlist_entries_slot_status", table_name="shift_waitlist_entries")
    op.drop_index("uq_shift_waitlist_waiting_slot_user", table_name="shift_waitlist_entries")
    op.drop_table("shift_waitlist_entries")
    op.drop_index("ix_shift_bookings_slot_status", table_name="shift_bookings")
    op.drop_index("ix_shift_bookings_user_starts_at", table_name="shift_bookings")
    op.drop_index("uq_shift_bookings_active_user_hour", table_name="shift_bookings")
    op.drop_index("uq_shift_bookings_active_slot_user", table_name="shift_bookings")
    op.drop_table("shift_bookings")
    op.drop_index("ix_shift_slots_starts_at", table_name="shift_slots")
    op.drop_index("uq_shift_slots_track_starts_at", table_name="shift_slots")
    op.drop_table("shift_slots")
