"""exams: question bank with versions, blueprints

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 12:08:28.890616
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gigplatform.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exam_questions",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_questions")),
        sa.UniqueConstraint("code", name=op.f("uq_exam_questions_code")),
    )
    op.create_table(
        "exam_question_versions",
        sa.Column("question_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "platform_rules",
                "service_skills",
                "scenario",
                name="question_category",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "type",
            sa.Enum(
                "single",
                "multiple",
                "true_false",
                "scenario",
                name="question_type",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("difficulty", sa.Integer(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("dialogue", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_exam_question_versions_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["exam_questions.id"],
            name=op.f("fk_exam_question_versions_question_id_exam_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_question_versions")),
        sa.UniqueConstraint("question_id", "version", name=op.f("uq_exam_question_versions_question_id_version")),
    )
    op.create_table(
        "exam_blueprints",
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=True),
        sa.Column("track", sa.String(length=16), nullable=True),
        sa.Column("per_category", sa.JSON(), nullable=False),
        sa.Column("shuffle_options", sa.Boolean(), nullable=False),
        sa.Column("time_limit_minutes", sa.Integer(), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("attempts_allowed", sa.Integer(), nullable=False),
        sa.Column("cooldown_hours", sa.Integer(), nullable=False),
        sa.Column("show_answers", sa.Boolean(), nullable=False),
        sa.Column("partial_credit", sa.Boolean(), nullable=False),
        sa.Column("created_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["recruitment_rounds.id"],
            name=op.f("fk_exam_blueprints_round_id_recruitment_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_blueprints")),
    )
    with op.batch_alter_table("exam_blueprints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_blueprints_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("exam_blueprints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_blueprints_round_id"))

    op.drop_table("exam_blueprints")
    op.drop_table("exam_question_versions")
    op.drop_table("exam_questions")
