"""The freelancer's home: certifications, applications and how to start taking shifts."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts import service as accounts
from gigplatform.security import Principal
from recruitment import service as recruitment
from web.rendering import page


async def render_home(request: Request[Any, Any, Any], db_session: AsyncSession, principal: Principal) -> Template:
    user = await accounts.get_user(db_session, principal.user_id)
    return page(
        "worker/home.html",
        request,
        user=user,
        applications=await recruitment.my_applications(db_session, principal),
        in_good_standing=accounts.in_good_standing(user, request.app.state.clock.now()),
        certifications=await recruitment.certifications(db_session, principal.user_id),
    )
