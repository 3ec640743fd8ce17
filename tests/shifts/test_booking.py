"""Booking a seat: first come first served, and every refusal with its reason code."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from sqlalchemy import event

from shifts.service import DEFAULT_POLICY, ShiftPolicy
from tests.conftest import assert_problem
from tests.shifts.conftest import DAY, at, book, reason_of, window_of


async def test_a_certified_freelancer_books_a_seat_at_its_pay(client, clock, publish, freelancer) -> None:
    slot = (await publish(capacity=2, pay_fen=3500))[0]
    clock.set(window_of(DAY))
    response = await book(client, freelancer, slot["slot_id"])
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "booked" and body["pay_fen"] == 3500 and body["slot_id"] == slot["slot_id"]
    assert body["starts_at"].startswith("2026-03-05T02:00:00")
    listed = (
        await client.get("/api/slots", params={"from": "2026-03-05", "to": "2026-03-05"}, headers=freelancer.headers)
    ).json()
    assert listed["items"][0]["seats_left"] == 1 and listed["items"][0]["my_booking_id"] == body["id"]
    mine = (await client.get("/api/me/bookings", headers=freelancer.headers)).json()
    assert [b["id"] for b in mine["items"]] == [body["id"]] and mine["total"] == 1


async def test_full_slot_refuses_with_the_waitlist_offer(client, clock, publish, make_freelancers) -> None:
    slot = (await publish(capacity=1))[0]
    first, second = await make_freelancers(2)
    clock.set(window_of(DAY))
    assert (await book(client, first, slot["slot_id"])).status_code == 201
    refused = await book(client, second, slot["slot_id"])
    assert reason_of(refused) == "full"
    assert refused.json()["waitlist"]["join"] == f"/api/slots/{slot['slot_id']}/waitlist"
    assert_problem(refused, 409, "slot", "full")


async def test_the_same_hour_twice_is_an_overlap_even_on_another_track(client, clock, publish, freelancer) -> None:
    first, second = await publish(tracks=("pre_sales", "after_sales"))
    clock.set(window_of(DAY))
    assert (await book(client, freelancer, first["slot_id"])).status_code == 201
    assert reason_of(await book(client, freelancer, second["slot_id"])) == "overlap"
    assert reason_of(await book(client, freelancer, first["slot_id"])) == "overlap"


async def test_daily_cap_of_eight_hours(client, clock, publish, freelancer) -> None:
    slots = await publish(hours=tuple(range(8, 17)))
    clock.set(window_of(DAY))
    for slot in slots[:8]:
        assert (await book(client, freelancer, slot["slot_id"])).status_code == 201
    refused = await book(client, freelancer, slots[8]["slot_id"])
    assert reason_of(refused) == "daily_cap" and "8" in refused.json()["detail"]


async def test_weekly_cap_of_forty_hours_monday_to_sunday(client, session, clock, publish, freelancer) -> None:
    session.add(ShiftPolicy(id=1, **{**asdict(DEFAULT_POLICY), "window_days_before": 14}, updated_at=clock.now()))
    await session.commit()  # windows open two weeks ahead, so one instant sees a whole week open and unstarted
    monday = DAY + timedelta(days=4)  # Monday 9 March
    week = tuple(monday + timedelta(days=i) for i in range(7))
    slots = await publish(dates=week[:5], hours=tuple(range(8, 16)))  # Monday..Friday, 8 hours each: 40
    saturday, next_monday = await publish(dates=(week[5], monday + timedelta(days=7)), hours=(9,))
    clock.set(at(monday - timedelta(days=1), 12))
    for slot in slots:
        assert (await book(client, freelancer, slot["slot_id"])).status_code == 201
    refused = await book(client, freelancer, saturday["slot_id"])
    assert reason_of(refused) == "weekly_cap" and "40" in refused.json()["detail"]
    assert (await book(client, freelancer, next_monday["slot_id"])).status_code == 201  # a new week


async def test_only_certified_tracks(client, clock, publish, make_freelancers) -> None:
    slot = (await publish(tracks=("complaints",)))[0]
    (pre_sales_only,) = await make_freelancers(1, tracks=("pre_sales",))
    clock.set(window_of(DAY))
    refused = await book(client, pre_sales_only, slot["slot_id"])
    assert reason_of(refused) == "not_certified"


async def test_restricted_standing_is_refused_warned_is_not(client, clock, publish, make_freelancers) -> None:
    slot = (await publish())[0]
    (restricted,) = await make_freelancers(1, standing="restricted")
    (warned,) = await make_freelancers(1, standing="warned")
    clock.set(window_of(DAY))
    refused = await book(client, restricted, slot["slot_id"])
    assert reason_of(refused) == "standing" and "until" in refused.json()
    assert (await book(client, warned, slot["slot_id"])).status_code == 201


async def test_not_open_before_the_window_with_opens_at(client, clock, publish, freelancer) -> None:
    slot = (await publish())[0]
    clock.set(window_of(DAY) - timedelta(seconds=1))
    refused = await book(client, freelancer, slot["slot_id"])
    assert reason_of(refused) == "not_open"
    assert refused.json()["opens_at"].startswith("2026-03-03T12:00:00")
    clock.set(window_of(DAY))
    assert (await book(client, freelancer, slot["slot_id"])).status_code == 201


async def test_started_slot_is_refused(client, clock, publish, freelancer) -> None:
    slot = (await publish())[0]
    clock.set(at(DAY, 10))
    assert reason_of(await book(client, freelancer, slot["slot_id"])) == "started"


async def test_cancelled_slot_is_refused(client, clock, admin, publish, freelancer) -> None:
    slot = (await publish())[0]
    assert (await client.post(f"/api/admin/slots/{slot['slot_id']}/cancel", headers=admin)).status_code == 200
    clock.set(window_of(DAY))
    assert reason_of(await book(client, freelancer, slot["slot_id"])) == "cancelled"


async def test_a_missing_slot_is_404_and_admins_cannot_book(client, clock, admin, freelancer) -> None:
    missing = "0190f3f0-0000-7000-8000-000000000000"
    assert_problem(await book(client, freelancer, missing), 404)
    assert_problem(await client.post(f"/api/slots/{missing}/bookings", headers=admin), 403)


async def test_the_slot_list_says_who_may_book_and_why_not(client, clock, publish, make_freelancers) -> None:
    await publish(tracks=("pre_sales", "complaints"))
    (only_pre,) = await make_freelancers(1, tracks=("pre_sales",))
    clock.set(window_of(DAY) - timedelta(minutes=1))
    params = {"from": DAY.isoformat(), "to": DAY.isoformat()}
    items = (await client.get("/api/slots", params=params, headers=only_pre.headers)).json()["items"]
    assert {(i["track"], i["can_book"], i["reason"]) for i in items} == {
        ("pre_sales", False, "not_open"),
        ("complaints", False, "not_certified"),
    }
    clock.set(window_of(DAY))
    items = (await client.get("/api/slots", params={**params, "track": "pre_sales"}, headers=only_pre.headers)).json()
    assert [(i["can_book"], i["reason"], i["seats_left"]) for i in items["items"]] == [(True, None, 2)]


async def test_slot_list_range_is_bounded(client, freelancer) -> None:
    response = await client.get(
        "/api/slots", params={"from": "2026-03-01", "to": "2026-05-01"}, headers=freelancer.headers
    )
    assert_problem(response, 422, "to", "range")
    response = await client.get(
        "/api/slots", params={"from": "2026-03-05", "to": "2026-03-01"}, headers=freelancer.headers
    )
    assert_problem(response, 422, "to", "order")


async def test_booking_costs_few_statements(client, app, clock, publish, make_freelancers) -> None:
    """Authorised from the token, decided in one statement (PostgreSQL), the key in the same transaction."""
    slot = (await publish(capacity=1))[0]
    first, second = await make_freelancers(2)
    clock.set(window_of(DAY))
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert (await book(client, first, slot["slot_id"], key="k1")).status_code == 201
        won = len(statements)
        statements.clear()
        assert reason_of(await book(client, second, slot["slot_id"], key="k2")) == "full"
        lost = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    if app.state.engine.dialect.name == "postgresql":
        assert won == 2 and lost == 2, statements  # the booking statement + the idempotency key
    else:
        assert won <= 6 and lost <= 4, statements


async def test_seat_changes_are_published_after_commit_and_refusals_publish_nothing(
    settings, clock, session, kit, make_freelancers
) -> None:
    from litestar.testing import AsyncTestClient

    from gigplatform.app import create_app
    from gigplatform.events import RecordingPublisher
    from tests.shifts.conftest import make_admin

    publisher = RecordingPublisher()
    async with AsyncTestClient(app=create_app(settings, clock, publisher), base_url="http://t.local") as client:
        admin = await make_admin(client, session, kit, "admin@example.com")
        body = {"dates": [DAY.isoformat()], "hours": [10], "tracks": ["pre_sales"], "capacity": 1, "pay_fen": 1}
        (slot,) = (await client.post("/api/admin/slots/publish", json=body, headers=admin)).json()["items"]
        first, second = await make_freelancers(2)
        clock.set(window_of(DAY))
        publisher.events.clear()
        assert (await book(client, first, slot["slot_id"])).status_code == 201
        assert [(e.topic, str(e.payload["slot_id"])) for e in publisher.events] == [
            ("shift.seats_changed", slot["slot_id"])
        ]
        publisher.events.clear()
        assert reason_of(await book(client, second, slot["slot_id"])) == "full"
        assert publisher.events == []
