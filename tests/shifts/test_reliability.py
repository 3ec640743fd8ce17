"""The reliability formula, its counts from booking statuses, and the priority access it earns."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gigplatform.db import uuid7
from shifts.policy import business_day_and_week
from shifts.service import (
    DEFAULT_POLICY,
    BookingStatus,
    ReliabilityCounts,
    ShiftBooking,
    ShiftSlot,
    SlotStatus,
    has_priority,
    reliability_counts,
    reliability_score,
)
from tests.shifts.conftest import DAY, at, book, reason_of, window_of


@pytest.mark.parametrize(
    ("counts", "score"),
    [
        (ReliabilityCounts(), 100),
        (ReliabilityCounts(completed=10), 100),
        (ReliabilityCounts(completed=10, late_check_ins=1), 95),
        (ReliabilityCounts(completed=9, late_cancellations=1), 90),
        (ReliabilityCounts(completed=8, no_shows=1), 80),
        (ReliabilityCounts(no_shows=3), 0),
        (ReliabilityCounts(completed=1, late_check_ins=1), 50),
        (ReliabilityCounts(completed=2, late_check_ins=1, late_cancellations=1), 50),
        (ReliabilityCounts(completed=19, no_shows=1, late_check_ins=1), 88),  # 18.5 of 21
    ],
)
def test_the_formula(counts, score) -> None:
    assert reliability_score(counts) == score


def test_priority_needs_the_threshold_and_five_completed_shifts() -> None:
    assert has_priority(ReliabilityCounts(completed=5), DEFAULT_POLICY)
    assert not has_priority(ReliabilityCounts(completed=4), DEFAULT_POLICY)
    assert has_priority(ReliabilityCounts(completed=10, late_check_ins=1), DEFAULT_POLICY)  # exactly 95
    assert not has_priority(ReliabilityCounts(completed=10, late_check_ins=2), DEFAULT_POLICY)


async def add_history(session, user_id, now, statuses: list[str], late: int = 0, hour: int = 0) -> None:
    """Past shifts of `user_id`, one a day going back from yesterday (`hour` hours earlier), with these statuses."""
    for n, status in enumerate(statuses, start=1):
        starts_at = now.replace(minute=0, second=0, microsecond=0) - timedelta(days=n, hours=hour)
        day, week = business_day_and_week(starts_at)
        slot = ShiftSlot(
            id=uuid7(),
            track="pre_sales",
            starts_at=starts_at,
            day=day,
            week=week,
            opens_at=starts_at - timedelta(days=2),
            capacity=5,
            booked=1,
            waitlisted=0,
            pay_fen=1000,
            status=SlotStatus.PUBLISHED,
            created_at=now,
            updated_at=now,
        )
        session.add(slot)
        await session.flush()  # no relationship orders the inserts: the slot goes first
        session.add(
            ShiftBooking(
                id=uuid7(),
                slot_id=slot.id,
                user_id=user_id,
                starts_at=starts_at,
                status=status,
                pay_fen=1000,
                booked_at=starts_at - timedelta(days=1),
                updated_at=now,
                late_check_in=n <= late,
                from_waitlist=False,
                sequence=0,
            )
        )
    await session.commit()


async def test_counts_come_from_the_last_30_days_of_bookings(session, clock, freelancer) -> None:
    now = clock.now()
    statuses = ["completed"] * 3 + ["no_show", "late_cancelled", "cancelled", "slot_cancelled"]
    await add_history(session, freelancer.user_id, now, statuses, late=1)
    assert await reliability_counts(session, freelancer.user_id, now) == ReliabilityCounts(3, 1, 1, 1)
    later = await reliability_counts(session, freelancer.user_id, now + timedelta(days=31))
    assert later == ReliabilityCounts(0, 0, 0, 0)  # a month on, nothing counts any more


async def test_priority_access_opens_the_window_thirty_minutes_earlier(
    client, session, clock, publish, make_freelancers
) -> None:
    reliable, newcomer, unreliable = await make_freelancers(3)
    await add_history(session, reliable.user_id, clock.now(), [BookingStatus.COMPLETED] * 5)
    await add_history(session, unreliable.user_id, clock.now(), [BookingStatus.COMPLETED] * 5 + ["no_show"], hour=1)
    (slot,) = await publish()
    params = {"from": DAY.isoformat(), "to": DAY.isoformat()}
    early = window_of(DAY) - timedelta(minutes=30)
    clock.set(early - timedelta(seconds=1))
    for who in (reliable, newcomer, unreliable):
        refused = await book(client, who, slot["slot_id"])
        assert reason_of(refused) == "not_open"
    (shown,) = (await client.get("/api/slots", params=params, headers=reliable.headers)).json()["items"]
    assert shown["opens_at_for_me"].startswith("2026-03-03T11:30:00") and shown["reason"] == "not_open"
    assert reason_of(await book(client, reliable, slot["slot_id"])) == "not_open"
    assert (await book(client, reliable, slot["slot_id"])).json()["opens_at"].startswith("2026-03-03T11:30:00")
    clock.set(early)
    assert (await book(client, reliable, slot["slot_id"])).status_code == 201
    for who in (newcomer, unreliable):
        refused = await book(client, who, slot["slot_id"])
        assert reason_of(refused) == "not_open" and refused.json()["opens_at"].startswith("2026-03-03T12:00:00")
        (shown,) = (await client.get("/api/slots", params=params, headers=who.headers)).json()["items"]
        assert shown["opens_at_for_me"] == shown["opens_at"]
    clock.set(window_of(DAY))
    assert (await book(client, newcomer, slot["slot_id"])).status_code == 201


async def test_a_late_cancellation_is_counted(client, session, clock, publish, freelancer) -> None:
    (slot,) = await publish()
    clock.set(window_of(DAY))
    booking = (await book(client, freelancer, slot["slot_id"])).json()
    clock.set(at(DAY, 9))
    assert (await client.delete(f"/api/bookings/{booking['id']}", headers=freelancer.headers)).status_code == 200
    counts = await reliability_counts(session, freelancer.user_id, at(DAY, 12))
    assert counts == ReliabilityCounts(late_cancellations=1)
