"""The seller's shop forms on their home: opening a shop, adding a sub-account to a shop they own."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.di import NamedDependency, Provide
from litestar.response import Redirect

from gigplatform.accounts import service as accounts
from gigplatform.db import DbSession
from gigplatform.security import CurrentPrincipal, Kit, Principal
from web.forms import form_page, read_form
from web.rendering import Form
from web.seller.home import render_home

OwnedShop = NamedDependency[accounts.ShopAccess]


def _home_again(request: Request[Any, Any, Any], db_session: DbSession, principal: Principal):
    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        # The home is not what is in conflict: a taken login is a mistake in what was typed (422), as it always was.
        return await render_home(request, db_session, principal, errors, 403 if status == 403 else 422)

    return again


def _back_home(_: object) -> Response[Any]:
    return Redirect(path="/")


@post("/shops", operation_id="page_create_shop")
async def create_shop(
    request: Request[Any, Any, Any], data: Form, db_session: DbSession, kit: Kit, principal: CurrentPrincipal
) -> Response[Any]:
    async def open_shop() -> accounts.Shop:
        form = read_form(data, accounts.ShopIn)
        return await accounts.create_shop(db_session, kit.clock, principal, name=form.name)

    return await form_page(db_session, open_shop, done=_back_home, again=_home_again(request, db_session, principal))


@post(
    "/shops/{shop_id:uuid}/members",
    operation_id="page_add_sub_account",
    dependencies={"shop": Provide(accounts.shop_permission(accounts.ShopPermission.OWNER))},
)
async def add_sub_account(
    request: Request[Any, Any, Any],
    shop: OwnedShop,
    data: Form,
    db_session: DbSession,
    kit: Kit,
    principal: CurrentPrincipal,
) -> Response[Any]:
    """Only the shop's owner gets this far (`shop_permission`): others get the 404 or 403 page, not the form."""

    async def add() -> Any:
        form = read_form(data, accounts.SubAccountIn)
        return await accounts.add_sub_account(
            db_session,
            kit.clock,
            kit.passwords,
            principal,
            shop.shop.id,
            login=form.login,
            password=form.password,
            display_name=form.display_name,
            permission=form.permission,
        )

    return await form_page(db_session, add, done=_back_home, again=_home_again(request, db_session, principal))


ROUTES = [create_shop, add_sub_account]
