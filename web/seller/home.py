"""The seller's home: their shops; renaming a shop for those who may configure it; for the shops they own, the
sub-accounts (change a permission, remove one) and the form to add one."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts import service as accounts
from gigplatform.security import Principal
from web.rendering import page

CONFIGURES = accounts.PERMISSION_GRANTS[accounts.ShopPermission.CONFIGURATION]


async def render_home(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    principal: Principal,
    errors: dict[str, str] | None = None,
    status: int = 200,
    *,
    failed: str = "",
    values: dict[str, str] | None = None,
) -> Template:
    """Also a shop form shown again: `failed` names the one form that was refused (`new-shop`, `rename-<shop>`,
    `add-<shop>`, `member-<member>`), and only that form shows `errors` (by field) and the `values` typed into it."""
    user = await accounts.get_user(db_session, principal.user_id)
    shops = await accounts.list_shops(db_session, principal)
    members = {
        a.shop.id: await accounts.list_members(db_session, principal, a.shop.id)
        for a in shops
        if a.member.permission == accounts.ShopPermission.OWNER
    }
    permissions = [p for p in accounts.ShopPermission if p != accounts.ShopPermission.OWNER]
    return page(
        "seller/home.html",
        request,
        status,
        user=user,
        failed=failed,
        errors=errors or {},
        values=values or {},
        shops=shops,
        members=members,
        permissions=permissions,
        configures=CONFIGURES,
    )
