"""The seller's shop pages (issue 16): with two shops a refused form shows its errors under its own shop and keeps
what was typed (never the password); an owner renames a shop, changes a sub-account's permission and removes one;
a sub-account with the configuration permission renames too; everyone else gets what the API gives them (403/404).
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from gigplatform.accounts import service as accounts
from gigplatform.accounts.models import ShopMember
from tests.conftest import PASSWORD, bearer, register, sign_in
from tests.web.test_pages import submit

OWNER = "13800000001"


def shop_card(html: str, shop_id: str) -> str:
    """The `<article>` of one shop on the seller's home."""
    match = re.search(rf'<article class="card shop" id="shop-{shop_id}">.*?</article>', html, re.S)
    assert match, shop_id
    return match.group(0)


async def sign_in_page(client, login: str) -> None:
    response = await submit(client, "/login", {"login": login, "password": PASSWORD, "next": "/"})
    assert response.status_code in (302, 303), response.text


async def two_shops(client) -> tuple[str, str]:
    """The owner, signed in on the pages, with shops 甲 and 乙; returns their ids."""
    await register(client, OWNER, role="seller", display_name="白小姐")
    await sign_in_page(client, OWNER)
    for name in ("甲店", "乙店"):
        assert (await submit(client, "/shops", {"name": name}, form_page="/")).status_code in (302, 303)
    home = (await client.get("/")).text
    ids = re.findall(r'action="/shops/([0-9a-f-]{36})/members"', home)
    assert len(ids) == 2
    return ids[0], ids[1]


async def add_member(client, shop_id: str, login: str, name: str, permission: str = "billing"):
    data = {"display_name": name, "login": login, "password": PASSWORD, "permission": permission}
    return await submit(client, f"/shops/{shop_id}/members", data, form_page="/")


async def test_a_refused_sub_account_shows_under_its_own_shop_with_what_was_typed(client) -> None:
    first, second = await two_shops(client)
    assert (await add_member(client, first, "13800000002", "小陈")).status_code in (302, 303)

    taken = await add_member(client, second, "13800000002", "小李", permission="read_only")
    assert taken.status_code == 422
    mine, other = shop_card(taken.text, second), shop_card(taken.text, first)
    assert f'id="e-add-{second}-login"' in mine and "该手机号或邮箱已注册。" in mine
    assert 'role="alert"' not in other  # not under the other shop
    assert 'value="小李"' in mine and 'value="13800000002"' in mine  # what was typed is kept
    assert re.search(r'<option value="read_only" selected>', mine)
    assert PASSWORD not in taken.text  # never the password
    assert 'value="小李"' not in other

    # every field's error at once, each beside its field, still only under that shop
    empty = await submit(client, f"/shops/{first}/members", {"permission": "billing"}, form_page="/")
    assert empty.status_code == 422
    mine = shop_card(empty.text, first)
    for field in ("display_name", "login", "password"):
        assert f'id="e-add-{first}-{field}"' in mine
    assert 'role="alert"' not in shop_card(empty.text, second)


async def test_the_owner_renames_a_shop_and_a_bad_name_stays_under_that_shop(client) -> None:
    first, second = await two_shops(client)
    renamed = await submit(client, f"/shops/{second}/name", {"name": "乙店旗舰店"}, form_page="/")
    assert renamed.status_code in (302, 303)
    home = (await client.get("/")).text
    assert "乙店旗舰店" in shop_card(home, second) and "甲店" in shop_card(home, first)

    too_long = "很" * (accounts.SHOP_NAME_MAX + 1)
    bad = await submit(client, f"/shops/{first}/name", {"name": too_long}, form_page="/")
    assert bad.status_code == 422
    mine = shop_card(bad.text, first)
    assert (
        f'id="e-rename-{first}-name"' in mine
        and f'value="{too_long}"' in mine
        and '<details class="rename" open>' in mine
    )
    assert 'role="alert"' not in shop_card(bad.text, second)
    assert "甲店" in bad.text  # nothing was renamed


async def test_the_owner_changes_a_permission_and_removes_a_sub_account(client) -> None:
    first, _second = await two_shops(client)
    assert (await add_member(client, first, "13800000002", "小陈")).status_code in (302, 303)
    member_id = re.search(
        rf'action="/shops/{first}/members/([0-9a-f-]{{36}})/permission"', (await client.get("/")).text
    )
    member_id = member_id.group(1)

    changed = await submit(
        client, f"/shops/{first}/members/{member_id}/permission", {"permission": "configuration"}, form_page="/"
    )
    assert changed.status_code in (302, 303)
    row = re.search(rf'<tr id="member-{member_id}">.*?</tr>', (await client.get("/")).text, re.S).group(0)
    assert re.search(r'<option value="configuration" selected>', row)
    sub = await sign_in(client, "13800000002")
    shops = (await client.get("/api/shops", headers=bearer(sub))).json()["items"]
    assert [s["permission"] for s in shops] == ["configuration"]

    refused = await submit(
        client, f"/shops/{first}/members/{member_id}/permission", {"permission": "owner"}, form_page="/"
    )
    assert refused.status_code == 422
    errors = re.search(rf'<tr id="member-{member_id}">.*?<tr class="row-errors">.*?</tr>', refused.text, re.S)
    assert errors and 'role="alert"' in errors.group(0)

    home = (await client.get("/")).text
    assert "确定从“甲店”删除子账号“小陈”吗？" in home  # the confirmation the button asks
    removed = await submit(client, f"/shops/{first}/members/{member_id}/remove", {}, form_page="/")
    assert removed.status_code in (302, 303)
    assert "13800000002" not in (await client.get("/")).text
    # the removed sub-account is signed out (its session closed) and the shop is gone from its view
    assert (await client.post("/api/auth/refresh", json={"refresh_token": sub["refresh_token"]})).status_code == 401
    assert (await client.get("/api/shops", headers=bearer(sub))).json()["items"] == []


async def test_the_owner_row_has_no_edit_or_remove_and_its_ids_are_refused(client, session) -> None:
    first, _second = await two_shops(client)
    home = (await client.get("/")).text
    assert f"/shops/{first}/members/" not in home  # the owner is the only member: nothing to edit or remove
    owner_member = await session.scalar(
        select(ShopMember.id).where(ShopMember.shop_id == uuid.UUID(first), ShopMember.permission == "owner")
    )
    refused = await submit(client, f"/shops/{first}/members/{owner_member}/remove", {}, form_page="/")
    assert refused.status_code == 422 and "不能删除店铺所有者。" in refused.text
    changed = await submit(
        client, f"/shops/{first}/members/{owner_member}/permission", {"permission": "billing"}, form_page="/"
    )
    assert changed.status_code == 422 and "店铺所有者的权限不能修改。" in changed.text
    assert "主账号" in shop_card((await client.get("/")).text, first)


async def test_sub_accounts_and_strangers_get_what_the_api_gives_them(client) -> None:
    first, _second = await two_shops(client)
    await add_member(client, first, "13800000002", "小陈", permission="configuration")
    await add_member(client, first, "13800000003", "小王", permission="billing")
    home = (await client.get("/")).text
    billing_id = re.search(r'<tr id="member-([0-9a-f-]{36})">\s*<td><span class="member-name">小王</span>', home).group(
        1
    )
    await submit(client, "/logout", {}, form_page="/")

    # configuration: renames from the page, sees no member table and cannot touch sub-accounts
    await sign_in_page(client, "13800000002")
    home = (await client.get("/")).text
    assert f'action="/shops/{first}/name"' in home and f'action="/shops/{first}/members"' not in home
    assert (await submit(client, f"/shops/{first}/name", {"name": "甲店新名"}, form_page="/")).status_code in (302, 303)
    assert "甲店新名" in (await client.get("/")).text
    assert (await submit(client, f"/shops/{first}/members/{billing_id}/remove", {}, form_page="/")).status_code == 403
    forbidden = await submit(
        client, f"/shops/{first}/members/{billing_id}/permission", {"permission": "read_only"}, form_page="/"
    )
    assert forbidden.status_code == 403
    await submit(client, "/logout", {}, form_page="/")

    # billing: no rename form, and the rename is refused as the API refuses it
    await sign_in_page(client, "13800000003")
    home = (await client.get("/")).text
    assert f'action="/shops/{first}/name"' not in home
    assert (await submit(client, f"/shops/{first}/name", {"name": "乱改"}, form_page="/")).status_code == 403
    await submit(client, "/logout", {}, form_page="/")

    # another seller: the shop does not exist for them
    await register(client, "13800000009", role="seller", display_name="路人")
    await sign_in_page(client, "13800000009")
    assert (await submit(client, f"/shops/{first}/name", {"name": "乱改"}, form_page="/")).status_code == 404
    assert (await submit(client, f"/shops/{first}/members/{billing_id}/remove", {}, form_page="/")).status_code == 404
