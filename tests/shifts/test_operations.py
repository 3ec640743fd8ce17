"""What admins watch: each slot's fill in one grouped query, who is on shift now, and the reminder 30 minutes before
a booked shift, sent once however many instances sweep at the same moment."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import event, func, select

from gigplatform.notifications import Notification
from shifts.service import JOBS, ShiftBooking, remind_shifts
from tests.conftest import assert_problem
from tests.recruitment.conftest import scheduler_state
from tests.shifts.conftest import DAY, at, book, window_of


async def _fill(client, admin, **params):
    response = await client.get("/api/admin/slots/fill", params=params, headers=admin)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_fill_counts_capacity_booked_waitlisted_and_checked_in_per_slot(
    client, clock, admin, publish, make_freelancers
) -> None:
    slots = await publish(hours=(10, 11), tracks=("pre_sales", "complaints"), capacity=2)
    ten_pre = next(s for s in slots if s["track"] == "pre_sales" and s["starts_at"].startswith("2026-03-05T02"))
    clock.set(window_of(DAY))
    people = await make_freelancers(4)
    bookings = [(await book(client, who, ten_pre["slot_id"])).json() for who in people[:2]]
    assert (
        await client.post(f"/api/slots/{ten_pre['slot_id']}/waitlist", headers=people[2].headers)
    ).status_code == 201
    clock.set(at(DAY, 9, 55))
    checked = await client.post(f"/api/bookings/{bookings[0]['id']}/check-in", headers=people[0].headers)
    assert checked.status_code == 200
    items = await _fill(client, admin, **{"from": DAY.isoformat(), "to": DAY.isoformat()})
    assert len(items) == 4
    by_id = {i["slot_id"]: i for i in items}
    mine = by_id[ten_pre["slot_id"]]
    assert (mine["capacity"], mine["booked"], mine["waitlisted"], mine["checked_in"], mine["fill_percent"]) == (
        2,
        2,
        1,
        1,
        100,
    )
    empty = [i for i in items if i["slot_id"] != ten_pre["slot_id"]]
    assert all((i["booked"], i["waitlisted"], i["checked_in"], i["fill_percent"]) == (0, 0, 0, 0) for i in empty)
    assert [i["starts_at"] for i in items] == sorted(i["starts_at"] for i in items)
    only = await _fill(client, admin, **{"from": DAY.isoformat(), "to": DAY.isoformat(), "track": "complaints"})
    assert {i["track"] for i in only} == {"complaints"} and len(only) == 2
    assert await _fill(client, admin, **{"from": "2026-03-06", "to": "2026-03-06"}) == []


async def test_fill_is_one_query_whatever_the_number_of_slots(client, clock, admin, publish, app) -> None:
    await publish(hours=tuple(range(8, 20)), tracks=("pre_sales", "after_sales", "complaints"))
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", seen)
    try:
        items = await _fill(client, admin, **{"from": DAY.isoformat(), "to": DAY.isoformat()})
    finally:
        event.remove(app.state.engine.sync_engine, "before_cursor_execute", seen)
    assert len(items) == 36
    assert len([s for s in statements if "shift_slots" in s]) == 1, statements


async def test_fill_refuses_a_bad_range_and_non_admins(client, admin, freelancer) -> None:
    reversed_ = {"from": "2026-03-05", "to": "2026-03-04"}
    assert_problem(await client.get("/api/admin/slots/fill", params=reversed_, headers=admin), 422, "to", "order")
    long = {"from": "2026-03-01", "to": "2026-04-30"}
    assert_problem(await client.get("/api/admin/slots/fill", params=long, headers=admin), 422, "to", "range")
    assert_problem(await client.get("/api/admin/slots/fill", params={"from": "x"}, headers=admin), 422)
    assert_problem(await client.get("/api/admin/slots/fill", headers=freelancer.headers), 403)
    assert_problem(await client.get("/api/admin/on-shift", headers=freelancer.headers), 403)
    assert_problem(await client.get("/api/admin/on-shift"), 401)


async def test_on_shift_lists_who_holds_a_seat_on_a_running_slot_per_track(
    client, clock, admin, publish, make_freelancers
) -> None:
    slots = await publish(hours=(10, 11), tracks=("pre_sales", "complaints"), capacity=3)
    by = {(s["track"], s["starts_at"][11:13]): s["slot_id"] for s in slots}
    clock.set(window_of(DAY))
    a, b, c = await make_freelancers(3)
    first = (await book(client, a, by[("pre_sales", "02")])).json()
    await book(client, b, by[("pre_sales", "02")])
    await book(client, c, by[("complaints", "02")])
    await book(client, a, by[("complaints", "03")])
    clock.set(at(DAY, 9, 58))
    assert (await client.post(f"/api/bookings/{first['id']}/check-in", headers=a.headers)).status_code == 200
    before = (await client.get("/api/admin/on-shift", headers=admin)).json()
    assert all(t["people"] == [] for t in before["tracks"])
    clock.set(at(DAY, 10, 20))
    now = (await client.get("/api/admin/on-shift", headers=admin)).json()
    tracks = {t["track"]: t["people"] for t in now["tracks"]}
    assert set(tracks) == {"pre_sales", "after_sales", "complaints"} and tracks["after_sales"] == []
    assert sorted((p["user_id"], p["status"]) for p in tracks["pre_sales"]) == sorted(
        [(str(a.user_id), "checked_in"), (str(b.user_id), "booked")]
    )
    assert [(p["user_id"], p["status"]) for p in tracks["complaints"]] == [(str(c.user_id), "booked")]
    assert all(p["display_name"] for p in tracks["pre_sales"])
    clock.set(at(DAY, 11, 0))
    later = {t["track"]: t["people"] for t in (await client.get("/api/admin/on-shift", headers=admin)).json()["tracks"]}
    assert [p["user_id"] for p in later["complaints"]] == [str(a.user_id)] and later["pre_sales"] == []


async def _reminders(session, user_id=None) -> int:
    query = select(func.count()).where(Notification.kind == "shift.reminder")
    if user_id is not None:
        query = query.where(Notification.user_id == user_id)
    return await session.scalar(query)


async def test_a_reminder_goes_30_minutes_before_the_start_once(
    client, session, clock, app, settings, publish, make_freelancers
) -> None:
    (slot,) = await publish(capacity=3)
    clock.set(window_of(DAY))
    stays, leaves = await make_freelancers(2)
    await book(client, stays, slot["slot_id"])
    gone = (await book(client, leaves, slot["slot_id"])).json()
    assert (await client.delete(f"/api/bookings/{gone['id']}", headers=leaves.headers)).status_code == 200
    async with scheduler_state(app, settings) as state:
        clock.set(at(DAY, 9, 30) - timedelta(seconds=1))
        assert await remind_shifts(state) == 0
        clock.set(at(DAY, 9, 30))
        assert await remind_shifts(state) == 1
        assert await remind_shifts(state) == 0
    assert await _reminders(session, stays.user_id) == 1 and await _reminders(session, leaves.user_id) == 0
    note = await session.scalar(select(Notification).where(Notification.kind == "shift.reminder"))
    assert note.params["starts_at"].startswith("2026-03-05T02:00:00") and note.params["track"] == "pre_sales"
    assert "remind_shifts" in {j.name for j in JOBS}


async def test_a_shift_that_started_gets_no_reminder(
    client, session, clock, app, settings, publish, freelancer
) -> None:
    (slot,) = await publish()
    clock.set(window_of(DAY))
    await book(client, freelancer, slot["slot_id"])
    clock.set(at(DAY, 10))
    async with scheduler_state(app, settings) as state:
        assert await remind_shifts(state) == 0
    assert await _reminders(session) == 0


async def test_two_instances_at_once_send_each_reminder_once(
    client, session, clock, app, settings, publish, make_freelancers
) -> None:
    slots = await publish(hours=(10,), tracks=("pre_sales", "after_sales", "complaints"), capacity=10)
    clock.set(window_of(DAY))
    people = await make_freelancers(30)
    for n, who in enumerate(people):
        assert (await book(client, who, slots[n % 3]["slot_id"])).status_code == 201
    clock.set(at(DAY, 9, 40))
    async with scheduler_state(app, settings) as one, scheduler_state(app, settings) as two:
        done = await asyncio.gather(remind_shifts(one, batch=7), remind_shifts(two, batch=7), remind_shifts(one))
    assert sum(done) == 30
    assert await _reminders(session) == 30
    for who in people:
        assert await _reminders(session, who.user_id) == 1
    stamped = await session.scalar(select(func.count()).where(ShiftBooking.reminded_at.is_not(None)))
    assert stamped == 30
