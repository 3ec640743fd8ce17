"""coverage: the package catalogue and quotes

Revision ID: 0014_coverage_catalogue
Revises: 0010_shifts
Create Date: 2026-12-01 05:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_coverage_catalogue"
down_revision: str | None = "0010_shifts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coverage_packages",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "daily",
                "monthly",
                "volume",
                name="coverage_package_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("first_hour", sa.Integer(), nullable=False),
        sa.Column("last_hour", sa.Integer(), nullable=False),
        sa.Column("tracks", sa.JSON(), nullable=False),
        sa.Column("base_fen", sa.Integer(), nullable=False),
        sa.Column("night_surcharge_fen", sa.Integer(), nullable=True),
        sa.Column("holiday_surcharge_fen", sa.Integer(), nullable=True),
        sa.Column("conversations", sa.Integer(), nullable=True),
        sa.Column("validity_days", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "first_hour >= 0 AND last_hour <= 24 AND first_hour < last_hour",
            name=op.f("ck_coverage_packages_hours_in_day"),
        ),
        sa.CheckConstraint("base_fen >= 0", name=op.f("ck_coverage_packages_base_not_negative")),
        sa.CheckConstraint(
            "(kind = 'volume') = (conversations IS NOT NULL AND validity_days IS NOT NULL)",
            name=op.f("ck_coverage_packages_volume_has_size"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage_packages")),
    )
    op.create_index("ix_coverage_packages_active", "coverage_packages", ["active", "created_at"], unique=False)
    op.create_table(
        "coverage_quotes",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("package_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("package", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("dates", sa.JSON(), nullable=True),
        sa.Column("night", sa.Boolean(), nullable=False),
        sa.Column("holidays", sa.Boolean(), nullable=False),
        sa.Column("expected_daily_conversations", sa.Integer(), nullable=True),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("total_fen", sa.Integer(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_coverage_quotes_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["package_id"], ["coverage_packages.id"], name=op.f("fk_coverage_quotes_package_id_coverage_packages")
        ),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_coverage_quotes_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage_quotes")),
    )
    op.create_index("ix_coverage_quotes_shop", "coverage_quotes", ["shop_id", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_coverage_quotes_shop", table_name="coverage_quotes")
    op.drop_table("coverage_quotes")
    op.drop_index("ix_coverage_packages_active", table_name="coverage_packages")
    op.drop_table("coverage_packages")
