"""Publishing slots in bulk, with a preview; publishing again; cancelling a slot."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import assert_problem
from tests.shifts.conftest import DAY, at, book, reason_of, window_of


async def test_preview_says_what_would_be_made_and_makes_nothing(client, admin, publish) -> None:
    items = await publish(hours=(9, 10), tracks=("pre_sales", "complaints"), preview=True)
    assert len(items) == 4 and {i["action"] for i in items} == {"create"} and {i["slot_id"] for i in items} == {None}
    made = await publish(hours=(9, 10), tracks=("pre_sales", "complaints"))
    assert len({i["slot_id"] for i in made}) == 4 and {i["action"] for i in made} == {"create"}


async def test_slots_start_on_the_hour_in_shanghai_and_open_two_days_before_at_20(
    client, clock, publish, freelancer
) -> None:
    (item,) = await publish(hours=(0,))
    assert item["starts_at"].startswith("2026-03-04T16:00:00")  # 00:00 on 5 March in Shanghai
    params = {"from": DAY.isoformat(), "to": DAY.isoformat()}
    (slot,) = (await client.get("/api/slots", params=params, headers=freelancer.headers)).json()["items"]
    assert slot["opens_at"].startswith("2026-03-03T12:00:00")  # 3 March, 20:00 in Shanghai
    assert slot["ends_at"].startswith("2026-03-04T17:00:00") and slot["capacity"] == 2


async def test_republishing_changes_capacity_and_pay_but_not_bookings(client, clock, publish, freelancer) -> None:
    (slot,) = await publish(capacity=2, pay_fen=3000)
    clock.set(window_of(DAY))
    booking = (await book(client, freelancer, slot["slot_id"])).json()
    preview = await publish(capacity=3, pay_fen=4000, preview=True)
    assert preview == [
        {
            **preview[0],
            "slot_id": slot["slot_id"],
            "action": "update",
            "previous_capacity": 2,
            "previous_pay_fen": 3000,
            "booked": 1,
        }
    ]
    (changed,) = await publish(capacity=3, pay_fen=4000)
    assert changed["action"] == "update" and changed["slot_id"] == slot["slot_id"]
    (same,) = await publish(capacity=3, pay_fen=4000)
    assert same["action"] == "unchanged"
    (mine,) = (await client.get("/api/me/bookings", headers=freelancer.headers)).json()["items"]
    assert mine["id"] == booking["id"] and mine["pay_fen"] == 3000 and mine["status"] == "booked"
    params = {"from": DAY.isoformat(), "to": DAY.isoformat()}
    (listed,) = (await client.get("/api/slots", params=params, headers=freelancer.headers)).json()["items"]
    assert (listed["capacity"], listed["seats_left"], listed["pay_fen"]) == (3, 2, 4000)


async def test_never_below_what_is_booked_naming_the_slot(client, clock, admin, publish, make_freelancers) -> None:
    (slot,) = await publish(capacity=2)
    clock.set(window_of(DAY))
    for who in await make_freelancers(2):
        assert (await book(client, who, slot["slot_id"])).status_code == 201
    body = {"dates": [DAY.isoformat()], "hours": [10], "tracks": ["pre_sales"], "capacity": 1, "pay_fen": 1}
    for preview in (True, False):
        response = await client.post("/api/admin/slots/publish", json={**body, "preview": preview}, headers=admin)
        problem = assert_problem(response, 409, "capacity", "below_booked")
        assert problem["slot_id"] == slot["slot_id"] and problem["booked"] == 2 and slot["slot_id"] in problem["detail"]
    assert (await publish(capacity=2))[0]["action"] == "unchanged"


async def test_past_hours_and_bad_input_are_refused(client, clock, admin) -> None:
    body = {"dates": ["2026-03-02"], "hours": [8], "tracks": ["pre_sales"], "capacity": 1, "pay_fen": 1}
    assert_problem(await client.post("/api/admin/slots/publish", json=body, headers=admin), 422, "dates", "past")
    for field, value in (("hours", [24]), ("capacity", 0), ("tracks", ["billing"]), ("pay_fen", -1), ("dates", [])):
        response = await client.post("/api/admin/slots/publish", json={**body, field: value}, headers=admin)
        assert_problem(response, 422)


async def test_only_admins_publish(client, freelancer) -> None:
    body = {"dates": [DAY.isoformat()], "hours": [8], "tracks": ["pre_sales"], "capacity": 1, "pay_fen": 1}
    assert_problem(await client.post("/api/admin/slots/publish", json=body, headers=freelancer.headers), 403)
    assert_problem(await client.post("/api/admin/slots/publish", json=body), 401)


async def test_cancelling_a_slot_tells_each_booked_freelancer_and_counts_against_nobody(
    client, clock, admin, publish, make_freelancers
) -> None:
    (slot,) = await publish(capacity=2)
    (other,) = await publish(hours=(11,))
    first, second = await make_freelancers(2)
    clock.set(window_of(DAY))
    for who in (first, second):
        assert (await book(client, who, slot["slot_id"])).status_code == 201
    clock.set(at(DAY, 9, 30))  # past the cut-off: had they cancelled, it would be late
    cancelled = await client.post(f"/api/admin/slots/{slot['slot_id']}/cancel", headers=admin)
    assert (
        cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled" and cancelled.json()["booked"] == 0
    )
    for who in (first, second):
        (mine,) = [b for b in (await client.get("/api/me/bookings", headers=who.headers)).json()["items"]]
        assert mine["status"] == "slot_cancelled"
        notes = (await client.get("/api/me/notifications", headers=who.headers)).json()["items"]
        assert [n["kind"] for n in notes] == ["shift.slot_cancelled"]
        # the day is theirs again: another shift that day is booked
        assert (await book(client, who, other["slot_id"])).status_code == 201
    assert reason_of(await book(client, first, slot["slot_id"])) == "cancelled"
    again = await client.post(f"/api/admin/slots/{slot['slot_id']}/cancel", headers=admin)
    assert_problem(again, 409, "slot", "cancelled")
    body = {"dates": [DAY.isoformat()], "hours": [10], "tracks": ["pre_sales"], "capacity": 5, "pay_fen": 1}
    republished = await client.post("/api/admin/slots/publish", json=body, headers=admin)
    assert assert_problem(republished, 409, "slot", "cancelled")["slot_id"] == slot["slot_id"]


async def test_a_started_slot_cannot_be_cancelled(client, clock, admin, publish) -> None:
    (slot,) = await publish()
    clock.set(at(DAY, 10) + timedelta(minutes=1))
    assert_problem(
        await client.post(f"/api/admin/slots/{slot['slot_id']}/cancel", headers=admin), 409, "slot", "started"
    )
    missing = "0190f3f0-0000-7000-8000-000000000000"
    assert_problem(await client.post(f"/api/admin/slots/{missing}/cancel", headers=admin), 404)
