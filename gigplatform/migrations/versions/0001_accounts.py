"""accounts: users, sessions, login throttle, shops

Revision ID: 0001
Revises:
Create Date: 2026-11-25 10:36:19.302505
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import gigplatform.db

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("login_key", sa.String(length=64), nullable=False),
        sa.Column("failed_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index("ix_login_failures_key_time", ["login_key", "failed_at"], unique=False)

    op.create_table(
        "users",
        sa.Column("login", sa.String(length=254), nullable=False),
        sa.Column(
            "login_kind",
            sa.Enum("phone", "email", name="login_kind", native_enum=False, create_constraint=True, length=16),
            nullable=False,
        ),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum("worker", "seller", "admin", name="role", native_enum=False, create_constraint=True, length=16),
            nullable=False,
        ),
        sa.Column(
            "standing",
            sa.Enum(
                "good",
                "warned",
                "restricted",
                "banned",
                name="standing",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("created_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", gigplatform.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("login", name=op.f("uq_users_login")),
    )
    op.create_table(
        "refresh_tokens",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rotated_at", gigplatform.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", gigplatform.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_refresh_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_refresh_tokens_token_hash")),
    )
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refresh_tokens_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_refresh_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "shops",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_shops_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shops")),
    )
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shops_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "shop_members",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "permission",
            sa.Enum(
                "owner",
                "billing",
                "configuration",
                "read_only",
                name="shop_permission",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("created_at", gigplatform.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_shop_members_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_shop_members_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_members")),
        sa.UniqueConstraint("shop_id", "user_id", name=op.f("uq_shop_members_shop_id_user_id")),
    )
    with op.batch_alter_table("shop_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shop_members_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("shop_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shop_members_user_id"))

    op.drop_table("shop_members")
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shops_owner_id"))

    op.drop_table("shops")
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refresh_tokens_user_id"))
        batch_op.drop_index(batch_op.f("ix_refresh_tokens_family_id"))

    op.drop_table("refresh_tokens")
    op.drop_table("users")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failures_key_time")

    op.drop_table("login_failures")
