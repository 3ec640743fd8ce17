"""The seller's shop forms on their home: opening a shop, renaming one, and for an owner adding a sub-account,
changing its permission and removing it. Each calls the same service verb as the JSON API, behind the same
permission (`shop_permission`: others get the 404 or 403 page, not the form); a refused form is shown again under
its own shop, with what was typed (never the password)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect

from gigplatform.accounts import service as accounts
from gigplatform.db import DbSession
from gigplatform.security import CurrentPrincipal, Kit, Principal
from web.forms import form_page, read_form
from web.rendering import Form
from web.seller.home import render_home

OwnedShop = NamedDependency[accounts.ShopAccess]
OWNER = {"shop": Provide(accounts.shop_permission(accounts.ShopPermission.OWNER))}
CONFIGURATION = {"shop": Provide(accounts.shop_permission(accounts.ShopPermission.CONFIGURATION))}


def _home_again(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    principal: Principal,
    failed: str,
    data: dict[str, str],
    kept: tuple[str, ...],
):
    """The home again with the refused form (`failed`) showing its errors and the `kept` fields as typed."""
    values = {name: data.get(name, "") for name in kept}

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        # The home is not what is in conflict: a taken login is a mistake in what was typed (422), as it always was.
        return await render_home(
            request, db_session, principal, errors, 403 if status == 403 else 422, failed=failed, values=values
        )

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

    again = _home_again(request, db_session, principal, "new-shop", data, ("name",))
    return await form_page(db_session, open_shop, done=_back_home, again=again)


@post("/shops/{shop_id:uuid}/name", operation_id="page_rename_shop", dependencies=CONFIGURATION)
async def rename_shop(
    request: Request[Any, Any, Any], shop: OwnedShop, data: Form, db_session: DbSession, principal: CurrentPrincipal
) -> Response[Any]:
    """The owner, or a sub-account holding the configuration permission, renames the shop."""

    async def rename() -> accounts.ShopAccess:
        form = read_form(data, accounts.ShopIn)
        return await accounts.rename_shop(db_session, principal, shop.shop.id, name=form.name)

    again = _home_again(request, db_session, principal, f"rename-{shop.shop.id}", data, ("name",))
    return await form_page(db_session, rename, done=_back_home, again=again)


@post("/shops/{shop_id:uuid}/members", operation_id="page_add_sub_account", dependencies=OWNER)
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

    kept = ("display_name", "login", "permission")
    again = _home_again(request, db_session, principal, f"add-{shop.shop.id}", data, kept)
    return await form_page(db_session, add, done=_back_home, again=again)


@post(
    "/shops/{shop_id:uuid}/members/{member_id:uuid}/permission",
    operation_id="page_change_sub_account",
    dependencies=OWNER,
)
async def change_sub_account(
    request: Request[Any, Any, Any],
    shop: OwnedShop,
    member_id: FromPath[uuid.UUID],
    data: Form,
    db_session: DbSession,
    principal: CurrentPrincipal,
) -> Response[Any]:
    async def change() -> Any:
        form = read_form(data, accounts.PermissionIn)
        return await accounts.change_sub_account(
            db_session, principal, shop.shop.id, member_id, permission=form.permission
        )

    again = _home_again(request, db_session, principal, f"member-{member_id}", data, ("permission",))
    return await form_page(db_session, change, done=_back_home, again=again)


@post(
    "/shops/{shop_id:uuid}/members/{member_id:uuid}/remove",
    operation_id="page_remove_sub_account",
    dependencies=OWNER,
)
async def remove_sub_account(
    request: Request[Any, Any, Any],
    shop: OwnedShop,
    member_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
    principal: CurrentPrincipal,
) -> Response[Any]:
    """Removes the sub-account from the shop and signs it out (the page asks for a confirmation first)."""

    async def remove() -> None:
        await accounts.remove_sub_account(db_session, kit.clock, principal, shop.shop.id, member_id)

    again = _home_again(request, db_session, principal, f"member-{member_id}", {}, ())
    return await form_page(db_session, remove, done=_back_home, again=again)


ROUTES = [create_shop, rename_shop, add_sub_account, change_sub_account, remove_sub_account]
