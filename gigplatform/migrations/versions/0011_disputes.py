"""reliability: disputes of no-shows and late marks, and the restrictions the no-show rule imposed

Revision ID: 0011_disputes
Revises: 0010_shifts
Create Date: 2026-12-01 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_disputes"
down_revision: str | None = "0010_shifts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=16)


def upgrade() -> None:
    op.create_table(
        "shift_disputes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("booking_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", _enum("shift_dispute_kind", "no_show", "late_check_in"), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("status", _enum("shift_dispute_status", "open", "accepted", "rejected"), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["shift_bookings.id"],
            name=op.f("fk_shift_disputes_booking_id_shift_bookings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_shift_disputes_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_shift_disputes_decided_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_disputes")),
    )
    op.create_index("uq_shift_disputes_booking_id", "shift_disputes", ["booking_id"], unique=True)
    op.create_index("ix_shift_disputes_status_created_at", "shift_disputes", ["status", "created_at"], unique=False)
    op.create_index("ix_shift_disputes_user_id", "shift_disputes", ["user_id"], unique=False)
    op.create_table(
        "shift_restrictions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("until", TZ, nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("basis", sa.JSON(), nullable=False),
        sa.Column("previous_standing", sa.String(length=16), nullable=False),
        sa.Column("lifted_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_shift_restrictions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_restrictions")),
    )
    op.create_index(
        "ix_shift_restrictions_user_started_at", "shift_restrictions", ["user_id", "started_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_shift_restrictions_user_started_at", table_name="shift_restrictions")
    op.drop_table("shift_restrictions")
    op.drop_index("ix_shift_disputes_user_id", table_name="shift_disputes")
    op.drop_index("ix_shift_disputes_status_created_at", table_name="shift_disputes")
    op.drop_index("uq_shift_disputes_booking_id", table_name="shift_disputes")
    op.drop_table("shift_disputes")
