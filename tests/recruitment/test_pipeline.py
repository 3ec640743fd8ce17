"""The admin's side of the pipeline: advancing step by step, the quota and its waitlist, rejecting, bulk
review where each item stands alone, withdrawing, reading an application and its timeline.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from recruitment.identity import IdentityUnavailable
from tests.conftest import assert_problem
from tests.recruitment.conftest import (
    advance,
    applied,
    apply,
    bulk,
    get_round,
    in_exam,
    parse_time,
    read_application,
    steps,
)


async def test_admin_advances_an_application_one_step_at_a_time(
    client, admin, clock, make_round, make_module, worker
) -> None:
    module = await make_module()
    round_ = await make_round(training_module_ids=[module["id"]])
    application = await applied(client, worker, round_["id"])
    assert (await advance(client, admin, application["id"], reason="打字测试线下完成"))["status"] == "training"
    assert (await advance(client, admin, application["id"]))["status"] == "exam"
    assert (await advance(client, admin, application["id"]))["status"] == "certified"
    full = await read_application(client, worker.headers, application["id"])
    assert steps(full)[3:] == [
        ("typing", "training", "admin"),
        ("training", "exam", "admin"),
        ("exam", "certified", "admin"),
    ]
    assert full["timeline"][3]["reason"] == "打字测试线下完成"
    assert full["timeline"][4]["reason"] and full["timeline"][5]["reason"]
    assert (await get_round(client, admin, round_["id"]))["certified_count"] == 1
    response = await bulk(client, admin, [application["id"]])
    item = response.json()["results"][0]
    assert (item["ok"], item["rule"]) == (False, "transition")
    # without modules, advancing into training goes straight on to the exam
    quick = await applied(client, worker, (await make_round(title="无培训"))["id"])
    assert (await advance(client, admin, quick["id"]))["status"] == "exam"
    full = await read_application(client, admin, quick["id"])
    assert steps(full)[-2:] == [("typing", "training", "admin"), ("training", "exam", "system")]


class _DownProvider:
    """An identity service that never answers: applications wait in identity_pending."""

    name = "stub"

    async def verify(self, legal_name, resident_id):
        raise IdentityUnavailable("down for the test")


async def test_an_admin_passes_applications_waiting_for_the_identity_service(
    client, app, admin, make_round, new_worker
) -> None:
    app.state.identity_provider = _DownProvider()
    first_round, second_round, third_round = [await make_round(title=t) for t in ("一", "二", "三")]
    worker, twin, borrower = await new_worker(), await new_worker(), await new_worker()
    waiting = await applied(client, worker, first_round["id"])
    assert waiting["status"] == "identity_pending" and waiting["identity_retry_at"]
    assert "unavailable" in waiting["status_reason"]
    # nothing is verified yet, so these wait too: this account as another person, this person on another account
    other_person = await applied(client, worker, second_round["id"], id_number=twin.id_number)
    other_account = await applied(client, borrower, second_round["id"], id_number=worker.id_number)
    assert {other_person["status"], other_account["status"]} == {"identity_pending"}

    ids = [waiting["id"], other_person["id"], other_account["id"]]
    response = await bulk(client, admin, ids, reason="人工核验身份证")
    assert [(r["ok"], r["status"], r["rule"]) for r in response.json()["results"]] == [
        (True, "typing", None),
        (False, None, "another_person"),  # one account is one person
        (False, None, "another_account"),  # one person is one account
    ]
    full = await read_application(client, worker.headers, waiting["id"])
    assert steps(full)[-1] == ("identity_pending", "typing", "admin")
    assert full["timeline"][-1]["reason"] == "人工核验身份证"
    for application_id in ids[1:]:
        assert (await read_application(client, admin, application_id))["status"] == "identity_pending"
    # the person is now bound to this account
    response = await apply(client, twin, third_round["id"], id_number=worker.id_number)
    assert_problem(response, 409, "id_number", "refused")  # neutral to the applicant (issue 15)


async def test_the_quota_caps_certification_and_the_waitlist_moves_up_in_order(
    client, admin, clock, make_round, new_worker
) -> None:
    round_ = await make_round(quota=1)
    workers = [await new_worker() for _ in range(3)]
    ids = [await in_exam(client, clock, w, round_["id"]) for w in workers]
    first = await advance(client, admin, ids[0])
    clock.advance(minutes=1)
    second = await advance(client, admin, ids[1])
    clock.advance(minutes=1)
    third = await advance(client, admin, ids[2])
    assert [first["status"], second["status"], third["status"]] == ["certified", "waitlisted", "waitlisted"]
    waiting = await read_application(client, workers[1].headers, ids[1])
    assert steps(waiting)[-1] == ("exam", "waitlisted", "admin") and "quota" in waiting["status_reason"]
    # advancing a waitlisted application while the quota is still full leaves it waiting
    assert (await advance(client, admin, ids[1]))["status"] == "waitlisted"
    assert (await get_round(client, admin, round_["id"]))["certified_count"] == 1

    url = f"/api/admin/rounds/{round_['id']}"
    raised = await client.patch(url, json={"quota": 2}, headers=admin)
    assert raised.status_code == 200, raised.text
    assert raised.json()["certified_count"] == 2
    promoted = await read_application(client, workers[1].headers, ids[1])
    assert promoted["status"] == "certified"
    assert steps(promoted)[-1] == ("waitlisted", "certified", "system")
    assert (await read_application(client, workers[2].headers, ids[2]))["status"] == "waitlisted"

    assert_problem(await client.patch(url, json={"quota": 1}, headers=admin), 422, "quota", "below_certified")
    assert (await client.patch(url, json={"quota": 2}, headers=admin)).status_code == 200  # equal is fine
    assert (await client.patch(url, json={"quota": 5}, headers=admin)).json()["certified_count"] == 3
    assert (await read_application(client, workers[2].headers, ids[2]))["status"] == "certified"
    # within one bulk request the quota holds too
    round_ = await make_round(quota=2)
    workers = [await new_worker() for _ in range(3)]
    ids = [await in_exam(client, clock, w, round_["id"]) for w in workers]
    response = await bulk(client, admin, ids)
    assert response.status_code == 200, response.text
    result = response.json()
    assert [r["status"] for r in result["results"]] == ["certified", "certified", "waitlisted"]
    assert (result["succeeded"], result["failed"]) == (3, 0)
    assert (await get_round(client, admin, round_["id"]))["certified_count"] == 2


async def test_bulk_review_treats_each_application_on_its_own(client, admin, clock, make_round, new_worker) -> None:
    round_ = await make_round()
    good, done, other = await new_worker(), await new_worker(), await new_worker()
    movable = (await applied(client, good, round_["id"]))["id"]
    rejected = (await applied(client, done, round_["id"]))["id"]
    await client.post(f"/api/admin/applications/{rejected}/reject", json={"reason": "资料不全"}, headers=admin)
    exam = await in_exam(client, clock, other, round_["id"])
    missing = str(uuid.uuid4())
    response = await bulk(client, admin, [movable, rejected, missing, exam])
    assert response.status_code == 200, response.text
    result = response.json()
    assert [(r["id"], r["ok"], r["status"], r["rule"]) for r in result["results"]] == [
        (movable, True, "exam", None),
        (rejected, False, None, "transition"),
        (missing, False, None, "exists"),
        (exam, True, "certified", None),
    ]
    assert all(r["detail"] for r in result["results"] if not r["ok"])
    assert (result["succeeded"], result["failed"]) == (2, 2)

    rejecting = await bulk(client, admin, [movable, rejected], action="reject", reason="  本轮名额已满  ")
    result = rejecting.json()
    assert [(r["ok"], r["status"], r["rule"]) for r in result["results"]] == [
        (True, "rejected", None),
        (False, None, "transition"),
    ]
    rejected_now = await read_application(client, good.headers, movable)
    assert rejected_now["status_reason"] == "本轮名额已满"
    assert steps(rejected_now)[-1] == ("exam", "rejected", "admin")


async def test_bad_bulk_requests_are_refused_as_a_whole(client, admin, make_round, worker) -> None:
    application = await applied(client, worker, (await make_round())["id"])
    one = application["id"]
    assert_problem(await bulk(client, admin, [one], action="reject", reason="  "), 422, "reason", "required")
    assert_problem(await bulk(client, admin, []), 422, "ids", "length")
    assert_problem(await bulk(client, admin, [str(uuid.uuid4())] * 501), 422, "ids")
    assert_problem(await bulk(client, admin, [one, one]), 422, "ids", "unique")
    body = assert_problem(await bulk(client, admin, [one], action="approve"), 422)
    assert any(e["field"] == "action" for e in body["errors"]), body
    assert_problem(
        await client.post("/api/admin/applications/bulk", json={"ids": ["nope"], "action": "advance"}, headers=admin),
        422,
    )
    assert (await read_application(client, worker.headers, one))["status"] == "typing"


async def test_a_rejection_needs_a_reason(client, admin, make_round, worker) -> None:
    application = await applied(client, worker, (await make_round())["id"])
    url = f"/api/admin/applications/{application['id']}/reject"
    assert_problem(await client.post(url, json={"reason": ""}, headers=admin), 422, "reason", "required")
    assert_problem(await client.post(url, json={"reason": " \n "}, headers=admin), 422, "reason", "required")
    assert_problem(await client.post(url, json={}, headers=admin), 422, "reason", "required")
    assert_problem(await client.post(url, json={"reason": "理" * 501}, headers=admin), 422, "reason", "length")
    response = await client.post(url, json={"reason": "理" * 500}, headers=admin)
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["status_reason"]) == ("rejected", "理" * 500)
    full = await read_application(client, worker.headers, application["id"])
    assert full["timeline"][-1] | {"at": None} == {
        "at": None,
        "from_status": "typing",
        "to_status": "rejected",
        "actor": "admin",
        "reason": "理" * 500,
        "reason_code": None,  # a person's own words: shown as typed, never translated
        "reason_params": None,
    }
    assert_problem(await client.post(url, json={"reason": "再拒"}, headers=admin), 409, "status", "transition")
    missing = f"/api/admin/applications/{uuid.uuid4()}/reject"
    assert_problem(await client.post(missing, json={"reason": "x"}, headers=admin), 404, "application_id", "exists")


async def test_the_applicant_withdraws_until_certified(client, admin, clock, make_round, new_worker) -> None:
    owner, stranger = await new_worker(), await new_worker()
    application = await applied(client, owner, (await make_round())["id"])
    url = f"/api/applications/{application['id']}/withdraw"
    assert_problem(await client.post(url, json={}, headers=stranger.headers), 404, "application_id", "exists")
    assert_problem(await client.post(url, json={}, headers=admin), 403, "role", "role_required")
    assert_problem(await client.post(url, json={}), 401)
    clock.advance(hours=1)
    response = await client.post(url, json={"reason": "找到了全职工作"}, headers=owner.headers)
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["status_reason"]) == ("withdrawn", "找到了全职工作")
    full = await read_application(client, owner.headers, application["id"])
    assert steps(full)[-1] == ("typing", "withdrawn", "applicant")
    assert_problem(await client.post(url, json={}, headers=owner.headers), 409, "status", "transition")
    # without a reason, a default one is recorded; an application in the exam stage may withdraw too
    in_exam_id = await in_exam(client, clock, stranger, (await make_round(title="另一轮"))["id"])
    response = await client.post(f"/api/applications/{in_exam_id}/withdraw", json={}, headers=stranger.headers)
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert response.json()["status_reason"].strip()
    # waitlisted applicants may withdraw, certified ones may not
    round_ = await make_round(quota=1)
    first, second = await new_worker(), await new_worker()
    certified = await in_exam(client, clock, first, round_["id"])
    waiting = await in_exam(client, clock, second, round_["id"])
    await bulk(client, admin, [certified, waiting])
    left = await client.post(f"/api/applications/{waiting}/withdraw", json={}, headers=second.headers)
    assert left.status_code == 200 and left.json()["status"] == "withdrawn"
    stay = await client.post(f"/api/applications/{certified}/withdraw", json={}, headers=first.headers)
    assert_problem(stay, 409, "status", "transition")


async def test_applications_are_private_to_their_applicant_and_admins(client, admin, make_round, new_worker) -> None:
    owner, stranger = await new_worker(), await new_worker()
    application = await applied(client, owner, (await make_round())["id"])
    url = f"/api/applications/{application['id']}"
    assert_problem(await client.get(url, headers=stranger.headers), 404, "application_id", "exists")
    assert_problem(await client.get(f"/api/applications/{uuid.uuid4()}", headers=owner.headers), 404)
    assert_problem(await client.get(url), 401)
    as_admin = await read_application(client, admin, application["id"])
    assert as_admin["id"] == application["id"] and len(as_admin["timeline"]) == 3
    assert (await client.get("/api/me/applications", headers=stranger.headers)).json()["items"] == []


async def test_the_timeline_records_every_change_with_time_actor_and_reason(
    client, admin, clock, make_round, new_worker
) -> None:
    round_ = await make_round(quota=1)
    first, second = await new_worker(), await new_worker()
    started = clock.now()
    one = await in_exam(client, clock, first, round_["id"])
    two = await in_exam(client, clock, second, round_["id"])
    clock.advance(hours=1)
    await bulk(client, admin, [one, two], reason="考试通过")
    clock.advance(hours=1)
    await client.patch(f"/api/admin/rounds/{round_['id']}", json={"quota": 2}, headers=admin)
    full = await read_application(client, second.headers, two)
    assert steps(full) == [
        (None, "submitted", "applicant"),
        ("submitted", "identity_pending", "system"),
        ("identity_pending", "typing", "system"),
        ("typing", "training", "system"),
        ("training", "exam", "system"),
        ("exam", "waitlisted", "admin"),
        ("waitlisted", "certified", "system"),
    ]
    minute, hour = timedelta(minutes=1), timedelta(hours=1)
    applied_at, passed_at = started + minute, started + 2 * minute
    assert [parse_time(e["at"]) for e in full["timeline"]] == [
        *[applied_at] * 3,
        *[passed_at] * 2,
        passed_at + hour,
        passed_at + 2 * hour,
    ]
    assert all(e["reason"].strip() for e in full["timeline"])
    assert full["status"] == "certified" and full["status_reason"] == full["timeline"][-1]["reason"]


async def test_system_reasons_carry_a_code_and_values_for_translation(client, admin, make_round, new_worker) -> None:
    """Pages translate system reasons from their code; the English text stays for the API and the logs."""
    from recruitment.service import REASONS

    worker = await new_worker()
    application = await applied(client, worker, (await make_round())["id"])
    full = await read_application(client, worker.headers, application["id"])
    path = [(e["to_status"], e["reason_code"]) for e in full["timeline"]]
    assert path == [
        ("submitted", "submitted"),
        ("identity_pending", "identity_checking"),
        ("typing", "identity_verified"),
    ]
    assert all(e["reason"] == REASONS[e["reason_code"]] for e in full["timeline"])
    assert (full["status_reason_code"], full["status_reason"]) == ("identity_verified", REASONS["identity_verified"])
    await bulk(client, admin, [application["id"]], "advance")
    moved = (await read_application(client, worker.headers, application["id"]))["timeline"]
    assert moved[-2]["reason_code"] == "advanced" and moved[-2]["reason_params"] == {"status": "training"}
