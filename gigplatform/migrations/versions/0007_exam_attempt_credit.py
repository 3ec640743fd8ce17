"""exam attempts keep their total credit, and item statistics read one exam through two indexes

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 02:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exam_attempts") as batch:
        batch.add_column(sa.Column("total_credit_bp", sa.Integer(), nullable=True))
    # Attempts graded before this column existed: their items' credit, summed once.
    op.execute(
        "UPDATE exam_attempts SET total_credit_bp = (SELECT COALESCE(SUM(i.credit_bp), 0) FROM exam_attempt_items i"
        " WHERE i.attempt_id = exam_attempts.id) WHERE status = 'submitted'"
    )
    op.create_index(
        "ix_exam_attempts_stats", "exam_attempts", ["blueprint_id", "status", "total_credit_bp"], unique=False
    )
    op.create_index(
        "ix_exam_attempt_items_stats", "exam_attempt_items", ["attempt_id", "question_id", "credit_bp"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_exam_attempt_items_stats", table_name="exam_attempt_items")
    op.drop_index("ix_exam_attempts_stats", table_name="exam_attempts")
    with op.batch_alter_table("exam_attempts") as batch:
        batch.drop_column("total_credit_bp")
