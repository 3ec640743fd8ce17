"""Exam attempts: drawing from the active bank, the server's clock, answers, submitting, grading, snapshots,
attempts and cool-down, one active attempt per person."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import event

from exams.demo import BANK_FILE
from tests.conftest import assert_problem
from tests.exams.conftest import (
    QUESTIONS_URL,
    TINY_BANK,
    answer_all,
    at,
    attempt_url,
    attempts_url,
    edit_question,
    exam_overview,
    keys_in,
    put_answer,
    question,
    read_attempt,
    saved,
    sit,
    start,
    started,
    submit,
    submitted,
)
from tests.recruitment.conftest import applied, concurrently, in_exam, read_application

QUESTION_FIELDS = {"question_id", "position", "category", "type", "prompt", "dialogue", "options", "choice_ids"}
ANSWER_LEAKS = {"correct", "correct_choice_ids", "explanation", "credit"}


def by_code(attempt, bank) -> dict[str, dict]:
    """The attempt's questions keyed by the bank code they were drawn from."""
    return {bank.questions[q["question_id"]]["code"]: q for q in attempt["questions"]}


def expected_score(credits: float, count: int = 6):
    """The percent of the points, rounded to two decimals."""
    return pytest.approx(round(100 * credits / count, 2), abs=1e-9)


def assert_no_answers_in(questions) -> None:
    for item in questions:
        assert set(item) >= QUESTION_FIELDS, item
        assert not keys_in(item) & ANSWER_LEAKS, item
        assert all(set(o) == {"id", "text"} for o in item["options"]), item


# --- starting: the draw ------------------------------------------------------------------------------------------


async def test_starting_draws_per_category_from_the_bank_without_answers(
    client, admin, clock, make_exam, make_candidate
) -> None:
    headers = {**admin, "content-type": "application/json"}
    report = await client.post(f"{QUESTIONS_URL}/import", content=BANK_FILE.read_bytes(), headers=headers)
    assert report.status_code == 200 and report.json()["rejected"] == [], report.text
    per_category = {"platform_rules": 5, "service_skills": 3, "scenario": 2}
    exam = await make_exam(per_category=per_category, shuffle_options=True, time_limit_minutes=45, attempts_allowed=3)
    who = await make_candidate(exam.round_id)

    attempt = await started(client, who)

    now = clock.now()
    assert (attempt["application_id"], attempt["blueprint_id"], attempt["title"]) == (
        who.application_id,
        exam.blueprint_id,
        "岗前认证考试",
    )
    assert (attempt["tracks"], attempt["number"], attempt["status"]) == (["pre_sales"], 1, "active")
    assert (attempt["time_limit_minutes"], attempt["attempts_allowed"], attempt["seconds_left"]) == (45, 3, 45 * 60)
    assert at(attempt["started_at"]) == now and at(attempt["now"]) == now
    assert at(attempt["deadline"]) == now + timedelta(minutes=45)
    questions = attempt["questions"]
    assert Counter(q["category"] for q in questions) == per_category
    assert len({q["question_id"] for q in questions}) == 10
    assert len({q["position"] for q in questions}) == 10
    assert_no_answers_in(questions)
    page = (await client.get(QUESTIONS_URL, params={"limit": 500}, headers=admin)).json()
    in_bank = {q["id"]: q for q in page["items"]}
    for item in questions:
        source = in_bank[item["question_id"]]
        assert source["active"] and (item["category"], item["type"]) == (source["category"], source["type"])
        assert item["prompt"] == source["prompt"] and item["dialogue"] == source["dialogue"]
        assert {o["id"]: o["text"] for o in item["options"]} == {o["key"]: o["text"] for o in source["options"]}
        assert item["choice_ids"] == []
        if item["type"] == "true_false":
            assert [o["id"] for o in item["options"]] == ["T", "F"]


async def test_unshuffled_options_keep_the_bank_order_and_an_active_attempt_shows_no_result(
    client, tiny_bank, candidate, exam
) -> None:
    attempt = await started(client, candidate)
    questions = by_code(attempt, tiny_bank)
    assert set(questions) == {body["code"] for body in TINY_BANK}
    for body in TINY_BANK:
        item = questions[body["code"]]
        assert [o["id"] for o in item["options"]] == [o["key"] for o in body["options"]]
        assert (item["category"], item["type"], item["prompt"]) == (body["category"], body["type"], body["prompt"])
        assert item["dialogue"] == body.get("dialogue", [])

    shown = await read_attempt(client, candidate.headers, attempt["attempt_id"])
    assert shown["questions"] == attempt["questions"]
    assert (shown["status"], shown["submitted_by"], shown["submitted_at"]) == ("active", None, None)
    assert (shown["score"], shown["passed"], shown["review"]) == (None, None, None)
    assert (shown["question_count"], shown["pass_mark"], shown["attempts_allowed"]) == (6, 80, 2)
    assert shown["application_status"] == "exam"
    assert_no_answers_in(shown["questions"])


async def test_options_are_shuffled_per_attempt(client, add_question, make_exam, make_candidate) -> None:
    await add_question(question("rules-six", "platform_rules", "single", "ABCDEF", "A"))
    await add_question(question("skills-tf", "service_skills", "true_false", "TF", "T"))
    exam = await make_exam(per_category={"platform_rules": 1, "service_skills": 1}, shuffle_options=True)
    orders = set()
    for _ in range(5):
        attempt = await started(client, await make_candidate(exam.round_id))
        for item in attempt["questions"]:
            ids = tuple(o["id"] for o in item["options"])
            if item["type"] == "true_false":
                assert ids == ("T", "F")
            else:
                assert sorted(ids) == list("ABCDEF")
                orders.add(ids)
    assert len(orders) > 1, orders


async def test_retired_questions_are_never_drawn(client, admin, tiny_bank, add_question, exam, make_candidate) -> None:
    retired = await add_question(question("rules-4", "platform_rules", "single", "ABC", "A"))
    await edit_question(client, admin, retired["id"], active=False)
    active_rules = {tiny_bank.by_code(f"rules-{n}")["id"] for n in (1, 2, 3)}
    for _ in range(3):
        attempt = await started(client, await make_candidate(exam.round_id))
        drawn = {q["question_id"] for q in attempt["questions"] if q["category"] == "platform_rules"}
        assert drawn == active_rules


async def test_a_bank_too_small_for_the_blueprint_refuses_to_start(client, admin, tiny_bank, candidate) -> None:
    rules_1 = tiny_bank.by_code("rules-1")["id"]
    await edit_question(client, admin, rules_1, active=False)
    assert_problem(await start(client, candidate), 409, "blueprint", "not_enough_questions")
    assert (await exam_overview(client, candidate))["attempts"] == []
    await edit_question(client, admin, rules_1, active=True)
    assert (await start(client, candidate)).status_code == 201


async def test_an_attempt_keeps_the_version_it_was_asked(client, admin, tiny_bank, exam, make_candidate) -> None:
    first = await make_candidate(exam.round_id)
    attempt = await started(client, first)
    original = tiny_bank.by_code("rules-1")
    await edit_question(
        client,
        admin,
        original["id"],
        prompt="新的题干：平台外联系方式",
        options=[
            {"key": "A", "text": "新选项 A", "correct": False},
            {"key": "B", "text": "新选项 B", "correct": True},
            {"key": "C", "text": "新选项 C", "correct": False},
        ],
        explanation="新的解析",
    )

    shown = by_code(await read_attempt(client, first.headers, attempt["attempt_id"]), tiny_bank)["rules-1"]
    assert shown["prompt"] == original["prompt"]
    assert {o["id"]: o["text"] for o in shown["options"]} == {o["key"]: o["text"] for o in original["options"]}
    await answer_all(client, first, attempt, tiny_bank)
    result = await submitted(client, first.headers, attempt["attempt_id"])
    assert (result["score"], result["correct_count"], result["passed"]) == (100, 6, True)
    review = {r["question_id"]: r for r in result["review"]}[original["id"]]
    assert (review["choice_ids"], review["correct_choice_ids"], review["credit"]) == (["A"], ["A"], 1)
    assert review["explanation"] == original["explanation"]

    later = await make_candidate(exam.round_id)
    fresh = await started(client, later)
    assert by_code(fresh, tiny_bank)["rules-1"]["prompt"] == "新的题干：平台外联系方式"
    await answer_all(client, later, fresh, tiny_bank)  # `tiny_bank` keeps version 1: its answer A is now wrong
    again = await submitted(client, later.headers, fresh["attempt_id"])
    assert (again["score"], again["correct_count"]) == (expected_score(5), 5)


# --- starting: who, when and which exam --------------------------------------------------------------------------


async def test_only_the_applicant_starts_and_only_at_the_exam_stage(
    client, admin, clock, tiny_bank, exam, candidate, new_worker, make_round
) -> None:
    stranger = await new_worker()
    response = await client.post(attempts_url(candidate.application_id), headers=stranger.headers)
    assert_problem(response, 404, "application_id", "exists")
    response = await client.post(attempts_url(str(uuid.uuid4())), headers=candidate.headers)
    assert_problem(response, 404, "application_id", "exists")

    still_typing = await applied(client, stranger, exam.round_id)
    response = await client.post(attempts_url(still_typing["id"]), headers=stranger.headers)
    assert_problem(response, 409, "status", "not_at_exam")

    no_exam = await make_round()
    late = await new_worker()
    application_id = await in_exam(client, clock, late, no_exam["id"])
    assert_problem(await client.post(attempts_url(application_id), headers=late.headers), 409, "blueprint", "missing")

    assert (await start(client, candidate)).status_code == 201


async def test_the_track_picks_the_blueprint(client, tiny_bank, make_round, make_blueprint, make_candidate) -> None:
    round_ = await make_round()
    pre = await make_blueprint(round_["id"], track="pre_sales", title="售前认证")
    after = await make_blueprint(round_["id"], track="after_sales", title="售后认证")

    both = await make_candidate(round_["id"], tracks=["pre_sales", "after_sales"])
    assert_problem(await start(client, both), 422, "track", "required")
    assert_problem(await start(client, both, track="complaints"), 422, "track", "one_of")
    attempt = await started(client, both, track="after_sales")
    assert (attempt["blueprint_id"], attempt["title"], attempt["tracks"]) == (after["id"], "售后认证", ["after_sales"])

    only_pre = await make_candidate(round_["id"])  # asked for pre_sales only: one blueprint applies
    assert_problem(await start(client, only_pre, track="after_sales"), 422, "track", "one_of")
    attempt = await started(client, only_pre)
    assert (attempt["blueprint_id"], attempt["tracks"]) == (pre["id"], ["pre_sales"])


async def test_a_round_wide_blueprint_covers_every_track_applied_for(client, tiny_bank, exam, make_candidate) -> None:
    both = await make_candidate(exam.round_id, tracks=["pre_sales", "after_sales"])
    response = await client.post(attempts_url(both.application_id), json={}, headers=both.headers)
    assert response.status_code == 201, response.text
    attempt = response.json()
    assert attempt["blueprint_id"] == exam.blueprint_id
    assert sorted(attempt["tracks"]) == ["after_sales", "pre_sales"]


async def test_one_active_attempt_per_person(client, clock, tiny_bank, exam, candidate, make_exam) -> None:
    first = await started(client, candidate)
    body = assert_problem(await start(client, candidate), 409, "attempt", "one_active")
    assert body["attempt_id"] == first["attempt_id"]

    other_round = await make_exam()  # the same person, another round's exam
    elsewhere = await in_exam(client, clock, candidate.worker, other_round.round_id)
    response = await client.post(attempts_url(elsewhere), headers=candidate.headers)
    body = assert_problem(response, 409, "attempt", "one_active")
    assert body["attempt_id"] == first["attempt_id"]

    await submitted(client, candidate.headers, first["attempt_id"])
    assert (await client.post(attempts_url(elsewhere), headers=candidate.headers)).status_code == 201


async def test_two_starts_at_once_make_one_attempt(client, tiny_bank, candidate) -> None:
    request = ("POST", attempts_url(candidate.application_id), {"headers": candidate.headers})
    responses = await concurrently(client, request, request)
    codes = Counter(r.status_code for r in responses)
    assert codes == {201: 1, 409: 1}, [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 201).json()
    loser = assert_problem(next(r for r in responses if r.status_code == 409), 409, "attempt", "one_active")
    assert loser["attempt_id"] == winner["attempt_id"]
    overview = await exam_overview(client, candidate)
    assert [a["attempt_id"] for a in overview["attempts"]] == [winner["attempt_id"]]


# --- answers -----------------------------------------------------------------------------------------------------


async def test_answers_are_saved_shown_back_replaced_and_cleared(client, clock, tiny_bank, candidate) -> None:
    attempt = await started(client, candidate)
    attempt_id, questions = attempt["attempt_id"], by_code(attempt, tiny_bank)
    clock.advance(minutes=10)
    answers = {"rules-1": ["B"], "rules-2": ["A"], "skills-multi": ["A", "C"], "skills-tf": ["F"], "scenario-1": ["C"]}
    for code, choice_ids in answers.items():
        out = await saved(client, candidate.headers, attempt_id, questions[code]["question_id"], choice_ids)
        assert (out["question_id"], out["choice_ids"]) == (questions[code]["question_id"], choice_ids)
        assert at(out["saved_at"]) == clock.now() and out["seconds_left"] == 20 * 60

    shown = await read_attempt(client, candidate.headers, attempt_id)
    assert {code: q["choice_ids"] for code, q in by_code(shown, tiny_bank).items()} == {**answers, "rules-3": []}
    assert shown["seconds_left"] == 20 * 60 and at(shown["now"]) == clock.now()

    await saved(client, candidate.headers, attempt_id, questions["rules-1"]["question_id"], ["A"])
    await saved(client, candidate.headers, attempt_id, questions["skills-multi"]["question_id"], [])
    shown = by_code(await read_attempt(client, candidate.headers, attempt_id), tiny_bank)
    assert (shown["rules-1"]["choice_ids"], shown["skills-multi"]["choice_ids"]) == (["A"], [])

    out = await saved(client, candidate.headers, attempt_id, questions["skills-multi"]["question_id"], ["D", "B"])
    shown = by_code(await read_attempt(client, candidate.headers, attempt_id), tiny_bank)
    assert sorted(out["choice_ids"]) == ["B", "D"] and shown["skills-multi"]["choice_ids"] == out["choice_ids"]


async def test_bad_answers_name_the_field_and_rule(client, tiny_bank, candidate, add_question) -> None:
    attempt = await started(client, candidate)
    attempt_id, questions = attempt["attempt_id"], by_code(attempt, tiny_bank)

    async def answer(code: str, choice_ids):
        return await put_answer(client, candidate.headers, attempt_id, questions[code]["question_id"], choice_ids)

    assert_problem(await answer("rules-1", ["Z"]), 422, "choice_ids", "one_of")
    assert_problem(await answer("skills-tf", ["A"]), 422, "choice_ids", "one_of")
    assert_problem(await answer("skills-multi", ["A", "A"]), 422, "choice_ids", "unique")
    assert_problem(await answer("rules-1", ["A", "B"]), 422, "choice_ids", "single_answer")
    assert_problem(await answer("skills-tf", ["T", "F"]), 422, "choice_ids", "single_answer")
    assert_problem(await answer("scenario-1", ["A", "B"]), 422, "choice_ids", "single_answer")
    # bounded in the schema: no question has more than six options
    assert_problem(await answer("skills-multi", list("ABCDEFG") * 1000), 422, "choice_ids", "length")
    for bad in ("A", None, 1, {"A": True}):
        response = await answer("rules-1", bad)
        assert response.status_code in (400, 422), response.text
        assert_problem(response, response.status_code)
    url = f"{attempt_url(attempt_id)}/answers/{questions['rules-1']['question_id']}"
    response = await client.put(url, json={}, headers=candidate.headers)
    assert response.status_code in (400, 422), response.text
    assert_problem(response, response.status_code)

    assert_problem(
        await put_answer(client, candidate.headers, attempt_id, str(uuid.uuid4()), ["A"]), 404, "question_id", "exists"
    )
    not_drawn = await add_question(question("rules-late", "platform_rules", "single", "ABC", "A"))
    assert_problem(
        await put_answer(client, candidate.headers, attempt_id, not_drawn["id"], ["A"]), 404, "question_id", "exists"
    )
    shown = await read_attempt(client, candidate.headers, attempt_id)
    assert all(q["choice_ids"] == [] for q in shown["questions"])


async def test_someone_elses_attempt_is_not_found_but_admins_may_read_it(
    client, admin, tiny_bank, candidate, new_worker
) -> None:
    attempt = await started(client, candidate)
    attempt_id, question_id = attempt["attempt_id"], attempt["questions"][0]["question_id"]
    stranger = (await new_worker()).headers
    assert_problem(await client.get(attempt_url(attempt_id), headers=stranger), 404, "attempt_id")
    assert_problem(await put_answer(client, stranger, attempt_id, question_id, ["A"]), 404, "attempt_id")
    assert_problem(await submit(client, stranger, attempt_id), 404, "attempt_id")
    assert_problem(await client.get(attempts_url(candidate.application_id), headers=stranger), 404)
    assert_problem(await client.get(attempt_url(str(uuid.uuid4())), headers=candidate.headers), 404, "attempt_id")
    assert_problem(await client.get(attempt_url(attempt_id)), 401)
    assert_problem(await client.post(attempts_url(candidate.application_id)), 401)

    seen_by_admin = await read_attempt(client, admin, attempt_id)
    assert (seen_by_admin["attempt_id"], seen_by_admin["status"]) == (attempt_id, "active")
    assert (await read_attempt(client, candidate.headers, attempt_id))["status"] == "active"


# --- the deadline ------------------------------------------------------------------------------------------------


async def test_an_answer_a_second_before_the_deadline_counts_and_at_it_is_refused(
    client, clock, tiny_bank, candidate
) -> None:
    attempt = await started(client, candidate)
    attempt_id, questions = attempt["attempt_id"], by_code(attempt, tiny_bank)
    deadline = at(attempt["deadline"])
    assert deadline == at(attempt["started_at"]) + timedelta(minutes=30)

    clock.set(deadline - timedelta(seconds=1))
    out = await saved(client, candidate.headers, attempt_id, questions["rules-1"]["question_id"], ["A"])
    assert out["seconds_left"] == 1

    clock.set(deadline)
    response = await put_answer(client, candidate.headers, attempt_id, questions["rules-2"]["question_id"], ["A"])
    assert_problem(response, 409, "deadline", "passed")
    result = await read_attempt(client, candidate.headers, attempt_id)
    assert (result["status"], result["submitted_by"], at(result["submitted_at"])) == ("submitted", "deadline", deadline)
    assert (result["score"], result["correct_count"], result["passed"], result["seconds_left"]) == (
        expected_score(1),
        1,
        False,
        0,
    )
    assert by_code(result, tiny_bank)["rules-2"]["choice_ids"] == []


async def test_reading_an_attempt_past_its_deadline_submits_it(client, clock, tiny_bank, candidate) -> None:
    attempt = await started(client, candidate)
    await answer_all(client, candidate, attempt, tiny_bank)
    clock.advance(minutes=45)
    result = await read_attempt(client, candidate.headers, attempt["attempt_id"])
    assert (result["status"], result["submitted_by"]) == ("submitted", "deadline")
    assert at(result["submitted_at"]) == at(attempt["deadline"]) and at(result["now"]) == clock.now()
    assert (result["score"], result["passed"], result["application_status"]) == (100, True, "certified")
    assert result["seconds_left"] == 0
    assert (await read_application(client, candidate.headers, candidate.application_id))["status"] == "certified"
    assert_problem(await start(client, candidate), 409, "blueprint", "already_passed")


async def test_submitting_after_the_deadline_is_the_deadlines_submission(client, clock, tiny_bank, candidate) -> None:
    attempt = await started(client, candidate)
    await answer_all(client, candidate, attempt, tiny_bank)
    clock.advance(hours=2)
    result = await submitted(client, candidate.headers, attempt["attempt_id"])
    assert (result["status"], result["submitted_by"], at(result["submitted_at"])) == (
        "submitted",
        "deadline",
        at(attempt["deadline"]),
    )
    assert (result["score"], result["passed"]) == (100, True)


async def test_reading_hands_nothing_in_and_the_settling_step_does_it_once(
    client, clock, session, tiny_bank, candidate
) -> None:
    """Reads are pure; the one step that writes before a read is explicit and idempotent."""
    from exams import service as exams
    from recruitment import service as recruitment

    attempt = await started(client, candidate)
    clock.advance(minutes=31)
    application = await recruitment.application_by_id(session, uuid.UUID(candidate.application_id))
    (standing,) = await exams.exam_standings(session, clock, application)
    assert standing.active is not None and str(standing.active.id) == attempt["attempt_id"]
    assert await exams.settle_overdue_attempts(session, clock, application.user_id) == 1
    assert await exams.settle_overdue_attempts(session, clock, application.user_id) == 0
    await session.commit()
    result = await read_attempt(client, candidate.headers, attempt["attempt_id"])
    assert (result["status"], result["submitted_by"]) == ("submitted", "deadline")


async def test_an_overdue_attempt_does_not_block_the_next_one(
    client, clock, tiny_bank, make_exam, make_candidate
) -> None:
    exam = await make_exam(attempts_allowed=3, cooldown_hours=0)
    who = await make_candidate(exam.round_id)
    first = await started(client, who)
    clock.advance(minutes=31)
    second = await started(client, who)
    assert second["number"] == 2
    earlier = await read_attempt(client, who.headers, first["attempt_id"])
    assert (earlier["status"], earlier["submitted_by"], earlier["score"]) == ("submitted", "deadline", 0)


async def test_an_overdue_failed_attempt_starts_its_cool_down_at_the_deadline(
    client, clock, tiny_bank, candidate
) -> None:
    first = await started(client, candidate)
    clock.advance(hours=1)
    body = assert_problem(await start(client, candidate), 409, "attempts", "cooldown")
    assert at(body["retry_at"]) == at(first["deadline"]) + timedelta(hours=24)


async def sweep(job_state) -> int:
    """One run of the overdue-attempts sweep, as the scheduler calls it: its own units of work, the app's clock."""
    from exams import service as exams

    return await exams.submit_overdue_attempts(job_state)


async def test_the_job_submits_overdue_attempts_once(client, clock, tiny_bank, candidate, job_state) -> None:
    attempt = await started(client, candidate)
    await answer_all(client, candidate, attempt, tiny_bank)
    clock.set(at(attempt["deadline"]) - timedelta(seconds=1))
    assert await sweep(job_state) == 0
    clock.advance(minutes=5)
    assert await sweep(job_state) == 1
    assert await sweep(job_state) == 0
    result = await read_attempt(client, candidate.headers, attempt["attempt_id"])
    assert (result["status"], result["submitted_by"], at(result["submitted_at"])) == (
        "submitted",
        "deadline",
        at(attempt["deadline"]),
    )
    assert (result["score"], result["passed"], result["application_status"]) == (100, True, "certified")


async def test_the_scheduler_runs_the_overdue_sweep(client, clock, tiny_bank, candidate, job_state) -> None:
    from gigplatform import jobs

    overdue_jobs = [j for j in jobs.JOBS if "attempt" in j.name or "exam" in j.name]
    assert len(overdue_jobs) == 1, [j.name for j in jobs.JOBS]
    attempt = await started(client, candidate)
    clock.advance(minutes=31)
    await jobs.run_job(overdue_jobs[0], job_state)
    assert await sweep(job_state) == 0  # the scheduled job already submitted it
    result = await read_attempt(client, candidate.headers, attempt["attempt_id"])
    assert (result["status"], result["submitted_by"], result["score"]) == ("submitted", "deadline", 0)


# --- submitting and grading --------------------------------------------------------------------------------------


async def test_submitting_returns_the_result_once(client, clock, tiny_bank, candidate) -> None:
    attempt = await started(client, candidate)
    attempt_id = attempt["attempt_id"]
    await answer_all(client, candidate, attempt, tiny_bank)
    clock.advance(minutes=7)
    result = await submitted(client, candidate.headers, attempt_id)
    assert result == await read_attempt(client, candidate.headers, attempt_id)
    assert (result["status"], result["submitted_by"], at(result["submitted_at"])) == (
        "submitted",
        "candidate",
        clock.now(),
    )
    assert (result["score"], result["correct_count"], result["question_count"], result["passed"]) == (100, 6, 6, True)
    assert result["attempts_left"] == 1 and result["next_attempt_at"] is None

    assert await submitted(client, candidate.headers, attempt_id) == result
    clock.advance(hours=1)
    again = await submitted(client, candidate.headers, attempt_id)
    assert {k: v for k, v in again.items() if k not in ("now", "seconds_left")} == {
        k: v for k, v in result.items() if k not in ("now", "seconds_left")
    }
    question_id = attempt["questions"][0]["question_id"]
    assert_problem(
        await put_answer(client, candidate.headers, attempt_id, question_id, ["B"]), 409, "status", "submitted"
    )
    overview = await exam_overview(client, candidate)
    assert overview["exams"][0]["attempts_used"] == 1 and len(overview["attempts"]) == 1


async def test_the_review_shows_what_was_right(client, tiny_bank, candidate) -> None:
    attempt = await started(client, candidate)
    questions = by_code(attempt, tiny_bank)
    chosen = {"rules-1": ["B"], "skills-multi": ["A", "C"], "skills-tf": ["T"]}  # rules-2, rules-3, scenario-1 blank
    for code, choice_ids in chosen.items():
        await saved(client, candidate.headers, attempt["attempt_id"], questions[code]["question_id"], choice_ids)
    result = await submitted(client, candidate.headers, attempt["attempt_id"])
    assert (result["score"], result["correct_count"], result["passed"]) == (expected_score(2), 2, False)
    review = {tiny_bank.questions[r["question_id"]]["code"]: r for r in result["review"]}
    assert set(review) == set(questions)
    for code, item in review.items():
        qid = item["question_id"]
        assert item["choice_ids"] == chosen.get(code, [])
        assert item["correct_choice_ids"] == tiny_bank.correct(qid)
        assert item["explanation"] == tiny_bank.questions[qid]["explanation"]
    assert {code: item["credit"] for code, item in review.items()} == {
        "rules-1": 0,
        "rules-2": 0,
        "rules-3": 0,
        "skills-multi": 1,
        "skills-tf": 1,
        "scenario-1": 0,
    }


async def test_no_review_when_the_blueprint_hides_answers(client, tiny_bank, make_exam, make_candidate) -> None:
    exam = await make_exam(show_answers=False)
    result = await sit(client, await make_candidate(exam.round_id), tiny_bank, wrong=1)
    assert (result["review"], result["score"], result["correct_count"]) == (None, expected_score(5), 5)
    assert not keys_in(result["questions"]) & ANSWER_LEAKS


@pytest.mark.parametrize(
    ("partial_credit", "choice_ids", "credit"),
    [
        (False, ["A", "C"], 1),
        (False, ["A"], 0),
        (False, ["A", "B", "C"], 0),
        (True, ["A", "C"], 1),
        (True, ["A"], 0.5),
        (True, ["C"], 0.5),
        (True, ["A", "B"], 0),
        (True, ["A", "B", "C"], 0),
        (True, ["B"], 0),
        (True, [], 0),
    ],
)
async def test_multiple_choice_credit(
    client, tiny_bank, make_exam, make_candidate, partial_credit, choice_ids, credit
) -> None:
    exam = await make_exam(partial_credit=partial_credit)
    who = await make_candidate(exam.round_id)
    attempt = await started(client, who)
    await answer_all(client, who, attempt, tiny_bank)
    multi = tiny_bank.by_code("skills-multi")["id"]
    await saved(client, who.headers, attempt["attempt_id"], multi, choice_ids)
    result = await submitted(client, who.headers, attempt["attempt_id"])
    assert {r["question_id"]: r["credit"] for r in result["review"]}[multi] == credit
    assert result["score"] == expected_score(5 + credit) and round(result["score"], 2) == result["score"]


@pytest.mark.parametrize(("pass_mark", "passed"), [(50, True), (51, False)])
async def test_a_score_equal_to_the_pass_mark_passes(
    client, tiny_bank, make_exam, make_candidate, pass_mark, passed
) -> None:
    exam = await make_exam(pass_mark=pass_mark)
    result = await sit(client, await make_candidate(exam.round_id), tiny_bank, wrong=3)
    assert (result["score"], result["passed"]) == (50, passed)


# --- attempts and cool-down --------------------------------------------------------------------------------------


async def test_attempts_and_cool_down(client, clock, tiny_bank, candidate) -> None:
    first = await sit(client, candidate, tiny_bank, wrong=2)
    assert (first["number"], first["score"], first["passed"], first["attempts_left"]) == (
        1,
        expected_score(4),
        False,
        1,
    )
    retry_at = at(first["submitted_at"]) + timedelta(hours=24)
    assert at(first["next_attempt_at"]) == retry_at and first["application_status"] == "exam"
    assert (await read_application(client, candidate.headers, candidate.application_id))["status"] == "exam"

    response = await start(client, candidate)
    body = assert_problem(response, 409, "attempts", "cooldown")
    assert at(body["retry_at"]) == retry_at and int(response.headers["Retry-After"]) == 24 * 3600
    clock.set(retry_at - timedelta(seconds=1))
    response = await start(client, candidate)
    assert_problem(response, 409, "attempts", "cooldown")
    assert int(response.headers["Retry-After"]) == 1
    clock.set(retry_at)

    second = await sit(client, candidate, tiny_bank, wrong=6)
    assert (second["number"], second["score"], second["passed"], second["attempts_left"]) == (2, 0, False, 0)
    assert (second["next_attempt_at"], second["application_status"]) == (None, "rejected")
    assert (await read_application(client, candidate.headers, candidate.application_id))["status"] == "rejected"
    clock.advance(hours=48)
    assert_problem(await start(client, candidate), 409, "attempts", "none_left")


async def test_no_cool_down_means_an_immediate_retry(client, tiny_bank, make_exam, make_candidate) -> None:
    exam = await make_exam(attempts_allowed=3, cooldown_hours=0)
    who = await make_candidate(exam.round_id)
    failed = await sit(client, who, tiny_bank, wrong=6)
    assert at(failed["next_attempt_at"]) == at(failed["submitted_at"]) and failed["attempts_left"] == 2
    passed = await sit(client, who, tiny_bank)
    assert (passed["number"], passed["passed"], passed["attempts_left"]) == (2, True, 1)
    assert (passed["next_attempt_at"], passed["application_status"]) == (None, "certified")
    assert_problem(await start(client, who), 409, "blueprint", "already_passed")


async def test_the_overview_of_an_applications_exams(client, clock, tiny_bank, exam, candidate) -> None:
    empty = await exam_overview(client, candidate)
    assert empty["attempts"] == []
    (summary,) = empty["exams"]
    assert (summary["blueprint_id"], summary["title"], summary["tracks"]) == (
        exam.blueprint_id,
        "岗前认证考试",
        ["pre_sales"],
    )
    assert (summary["attempts_allowed"], summary["attempts_used"], summary["best_score"]) == (2, 0, None)
    assert (summary["active_attempt_id"], summary["next_attempt_at"], summary["can_start"]) == (None, None, True)

    attempt = await started(client, candidate)
    (summary,) = (await exam_overview(client, candidate))["exams"]
    assert (summary["attempts_used"], summary["active_attempt_id"], summary["can_start"]) == (
        1,
        attempt["attempt_id"],
        False,
    )

    await saved(client, candidate.headers, attempt["attempt_id"], attempt["questions"][0]["question_id"], ["A"])
    result = await submitted(client, candidate.headers, attempt["attempt_id"])
    overview = await exam_overview(client, candidate)
    (summary,) = overview["exams"]
    assert (summary["attempts_used"], summary["passed"], summary["best_score"]) == (1, False, result["score"])
    assert (summary["active_attempt_id"], summary["can_start"]) == (None, False)
    assert at(summary["next_attempt_at"]) == at(result["next_attempt_at"])
    (listed,) = overview["attempts"]
    assert (listed["attempt_id"], listed["number"], listed["status"], listed["score"], listed["passed"]) == (
        attempt["attempt_id"],
        1,
        "submitted",
        result["score"],
        False,
    )
    assert at(listed["started_at"]) == at(attempt["started_at"]) and at(listed["submitted_at"]) == clock.now()

    clock.set(at(result["next_attempt_at"]))
    assert (await exam_overview(client, candidate))["exams"][0]["can_start"] is True


async def test_saving_an_answer_costs_two_statements(client, app, tiny_bank, candidate) -> None:
    """The hot path of every click: the locked attempt read with its question, then the answer's UPDATE."""
    attempt = await started(client, candidate)
    question_id = attempt["questions"][0]["question_id"]
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement.split(None, 1)[0].upper())

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        await saved(client, candidate.headers, attempt["attempt_id"], question_id, ["A"])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert statements == ["SELECT", "UPDATE"], statements


async def test_each_attempt_draws_its_own_questions_at_random(client, add_question, make_exam, make_candidate) -> None:
    """Two of six questions per attempt: eight attempts drawing the same two by chance has odds of 15^-7."""
    for n in range(6):
        await add_question(question(f"pool-{n}", "platform_rules", "single", "ABC", "A"))
    exam = await make_exam(per_category={"platform_rules": 2})
    draws = set()
    for _ in range(8):
        attempt = await started(client, await make_candidate(exam.round_id))
        draws.add(frozenset(q["question_id"] for q in attempt["questions"]))
    assert len(draws) > 1, draws
