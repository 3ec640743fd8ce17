"""The no-show rule: three no-shows in 30 days restrict booking for 7 days, recorded in the sweep's unit of work,
audited and told; a second restriction within 90 days lasts 30 days; booking is refused while it holds and allowed
the instant it ends (the standing as `accounts.standing_of` sees it, before the job writes the end down)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from gigplatform.accounts import service as accounts
from gigplatform.accounts.models import AuditEntry
from gigplatform.notifications import Notification
from shifts.service import ShiftRestriction, settle_shifts
from tests.shifts.conftest import DAY, book, reason_of, window_of
from tests.shifts.history import past_shift

HOUR = timedelta(hours=1)


async def _standing(job_state, user_id, now):
    async with job_state.sessionmaker() as s:
        return await accounts.standing_of(s, user_id, now)


async def _restrictions(job_state, user_id):
    async with job_state.sessionmaker() as s:
        return list(
            await s.scalars(
                select(ShiftRestriction)
                .where(ShiftRestriction.user_id == user_id)
                .order_by(ShiftRestriction.started_at)
            )
        )


async def no_shows(session, job_state, clock, user_id, n: int) -> None:
    """`n` shifts of `user_id` that started in the last hours, none checked in to; the sweep marks them."""
    now = clock.now()
    for i in range(n):
        await past_shift(session, user_id, now - timedelta(hours=i + 1))
    await settle_shifts(job_state)


async def test_the_third_no_show_in_30_days_restricts_for_7_days(session, clock, job_state, freelancer) -> None:
    user_id = freelancer.user_id
    start = clock.now()
    await past_shift(session, user_id, start - timedelta(days=31))  # outside the 30 days: never counts
    await no_shows(session, job_state, clock, user_id, 2)
    assert (await _standing(job_state, user_id, clock.now()))[0] == accounts.Standing.GOOD
    clock.advance(timedelta(days=29))  # the first two are still inside the 30 days
    await no_shows(session, job_state, clock, user_id, 1)
    now = clock.now()
    standing, until = await _standing(job_state, user_id, now)
    assert standing == accounts.Standing.RESTRICTED and until == now + timedelta(days=7)
    (restriction,) = await _restrictions(job_state, user_id)
    assert restriction.days == 7 and len(restriction.basis) == 3
    async with job_state.sessionmaker() as s:
        audit = (await s.scalars(select(AuditEntry).where(AuditEntry.subject_id == user_id))).all()
        kinds = [n.kind for n in await s.scalars(select(Notification).where(Notification.user_id == user_id))]
    assert [(a.action, a.actor_id, a.details["to"]) for a in audit] == [("standing.changed", None, "restricted")]
    assert "standing_restricted" in kinds and kinds.count("shift.no_show") == 4


async def test_two_no_shows_and_one_a_month_ago_do_not_restrict(session, clock, job_state, freelancer) -> None:
    await no_shows(session, job_state, clock, freelancer.user_id, 1)
    clock.advance(timedelta(days=30, hours=1))  # the first no-show's shift is now more than 30 days old
    await no_shows(session, job_state, clock, freelancer.user_id, 2)
    assert (await _standing(job_state, freelancer.user_id, clock.now()))[0] == accounts.Standing.GOOD
    assert await _restrictions(job_state, freelancer.user_id) == []


@pytest.mark.parametrize(("days_later", "lasts"), [(89, 30), (91, 7)])
async def test_a_second_restriction_within_90_days_lasts_30(
    session, clock, job_state, freelancer, days_later, lasts
) -> None:
    user_id = freelancer.user_id
    await no_shows(session, job_state, clock, user_id, 3)
    first = clock.now()
    clock.set(first + timedelta(days=days_later))
    await no_shows(session, job_state, clock, user_id, 3)
    standing, until = await _standing(job_state, user_id, clock.now())
    assert standing == accounts.Standing.RESTRICTED and until == clock.now() + timedelta(days=lasts)
    assert [r.days for r in await _restrictions(job_state, user_id)] == [7, lasts]


async def test_the_same_no_shows_do_not_restrict_twice(session, clock, job_state, freelancer) -> None:
    user_id = freelancer.user_id
    await no_shows(session, job_state, clock, user_id, 3)
    clock.advance(timedelta(days=7, hours=1))  # the restriction is over; its no-shows are still in the 30 days
    await no_shows(session, job_state, clock, user_id, 1)
    assert (await _standing(job_state, user_id, clock.now()))[0] == accounts.Standing.GOOD
    clock.advance(timedelta(hours=3))
    await no_shows(session, job_state, clock, user_id, 2)  # three new ones: a second restriction, of 30 days
    assert [r.days for r in await _restrictions(job_state, user_id)] == [7, 30]


async def test_a_restricted_freelancer_may_not_book_until_it_ends(
    client, session, clock, job_state, publish, freelancer
) -> None:
    (slot,) = await publish()
    clock.set(window_of(DAY) - timedelta(days=1))  # restricted until 6 days after the window opens
    await no_shows(session, job_state, clock, freelancer.user_id, 3)
    _, until = await _standing(job_state, freelancer.user_id, clock.now())
    clock.set(window_of(DAY))
    refused = await book(client, freelancer, slot["slot_id"])
    assert reason_of(refused) == "standing" and datetime.fromisoformat(refused.json()["until"]) == until
    listed = (await client.get("/api/slots", params={"from": DAY.isoformat()}, headers=freelancer.headers)).json()
    assert listed["items"][0]["reason"] == "standing"
    (later,) = await publish(dates=(DAY + timedelta(days=6),))
    assert until == window_of(DAY + timedelta(days=6))
    clock.set(until)  # ended; the job that writes the end down has not run, and need not
    shown = {"from": (DAY + timedelta(days=6)).isoformat()}
    listed = (await client.get("/api/slots", params=shown, headers=freelancer.headers)).json()
    assert listed["items"][0]["can_book"], listed
    assert (await book(client, freelancer, later["slot_id"])).status_code == 201


async def test_two_sweeps_deciding_about_one_person_restrict_once(
    session, clock, job_state, freelancer, database_url
) -> None:
    """Two units of work, each holding three no-shows of one person, decide at the same moment: the person's row
    lock makes the second wait and then see the first's restriction (PostgreSQL; SQLite has one writer)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("a race between two transactions is proven on PostgreSQL")
    user_id = freelancer.user_id
    now = clock.now()
    for i in range(3):
        await past_shift(session, user_id, now - timedelta(hours=i + 1), status="no_show")
    from shifts.restrictions import restrict_after_no_shows

    first_in = asyncio.Event()

    async def decide(wait_for_first: bool) -> int:
        async with job_state.sessionmaker() as s, s.begin():
            if wait_for_first:
                await first_in.wait()
            made = await restrict_after_no_shows(s, now, [user_id])
            if not wait_for_first:
                first_in.set()
                await asyncio.sleep(0.2)  # hold the lock while the other transaction asks for it
            return len(made)

    made = await asyncio.gather(decide(False), decide(True))
    assert sorted(made) == [0, 1]
    assert len(await _restrictions(job_state, user_id)) == 1
