"""The catalogue and quotes through the API, on SQLite and PostgreSQL: admins keep packages, sellers read the active
ones, a quote prices real 2026 dates with its lines and keeps them when the package changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import assert_problem, bearer, register, sign_in
from tests.coverage.conftest import DAY_PASS, PACKAGES_URL, VOLUME, signed_in_again

# The coverage tests' clock starts on 2026-01-05 in Beijing, before the Spring Festival, and only moves on.


def quotes_url(shop: dict) -> str:
    return f"/api/shops/{shop['id']}/quotes"


async def test_sellers_read_active_packages_and_admins_every_one(client, admin, catalogue, shop) -> None:
    retired = await client.patch(f"{PACKAGES_URL}/{catalogue['volume']['id']}", json={"active": False}, headers=admin)
    assert retired.status_code == 200 and retired.json()["active"] is False
    on_sale = (await client.get("/api/packages", headers=shop["headers"]["read_only"])).json()
    assert [p["name"] for p in on_sale["items"]] == [DAY_PASS["name"], "全业务包月（含夜间与节假日）"]
    everything = (await client.get(PACKAGES_URL, headers=admin)).json()
    assert everything["total"] == 3 and everything["items"][-1]["active"] is False
    forbidden = await client.get(PACKAGES_URL, headers=shop["headers"]["owner"])
    assert forbidden.status_code == 403


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"first_hour": 20, "last_hour": 8}, "last_hour", "after_first_hour"),
        ({"kind": "volume"}, "conversations", "required"),
        ({"conversations": 10}, "conversations", "volume_only"),
        ({"tracks": ["pre_sales", "pre_sales"]}, "tracks", "unique"),
        ({"base_fen": -1}, "base_fen", None),
        ({"name": ""}, "name", None),
        ({"tracks": ["sales"]}, "tracks", None),  # a rule inside a field is reported on the input field
    ],
)
async def test_a_bad_package_is_refused_naming_the_field(client, admin, changes, field, rule) -> None:
    response = await client.post(PACKAGES_URL, json={**DAY_PASS, **changes}, headers=admin)
    assert_problem(response, 422, field, rule)
    assert (await client.get(PACKAGES_URL, headers=admin)).json()["total"] == 0


async def test_a_quote_prices_holidays_and_keeps_its_lines_when_the_package_changes(
    client, admin, catalogue, shop, clock
) -> None:
    body = {
        "package_id": catalogue["day_pass"]["id"],
        "start_date": "2026-02-14",
        "dates": ["2026-02-14", "2026-02-17", "2026-02-20"],
        "options": {"holidays": True, "night": True},
        "expected_daily_conversations": 300,
    }
    response = await client.post(quotes_url(shop), json=body, headers=shop["headers"]["read_only"])
    assert response.status_code == 201, response.text
    quote = response.json()
    kinds = [(line["kind"], line["quantity"], line["amount_fen"], line["date"]) for line in quote["lines"]]
    # 14 Feb is a makeup workday (ordinary), 17 Feb is 春节 (statutory), 20 Feb a moved rest day (no surcharge)
    assert kinds == [("base", 3, 60_000, None), ("night", 3, 24_000, None), ("holiday", 1, 15_000, "2026-02-17")]
    assert quote["total_fen"] == 99_000 and quote["provisional"] is False
    assert datetime.fromisoformat(quote["valid_until"]) == clock.now() + timedelta(minutes=30)

    await client.patch(f"{PACKAGES_URL}/{catalogue['day_pass']['id']}", json={"base_fen": 1}, headers=admin)
    again = await client.get(f"{quotes_url(shop)}/{quote['quote_id']}", headers=shop["headers"]["owner"])
    assert again.json()["lines"] == quote["lines"] and again.json()["total_fen"] == 99_000


async def test_national_day_month_and_a_provisional_2027_pack(client, catalogue, shop, clock) -> None:
    clock.set(datetime(2026, 9, 1, 2, 0, tzinfo=UTC))
    month = await client.post(
        quotes_url(shop),
        json={"package_id": catalogue["monthly"]["id"], "start_date": "2026-10-01", "options": {"holidays": True}},
        headers=await signed_in_again(client, shop, "billing"),
    )
    assert month.status_code == 201, month.text
    holidays = [line["date"] for line in month.json()["lines"] if line["kind"] == "holiday"]
    assert holidays == ["2026-10-01", "2026-10-02", "2026-10-03"]
    assert month.json()["ends_on"] == "2026-10-31"

    clock.set(datetime(2026, 12, 20, 2, 0, tzinfo=UTC))
    pack = await client.post(
        quotes_url(shop),
        json={"package_id": catalogue["monthly"]["id"], "start_date": "2027-01-01", "options": {"holidays": True}},
        headers=await signed_in_again(client, shop, "billing"),
    )
    assert pack.status_code == 201, pack.text
    assert pack.json()["provisional"] is True
    assert all(line["provisional"] for line in pack.json()["lines"] if line["kind"] == "holiday")


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        ({"start_date": "2026-01-04"}, "start_date", "not_past"),
        ({"start_date": "2027-06-01"}, "start_date", "max"),
        ({"options": {"holidays": True}}, "options.holidays", "not_offered"),
        ({"dates": ["2026-03-05"]}, "dates", "daily_only"),
        ({"expected_daily_conversations": -5}, "expected_daily_conversations", None),
    ],
)
async def test_a_bad_quote_is_refused_naming_the_field(client, catalogue, shop, body, field, rule) -> None:
    request = {"package_id": catalogue["volume"]["id"], "start_date": "2026-03-05", **body}
    response = await client.post(quotes_url(shop), json=request, headers=shop["headers"]["billing"])
    assert_problem(response, 422, field, rule)


async def test_a_daily_pass_on_a_holiday_needs_the_option(client, catalogue, shop, clock) -> None:
    clock.set(datetime(2026, 9, 1, 2, 0, tzinfo=UTC))
    body = {"package_id": catalogue["day_pass"]["id"], "start_date": "2026-10-01", "dates": ["2026-10-01"]}
    response = await client.post(quotes_url(shop), json=body, headers=await signed_in_again(client, shop, "billing"))
    assert_problem(response, 422, "dates", "holiday_needs_option")


async def test_quotes_are_the_shops_own(client, catalogue, shop) -> None:
    response = await client.post(
        quotes_url(shop),
        json={"package_id": catalogue["volume"]["id"], "start_date": "2026-03-05"},
        headers=shop["headers"]["owner"],
    )
    assert response.status_code == 201, response.text
    quote_id = response.json()["quote_id"]
    await register(client, "13900000009", role="seller", shop_name="别家店铺")
    stranger = bearer(await sign_in(client, "13900000009"))
    assert_problem(await client.get(f"{quotes_url(shop)}/{quote_id}", headers=stranger), 404)
    assert_problem(
        await client.post(
            quotes_url(shop),
            json={"package_id": catalogue["volume"]["id"], "start_date": "2026-03-05"},
            headers=stranger,
        ),
        404,
    )


async def test_a_retired_package_cannot_be_quoted(client, admin, catalogue, shop) -> None:
    await client.patch(f"{PACKAGES_URL}/{catalogue['volume']['id']}", json={"active": False}, headers=admin)
    response = await client.post(
        quotes_url(shop),
        json={"package_id": catalogue["volume"]["id"], "start_date": "2026-03-05"},
        headers=shop["headers"]["billing"],
    )
    assert_problem(response, 404, "package_id", "exists")
    assert VOLUME["conversations"] == 1000
