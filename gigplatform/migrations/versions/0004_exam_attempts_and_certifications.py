"""exam attempts and certifications; applications remember the tracks they passed

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 12:44:31.566687
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gigplatform.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "certifications",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "track",
            sa.Enum(
                "pre_sales",
                "after_sales",
                "complaints",
                name="certification_track",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("certified_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_certifications_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["recruitment_rounds.id"], name=op.f("fk_certifications_round_id_recruitment_rounds")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_certifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certifications")),
        sa.UniqueConstraint("user_id", "track", name=op.f("uq_certifications_user_id_track")),
    )
    with op.batch_alter_table("certifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certifications_application_id"), ["application_id"], unique=False)

    op.create_table(
        "exam_attempts",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("active_user_id", sa.Uuid(), nullable=True),
        sa.Column("blueprint_id", sa.Uuid(), nullable=False),
        sa.Column("tracks", sa.JSON(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("active", "submitted", name="attempt_status", native_enum=False, create_constraint=True, length=16),
            nullable=False,
        ),
        sa.Column("started_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deadline", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", gigplatform.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "submitted_by",
            sa.Enum(
                "candidate",
                "deadline",
                name="attempt_submitted_by",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("partial_credit", sa.Boolean(), nullable=False),
        sa.Column("show_answers", sa.Boolean(), nullable=False),
        sa.Column("score_bp", sa.Integer(), nullable=True),
        sa.Column("correct_count", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["active_user_id"], ["users.id"], name=op.f("fk_exam_attempts_active_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_exam_attempts_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["blueprint_id"],
            ["exam_blueprints.id"],
            name=op.f("fk_exam_attempts_blueprint_id_exam_blueprints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_exam_attempts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_attempts")),
        sa.UniqueConstraint("active_user_id", name=op.f("uq_exam_attempts_active_user_id")),
        sa.UniqueConstraint(
            "application_id", "blueprint_id", "number", name=op.f("uq_exam_attempts_application_id_blueprint_id_number")
        ),
    )
    with op.batch_alter_table("exam_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_attempts_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exam_attempts_blueprint_id"), ["blueprint_id"], unique=False)
        batch_op.create_index("ix_exam_attempts_overdue", ["status", "deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_exam_attempts_user_id"), ["user_id"], unique=False)

    op.create_table(
        "exam_attempt_items",
        sa.Column("attempt_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Uuid(), nullable=False),
        sa.Column("question_version_id", sa.Uuid(), nullable=False),
        sa.Column("option_order", sa.JSON(), nullable=False),
        sa.Column("choice_ids", sa.JSON(), nullable=True),
        sa.Column("answered_at", gigplatform.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("credit_bp", sa.Integer(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["exam_attempts.id"],
            name=op.f("fk_exam_attempt_items_attempt_id_exam_attempts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["exam_questions.id"],
            name=op.f("fk_exam_attempt_items_question_id_exam_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_version_id"],
            ["exam_question_versions.id"],
            name=op.f("fk_exam_attempt_items_question_version_id_exam_question_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_attempt_items")),
        sa.UniqueConstraint("attempt_id", "position", name=op.f("uq_exam_attempt_items_attempt_id_position")),
        sa.UniqueConstraint("attempt_id", "question_id", name=op.f("uq_exam_attempt_items_attempt_id_question_id")),
    )
    with op.batch_alter_table("exam_attempt_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_attempt_items_question_id"), ["question_id"], unique=False)

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("passed_tracks", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))

    # Applications certified before this revision passed every track they asked for: they hold certifications.
    bind = op.get_bind()
    held = sa.table(
        "applications",
        sa.column("id", sa.Uuid()),
        sa.column("user_id", sa.Uuid()),
        sa.column("round_id", sa.Uuid()),
        sa.column("tracks", sa.JSON()),
        sa.column("passed_tracks", sa.JSON()),
        sa.column("status", sa.String()),
        sa.column("updated_at", gigplatform.db.UTCDateTime(timezone=True)),
    )
    certifications = sa.table(
        "certifications",
        sa.column("id", sa.Uuid()),
        sa.column("user_id", sa.Uuid()),
        sa.column("track", sa.String()),
        sa.column("application_id", sa.Uuid()),
        sa.column("round_id", sa.Uuid()),
        sa.column("certified_at", gigplatform.db.UTCDateTime(timezone=True)),
    )
    rows = bind.execute(
        sa.select(held.c.id, held.c.user_id, held.c.round_id, held.c.tracks, held.c.status, held.c.updated_at)
        .where(held.c.status.in_(["certified", "waitlisted"]))
        .order_by(held.c.updated_at)
    ).all()
    granted: set[tuple[object, str]] = set()
    for app_id, user_id, round_id, tracks, status, updated_at in rows:
        bind.execute(sa.update(held).where(held.c.id == app_id).values(passed_tracks=list(tracks)))
        for track in tracks if status == "certified" else []:
            if (user_id, track) not in granted:
                granted.add((user_id, track))
                bind.execute(
                    sa.insert(certifications).values(
                        id=gigplatform.db.uuid7(),
                        user_id=user_id,
                        track=track,
                        application_id=app_id,
                        round_id=round_id,
                        certified_at=updated_at,
                    )
                )


def downgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("passed_tracks")

    with op.batch_alter_table("exam_attempt_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_attempt_items_question_id"))

    op.drop_table("exam_attempt_items")
    with op.batch_alter_table("exam_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_attempts_user_id"))
        batch_op.drop_index("ix_exam_attempts_overdue")
        batch_op.drop_index(batch_op.f("ix_exam_attempts_blueprint_id"))
        batch_op.drop_index(batch_op.f("ix_exam_attempts_application_id"))

    op.drop_table("exam_attempts")
    with op.batch_alter_table("certifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certifications_application_id"))

    op.drop_table("certifications")
