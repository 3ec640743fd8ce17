"""the review list pages by keyset through one index per sort, filters tracks through a table, and sorts names
by pinyin

Each offered sort gets an index led by the round and ending in the unique id (the status index replaces the
round/status one it extends). `application_tracks` holds each application's tracks one row each, filled from the
JSON list; `legal_name_key` holds the legal name's pinyin (recruitment.name_order), computed here for existing
rows. The legal name is plain text already, so the key shows nothing the row does not.

Revision ID: 0008_review_scale
Revises: 0007
Create Date: 2026-12-01 05:00:00.000000
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from recruitment.name_order import KEY_MAX, name_sort_key

revision: str = "0008_review_scale"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRACKS = ("pre_sales", "after_sales", "complaints")
REVIEW_INDEXES = {
    "ix_applications_review_created": ["round_id", "created_at", "id"],
    "ix_applications_review_status": ["round_id", "status", "created_at", "id"],
    "ix_applications_review_student": ["round_id", "is_student", "created_at", "id"],
    "ix_applications_review_name": ["round_id", "legal_name_key", "legal_name", "id"],
    "ix_applications_review_age": ["round_id", "age_at_application", "created_at", "id"],
}
applications = sa.table(
    "applications",
    sa.column("id", sa.Uuid()),
    sa.column("legal_name", sa.String(40)),
    sa.column("legal_name_key", sa.String(KEY_MAX)),
    sa.column("tracks", sa.JSON()),
)
application_tracks = sa.table(
    "application_tracks", sa.column("application_id", sa.Uuid()), sa.column("track", sa.String(16))
)


def upgrade() -> None:
    # No step here rebuilds `applications`: on SQLite a rebuild drops the old table, and with foreign keys on
    # that deletes its children (events, typing tests, certifications, these tracks) through ON DELETE CASCADE.
    # So the key is added NOT NULL with an empty default that SQLite keeps (PostgreSQL drops it once filled),
    # and the indexes are made and dropped on their own.
    op.add_column(
        "applications",
        sa.Column(
            "legal_name_key",
            sa.String(KEY_MAX).with_variant(sa.String(KEY_MAX, collation="C"), "postgresql"),
            nullable=False,
            server_default="",
        ),
    )
    op.create_table(
        "application_tracks",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column(
            "track",
            sa.Enum(*TRACKS, name="application_track", native_enum=False, create_constraint=True, length=16),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_tracks_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("application_id", "track", name=op.f("pk_application_tracks")),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(applications.c.id, applications.c.legal_name, applications.c.tracks)).all()
    for row_id, legal_name, tracks in rows:
        connection.execute(
            applications.update().where(applications.c.id == row_id).values(legal_name_key=name_sort_key(legal_name))
        )
        if isinstance(tracks, str):  # a JSON list read back as text by an older driver
            tracks = json.loads(tracks)
        if tracks:
            connection.execute(
                application_tracks.insert(), [{"application_id": row_id, "track": t} for t in dict.fromkeys(tracks)]
            )
    if connection.dialect.name == "postgresql":
        op.alter_column("applications", "legal_name_key", server_default=None)
    op.drop_index("ix_applications_round_status", table_name="applications")
    for name, columns in REVIEW_INDEXES.items():
        op.create_index(name, "applications", columns, unique=False)


def downgrade() -> None:
    op.drop_table("application_tracks")
    for name in REVIEW_INDEXES:
        op.drop_index(name, table_name="applications")
    op.create_index("ix_applications_round_status", "applications", ["round_id", "status"], unique=False)
    # SQLite drops a column in place (3.35 and later) rather than rebuilding the table (see upgrade)
    op.execute("ALTER TABLE applications DROP COLUMN legal_name_key")
