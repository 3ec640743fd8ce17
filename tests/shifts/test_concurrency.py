"""Bookings racing each other through the app: the database, not luck, keeps every rule.

The requests really run in parallel (`concurrently` gathers them inside the app's loop), so on PostgreSQL they
interleave at every round trip. After each race the invariants are read from the database itself: no slot holds
more active bookings than seats, every 201 a client heard is a booking in the database and every booking was
answered 201, a slot's and a person's counters match the bookings, and no seat is free while someone waits.
"""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from sqlalchemy import func, select

from shifts.models import ACTIVE_STATUSES, ShiftBooking, ShiftSlot, ShiftUserHours, WaitlistEntry, WaitlistStatus
from tests.shifts.conftest import DAY, concurrently, window_of


def _book(who, slot_id):
    return ("POST", f"/api/slots/{slot_id}/bookings", {"headers": who.headers})


async def _invariants(session, slot_ids) -> dict:
    """Checks what must hold whatever the interleaving; returns the active bookings per slot."""
    session.expire_all()
    active = dict(
        (
            await session.execute(
                select(ShiftBooking.slot_id, func.count())
                .where(ShiftBooking.status.in_(ACTIVE_STATUSES))
                .group_by(ShiftBooking.slot_id)
            )
        ).all()
    )
    for slot in await session.scalars(select(ShiftSlot).where(ShiftSlot.id.in_([uuid.UUID(str(i)) for i in slot_ids]))):
        assert slot.booked == active.get(slot.id, 0) <= slot.capacity, (slot.booked, active.get(slot.id))
        waiting = await session.scalar(
            select(func.count()).where(WaitlistEntry.slot_id == slot.id, WaitlistEntry.status == WaitlistStatus.WAITING)
        )
        assert slot.waitlisted == waiting
        if waiting:
            assert slot.booked == slot.capacity, "a seat is free while people wait"
    hours = {
        (h.user_id, h.kind): h.hours
        for h in await session.scalars(select(ShiftUserHours).where(ShiftUserHours.hours > 0))
    }
    per_user = Counter(
        await session.scalars(select(ShiftBooking.user_id).where(ShiftBooking.status.in_(ACTIVE_STATUSES)))
    )
    assert {u: n for (u, kind), n in hours.items() if kind == "day"} == dict(per_user)
    assert {u: n for (u, kind), n in hours.items() if kind == "week"} == dict(per_user)
    return {str(k): v for k, v in active.items()}


async def test_a_thousand_freelancers_for_a_hundred_seats(
    client, session, clock, database_url, publish, make_freelancers
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the burst is measured on PostgreSQL; SQLite queues every writer")
    (slot,) = await publish(capacity=100)
    crowd = await make_freelancers(1000)
    clock.set(window_of(DAY))
    responses = await concurrently(client, *(_book(w, slot["slot_id"]) for w in crowd))
    codes = Counter(r.status_code for r in responses)
    assert codes == {201: 100, 409: 900}, codes
    assert {r.json()["reason"] for r in responses if r.status_code == 409} == {"full"}
    answered = {r.json()["id"] for r in responses if r.status_code == 201}
    in_db = {str(i) for i in await session.scalars(select(ShiftBooking.id))}
    assert answered == in_db  # none lost, none unanswered
    assert await _invariants(session, [slot["slot_id"]]) == {slot["slot_id"]: 100}


async def test_one_freelancer_firing_twenty_bookings_at_one_hour_gets_one(
    client, session, clock, publish, freelancer
) -> None:
    slots = await publish(tracks=("pre_sales", "after_sales", "complaints"), capacity=5)
    clock.set(window_of(DAY))
    requests = [_book(freelancer, slots[n % 3]["slot_id"]) for n in range(20)]
    responses = await concurrently(client, *requests)
    codes = Counter(r.status_code for r in responses)
    assert codes == {201: 1, 409: 19}, [r.text for r in responses]
    assert {r.json()["reason"] for r in responses if r.status_code == 409} == {"overlap"}
    active = await _invariants(session, [s["slot_id"] for s in slots])
    assert sum(active.values()) == 1


async def test_cancellations_racing_waitlist_joins_and_bookings_never_lose_or_double_give_a_seat(
    client, session, clock, publish, make_freelancers
) -> None:
    (slot,) = await publish(capacity=10)
    holders = await make_freelancers(10)
    waiting = await make_freelancers(5)
    joiners = await make_freelancers(10)
    bookers = await make_freelancers(10)
    clock.set(window_of(DAY))
    bookings = [
        (await client.post(f"/api/slots/{slot['slot_id']}/bookings", headers=h.headers)).json() for h in holders
    ]
    for w in waiting:
        assert (await client.post(f"/api/slots/{slot['slot_id']}/waitlist", headers=w.headers)).status_code == 201
    url = f"/api/slots/{slot['slot_id']}/waitlist"
    requests = [
        ("DELETE", f"/api/bookings/{b['id']}", {"headers": h.headers}) for b, h in zip(bookings, holders, strict=True)
    ]
    requests += [("POST", url, {"headers": j.headers}) for j in joiners]
    requests += [_book(b, slot["slot_id"]) for b in bookers]
    mixed = [requests[i] for i in sorted(range(len(requests)), key=lambda i: (i % 10, i))]
    responses = await concurrently(client, *mixed)
    for response in responses:
        assert response.status_code in (200, 201, 409), response.text
        if response.status_code == 409:
            assert response.json()["errors"][0]["rule"] in ("full", "not_full"), response.text
    active = await _invariants(session, [slot["slot_id"]])
    assert active == {slot["slot_id"]: 10}
    got_seat = {
        str(b) for b in await session.scalars(select(ShiftBooking.user_id).where(ShiftBooking.status == "booked"))
    }
    assert {str(w.user_id) for w in waiting} <= got_seat  # the line was served first
    booked_201 = [r for r in responses if r.status_code == 201 and "position" not in r.json()]
    assert {r.json()["id"] for r in booked_201} <= {
        str(i) for i in await session.scalars(select(ShiftBooking.id).where(ShiftBooking.status == "booked"))
    }
