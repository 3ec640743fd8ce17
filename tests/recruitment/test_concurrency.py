"""Requests racing each other: the database, not luck, keeps the rules.

The requests really run in parallel (see `concurrently`): on PostgreSQL they interleave at every round trip; on
SQLite writers queue behind each other, which must not break anything either.
"""

from __future__ import annotations

from collections import Counter

from tests.conftest import assert_problem
from tests.recruitment.conftest import (
    application_body,
    applied,
    concurrently,
    get_round,
    in_exam,
    make_admin,
    pass_typing,
    read_application,
    start_typing,
)


def _apply(worker, round_id):
    url = f"/api/rounds/{round_id}/applications"
    return ("POST", url, {"json": application_body(worker), "headers": worker.headers})


def _bulk(headers, ids):
    return ("POST", "/api/admin/applications/bulk", {"json": {"ids": ids, "action": "advance"}, "headers": headers})


async def test_the_same_person_applying_twice_at_once_gets_one_application(client, make_round, new_worker) -> None:
    round_ = await make_round()
    first, second = await new_worker(), await new_worker()
    second.id_number = first.id_number
    responses = await concurrently(client, *(_apply(w, round_["id"]) for w in (first, second, first, second)))
    codes = Counter(r.status_code for r in responses)
    assert codes == {201: 1, 409: 3}, [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert_problem(response, 409)
    mine = [
        a
        for w in (first, second)
        for a in (await client.get("/api/me/applications", headers=w.headers)).json()["items"]
    ]
    assert len(mine) == 1 and mine[0]["status"] == "typing"


async def test_many_people_applying_at_once_all_get_in(client, make_round, new_worker) -> None:
    round_ = await make_round()
    workers = [await new_worker() for _ in range(6)]
    responses = await concurrently(client, *(_apply(w, round_["id"]) for w in workers))
    assert [r.status_code for r in responses] == [201] * 6, [r.text for r in responses]
    assert {r.json()["status"] for r in responses} == {"typing"}


async def test_two_admins_certifying_at_once_never_exceed_the_quota(
    client, session, kit, admin, clock, make_round, new_worker
) -> None:
    other_admin = await make_admin(client, session, kit, "admin2@example.com")
    round_ = await make_round(quota=1)
    first, second = await new_worker(), await new_worker()
    ids = [await in_exam(client, clock, w, round_["id"]) for w in (first, second)]
    responses = await concurrently(client, _bulk(admin, [ids[0]]), _bulk(other_admin, [ids[1]]))
    statuses = sorted(r.json()["results"][0]["status"] for r in responses)
    assert statuses == ["certified", "waitlisted"], [r.text for r in responses]
    assert (await get_round(client, admin, round_["id"]))["certified_count"] == 1


async def test_two_admins_advancing_the_same_application_at_once_move_it_once(
    client, session, kit, admin, clock, make_round, worker
) -> None:
    other_admin = await make_admin(client, session, kit, "admin2@example.com")
    round_ = await make_round(quota=5)
    application_id = await in_exam(client, clock, worker, round_["id"])
    responses = await concurrently(client, _bulk(admin, [application_id]), _bulk(other_admin, [application_id]))
    items = [r.json()["results"][0] for r in responses]
    assert sorted(i["ok"] for i in items) == [False, True], items
    assert (await get_round(client, admin, round_["id"]))["certified_count"] == 1
    full = await read_application(client, worker.headers, application_id)
    assert [e["to_status"] for e in full["timeline"]].count("certified") == 1


async def test_a_double_click_on_start_costs_one_typing_attempt(client, make_round, worker) -> None:
    application = await applied(client, worker, (await make_round())["id"])
    url = f"/api/applications/{application['id']}/typing-test"
    responses = await concurrently(client, *(("POST", url, {"headers": worker.headers}) for _ in range(3)))
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
    assert len({r.json()["test_id"] for r in responses}) == 1
    assert (await read_application(client, worker.headers, application["id"]))["typing_attempts_left"] == 2


async def test_a_double_submit_scores_once(client, clock, make_round, worker) -> None:
    application = await applied(client, worker, (await make_round())["id"])
    test = await start_typing(client, worker, application["id"])
    clock.advance(seconds=60)
    submit = ("POST", f"/api/typing-tests/{test['test_id']}/submit", {"json": {"text": test["passage"]}})
    submit[2]["headers"] = worker.headers
    responses = await concurrently(client, submit, submit, submit)
    assert sorted(r.status_code for r in responses) == [200, 409, 409], [r.text for r in responses]
    full = await read_application(client, worker.headers, application["id"])
    assert [e["to_status"] for e in full["timeline"]].count("training") == 1


async def test_opening_a_module_twice_at_once_starts_one_clock(client, make_module, worker) -> None:
    module = await make_module(min_reading_seconds=60)
    url = f"/api/training/modules/{module['id']}"
    responses = await concurrently(client, *(("GET", url, {"headers": worker.headers}) for _ in range(3)))
    assert [r.status_code for r in responses] == [200] * 3, [r.text for r in responses]
    assert len({r.json()["started_at"] for r in responses}) == 1


async def test_completing_the_last_two_modules_at_once_unlocks_the_exam_once(
    client, clock, make_round, make_module, worker
) -> None:
    first, second = await make_module(min_reading_seconds=10), await make_module(min_reading_seconds=10)
    round_ = await make_round(training_module_ids=[first["id"], second["id"]])
    application = await applied(client, worker, round_["id"])
    for module in (first, second):  # read one after the other: reading time counts once (issue 15)
        await client.get(f"/api/training/modules/{module['id']}", headers=worker.headers)
        clock.advance(seconds=10)
    assert (await pass_typing(client, clock, worker, application["id"]))["application_status"] == "training"
    responses = await concurrently(
        client,
        *(("POST", f"/api/training/modules/{m['id']}/complete", {"headers": worker.headers}) for m in (first, second)),
    )
    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    full = await read_application(client, worker.headers, application["id"])
    assert full["status"] == "exam", full
    assert [e["to_status"] for e in full["timeline"]].count("exam") == 1


async def test_one_account_applying_to_two_rounds_at_once_is_verified_for_both(client, make_round, worker) -> None:
    first, second = await make_round(title="一"), await make_round(title="二")
    responses = await concurrently(client, _apply(worker, first["id"]), _apply(worker, second["id"]))
    assert [r.status_code for r in responses] == [201, 201], [r.text for r in responses]
    mine = (await client.get("/api/me/applications", headers=worker.headers)).json()["items"]
    assert sorted(a["status"] for a in mine) == ["typing", "typing"], mine


async def test_one_person_on_two_accounts_at_once_is_verified_on_one(client, make_round, new_worker) -> None:
    first, second = await make_round(title="一"), await make_round(title="二")
    owner, other = await new_worker(), await new_worker()
    other.id_number = owner.id_number
    responses = await concurrently(client, _apply(owner, first["id"]), _apply(other, second["id"]))
    assert all(r.status_code in (201, 409) for r in responses), [r.text for r in responses]
    statuses = []
    for w in (owner, other):
        statuses += [a["status"] for a in (await client.get("/api/me/applications", headers=w.headers)).json()["items"]]
    assert statuses.count("typing") == 1, statuses
    assert set(statuses) <= {"typing", "screening_failed"}, statuses


async def test_two_modules_opened_at_once_run_one_reading_clock(client, clock, make_round, make_module, worker) -> None:
    first, second = await make_module(min_reading_seconds=10), await make_module(min_reading_seconds=10)
    round_ = await make_round(training_module_ids=[first["id"], second["id"]])
    await applied(client, worker, round_["id"])
    responses = await concurrently(
        client, *(("GET", f"/api/training/modules/{m['id']}", {"headers": worker.headers}) for m in (first, second))
    )
    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    clock.advance(seconds=10)
    listed = (await client.get("/api/training/modules", headers=worker.headers)).json()["items"]
    assert sorted(m["seconds_left"] for m in listed) == [0, 10]  # one of them read, not both
