"""The package catalogue: admins keep it, sellers read its active packages.

A package's prices change only the quotes made after the change: every quote keeps its own copy (`snapshot`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.coverage.models import CoveragePackage
from gigplatform.coverage.pricing import PackageKind, PackagePrices
from gigplatform.coverage.schemas import PackageIn, PackagePatch
from gigplatform.errors import N_, FieldError, InvalidInput, NotFound
from gigplatform.security import Principal

HOURS_ORDER = N_("The covered hours must end after they start.")
VOLUME_NEEDS_SIZE = N_("A volume package needs its number of conversations and its days of validity.")
ONLY_VOLUME_HAS_SIZE = N_("Only a volume package has a number of conversations and days of validity.")


async def access_package(session: AsyncSession, actor: Principal, package_id: uuid.UUID) -> CoveragePackage:
    """The package; an admin sees every one, anyone else only active ones, and one 404 for missing and hidden."""
    package = await session.get(CoveragePackage, package_id)
    if package is None or (actor.role != "admin" and not package.active):
        raise NotFound(N_("No such package."), field="package_id", rule="exists")
    return package


def check_package(package: CoveragePackage) -> None:
    """Every rule that spans fields, all reported at once."""
    errors: list[FieldError] = []
    if package.first_hour >= package.last_hour:
        errors.append(FieldError("last_hour", "after_first_hour", HOURS_ORDER, HOURS_ORDER))
    sized = package.conversations is not None and package.validity_days is not None
    if package.kind is PackageKind.VOLUME and not sized:
        field = "conversations" if package.conversations is None else "validity_days"
        errors.append(FieldError(field, "required", VOLUME_NEEDS_SIZE, VOLUME_NEEDS_SIZE))
    if package.kind is not PackageKind.VOLUME and (package.conversations is not None or package.validity_days):
        field = "conversations" if package.conversations is not None else "validity_days"
        errors.append(FieldError(field, "volume_only", ONLY_VOLUME_HAS_SIZE, ONLY_VOLUME_HAS_SIZE))
    if len(set(package.tracks)) != len(package.tracks):
        message = N_("Each track once.")
        errors.append(FieldError("tracks", "unique", message, message))
    if errors:
        raise InvalidInput(errors[0].message, errors=errors)


async def create_package(session: AsyncSession, now: datetime, data: PackageIn) -> CoveragePackage:
    fields = msgspec.structs.asdict(data)
    package = CoveragePackage(**{**fields, "kind": PackageKind(data.kind)}, created_at=now, updated_at=now)
    check_package(package)
    session.add(package)
    await session.flush()
    return package


async def update_package(
    session: AsyncSession, actor: Principal, now: datetime, package_id: uuid.UUID, data: PackagePatch
) -> CoveragePackage:
    """Changes the package for quotes made from now on; quotes and orders already made keep their copy."""
    package = await access_package(session, actor, package_id)
    for name, value in msgspec.structs.asdict(data).items():
        if value is not msgspec.UNSET:
            setattr(package, name, value)
    check_package(package)
    package.updated_at = now
    await session.flush()
    return package


async def list_packages(session: AsyncSession, actor: Principal) -> list[CoveragePackage]:
    """The catalogue: active packages for sellers, every one (retired last) for admins."""
    query = select(CoveragePackage)
    if actor.role != "admin":
        query = query.where(CoveragePackage.active.is_(True))
    rows = await session.scalars(query.order_by(CoveragePackage.active.desc(), CoveragePackage.created_at))
    return list(rows)


def snapshot(package: CoveragePackage) -> dict[str, Any]:
    """What a quote keeps of its package: enough to show and charge it after the package changed."""
    return {
        "name": package.name,
        "kind": package.kind.value,
        "first_hour": package.first_hour,
        "last_hour": package.last_hour,
        "tracks": list(package.tracks),
        "base_fen": package.base_fen,
        "night_surcharge_fen": package.night_surcharge_fen,
        "holiday_surcharge_fen": package.holiday_surcharge_fen,
        "conversations": package.conversations,
        "validity_days": package.validity_days,
    }


def prices_of(package: CoveragePackage) -> PackagePrices:
    return PackagePrices(
        package.kind,
        package.base_fen,
        package.night_surcharge_fen or 0,
        package.holiday_surcharge_fen or 0,
        package.validity_days,
    )
