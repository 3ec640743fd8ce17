"""`GET /api/me/reliability` and disputes: a no-show or a late mark disputed within 48 hours, once; an admin
accepts (the event stops counting, a restriction that no longer holds is lifted) or rejects; both audited and told."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from gigplatform.accounts.models import AuditEntry
from gigplatform.notifications import Notification
from tests.conftest import assert_problem
from tests.shifts.history import past_shift
from tests.shifts.test_restrictions import no_shows

CHECK_IN_CLOSES = timedelta(minutes=15)
WINDOW = timedelta(hours=48)


async def _reliability(client, who):
    response = await client.get("/api/me/reliability", headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()


def _dispute(client, who, booking_id, reason="网络断了，我有截图"):
    return client.post(
        "/api/me/reliability/disputes", json={"booking_id": str(booking_id), "reason": reason}, headers=who.headers
    )


def _decide(client, admin, dispute_id, decision, note="核实属实"):
    return client.post(f"/api/admin/disputes/{dispute_id}", json={"decision": decision, "note": note}, headers=admin)


async def test_the_score_and_every_event_that_counts_with_its_date(client, session, clock, freelancer) -> None:
    now = clock.now()
    user_id = freelancer.user_id
    day = timedelta(days=1)
    await past_shift(session, user_id, now - day, "completed", checked_in_at=now - day, late=False)
    await past_shift(
        session, user_id, now - 2 * day, "completed", checked_in_at=now - 2 * day + timedelta(minutes=8), late=True
    )
    await past_shift(session, user_id, now - 3 * day, "late_cancelled")
    await past_shift(session, user_id, now - 4 * day, "no_show")
    await past_shift(session, user_id, now - 5 * day, "cancelled")  # a free cancellation does not count
    await past_shift(session, user_id, now - 31 * day, "no_show")  # older than 30 days
    body = await _reliability(client, freelancer)
    # 100 × (2 − ½) ÷ (2 + 1 + 2 × 1) = 30
    assert body["score"] == 30 and "no-shows" in body["formula"]
    assert body["counts"] == {"completed": 2, "late_check_ins": 1, "late_cancellations": 1, "no_shows": 1}
    kinds = [(e["kind"], e["starts_at"][:10], e["counts"]) for e in body["events"]]
    assert kinds == [
        ("completed", "2026-03-01", True),
        ("late_check_in", "2026-02-28", True),
        ("late_cancellation", "2026-02-27", True),
        ("no_show", "2026-02-26", True),
    ]
    disputable = [e["kind"] for e in body["events"] if e["disputable_until"]]
    assert disputable == ["late_check_in"]  # the no-show was 4 days ago: past its 48 hours
    assert body["standing"] == "good" and body["standing_until"] is None
    assert (await client.get("/api/me/reliability")).status_code == 401


async def test_a_no_show_may_be_disputed_until_exactly_48_hours_once(client, session, clock, freelancer) -> None:
    starts = clock.now() - timedelta(hours=1)
    booking = await past_shift(session, freelancer.user_id, starts, "no_show")
    clock.set(starts + CHECK_IN_CLOSES + WINDOW)  # exactly 48 hours after check-in closed
    (event,) = (await _reliability(client, freelancer))["events"]
    assert datetime.fromisoformat(event["disputable_until"]) == clock.now()
    made = await _dispute(client, freelancer, booking.id)
    assert made.status_code == 201, made.text
    assert made.json()["status"] == "open" and made.json()["kind"] == "no_show"
    assert_problem(await _dispute(client, freelancer, booking.id), 409, "booking_id", "already_disputed")
    body = await _reliability(client, freelancer)
    assert body["events"][0]["dispute_status"] == "open" and body["events"][0]["disputable_until"] is None
    assert [d["status"] for d in body["disputes"]] == ["open"]


async def test_a_second_after_48_hours_is_too_late(client, session, clock, freelancer) -> None:
    starts = clock.now() - timedelta(hours=1)
    booking = await past_shift(session, freelancer.user_id, starts, "no_show")
    clock.set(starts + CHECK_IN_CLOSES + WINDOW + timedelta(seconds=1))
    late = assert_problem(await _dispute(client, freelancer, booking.id), 409, "booking_id", "too_late")
    assert datetime.fromisoformat(late["deadline"]) == starts + CHECK_IN_CLOSES + WINDOW


async def test_a_late_mark_counts_from_the_check_in(client, session, clock, admin, freelancer) -> None:
    starts = clock.now() - timedelta(hours=2)
    checked_in = starts + timedelta(minutes=9)
    booking = await past_shift(session, freelancer.user_id, starts, "completed", checked_in_at=checked_in, late=True)
    clock.set(checked_in + WINDOW)
    made = await _dispute(client, freelancer, booking.id)
    assert made.status_code == 201 and made.json()["kind"] == "late_check_in"
    assert (await _reliability(client, freelancer))["score"] == 50
    assert (await _decide(client, admin, made.json()["id"], "accept")).status_code == 200
    body = await _reliability(client, freelancer)
    assert body["score"] == 100 and body["counts"]["late_check_ins"] == 0 and body["counts"]["completed"] == 1
    assert body["events"][0]["counts"] is False and body["events"][0]["dispute_status"] == "accepted"


async def test_only_a_no_show_or_a_late_mark_of_ones_own(client, session, clock, make_freelancers) -> None:
    me, other = await make_freelancers(2)
    now = clock.now()
    on_time = await past_shift(session, me.user_id, now - timedelta(hours=2), "completed", checked_in_at=now)
    cancelled = await past_shift(session, me.user_id, now - timedelta(hours=3), "late_cancelled")
    theirs = await past_shift(session, other.user_id, now - timedelta(hours=2), "no_show")
    for booking in (on_time, cancelled):
        assert_problem(await _dispute(client, me, booking.id), 409, "booking_id", "not_disputable")
    assert_problem(await _dispute(client, me, theirs.id), 404, "booking_id", "not_found")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "x"}, "booking_id"),
        ({"booking_id": "not-a-uuid", "reason": "x"}, "booking_id"),
        ({"booking_id": "01a23029-d222-7a23-a72d-946d6f36e2e7", "reason": ""}, "reason"),
        ({"booking_id": "01a23029-d222-7a23-a72d-946d6f36e2e7", "reason": "   "}, "reason"),
        ({"booking_id": "01a23029-d222-7a23-a72d-946d6f36e2e7", "reason": "x" * 1001}, "reason"),
    ],
)
async def test_bad_dispute_input_is_422_naming_the_field(client, freelancer, body, field) -> None:
    response = await client.post("/api/me/reliability/disputes", json=body, headers=freelancer.headers)
    assert_problem(response, 422, field)


async def test_accepting_lifts_a_restriction_that_no_longer_holds(
    client, session, clock, job_state, admin, freelancer
) -> None:
    await no_shows(session, job_state, clock, freelancer.user_id, 3)
    body = await _reliability(client, freelancer)
    assert body["standing"] == "restricted" and body["standing_until"]
    first = body["events"][0]
    made = (await _dispute(client, freelancer, first["booking_id"])).json()
    decided = await _decide(client, admin, made["id"], "accept", note="系统故障，已核实")
    assert decided.status_code == 200 and decided.json()["status"] == "accepted"
    body = await _reliability(client, freelancer)
    assert body["standing"] == "good" and body["standing_until"] is None
    assert body["counts"]["no_shows"] == 2
    assert_problem(await _decide(client, admin, made["id"], "reject"), 409, "dispute_id", "decided")
    async with job_state.sessionmaker() as s:
        audit = (
            await s.scalars(
                select(AuditEntry)
                .where(AuditEntry.subject_id == freelancer.user_id)
                .order_by(AuditEntry.at, AuditEntry.id)
            )
        ).all()
        kinds = [
            n.kind for n in await s.scalars(select(Notification).where(Notification.user_id == freelancer.user_id))
        ]
    actions = [(a.action, a.actor_id is None, a.details.get("to")) for a in audit]
    assert actions == [
        ("standing.changed", True, "restricted"),
        ("standing.changed", False, "good"),
        ("shift.dispute_accepted", False, None),
    ]
    assert audit[-1].reason == "系统故障，已核实" and audit[-1].details["restriction_lifted"] is True
    assert "shift.dispute_accepted" in kinds and "standing_good" in kinds


async def test_rejecting_keeps_the_event_and_the_restriction(
    client, session, clock, job_state, admin, freelancer
) -> None:
    await no_shows(session, job_state, clock, freelancer.user_id, 3)
    first = (await _reliability(client, freelancer))["events"][0]
    made = (await _dispute(client, freelancer, first["booking_id"])).json()
    assert (await _decide(client, admin, made["id"], "reject", note="无证据")).json()["status"] == "rejected"
    body = await _reliability(client, freelancer)
    assert body["standing"] == "restricted" and body["counts"]["no_shows"] == 3
    async with job_state.sessionmaker() as s:
        entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "shift.dispute_rejected"))
        told = await s.scalar(select(Notification).where(Notification.kind == "shift.dispute_rejected"))
    assert entry.reason == "无证据" and entry.subject_id == freelancer.user_id and told.params["note"] == "无证据"


async def test_a_restriction_on_four_no_shows_stays_when_one_is_excused(
    client, session, clock, job_state, admin, freelancer
) -> None:
    await no_shows(session, job_state, clock, freelancer.user_id, 4)
    first = (await _reliability(client, freelancer))["events"][0]
    made = (await _dispute(client, freelancer, first["booking_id"])).json()
    assert (await _decide(client, admin, made["id"], "accept")).status_code == 200
    body = await _reliability(client, freelancer)
    assert body["standing"] == "restricted" and body["counts"]["no_shows"] == 3


async def test_admins_list_disputes_by_status_a_page_at_a_time(client, session, clock, admin, make_freelancers) -> None:
    people = await make_freelancers(3)
    now = clock.now()
    made = []
    for n, who in enumerate(people):
        booking = await past_shift(session, who.user_id, now - timedelta(hours=n + 1), "no_show")
        made.append((await _dispute(client, who, booking.id)).json())
        clock.advance(timedelta(minutes=1))
    await _decide(client, admin, made[0]["id"], "reject")
    page = (await client.get("/api/admin/disputes", params={"status": "open", "limit": 1}, headers=admin)).json()
    assert page["total"] == 2 and [d["id"] for d in page["items"]] == [made[1]["id"]]
    every = (await client.get("/api/admin/disputes", headers=admin)).json()
    assert every["total"] == 3
    assert_problem(await client.get("/api/admin/disputes", params={"status": "maybe"}, headers=admin), 422, "status")
    assert (await client.get("/api/admin/disputes", headers=people[0].headers)).status_code == 403
    assert (await _decide(client, people[0].headers, made[1]["id"], "accept")).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "maybe", "note": "x"}, "decision"),
        ({"decision": "accept", "note": " "}, "note"),
        ({"decision": "accept"}, "note"),
    ],
)
async def test_bad_decisions_are_422_and_decide_nothing(client, session, clock, admin, freelancer, body, field) -> None:
    booking = await past_shift(session, freelancer.user_id, clock.now() - timedelta(hours=1), "no_show")
    made = (await _dispute(client, freelancer, booking.id)).json()
    assert_problem(await client.post(f"/api/admin/disputes/{made['id']}", json=body, headers=admin), 422, field)
    missing = "01a23029-d222-7a23-a72d-946d6f36e2e7"
    assert_problem(await _decide(client, admin, missing, "accept"), 404, "dispute_id", "not_found")
    assert (await _reliability(client, freelancer))["disputes"][0]["status"] == "open"
