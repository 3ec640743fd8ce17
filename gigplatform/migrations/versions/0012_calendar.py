"""the calendar feed: each freelancer's private link, kept as a hash

Revision ID: 0012_calendar
Revises: 0011_disputes
Create Date: 2026-12-01 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_calendar"
down_revision: str | None = "0011_disputes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shift_calendar_tokens",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_shift_calendar_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_shift_calendar_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_shift_calendar_tokens_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("shift_calendar_tokens")
