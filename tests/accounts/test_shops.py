"""Seller shops and Qianniu-style sub-accounts: each permission allows its duty and nothing more."""

from __future__ import annotations

import uuid

import pytest
from litestar import get
from litestar.di import NamedDependency, Provide

from gigplatform.accounts import service
from gigplatform.accounts.models import ShopPermission
from tests.conftest import assert_problem, bearer, register, sign_in


@pytest.fixture
async def shop(client) -> dict:
    """A seller with one shop and a sub-account of each permission; returns their tokens and ids."""
    await register(client, "13800000001", role="seller", shop_name="小白数码旗舰店")
    owner = await sign_in(client, "13800000001")
    (shop,) = (await client.get("/api/shops", headers=bearer(owner))).json()["items"]
    tokens = {"owner": owner}
    for n, permission in enumerate(("billing", "configuration", "read_only"), start=2):
        response = await client.post(
            f"/api/shops/{shop['id']}/members",
            headers=bearer(owner),
            json={
                "login": f"1380000000{n}",
                "password": "abc12345",
                "display_name": permission,
                "permission": permission,
            },
        )
        assert response.status_code == 201, response.text
        tokens[permission] = await sign_in(client, f"1380000000{n}")
    return {"id": shop["id"], "tokens": tokens}


async def test_every_member_reads_the_shop_with_their_permission(client, shop) -> None:
    for permission, tokens in shop["tokens"].items():
        body = (await client.get(f"/api/shops/{shop['id']}", headers=bearer(tokens))).json()
        assert body["permission"] == permission
        listed = (await client.get("/api/shops", headers=bearer(tokens))).json()["items"]
        assert [s["id"] for s in listed] == [shop["id"]]
    members = await client.get(f"/api/shops/{shop['id']}/members", headers=bearer(shop["tokens"]["read_only"]))
    assert sorted(m["permission"] for m in members.json()["items"]) == [
        "billing",
        "configuration",
        "owner",
        "read_only",
    ]


@pytest.mark.parametrize(
    ("who", "allowed"), [("owner", True), ("configuration", True), ("billing", False), ("read_only", False)]
)
async def test_configuration_permission_renames_the_shop(client, shop, who, allowed) -> None:
    response = await client.patch(
        f"/api/shops/{shop['id']}", headers=bearer(shop["tokens"][who]), json={"name": "小白数码专营店"}
    )
    if allowed:
        assert response.status_code == 200 and response.json()["name"] == "小白数码专营店"
    else:
        assert_problem(response, 403, "permission", "requires_configuration")


@pytest.mark.parametrize("who", ["billing", "configuration", "read_only"])
async def test_only_the_owner_manages_sub_accounts(client, shop, who) -> None:
    response = await client.post(
        f"/api/shops/{shop['id']}/members",
        headers=bearer(shop["tokens"][who]),
        json={"login": "13800000009", "password": "abc12345", "display_name": "x", "permission": "billing"},
    )
    assert_problem(response, 403, "permission", "requires_owner")
    assert (
        await client.post("/api/auth/login", json={"login": "13800000009", "password": "abc12345"})
    ).status_code == 401


async def test_owner_changes_and_removes_a_sub_account(client, shop) -> None:
    owner = bearer(shop["tokens"]["owner"])
    members = (await client.get(f"/api/shops/{shop['id']}/members", headers=owner)).json()["items"]
    reader = next(m for m in members if m["permission"] == "read_only")
    owner_row = next(m for m in members if m["permission"] == "owner")
    changed = await client.patch(
        f"/api/shops/{shop['id']}/members/{reader['id']}", headers=owner, json={"permission": "configuration"}
    )
    assert changed.json()["permission"] == "configuration"
    assert_problem(
        await client.patch(
            f"/api/shops/{shop['id']}/members/{owner_row['id']}", headers=owner, json={"permission": "billing"}
        ),
        422,
        "member_id",
        "one_owner",
    )
    assert_problem(
        await client.patch(
            f"/api/shops/{shop['id']}/members/{reader['id']}", headers=owner, json={"permission": "owner"}
        ),
        422,
        "permission",
        "one_of",
    )
    assert (await client.delete(f"/api/shops/{shop['id']}/members/{reader['id']}", headers=owner)).status_code == 204
    # the removed sub-account's session is closed and the shop is gone from its view
    refresh = await client.post(
        "/api/auth/refresh", json={"refresh_token": shop["tokens"]["read_only"]["refresh_token"]}
    )
    assert refresh.status_code == 401
    assert_problem(
        await client.get(f"/api/shops/{shop['id']}", headers=bearer(shop["tokens"]["read_only"])),
        404,
        "shop_id",
        "exists",
    )
    assert_problem(
        await client.delete(f"/api/shops/{shop['id']}/members/{owner_row['id']}", headers=owner),
        422,
        "member_id",
        "one_owner",
    )
    assert_problem(
        await client.delete(f"/api/shops/{shop['id']}/members/{uuid.uuid4()}", headers=owner),
        404,
        "member_id",
        "exists",
    )


async def test_another_seller_cannot_see_the_shop(client, shop) -> None:
    await register(client, "13800000099", role="seller")
    stranger = bearer(await sign_in(client, "13800000099"))
    assert_problem(await client.get(f"/api/shops/{shop['id']}", headers=stranger), 404, "shop_id", "exists")
    assert_problem(await client.get(f"/api/shops/{shop['id']}/members", headers=stranger), 404)
    assert_problem(await client.get(f"/api/shops/{uuid.uuid4()}", headers=stranger), 404)
    assert (await client.get("/api/shops", headers=stranger)).json()["items"] == []


async def test_a_sub_account_cannot_open_its_own_shop(client, shop) -> None:
    response = await client.post("/api/shops", headers=bearer(shop["tokens"]["billing"]), json={"name": "私店"})
    assert_problem(response, 403, "role", "sub_account")
    created = await client.post("/api/shops", headers=bearer(shop["tokens"]["owner"]), json={"name": "第二家店"})
    assert created.status_code == 201 and created.json()["permission"] == "owner"
    assert_problem(
        await client.post("/api/shops", headers=bearer(shop["tokens"]["owner"]), json={"name": " "}),
        422,
        "name",
        "visible_characters",
    )


@pytest.mark.parametrize("role", ["worker", "admin"])
async def test_shops_are_for_sellers_only(client, session, kit, role) -> None:
    if role == "admin":
        await service.create_admin(session, kit, login="admin@example.com", password="abc12345", display_name="管理")
        await session.commit()
        tokens = await sign_in(client, "admin@example.com")
    else:
        await register(client, "13912345678")
        tokens = await sign_in(client, "13912345678")
    assert_problem(await client.get("/api/shops", headers=bearer(tokens)), 403, "role", "role_required")
    assert_problem(await client.get("/api/shops"), 401)


async def test_shop_permission_dependency_guards_any_controller(app, client, shop) -> None:
    """The dependency later controllers use (billing pages, configuration) answers before the handler runs."""

    @get(
        "/api/test/shops/{shop_id:uuid}/billing",
        dependencies={"access": Provide(service.shop_permission(ShopPermission.BILLING))},
    )
    async def billing(access: NamedDependency[service.ShopAccess]) -> dict:
        return {"shop": str(access.shop.id), "as": access.member.permission.value}

    app.register(billing)
    url = f"/api/test/shops/{shop['id']}/billing"
    for who, status in (("owner", 200), ("billing", 200), ("configuration", 403), ("read_only", 403)):
        response = await client.get(url, headers=bearer(shop["tokens"][who]))
        assert response.status_code == status, (who, response.text)
    assert (await client.get(url)).status_code == 401
