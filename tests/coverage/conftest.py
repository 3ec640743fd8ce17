"""Coverage fixtures: an admin, a catalogue modelled on the 阿里客服 market, and a seller's shop with a billing and a
read-only sub-account (all through the HTTP API)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from gigplatform.clock import FakeClock
from tests.conftest import bearer, register, sign_in
from tests.recruitment.conftest import Client, Headers, admin  # noqa: F401 - fixtures used by the coverage tests

PACKAGES_URL = "/api/admin/packages"
DAY_PASS = {
    "name": "售前白天单日包",
    "kind": "daily",
    "first_hour": 9,
    "last_hour": 21,
    "tracks": ["pre_sales"],
    "base_fen": 20_000,
    "night_surcharge_fen": 8_000,
    "holiday_surcharge_fen": 15_000,
}
MONTHLY = {
    "name": "全业务包月（含夜间与节假日）",
    "kind": "monthly",
    "first_hour": 8,
    "last_hour": 24,
    "tracks": ["pre_sales", "after_sales", "complaints"],
    "base_fen": 300_000,
    "night_surcharge_fen": 90_000,
    "holiday_surcharge_fen": 15_000,
}
VOLUME = {
    "name": "1000 次咨询量包",
    "kind": "volume",
    "first_hour": 0,
    "last_hour": 24,
    "tracks": ["pre_sales", "after_sales"],
    "base_fen": 150_000,
    "conversations": 1000,
    "validity_days": 90,
}


@pytest.fixture
def clock() -> FakeClock:
    """Early January 2026, so quotes can start on the Spring Festival; tests only move it on (tokens stay valid)."""
    return FakeClock(datetime(2026, 1, 5, 1, 0, tzinfo=UTC))


@pytest.fixture
async def catalogue(client: Client, admin: Headers) -> dict[str, dict[str, Any]]:  # noqa: F811
    made = {}
    for key, body in (("day_pass", DAY_PASS), ("monthly", MONTHLY), ("volume", VOLUME)):
        response = await client.post(PACKAGES_URL, json=body, headers=admin)
        assert response.status_code == 201, response.text
        made[key] = response.json()
    return made


@pytest.fixture
async def shop(client: Client) -> dict[str, Any]:
    await register(client, "13900000001", role="seller", shop_name="小白数码旗舰店")
    owner = await sign_in(client, "13900000001")
    (shop,) = (await client.get("/api/shops", headers=bearer(owner))).json()["items"]
    headers = {"owner": bearer(owner)}
    for n, permission in ((2, "billing"), (3, "read_only")):
        response = await client.post(
            f"/api/shops/{shop['id']}/members",
            headers=bearer(owner),
            json={
                "login": f"1390000000{n}",
                "password": "abc12345",
                "display_name": permission,
                "permission": permission,
            },
        )
        assert response.status_code == 201, response.text
        headers[permission] = bearer(await sign_in(client, f"1390000000{n}"))
    logins = {"owner": "13900000001", "billing": "13900000002", "read_only": "13900000003"}
    return {"id": shop["id"], "headers": headers, "logins": logins}


async def signed_in_again(client: Client, shop: dict[str, Any], who: str) -> Headers:
    """Fresh headers after the clock moved past the access token's life."""
    return bearer(await sign_in(client, shop["logins"][who]))
