"""Certification: passing the exam certifies the application within the round's quota (later passers wait), and
the person's certified tracks are what booking will ask for."""

from __future__ import annotations

from collections import Counter

from tests.conftest import assert_problem
from tests.exams.conftest import answer_all, at, attempt_url, sit, start, started, submitted
from tests.recruitment.conftest import advance, bulk, concurrently, get_round, read_application

CERTIFICATIONS_URL = "/api/me/certifications"


async def certifications(client, headers) -> list[dict]:
    response = await client.get(CERTIFICATIONS_URL, headers=headers)
    assert response.status_code == 200, response.text
    return sorted(response.json()["items"], key=lambda c: c["track"])


def certified_events(application: dict) -> list[dict]:
    return [e for e in application["timeline"] if e["to_status"] == "certified"]


async def test_passing_certifies_every_track_applied_for(client, tiny_bank, exam, make_candidate) -> None:
    who = await make_candidate(exam.round_id, tracks=["pre_sales", "after_sales"])
    assert await certifications(client, who.headers) == []

    result = await sit(client, who, tiny_bank)

    assert (result["passed"], result["application_status"]) == (True, "certified")
    since = at(result["submitted_at"])
    mine = await certifications(client, who.headers)
    assert [(c["track"], c["round_id"], c["application_id"]) for c in mine] == [
        ("after_sales", exam.round_id, who.application_id),
        ("pre_sales", exam.round_id, who.application_id),
    ]
    assert all(at(c["since"]) == since for c in mine)
    application = await read_application(client, who.headers, who.application_id)
    (event,) = certified_events(application)
    assert application["status"] == "certified" and event["from_status"] == "exam"
    assert "exam" in (event["reason"] or "").lower(), event
    assert (event["actor"], event["reason_code"], event["reason_params"]["score"]) == ("system", "exam_passed", "100%")
    assert at(event["at"]) == since


async def test_certifications_are_the_callers_own(client, tiny_bank, exam, make_candidate) -> None:
    passer, other = await make_candidate(exam.round_id), await make_candidate(exam.round_id)
    await sit(client, passer, tiny_bank)
    assert [c["track"] for c in await certifications(client, passer.headers)] == ["pre_sales"]
    assert await certifications(client, other.headers) == []
    assert_problem(await client.get(CERTIFICATIONS_URL), 401)


async def test_failing_gives_no_certification(client, tiny_bank, make_exam, make_candidate) -> None:
    exam = await make_exam(attempts_allowed=1)
    who = await make_candidate(exam.round_id)
    result = await sit(client, who, tiny_bank, wrong=4)
    assert (result["passed"], result["application_status"], result["next_attempt_at"]) == (False, "rejected", None)
    assert await certifications(client, who.headers) == []
    assert_problem(await start(client, who), 409, "attempts", "none_left")
    rejection = (await read_application(client, who.headers, who.application_id))["timeline"][-1]
    assert (rejection["from_status"], rejection["to_status"], rejection["actor"]) == ("exam", "rejected", "system")
    assert (rejection["reason_code"], rejection["reason_params"], at(rejection["at"])) == (
        "exam_failed_out",
        {"attempts": 1},
        at(result["submitted_at"]),
    )


async def test_a_full_quota_waitlists_the_later_passer_until_it_is_raised(
    client, clock, admin, tiny_bank, make_exam, make_candidate
) -> None:
    exam = await make_exam(quota=1)
    first, second = await make_candidate(exam.round_id), await make_candidate(exam.round_id)

    assert (await sit(client, first, tiny_bank))["application_status"] == "certified"
    waiting = await sit(client, second, tiny_bank)
    assert (waiting["passed"], waiting["application_status"], waiting["next_attempt_at"]) == (True, "waitlisted", None)
    assert (await read_application(client, second.headers, second.application_id))["status"] == "waitlisted"
    assert await certifications(client, second.headers) == []
    assert_problem(await start(client, second), 409, "blueprint", "already_passed")

    promoted_at = clock.advance(hours=3)
    response = await client.patch(f"/api/admin/rounds/{exam.round_id}", json={"quota": 2}, headers=admin)
    assert response.status_code == 200, response.text

    assert (await read_application(client, second.headers, second.application_id))["status"] == "certified"
    (mine,) = await certifications(client, second.headers)
    assert (mine["track"], mine["application_id"], at(mine["since"])) == (
        "pre_sales",
        second.application_id,
        promoted_at,
    )
    assert [c["track"] for c in await certifications(client, first.headers)] == ["pre_sales"]
    shown = await client.get(attempt_url(waiting["attempt_id"]), headers=second.headers)
    assert shown.json()["application_status"] == "certified"
    assert (await get_round(client, admin, exam.round_id))["certified_count"] == 2


async def test_an_admin_certifying_from_the_exam_stage_certifies_every_track(
    client, clock, admin, tiny_bank, exam, make_candidate
) -> None:
    who = await make_candidate(exam.round_id, tracks=["pre_sales", "after_sales"])
    item = await advance(client, admin, who.application_id, reason="线下考核通过")
    assert item["status"] == "certified"
    mine = await certifications(client, who.headers)
    assert [c["track"] for c in mine] == ["after_sales", "pre_sales"]
    assert all(at(c["since"]) == clock.now() and c["round_id"] == exam.round_id for c in mine)


async def test_an_application_certified_by_an_admin_takes_no_exam(client, admin, tiny_bank, exam, candidate) -> None:
    """Certified applications may still take the exam of a track not yet passed; here every track is certified."""
    await advance(client, admin, candidate.application_id)
    assert_problem(await start(client, candidate), 409, "blueprint", "already_passed")


async def test_two_submits_at_once_certify_once(client, admin, tiny_bank, candidate) -> None:
    attempt = await started(client, candidate)
    await answer_all(client, candidate, attempt, tiny_bank)
    request = ("POST", f"{attempt_url(attempt['attempt_id'])}/submit", {"headers": candidate.headers})

    responses = await concurrently(client, request, request)

    assert Counter(r.status_code for r in responses) == {200: 2}, [r.text for r in responses]
    bodies = [r.json() for r in responses]
    assert {(b["score"], b["passed"], b["submitted_at"]) for b in bodies} == {(100, True, bodies[0]["submitted_at"])}
    application = await read_application(client, candidate.headers, candidate.application_id)
    assert len(certified_events(application)) == 1
    assert (await get_round(client, admin, application["round_id"]))["certified_count"] == 1
    assert len(await certifications(client, candidate.headers)) == 1
    assert (await submitted(client, candidate.headers, attempt["attempt_id"]))["attempts_left"] == 1


async def test_each_track_exam_certifies_its_own_track(
    client, clock, tiny_bank, make_round, make_blueprint, make_candidate
) -> None:
    """A round with an exam per track: passing one certifies that track at once (and the application), the other
    exam can still be taken, and passing it adds its track; failing it out leaves the first certification alone."""
    round_ = await make_round()
    pre = await make_blueprint(round_["id"], track="pre_sales", title="售前考试")
    after = await make_blueprint(round_["id"], track="after_sales", title="售后考试", attempts_allowed=1)
    who = await make_candidate(round_["id"], tracks=["pre_sales", "after_sales"])

    assert_problem(await start(client, who), 422, "track", "required")
    first = await sit(client, who, tiny_bank, track="pre_sales")
    assert (first["blueprint_id"], first["tracks"], first["passed"]) == (pre["id"], ["pre_sales"], True)
    assert first["application_status"] == "certified"
    assert [c["track"] for c in await certifications(client, who.headers)] == ["pre_sales"]
    assert_problem(await start(client, who, track="pre_sales"), 409, "blueprint", "already_passed")

    clock.advance(hours=1)
    second = await started(client, who)  # the one exam left needs no track
    assert (second["blueprint_id"], second["tracks"]) == (after["id"], ["after_sales"])
    await answer_all(client, who, second, tiny_bank, wrong=6)
    failed = await submitted(client, who.headers, second["attempt_id"])
    assert (failed["passed"], failed["attempts_left"], failed["application_status"]) == (False, 0, "certified")
    assert [c["track"] for c in await certifications(client, who.headers)] == ["pre_sales"]
    assert_problem(await start(client, who), 409, "attempts", "none_left")


async def test_passing_a_second_track_exam_adds_the_track_on_the_timeline(
    client, clock, tiny_bank, make_round, make_blueprint, make_candidate
) -> None:
    round_ = await make_round()
    await make_blueprint(round_["id"], track="pre_sales", title="售前考试")
    await make_blueprint(round_["id"], track="after_sales", title="售后考试")
    who = await make_candidate(round_["id"], tracks=["pre_sales", "after_sales"])
    await sit(client, who, tiny_bank, track="after_sales")
    clock.advance(hours=2)
    await sit(client, who, tiny_bank)

    mine = await certifications(client, who.headers)
    assert [c["track"] for c in mine] == ["after_sales", "pre_sales"]
    since = {c["track"]: at(c["since"]) for c in mine}
    assert since["pre_sales"] - since["after_sales"] == clock.now() - since["after_sales"]
    application = await read_application(client, who.headers, who.application_id)
    assert application["passed_tracks"] == ["pre_sales", "after_sales"]
    passes = [e for e in application["timeline"] if e["reason_code"] == "exam_passed"]
    assert [(e["from_status"], e["to_status"]) for e in passes] == [("exam", "certified"), ("certified", "certified")]
    assert application["status"] == "certified"


async def test_an_application_rejected_during_the_exam_stays_rejected_when_it_passes(
    client, admin, tiny_bank, candidate
) -> None:
    attempt = await started(client, candidate)
    rejected = await bulk(client, admin, [candidate.application_id], "reject", "身份信息与实际不符")
    assert rejected.json()["results"][0]["ok"], rejected.text
    await answer_all(client, candidate, attempt, tiny_bank)

    result = await submitted(client, candidate.headers, attempt["attempt_id"])

    assert (result["passed"], result["application_status"]) == (True, "rejected")
    assert await certifications(client, candidate.headers) == []
    application = await read_application(client, candidate.headers, candidate.application_id)
    assert application["status_reason"] == "身份信息与实际不符"


async def test_a_waitlisted_passer_of_one_track_is_certified_only_for_that_track(
    client, admin, tiny_bank, make_round, make_blueprint, make_candidate
) -> None:
    round_ = await make_round(quota=1)
    await make_blueprint(round_["id"], track="pre_sales", title="售前考试")
    await make_blueprint(round_["id"], track="after_sales", title="售后考试")
    first = await make_candidate(round_["id"])
    assert (await sit(client, first, tiny_bank, track="pre_sales"))["application_status"] == "certified"
    who = await make_candidate(round_["id"], tracks=["pre_sales", "after_sales"])
    assert (await sit(client, who, tiny_bank, track="pre_sales"))["application_status"] == "waitlisted"

    raised = await client.patch(f"/api/admin/rounds/{round_['id']}", json={"quota": 2}, headers=admin)
    assert raised.status_code == 200, raised.text

    application = await read_application(client, who.headers, who.application_id)
    assert (application["status"], application["passed_tracks"]) == ("certified", ["pre_sales"])
    assert [c["track"] for c in await certifications(client, who.headers)] == ["pre_sales"]


async def test_failing_out_of_one_track_exam_does_not_reject_while_another_can_certify(
    client, tiny_bank, make_round, make_blueprint, make_candidate
) -> None:
    round_ = await make_round()
    await make_blueprint(round_["id"], track="pre_sales", title="售前考试", attempts_allowed=1)
    await make_blueprint(round_["id"], track="after_sales", title="售后考试")
    who = await make_candidate(round_["id"], tracks=["pre_sales", "after_sales"])

    failed = await sit(client, who, tiny_bank, wrong=6, track="pre_sales")
    assert (failed["passed"], failed["attempts_left"], failed["application_status"]) == (False, 0, "exam")
    other = await started(client, who, track="after_sales")
    assert other["tracks"] == ["after_sales"]
    await answer_all(client, who, other, tiny_bank, wrong=6)
    assert (await submitted(client, who.headers, other["attempt_id"]))["application_status"] == "exam"  # 2 attempts
