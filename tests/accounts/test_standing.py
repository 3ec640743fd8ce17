"""Standing: an admin's decision with its reason (audited, told to the person), the refusals naming their field, a
restriction that counts as good once its end has passed, and the job that ends restrictions once, even when two
instances run it at the same moment."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gigplatform.accounts import service as accounts
from gigplatform.accounts.models import AuditEntry
from gigplatform.accounts.service import Standing
from gigplatform.config import Settings
from gigplatform.errors import NotFound
from gigplatform.notifications import Notification
from tests.conftest import PASSWORD, assert_problem, bearer, make_settings, register, scheduler_state, sign_in

ADMIN, WORKER = "admin@example.com", "13900000011"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # Long-lived access tokens: these tests move the clock by days without signing in again.
    return make_settings(database_url, tmp_path, access_token_minutes=90 * 24 * 60)


@pytest.fixture
async def admin(client, session, kit) -> dict[str, str]:
    await accounts.create_admin(session, kit, login=ADMIN, password=PASSWORD, display_name="管理员")
    await session.commit()
    return bearer(await sign_in(client, ADMIN))


@pytest.fixture
async def worker(client) -> uuid.UUID:
    return uuid.UUID((await register(client, WORKER))["id"])


async def _decide(client, admin, user_id, **body):
    return await client.post(f"/api/admin/users/{user_id}/standing", json=body, headers=admin)


async def _count(session, model, **where) -> int:
    query = select(func.count()).select_from(model).where(*(getattr(model, k) == v for k, v in where.items()))
    return await session.scalar(query) or 0


async def test_a_restriction_is_audited_and_told_to_the_person(client, session, clock, admin, worker) -> None:
    until = clock.now() + timedelta(days=7)
    reply = await _decide(client, admin, worker, standing="restricted", until=until.isoformat(), reason="三次缺勤")
    assert reply.status_code == 200, reply.text
    assert reply.json()["standing"] == "restricted" and reply.json()["until"].startswith(until.date().isoformat())

    log = await client.get("/api/admin/audit-log", params={"subject_id": str(worker)}, headers=admin)
    (entry,) = log.json()["items"]
    assert entry["action"] == "standing.changed" and entry["reason"] == "三次缺勤"
    assert entry["details"] == {"from": "good", "to": "restricted", "until": until.isoformat()}
    assert entry["actor_id"] and entry["subject_kind"] == "user"
    assert WORKER not in log.text  # ids, not logins

    mine = (await client.get("/api/me/notifications", headers=bearer(await sign_in(client, WORKER)))).json()
    (notice,) = mine["items"]
    assert notice["kind"] == "standing_restricted" and notice["params"]["reason"] == "三次缺勤"
    assert await accounts.standing_of(session, worker, clock.now()) == (Standing.RESTRICTED, until)


@pytest.mark.parametrize(
    ("body", "status", "field", "rule"),
    [
        ({"standing": "restricted", "reason": "x"}, 422, "until", "required"),
        ({"standing": "restricted", "reason": "x", "until": "2026-03-01T00:00:00+00:00"}, 422, "until", "future"),
        ({"standing": "restricted", "reason": "x", "until": "2026-04-01T00:00:00"}, 422, "until", None),  # naive
        ({"standing": "warned", "reason": "x", "until": "2026-04-01T00:00:00+00:00"}, 422, "until", "restricted_only"),
        ({"standing": "warned", "reason": "   "}, 422, "reason", "required"),
        ({"standing": "warned", "reason": ""}, 422, "reason", None),
        ({"standing": "warned"}, 422, "reason", None),
        ({"standing": "suspended", "reason": "x"}, 422, "standing", None),
    ],
)
async def test_refusals_name_the_field_and_write_nothing(
    client, session, clock, admin, worker, body, status, field, rule
) -> None:
    assert_problem(await _decide(client, admin, worker, **body), status, field, rule)
    assert await _count(session, AuditEntry) == 0 and await _count(session, Notification) == 0
    assert await accounts.standing_of(session, worker, clock.now()) == (Standing.GOOD, None)


async def test_who_may_decide_and_on_whom(client, session, admin, worker) -> None:
    admin_id = (await client.get("/api/me", headers=admin)).json()["id"]
    assert_problem(await _decide(client, admin, admin_id, standing="banned", reason="x"), 409, "user_id", "admin")
    assert_problem(await _decide(client, admin, uuid.uuid4(), standing="warned", reason="x"), 404)
    own = bearer(await sign_in(client, WORKER))
    assert (await _decide(client, own, worker, standing="good", reason="x")).status_code == 403
    assert (await client.get("/api/admin/audit-log", headers=own)).status_code == 403
    assert await _count(session, AuditEntry) == 0


async def test_a_ban_closes_the_sessions(client, admin, worker) -> None:
    tokens = await sign_in(client, WORKER)
    assert (await _decide(client, admin, worker, standing="banned", reason="欺诈")).status_code == 200
    refreshed = await client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401


async def test_a_passed_restriction_is_good_before_the_job_runs(client, session, clock, admin, worker) -> None:
    until = clock.now() + timedelta(hours=2)
    await _decide(client, admin, worker, standing="restricted", until=until.isoformat(), reason="迟到")
    assert await accounts.standing_of(session, worker, until - timedelta(seconds=1)) == (Standing.RESTRICTED, until)
    assert await accounts.standing_of(session, worker, until) == (Standing.GOOD, None)
    user = await accounts.get_user(session, worker)
    assert not accounts.in_good_standing(user, until - timedelta(seconds=1))
    assert accounts.in_good_standing(user, until)
    own = bearer(await sign_in(client, WORKER))
    me = (await client.get("/api/me", headers=own)).json()
    assert me["standing"] == "restricted" and me["standing_until"].startswith(until.date().isoformat())
    clock.advance(timedelta(hours=2))
    me = (await client.get("/api/me", headers=own)).json()
    assert me["standing"] == "good" and me["standing_until"] is None
    with pytest.raises(NotFound):
        await accounts.standing_of(session, uuid.uuid4(), until)


async def test_the_job_ends_a_restriction_once(client, session, clock, app, settings, admin, worker) -> None:
    until = clock.now() + timedelta(days=1)
    await _decide(client, admin, worker, standing="restricted", until=until.isoformat(), reason="迟到")
    (job,) = [j for j in accounts.JOBS if j.name == "end_expired_restrictions"]
    async with scheduler_state(app, settings) as state:
        assert await job.run(state) == 0  # not yet
        clock.advance(timedelta(days=1))
        assert await job.run(state) == 1
        assert await job.run(state) == 0
    assert await accounts.standing_of(session, worker, clock.now()) == (Standing.GOOD, None)
    assert await _count(session, AuditEntry, action="standing.restriction_ended", subject_id=worker) == 1
    assert await _count(session, Notification, kind="restriction_ended", user_id=worker) == 1
    log = await client.get("/api/admin/audit-log", params={"action": "standing.restriction_ended"}, headers=admin)
    (entry,) = log.json()["items"]
    assert entry["actor_id"] is None and entry["details"] == {"from": "restricted", "to": "good"}


async def test_two_instances_at_once_end_each_restriction_once(client, session, clock, app, settings, admin) -> None:
    users = [uuid.UUID((await register(client, f"1390000{n:04d}"))["id"]) for n in range(20)]
    until = clock.now() + timedelta(hours=1)
    for user_id in users:
        assert (
            await _decide(client, admin, user_id, standing="restricted", until=until.isoformat(), reason="r")
        ).status_code == 200
    clock.advance(timedelta(hours=1))
    (job,) = [j for j in accounts.JOBS if j.name == "end_expired_restrictions"]
    async with scheduler_state(app, settings) as first, scheduler_state(app, settings) as second:
        done = await asyncio.gather(job.run(first), job.run(second), job.run(first), job.run(second))
    assert sum(done) == len(users)
    for user_id in users:
        assert await _count(session, AuditEntry, action="standing.restriction_ended", subject_id=user_id) == 1
        assert await _count(session, Notification, kind="restriction_ended", user_id=user_id) == 1


async def test_the_audit_log_filters_and_pages(client, clock, admin, worker) -> None:
    other = uuid.UUID((await register(client, "13900000012"))["id"])
    for user_id, standing in ((worker, "warned"), (other, "warned"), (worker, "good")):
        assert (await _decide(client, admin, user_id, standing=standing, reason="r")).status_code == 200
    admin_id = (await client.get("/api/me", headers=admin)).json()["id"]
    everything = (await client.get("/api/admin/audit-log", params={"actor_id": admin_id}, headers=admin)).json()
    assert everything["total"] == 3
    on_worker = await client.get(
        "/api/admin/audit-log", params={"subject_kind": "user", "subject_id": str(worker), "limit": 1}, headers=admin
    )
    page = on_worker.json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["items"][0]["details"]["to"] == "good"
    assert (await client.get("/api/admin/audit-log", params={"action": "nope"}, headers=admin)).json()["total"] == 0
    assert_problem(await client.get("/api/admin/audit-log", params={"action": "DROP;"}, headers=admin), 422, "action")
    assert_problem(await client.get("/api/admin/audit-log", params={"subject_id": "x"}, headers=admin), 422)


async def test_the_platform_restricts_by_its_own_rule(client, session, clock, worker) -> None:
    """Another domain's rule (three no-shows) restricts through the same verb, with no admin behind it."""
    user = await accounts.get_user(session, worker)
    until = clock.now() + timedelta(days=7)
    rule = accounts.StandingIn(standing="restricted", reason="no_shows", until=until)
    await accounts.change_standing(session, None, user, rule, clock.now())
    await session.commit()
    assert await accounts.standing_of(session, worker, clock.now()) == (Standing.RESTRICTED, until)
    (entry,), _ = await accounts.list_audit(session, subject_id=worker)
    assert entry.actor_id is None and entry.action == "standing.changed" and entry.reason == "no_shows"
    assert await _count(session, Notification, kind="standing_restricted", user_id=worker) == 1
