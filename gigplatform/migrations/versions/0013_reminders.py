"""when a booking's 30-minutes-before reminder was sent (shift_bookings.reminded_at)

Revision ID: 0013_reminders
Revises: 0012_calendar
Create Date: 2026-12-01 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_reminders"
down_revision: str | None = "0012_calendar"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("shift_bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shift_bookings", schema=None) as batch_op:
        batch_op.drop_column("reminded_at")
