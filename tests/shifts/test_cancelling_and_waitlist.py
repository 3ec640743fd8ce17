"""Cancelling a booking (free, late, refused) and the waitlist that takes the freed seat at once."""

from __future__ import annotations

from tests.conftest import assert_problem
from tests.shifts.conftest import DAY, at, book, reason_of, window_of


async def _cancel(client, who, booking_id):
    return await client.delete(f"/api/bookings/{booking_id}", headers=who.headers)


async def _status(client, who) -> list[str]:
    return [b["status"] for b in (await client.get("/api/me/bookings", headers=who.headers)).json()["items"]]


async def test_free_within_five_minutes_of_booking_even_after_the_cut_off(client, clock, publish, freelancer) -> None:
    (slot,) = await publish()
    clock.set(at(DAY, 9))  # an hour before the start: past the 2-hour cut-off
    booking = (await book(client, freelancer, slot["slot_id"])).json()
    clock.advance(minutes=5)
    response = await _cancel(client, freelancer, booking["id"])
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


async def test_free_until_the_cut_off_then_late(client, clock, publish, make_freelancers) -> None:
    (slot,) = await publish()
    first, second = await make_freelancers(2)
    clock.set(window_of(DAY))
    one = (await book(client, first, slot["slot_id"])).json()
    two = (await book(client, second, slot["slot_id"])).json()
    clock.set(at(DAY, 8))  # exactly two hours before
    assert (await _cancel(client, first, one["id"])).json()["status"] == "cancelled"
    clock.advance(seconds=1)
    late = await _cancel(client, second, two["id"])
    assert late.status_code == 200 and late.json()["status"] == "late_cancelled"
    assert_problem(await _cancel(client, second, two["id"]), 409, "booking", "not_active")


async def test_after_the_start_cancelling_is_refused(client, clock, publish, freelancer) -> None:
    (slot,) = await publish()
    clock.set(window_of(DAY))
    booking = (await book(client, freelancer, slot["slot_id"])).json()
    clock.set(at(DAY, 10))
    assert_problem(await _cancel(client, freelancer, booking["id"]), 409, "booking", "started")
    assert await _status(client, freelancer) == ["booked"]


async def test_another_persons_booking_is_not_found(client, clock, publish, make_freelancers) -> None:
    (slot,) = await publish()
    owner, other = await make_freelancers(2)
    clock.set(window_of(DAY))
    booking = (await book(client, owner, slot["slot_id"])).json()
    assert_problem(await _cancel(client, other, booking["id"]), 404)
    assert await _status(client, owner) == ["booked"]


async def test_a_freed_seat_can_be_booked_again(client, clock, publish, make_freelancers) -> None:
    (slot,) = await publish(capacity=1)
    first, second = await make_freelancers(2)
    clock.set(window_of(DAY))
    booking = (await book(client, first, slot["slot_id"])).json()
    assert reason_of(await book(client, second, slot["slot_id"])) == "full"
    await _cancel(client, first, booking["id"])
    assert (await book(client, second, slot["slot_id"])).status_code == 201
    assert (await book(client, first, slot["slot_id"])).status_code == 409  # full again


async def test_waitlist_only_for_a_full_slot_with_positions(client, clock, publish, make_freelancers) -> None:
    (slot,) = await publish(capacity=1)
    holder, a, b = await make_freelancers(3)
    clock.set(window_of(DAY))
    url = f"/api/slots/{slot['slot_id']}/waitlist"
    assert_problem(await client.post(url, headers=a.headers), 409, "slot", "not_full")
    await book(client, holder, slot["slot_id"])
    first = await client.post(url, headers=a.headers)
    assert first.status_code == 201 and first.json()["position"] == 1
    assert (await client.post(url, headers=b.headers)).json()["position"] == 2
    assert_problem(await client.post(url, headers=a.headers), 409, "slot", "already_waiting")
    params = {"from": DAY.isoformat(), "to": DAY.isoformat()}
    (listed,) = (await client.get("/api/slots", params=params, headers=b.headers)).json()["items"]
    assert listed["waitlist_position"] == 2 and listed["reason"] == "full"
    assert (await client.delete(url, headers=a.headers)).status_code == 204
    (listed,) = (await client.get("/api/slots", params=params, headers=b.headers)).json()["items"]
    assert listed["waitlist_position"] == 1
    assert_problem(await client.delete(url, headers=a.headers), 404)


async def test_waitlist_join_keeps_the_booking_rules(client, clock, publish, make_freelancers) -> None:
    (slot,) = await publish(capacity=1, tracks=("complaints",))
    (holder,) = await make_freelancers(1)
    (uncertified,) = await make_freelancers(1, tracks=("pre_sales",))
    clock.set(window_of(DAY))
    await book(client, holder, slot["slot_id"])
    url = f"/api/slots/{slot['slot_id']}/waitlist"
    assert reason_of(await client.post(url, headers=uncertified.headers)) == "not_certified"
    assert reason_of(await client.post(url, headers=holder.headers)) == "overlap"
    clock.set(at(DAY, 10))
    (late,) = await make_freelancers(1)
    assert reason_of(await client.post(url, headers=late.headers)) == "started"


async def test_a_freed_seat_goes_at_once_to_the_first_in_line_who_can_take_it(
    client, clock, publish, make_freelancers
) -> None:
    (slot,) = await publish(capacity=1)
    (elsewhere,) = await publish(tracks=("after_sales",))  # same hour, another track
    holder, busy, waiting = await make_freelancers(3)
    clock.set(window_of(DAY))
    booking = (await book(client, holder, slot["slot_id"])).json()
    url = f"/api/slots/{slot['slot_id']}/waitlist"
    assert (await client.post(url, headers=busy.headers)).json()["position"] == 1
    assert (await client.post(url, headers=waiting.headers)).json()["position"] == 2
    assert (await book(client, busy, elsewhere["slot_id"])).status_code == 201  # now busy at that hour
    assert (await _cancel(client, holder, booking["id"])).json()["status"] == "cancelled"
    mine = (await client.get("/api/me/bookings", headers=waiting.headers)).json()["items"]
    assert [(b["slot_id"], b["status"], b["from_waitlist"]) for b in mine] == [(slot["slot_id"], "booked", True)]
    promoted = (await client.get("/api/me/notifications", headers=waiting.headers)).json()["items"]
    assert [n["kind"] for n in promoted] == ["shift.waitlist_promoted"]
    skipped = (await client.get("/api/me/notifications", headers=busy.headers)).json()["items"]
    assert [n["kind"] for n in skipped] == ["shift.waitlist_skipped"]
    assert skipped[0]["params"]["reason"] == "overlap"
    params = {"from": DAY.isoformat(), "to": DAY.isoformat(), "track": "pre_sales"}
    (listed,) = (await client.get("/api/slots", params=params, headers=busy.headers)).json()["items"]
    assert listed["seats_left"] == 0 and listed["waitlist_position"] is None


async def test_more_capacity_fills_from_the_waitlist(client, clock, publish, make_freelancers) -> None:
    (slot,) = await publish(capacity=1)
    holder, waiting = await make_freelancers(2)
    clock.set(window_of(DAY))
    await book(client, holder, slot["slot_id"])
    await client.post(f"/api/slots/{slot['slot_id']}/waitlist", headers=waiting.headers)
    await publish(capacity=2)
    assert await _status(client, waiting) == ["booked"]
