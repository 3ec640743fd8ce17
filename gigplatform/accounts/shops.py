"""Seller shops and their sub-accounts (Qianniu-style): one owner, and sub-accounts holding one duty each.

Every shop verb goes through `access_shop`, so no caller can forget whose shop it is; `shop_permission` offers the
same check as a Litestar dependency. No verb commits: the edge's unit of work does.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from litestar.params import FromPath
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts.models import Role, Shop, ShopMember, ShopPermission, User
from gigplatform.accounts.users import add_user, check_shop_name, close_sessions
from gigplatform.clock import Clock
from gigplatform.db import DbSession, uuid7
from gigplatform.errors import N_, InvalidInput, NotFound, PermissionDenied
from gigplatform.events import record_event
from gigplatform.security import CurrentPrincipal, Passwords, Principal

# Which permissions satisfy a need: the owner may do everything; billing and configuration are separate duties.
PERMISSION_GRANTS: dict[ShopPermission, frozenset[ShopPermission]] = {
    ShopPermission.READ_ONLY: frozenset(ShopPermission),
    ShopPermission.BILLING: frozenset({ShopPermission.OWNER, ShopPermission.BILLING}),
    ShopPermission.CONFIGURATION: frozenset({ShopPermission.OWNER, ShopPermission.CONFIGURATION}),
    ShopPermission.OWNER: frozenset({ShopPermission.OWNER}),
}


@dataclass(frozen=True)
class ShopAccess:
    """A shop as seen by one of its members."""

    shop: Shop
    member: ShopMember


def add_shop(session: AsyncSession, now: datetime, owner_id: uuid.UUID, name: str) -> Shop:
    """The shop row and its owner's membership; `name` already checked (`check_shop_name`)."""
    shop = Shop(id=uuid7(), name=name, owner_id=owner_id, created_at=now)
    session.add(shop)
    session.add(ShopMember(shop_id=shop.id, user_id=owner_id, permission=ShopPermission.OWNER, created_at=now))
    record_event(session, "shop.opened", shop_id=shop.id)
    return shop


async def create_shop(session: AsyncSession, clock: Clock, principal: Principal, *, name: str) -> Shop:
    """A seller account that is not another shop's sub-account opens a shop and becomes its owner."""
    if principal.role != Role.SELLER:
        raise PermissionDenied(N_("Only sellers can open shops."), field="role", rule="role_required")
    shop_name = check_shop_name(name, field="name")
    sub = await session.scalar(
        select(ShopMember.id).where(ShopMember.user_id == principal.user_id, ShopMember.permission != "owner")
    )
    if sub is not None:
        raise PermissionDenied(N_("A sub-account cannot open shops of its own."), field="role", rule="sub_account")
    return add_shop(session, clock.now(), principal.user_id, shop_name)


async def list_shops(session: AsyncSession, principal: Principal) -> list[ShopAccess]:
    rows = await session.execute(
        select(Shop, ShopMember)
        .join(ShopMember, ShopMember.shop_id == Shop.id)
        .where(ShopMember.user_id == principal.user_id)
        .order_by(Shop.created_at)
    )
    return [ShopAccess(shop, member) for shop, member in rows.all()]


async def access_shop(
    session: AsyncSession, principal: Principal, shop_id: uuid.UUID, need: ShopPermission = ShopPermission.READ_ONLY
) -> ShopAccess:
    """The shop if the caller is a member holding `need`; a non-member gets 404, so shops can't be probed, and a
    member without the permission gets 403 naming it."""
    row = (
        await session.execute(
            select(Shop, ShopMember)
            .join(ShopMember, ShopMember.shop_id == Shop.id)
            .where(Shop.id == shop_id, ShopMember.user_id == principal.user_id)
        )
    ).first()
    if row is None:
        raise NotFound("No such shop.", field="shop_id", rule="exists")
    shop, member = row
    if member.permission not in PERMISSION_GRANTS[need]:
        raise PermissionDenied(
            f"This needs the shop's {need.value} permission; this account has {member.permission.value}.",
            field="permission",
            rule=f"requires_{need.value}",
        )
    return ShopAccess(shop, member)


def shop_permission(need: ShopPermission):
    """A dependency for any controller or page with a `{shop_id}` path: the caller's `ShopAccess`, holding `need`.

    Use as `dependencies={"shop": Provide(shop_permission(ShopPermission.BILLING))}`; it answers 404 to non-members
    and 403 to members without the permission, before the handler runs.
    """

    async def provide_shop(
        shop_id: FromPath[uuid.UUID], db_session: DbSession, principal: CurrentPrincipal
    ) -> ShopAccess:
        return await access_shop(db_session, principal, shop_id, need)

    return provide_shop


async def rename_shop(session: AsyncSession, principal: Principal, shop_id: uuid.UUID, *, name: str) -> ShopAccess:
    access = await access_shop(session, principal, shop_id, ShopPermission.CONFIGURATION)
    access.shop.name = check_shop_name(name, field="name")
    return access


async def list_members(
    session: AsyncSession, principal: Principal, shop_id: uuid.UUID
) -> list[tuple[ShopMember, User]]:
    await access_shop(session, principal, shop_id, ShopPermission.READ_ONLY)
    rows = await session.execute(
        select(ShopMember, User)
        .join(User, User.id == ShopMember.user_id)
        .where(ShopMember.shop_id == shop_id)
        .order_by(ShopMember.created_at)
    )
    return [(m, u) for m, u in rows.all()]


def _sub_permission(raw: str) -> ShopPermission:
    try:
        permission = ShopPermission(raw)
    except ValueError as exc:
        raise InvalidInput(N_("Choose a permission."), field="permission", rule="one_of") from exc
    if permission == ShopPermission.OWNER:
        raise InvalidInput(N_("A shop has exactly one owner."), field="permission", rule="one_owner")
    return permission


async def add_sub_account(
    session: AsyncSession,
    clock: Clock,
    passwords: Passwords,
    principal: Principal,
    shop_id: uuid.UUID,
    *,
    login: str,
    password: str,
    display_name: str,
    permission: str,
) -> tuple[ShopMember, User]:
    """The owner creates a sub-account: a seller login of its own that acts for this shop with one permission.
    A taken login is a 409 (see `users.add_user`)."""
    access = await access_shop(session, principal, shop_id, ShopPermission.OWNER)
    granted = _sub_permission(permission)
    now = clock.now()
    user = await add_user(
        session, passwords, now, login=login, password=password, display_name=display_name, role=Role.SELLER
    )
    member = ShopMember(id=uuid7(), shop_id=access.shop.id, user_id=user.id, permission=granted, created_at=now)
    session.add(member)
    record_event(session, "shop.member_added", shop_id=access.shop.id, member_id=member.id, permission=granted.value)
    return member, user


async def _member_of(session: AsyncSession, shop_id: uuid.UUID, member_id: uuid.UUID) -> tuple[ShopMember, User]:
    row = (
        await session.execute(
            select(ShopMember, User)
            .join(User, User.id == ShopMember.user_id)
            .where(ShopMember.id == member_id, ShopMember.shop_id == shop_id)
        )
    ).first()
    if row is None:
        raise NotFound("No such sub-account in this shop.", field="member_id", rule="exists")
    return row[0], row[1]


async def change_sub_account(
    session: AsyncSession, principal: Principal, shop_id: uuid.UUID, member_id: uuid.UUID, *, permission: str
) -> tuple[ShopMember, User]:
    await access_shop(session, principal, shop_id, ShopPermission.OWNER)
    member, user = await _member_of(session, shop_id, member_id)
    if member.permission == ShopPermission.OWNER:
        raise InvalidInput(N_("The owner's permission cannot change."), field="member_id", rule="one_owner")
    member.permission = _sub_permission(permission)
    record_event(session, "shop.member_changed", shop_id=shop_id, member_id=member.id, permission=permission)
    return member, user


async def remove_sub_account(
    session: AsyncSession, clock: Clock, principal: Principal, shop_id: uuid.UUID, member_id: uuid.UUID
) -> None:
    """Removes a sub-account from the shop and closes its sessions; its login stays, with no shop."""
    await access_shop(session, principal, shop_id, ShopPermission.OWNER)
    member, user = await _member_of(session, shop_id, member_id)
    if member.permission == ShopPermission.OWNER:
        raise InvalidInput(N_("The owner cannot be removed."), field="member_id", rule="one_owner")
    await session.delete(member)
    await close_sessions(session, user.id, clock.now())
    record_event(session, "shop.member_removed", shop_id=shop_id, member_id=member_id)
