"""`Idempotency-Key`: a retry gets the first answer; the same key for another request is refused."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from shifts.service import IdempotencyKey, purge_keys
from tests.conftest import assert_problem
from tests.shifts.conftest import DAY, book, reason_of, window_of


async def test_a_retry_gets_the_first_answer_and_books_once(client, clock, publish, freelancer) -> None:
    (slot,) = await publish()
    clock.set(window_of(DAY))
    first = await book(client, freelancer, slot["slot_id"], key="tap-1")
    again = await book(client, freelancer, slot["slot_id"], key="tap-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert len((await client.get("/api/me/bookings", headers=freelancer.headers)).json()["items"]) == 1
    # without the key, the same request is a new one: refused as an overlap
    assert reason_of(await book(client, freelancer, slot["slot_id"])) == "overlap"


async def test_a_refusal_is_kept_too_even_when_a_seat_opens_later(client, clock, publish, make_freelancers) -> None:
    (slot,) = await publish(capacity=1)
    holder, late = await make_freelancers(2)
    clock.set(window_of(DAY))
    booking = (await book(client, holder, slot["slot_id"])).json()
    refused = await book(client, late, slot["slot_id"], key="k")
    assert reason_of(refused) == "full"
    await client.delete(f"/api/bookings/{booking['id']}", headers=holder.headers)
    replay = await book(client, late, slot["slot_id"], key="k")
    assert replay.status_code == 409 and replay.json() == refused.json()
    assert replay.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/api/me/bookings", headers=late.headers)).json()["items"] == []
    assert (await book(client, late, slot["slot_id"], key="k2")).status_code == 201


async def test_the_same_key_for_another_request_is_422(client, clock, publish, freelancer) -> None:
    first, second = await publish(hours=(10, 11))
    clock.set(window_of(DAY))
    assert (await book(client, freelancer, first["slot_id"], key="same")).status_code == 201
    reused = await book(client, freelancer, second["slot_id"], key="same")
    assert_problem(reused, 422, "Idempotency-Key", "reused")
    assert len((await client.get("/api/me/bookings", headers=freelancer.headers)).json()["items"]) == 1


async def test_keys_belong_to_their_user(client, clock, publish, make_freelancers) -> None:
    (slot,) = await publish()
    one, two = await make_freelancers(2)
    clock.set(window_of(DAY))
    assert (await book(client, one, slot["slot_id"], key="shared")).status_code == 201
    assert (await book(client, two, slot["slot_id"], key="shared")).status_code == 201


async def test_bad_keys_are_refused(client, clock, publish, freelancer) -> None:
    (slot,) = await publish()
    clock.set(window_of(DAY))
    assert_problem(await book(client, freelancer, slot["slot_id"], key="x" * 256), 422)


async def test_keys_are_kept_a_day_at_least(client, session, clock, publish, freelancer) -> None:
    (slot,) = await publish()
    clock.set(window_of(DAY))
    await book(client, freelancer, slot["slot_id"], key="kept")
    count = select(func.count()).select_from(IdempotencyKey)
    assert await purge_keys(session, clock.now() + timedelta(hours=24)) == 0
    assert await session.scalar(count) == 1
    assert await purge_keys(session, clock.now() + timedelta(hours=49)) == 1
    await session.commit()
    assert await session.scalar(count) == 0
