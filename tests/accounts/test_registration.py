"""Registration: who may register, the login and password rules, and uniqueness."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import assert_problem, bearer, register, sign_in


async def test_worker_registers_and_sees_their_account(client) -> None:
    created = await register(client, "13912345678", display_name="李娜")
    assert created["login"] == "13912345678" and created["role"] == "worker"
    me = (await client.get("/api/me", headers=bearer(await sign_in(client, "13912345678")))).json()
    assert me["id"] == created["id"]
    assert (me["display_name"], me["role"], me["standing"]) == ("李娜", "worker", "good")


async def test_login_is_normalised_so_one_person_cannot_register_twice(client) -> None:
    await register(client, "+86 139-1234-5678")
    response = await client.post(
        "/api/auth/register",
        json={"login": "13912345678", "password": "abc12345", "display_name": "x", "role": "worker"},
    )
    assert_problem(response, 409, "login", "unique")
    await register(client, "Li.Na@Example.COM")
    again = await client.post(
        "/api/auth/register",
        json={"login": "li.na@example.com", "password": "abc12345", "display_name": "x", "role": "seller"},
    )
    assert_problem(again, 409, "login", "unique")


async def test_concurrent_registrations_of_one_login_make_one_account(client) -> None:
    body = {"login": "13700000000", "password": "abc12345", "display_name": "x", "role": "worker"}
    responses = await asyncio.gather(*(client.post("/api/auth/register", json=body) for _ in range(4)))
    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 1 and set(codes) <= {201, 409}, codes


async def test_seller_registers_with_a_shop(client) -> None:
    await register(client, "seller@example.com", role="seller", shop_name="小白数码旗舰店")
    shops = (await client.get("/api/shops", headers=bearer(await sign_in(client, "seller@example.com")))).json()[
        "items"
    ]
    assert [(s["name"], s["permission"]) for s in shops] == [("小白数码旗舰店", "owner")]


@pytest.mark.parametrize(
    ("changes", "status", "field", "rule"),
    [
        ({"login": "12345"}, 422, "login", "format"),
        ({"login": "23912345678"}, 422, "login", "format"),
        ({"login": "not-an-email@"}, 422, "login", "format"),
        ({"password": "abc1234"}, 422, "password", "length"),
        ({"password": "a1" * 65}, 422, "password", "length"),
        ({"password": "abcdefgh"}, 422, "password", "letters_and_digits"),
        ({"password": "12345678"}, 422, "password", "letters_and_digits"),
        ({"display_name": "   "}, 422, "display_name", "visible_characters"),
        ({"display_name": "长" * 33}, 422, "display_name", "length"),
        ({"role": "admin"}, 422, "role", "one_of"),
        ({"role": "boss"}, 422, "role", "one_of"),
        ({"role": "worker", "shop_name": "店"}, 422, "shop_name", "seller_only"),
        ({"role": "seller", "shop_name": "店" * 65}, 422, "shop_name", "length"),
        ({"login": 13912345678}, 422, "login", "type"),
    ],
)
async def test_bad_registrations_name_the_field_and_rule_and_write_nothing(
    client, changes, status, field, rule
) -> None:
    body = {"login": "13912345678", "password": "abc12345", "display_name": "李娜", "role": "worker", **changes}
    assert_problem(await client.post("/api/auth/register", json=body), status, field, rule)
    # nothing was half-written: the good version of the same login still registers
    await register(client, "13912345678")


async def test_edge_lengths_are_accepted(client) -> None:
    await register(client, "13912345678", password="a" * 7 + "1", display_name="长" * 32)
    await register(client, "13912345679", role="seller", shop_name="店" * 64, password="a1" * 64)


INVISIBLE_NAMES = [
    "\u200b\u200b\u200b",  # zero-width spaces only
    "\u202e\u202d",  # bidi overrides only
    "\x07\x1b",  # control characters only
    "\u2066\u2069",  # bidi isolates only
    "李\u202e娜",  # an override inside a name can make it read as another
    "Anna\u200dLi",  # a zero-width joiner inside
    "小\u2028王",  # a line separator inside
]


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
async def test_names_with_invisible_characters_are_refused(client, name) -> None:
    body = {"login": "13912345678", "password": "abc12345", "display_name": name, "role": "worker"}
    assert_problem(await client.post("/api/auth/register", json=body), 422, "display_name", "visible_characters")
    seller = {**body, "display_name": "白小姐", "role": "seller", "shop_name": name}
    assert_problem(await client.post("/api/auth/register", json=seller), 422, "shop_name", "visible_characters")
    tokens = await sign_in(client, (await register(client, "13800000001", role="seller"))["login"])
    shop = await client.post("/api/shops", json={"name": name}, headers=bearer(tokens))
    assert_problem(shop, 422, "name", "visible_characters")


@pytest.mark.parametrize("name", ["李 娜", "Anna Li", "小白 数码旗舰店", "O'Brien-Wang", "王\u3000芳"])
async def test_ordinary_names_with_spaces_are_kept(client, name) -> None:
    created = await register(client, "13800000001", role="seller", display_name=name, shop_name=name)
    tokens = await sign_in(client, created["login"])
    assert (await client.get("/api/me", headers=bearer(tokens))).json()["display_name"] == name
    assert [s["name"] for s in (await client.get("/api/shops", headers=bearer(tokens))).json()["items"]] == [name]
