"""Self-service registration: a worker, or a seller who may name their first shop at once.

It sits above `users` and `shops` because a seller's registration makes both an account and a shop.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts.models import Role, User
from gigplatform.accounts.shops import add_shop
from gigplatform.accounts.users import add_user, check_shop_name
from gigplatform.errors import N_, InvalidInput
from gigplatform.events import record_event
from gigplatform.security import SecurityKit

SELF_SERVICE_ROLES = (Role.WORKER, Role.SELLER)


async def register_user(
    session: AsyncSession,
    kit: SecurityKit,
    *,
    login: str,
    password: str,
    display_name: str,
    role: str,
    shop_name: str | None = None,
) -> User:
    """Self-service registration as a worker or a seller; a taken login is a 409 (see `users.add_user`)."""
    if role not in SELF_SERVICE_ROLES:
        raise InvalidInput(N_("Choose whether you join as a freelancer or as a seller."), field="role", rule="one_of")
    if shop_name is not None and role != Role.SELLER:
        raise InvalidInput(N_("Only sellers register a shop."), field="shop_name", rule="seller_only")
    shop = check_shop_name(shop_name) if shop_name else None
    now = kit.clock.now()
    user = await add_user(
        session, kit.passwords, now, login=login, password=password, display_name=display_name, role=Role(role)
    )
    if shop:
        add_shop(session, now, user.id, shop)
    record_event(session, "account.created", user_id=user.id, role=user.role.value)
    return user
