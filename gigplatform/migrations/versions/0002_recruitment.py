"""recruitment: rounds, applications, identities, typing tests, training

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 11:53:29.222193
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gigplatform.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "training_modules",
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("min_reading_seconds", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_modules")),
    )
    op.create_table(
        "person_identities",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("verified_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_person_identities_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_person_identities")),
        sa.UniqueConstraint("user_id", name=op.f("uq_person_identities_user_id")),
    )
    op.create_table(
        "recruitment_rounds",
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tracks", sa.JSON(), nullable=False),
        sa.Column("opens_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closes_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("certified_count", sa.Integer(), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=False),
        sa.Column("min_typing_cpm", sa.Integer(), nullable=False),
        sa.Column("min_typing_accuracy", sa.Integer(), nullable=False),
        sa.Column("typing_attempts", sa.Integer(), nullable=False),
        sa.Column("student_preferred", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "open", "closed", name="round_status", native_enum=False, create_constraint=True, length=16
            ),
            nullable=False,
        ),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_recruitment_rounds_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recruitment_rounds")),
    )
    op.create_table(
        "training_progress",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("module_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", gigplatform.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["training_modules.id"],
            name=op.f("fk_training_progress_module_id_training_modules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_training_progress_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_progress")),
        sa.UniqueConstraint("user_id", "module_id", name=op.f("uq_training_progress_user_id_module_id")),
    )
    op.create_table(
        "applications",
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("legal_name", sa.String(length=40), nullable=False),
        sa.Column("id_number_encrypted", sa.Text(), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("id_number_masked", sa.String(length=18), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("is_student", sa.Boolean(), nullable=False),
        sa.Column("tracks", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "identity_pending",
                "screening_failed",
                "typing",
                "training",
                "exam",
                "certified",
                "waitlisted",
                "rejected",
                "withdrawn",
                name="application_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("status_reason", sa.String(length=500), nullable=False),
        sa.Column("status_reason_code", sa.String(length=40), nullable=True),
        sa.Column("status_reason_params", sa.JSON(), nullable=True),
        sa.Column("identity_attempts", sa.Integer(), nullable=False),
        sa.Column("identity_retry_at", gigplatform.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("typing_attempts_used", sa.Integer(), nullable=False),
        sa.Column("created_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["recruitment_rounds.id"], name=op.f("fk_applications_round_id_recruitment_rounds")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_applications_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("round_id", "id_hash", name=op.f("uq_applications_round_id_id_hash")),
        sa.UniqueConstraint("round_id", "user_id", name=op.f("uq_applications_round_id_user_id")),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index("ix_applications_identity_retry", ["status", "identity_retry_at"], unique=False)
        batch_op.create_index("ix_applications_round_status", ["round_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_user_id"), ["user_id"], unique=False)

    op.create_table(
        "round_training_modules",
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("module_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_id"], ["training_modules.id"], name=op.f("fk_round_training_modules_module_id_training_modules")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["recruitment_rounds.id"],
            name=op.f("fk_round_training_modules_round_id_recruitment_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "module_id", name=op.f("pk_round_training_modules")),
    )
    op.create_table(
        "application_events",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "submitted",
                "identity_pending",
                "screening_failed",
                "typing",
                "training",
                "exam",
                "certified",
                "waitlisted",
                "rejected",
                "withdrawn",
                name="from_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "submitted",
                "identity_pending",
                "screening_failed",
                "typing",
                "training",
                "exam",
                "certified",
                "waitlisted",
                "rejected",
                "withdrawn",
                name="to_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "actor",
            sa.Enum("applicant", "admin", "system", name="actor", native_enum=False, create_constraint=True, length=16),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("reason_code", sa.String(length=40), nullable=True),
        sa.Column("reason_params", sa.JSON(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_application_events_actor_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_events_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_events")),
    )
    with op.batch_alter_table("application_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_application_events_application_id"), ["application_id"], unique=False)

    op.create_table(
        "typing_tests",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("passage", sa.Text(), nullable=False),
        sa.Column("started_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deadline", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", gigplatform.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("typed_chars", sa.Integer(), nullable=True),
        sa.Column("cpm", sa.Integer(), nullable=True),
        sa.Column("accuracy_bp", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_typing_tests_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_typing_tests")),
    )
    with op.batch_alter_table("typing_tests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_typing_tests_application_id"), ["application_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("typing_tests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_typing_tests_application_id"))

    op.drop_table("typing_tests")
    with op.batch_alter_table("application_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_events_application_id"))

    op.drop_table("application_events")
    op.drop_table("round_training_modules")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_user_id"))
        batch_op.drop_index("ix_applications_round_status")
        batch_op.drop_index("ix_applications_identity_retry")

    op.drop_table("applications")
    op.drop_table("training_progress")
    op.drop_table("recruitment_rounds")
    op.drop_table("person_identities")
    op.drop_table("training_modules")
