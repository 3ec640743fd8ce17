"""The admin's home: links to every admin area, and the accounts by role and standing."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts import service as accounts
from gigplatform.security import Principal
from web.rendering import page


async def render_home(request: Request[Any, Any, Any], db_session: AsyncSession, principal: Principal) -> Template:
    user = await accounts.get_user(db_session, principal.user_id)
    counts = await accounts.count_users(db_session)
    standings = [s.value for s in accounts.Standing]
    return page("admin/home.html", request, user=user, counts=counts, standings=standings)
