"""The private calendar feed, read back with `icalendar`: one stable UID per booking, SEQUENCE rising with every
change, cancelled bookings kept 7 days, a token that is only ever stored hashed, replaced or revoked at will, and
never showing anyone else's bookings."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import icalendar
from sqlalchemy import select

from shifts.models import CalendarToken
from shifts.service import settle_shifts
from tests.conftest import assert_problem
from tests.shifts.conftest import DAY, at, book, window_of


async def _token(client, who) -> dict:
    answer = await client.post("/api/me/calendar-token", headers=who.headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def _feed(client, token: str) -> icalendar.Calendar:
    answer = await client.get(f"/calendar/{token}.ics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(answer.content)


def _events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


async def _booked(client, clock, publish, who, hour=10, pay_fen=3000):
    (slot,) = await publish(hours=(hour,), pay_fen=pay_fen, capacity=3)
    clock.set(window_of(DAY))
    answer = await book(client, who, slot["slot_id"])
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_the_feed_lists_bookings_in_utc_with_track_pay_and_refresh(client, clock, publish, freelancer) -> None:
    booking = await _booked(client, clock, publish, freelancer, pay_fen=3550)
    made = await _token(client, freelancer)
    assert made["url"].endswith(f"/calendar/{made['token']}.ics") and len(made["token"]) >= 40
    raw = (await client.get(f"/calendar/{made['token']}.ics")).text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in raw and "X-PUBLISHED-TTL:PT1H" in raw
    calendar = await _feed(client, made["token"])
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{booking['id']}@shifts.gigplatform"
    assert event.decoded("DTSTART") == at(DAY, 10) and event.decoded("DTEND") == at(DAY, 11)
    assert "DTSTART:20260305T020000Z" in raw and "DTEND:20260305T030000Z" in raw  # UTC
    assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)
    assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == 0
    assert "售前" in str(event["SUMMARY"]) and "35.50" in str(event["SUMMARY"])


async def test_uid_stays_and_sequence_rises_with_every_change(client, clock, publish, job_state, freelancer) -> None:
    booking = await _booked(client, clock, publish, freelancer)
    token = (await _token(client, freelancer))["token"]
    uid = f"{booking['id']}@shifts.gigplatform"
    seen = [int(_events(await _feed(client, token))[uid]["SEQUENCE"])]
    clock.set(at(DAY, 10))
    assert (await client.post(f"/api/bookings/{booking['id']}/check-in", headers=freelancer.headers)).status_code == 200
    seen.append(int(_events(await _feed(client, token))[uid]["SEQUENCE"]))
    clock.set(at(DAY, 11))
    await settle_shifts(job_state)
    events = _events(await _feed(client, token))
    seen.append(int(events[uid]["SEQUENCE"]))
    assert list(events) == [uid] and seen == sorted(set(seen)) and len(seen) == 3
    assert "已完成" in str(events[uid]["DESCRIPTION"])


async def test_cancelled_bookings_stay_seven_days_then_go(client, clock, publish, freelancer) -> None:
    booking = await _booked(client, clock, publish, freelancer)
    token = (await _token(client, freelancer))["token"]
    uid = f"{booking['id']}@shifts.gigplatform"
    cancelled_at = clock.now()
    assert (await client.delete(f"/api/bookings/{booking['id']}", headers=freelancer.headers)).status_code == 200
    event = _events(await _feed(client, token))[uid]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    clock.set(cancelled_at + timedelta(days=7) - timedelta(seconds=1))
    assert uid in _events(await _feed(client, token))
    clock.set(cancelled_at + timedelta(days=7))
    assert _events(await _feed(client, token)) == {}


async def test_a_cancelled_slot_shows_as_cancelled(client, clock, publish, admin, freelancer) -> None:
    booking = await _booked(client, clock, publish, freelancer)
    token = (await _token(client, freelancer))["token"]
    assert (await client.post(f"/api/admin/slots/{booking['slot_id']}/cancel", headers=admin)).status_code == 200
    (event,) = (await _feed(client, token)).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1


async def test_only_the_hash_is_kept_and_a_new_token_replaces_the_old(client, session, freelancer) -> None:
    first = (await _token(client, freelancer))["token"]
    stored = (await session.execute(select(CalendarToken.token_hash))).scalars().all()
    assert stored == [hashlib.sha256(first.encode()).hexdigest()]
    second = (await _token(client, freelancer))["token"]
    assert second != first
    assert_problem(await client.get(f"/calendar/{first}.ics"), 404)
    await _feed(client, second)


async def test_a_revoked_or_unknown_token_is_404(client, freelancer) -> None:
    token = (await _token(client, freelancer))["token"]
    assert (await client.delete("/api/me/calendar-token", headers=freelancer.headers)).status_code == 204
    assert_problem(await client.get(f"/calendar/{token}.ics"), 404)
    assert (await client.delete("/api/me/calendar-token", headers=freelancer.headers)).status_code == 204
    assert_problem(await client.get("/calendar/nothing.ics"), 404)
    fresh = (await _token(client, freelancer))["token"]
    assert_problem(await client.get(f"/calendar/{fresh}"), 404)  # the feed's name ends in .ics


async def test_a_token_shows_only_its_owners_bookings(client, clock, publish, make_freelancers) -> None:
    ann, bob = await make_freelancers(2)
    (slot,) = await publish(capacity=3)
    clock.set(window_of(DAY))
    ann_booking = (await book(client, ann, slot["slot_id"])).json()
    bob_booking = (await book(client, bob, slot["slot_id"])).json()
    ann_token, bob_token = (await _token(client, ann))["token"], (await _token(client, bob))["token"]
    assert list(_events(await _feed(client, ann_token))) == [f"{ann_booking['id']}@shifts.gigplatform"]
    assert list(_events(await _feed(client, bob_token))) == [f"{bob_booking['id']}@shifts.gigplatform"]


async def test_the_token_routes_need_a_freelancer(client, admin) -> None:
    assert (await client.post("/api/me/calendar-token")).status_code == 401
    assert (await client.post("/api/me/calendar-token", headers=admin)).status_code == 403
