"""Tables of coverage: the package catalogue and the quotes made from it.

A quote copies what it priced (the package's name, hours, tracks and prices) into `package`, so editing or retiring
a package never changes a quote, nor the order that later charges it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gigplatform.coverage.pricing import PackageKind
from gigplatform.db import Base, UUIDPrimaryKey, str_enum


class CoveragePackage(UUIDPrimaryKey, Base):
    """A package of the catalogue. `first_hour`–`last_hour` (Asia/Shanghai, end exclusive) are the hours of each
    covered day; the night option adds 00:00–08:00. A surcharge of NULL means the option is not offered."""

    __tablename__ = "coverage_packages"
    __table_args__ = (
        CheckConstraint("first_hour >= 0 AND last_hour <= 24 AND first_hour < last_hour", name="hours_in_day"),
        CheckConstraint("base_fen >= 0", name="base_not_negative"),
        CheckConstraint(
            "(kind = 'volume') = (conversations IS NOT NULL AND validity_days IS NOT NULL)", name="volume_has_size"
        ),
        Index("ix_coverage_packages_active", "active", "created_at"),
    )

    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[PackageKind] = mapped_column(str_enum(PackageKind, "coverage_package_kind"))
    first_hour: Mapped[int] = mapped_column(Integer)
    last_hour: Mapped[int] = mapped_column(Integer)
    tracks: Mapped[list[str]] = mapped_column(JSON)
    base_fen: Mapped[int] = mapped_column(Integer)
    night_surcharge_fen: Mapped[int | None] = mapped_column(Integer, nullable=True)
    holiday_surcharge_fen: Mapped[int | None] = mapped_column(Integer, nullable=True)
    conversations: Mapped[int | None] = mapped_column(Integer, nullable=True)
    validity_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CoverageQuote(UUIDPrimaryKey, Base):
    """An exact price for one shop, valid for a while; an order charges exactly `total_fen`."""

    __tablename__ = "coverage_quotes"
    __table_args__ = (Index("ix_coverage_quotes_shop", "shop_id", "created_at"),)

    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    package_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("coverage_packages.id"))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    package: Mapped[dict[str, Any]] = mapped_column(JSON)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    dates: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    night: Mapped[bool] = mapped_column(Boolean)
    holidays: Mapped[bool] = mapped_column(Boolean)
    expected_daily_conversations: Mapped[int | None] = mapped_column(Integer, nullable=True)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    total_fen: Mapped[int] = mapped_column(Integer)
    provisional: Mapped[bool] = mapped_column(Boolean)
    valid_until: Mapped[datetime]
    created_at: Mapped[datetime]
