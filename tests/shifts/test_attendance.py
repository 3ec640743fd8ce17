"""Check-in windows, and the sweep that marks no-shows and completes shifts, once, however many instances run it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from gigplatform.notifications import Notification
from shifts.service import ReliabilityCounts, ShiftSlot, reliability_counts, settle_shifts
from tests.conftest import assert_problem
from tests.recruitment.conftest import scheduler_state
from tests.shifts.conftest import DAY, at, book, window_of


async def _booked(client, clock, publish, who, **kw):
    (slot,) = await publish(**kw)
    clock.set(window_of(DAY))
    return (await book(client, who, slot["slot_id"])).json()


def _check_in(client, who, booking):
    return client.post(f"/api/bookings/{booking['id']}/check-in", headers=who.headers)


async def _mine(client, who):
    return (await client.get("/api/me/bookings", headers=who.headers)).json()["items"]


async def test_check_in_opens_ten_minutes_before(client, clock, publish, freelancer) -> None:
    booking = await _booked(client, clock, publish, freelancer)
    clock.set(at(DAY, 9, 50) - timedelta(seconds=1))
    early = assert_problem(await _check_in(client, freelancer, booking), 409, "booking", "too_early")
    assert early["opens_at"].startswith("2026-03-05T01:50:00")
    clock.set(at(DAY, 9, 50))
    done = await _check_in(client, freelancer, booking)
    assert done.status_code == 200 and done.json()["status"] == "checked_in" and not done.json()["late_check_in"]
    assert_problem(await _check_in(client, freelancer, booking), 409, "booking", "not_booked")


async def test_on_time_until_five_minutes_after_late_until_fifteen(client, clock, publish, make_freelancers) -> None:
    on_time, late, later, too_late = await make_freelancers(4)
    (slot,) = await publish(capacity=4)
    clock.set(window_of(DAY))
    bookings = {id(w): (await book(client, w, slot["slot_id"])).json() for w in (on_time, late, later, too_late)}
    clock.set(at(DAY, 10, 5))
    assert (await _check_in(client, on_time, bookings[id(on_time)])).json()["status"] == "checked_in"
    clock.advance(seconds=1)
    answer = (await _check_in(client, late, bookings[id(late)])).json()
    assert answer["status"] == "late" and answer["late_check_in"]
    clock.set(at(DAY, 10, 15))
    assert (await _check_in(client, later, bookings[id(later)])).json()["status"] == "late"
    clock.advance(seconds=1)
    assert_problem(await _check_in(client, too_late, bookings[id(too_late)]), 409, "booking", "too_late")


async def test_the_sweep_marks_no_shows_and_completes_checked_in_shifts(
    client, session, clock, publish, job_state, make_freelancers
) -> None:
    present, late, absent = await make_freelancers(3)
    (slot,) = await publish(capacity=3)
    clock.set(window_of(DAY))
    bookings = [(await book(client, w, slot["slot_id"])).json() for w in (present, late, absent)]
    clock.set(at(DAY, 10))
    await _check_in(client, present, bookings[0])
    clock.set(at(DAY, 10, 10))
    await _check_in(client, late, bookings[1])
    clock.set(at(DAY, 10, 15))
    assert await settle_shifts(job_state) == 0  # nothing due yet: the late window is still open
    clock.advance(seconds=1)
    assert await settle_shifts(job_state) == 1
    assert [b["status"] for b in await _mine(client, absent)] == ["no_show"]
    notes = (await client.get("/api/me/notifications", headers=absent.headers)).json()["items"]
    assert [n["kind"] for n in notes] == ["shift.no_show"]
    assert [b["status"] for b in await _mine(client, present)] == ["checked_in"]
    clock.set(at(DAY, 11))
    assert await settle_shifts(job_state) == 2
    assert [b["status"] for b in await _mine(client, present)] == ["completed"]
    assert [(b["status"], b["late_check_in"]) for b in await _mine(client, late)] == [("completed", True)]
    later = clock.now() + timedelta(hours=1)
    assert await reliability_counts(session, late.user_id, later) == ReliabilityCounts(1, 1, 0, 0)
    assert await reliability_counts(session, absent.user_id, later) == ReliabilityCounts(0, 0, 0, 1)
    assert await settle_shifts(job_state) == 0


async def test_waitlists_end_when_the_slot_starts(client, session, clock, publish, job_state, make_freelancers) -> None:
    holder, waiting = await make_freelancers(2)
    (slot,) = await publish(capacity=1)
    clock.set(window_of(DAY))
    await book(client, holder, slot["slot_id"])
    await client.post(f"/api/slots/{slot['slot_id']}/waitlist", headers=waiting.headers)
    clock.set(at(DAY, 10))
    assert await settle_shifts(job_state) == 1
    assert await session.scalar(select(ShiftSlot.waitlisted)) == 0
    params = {"from": DAY.isoformat(), "to": DAY.isoformat()}
    (listed,) = (await client.get("/api/slots", params=params, headers=waiting.headers)).json()["items"]
    assert listed["waitlist_position"] is None and listed["reason"] == "started"


async def test_two_schedulers_at_once_record_each_no_show_once(
    client, app, settings, session, clock, publish, make_freelancers
) -> None:
    crowd = await make_freelancers(30)
    slots = await publish(hours=(10, 11), tracks=("pre_sales", "after_sales"), capacity=30)
    clock.set(window_of(DAY))
    for n, who in enumerate(crowd):
        assert (await book(client, who, slots[n % 4]["slot_id"])).status_code == 201
    clock.set(at(DAY, 13))
    async with scheduler_state(app, settings) as one, scheduler_state(app, settings) as two:
        done = await asyncio.gather(settle_shifts(one, batch=7), settle_shifts(two, batch=7))
    assert sum(done) == 30
    notes = await session.scalar(select(func.count()).where(Notification.kind == "shift.no_show"))
    assert notes == 30
