"""The typing test: a server-issued passage, timed and scored on the server's clock, with limited attempts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from recruitment.passages import PASSAGES
from recruitment.service import score_typing
from tests.conftest import assert_problem, make_settings
from tests.recruitment.conftest import (
    applied,
    compact,
    parse_time,
    read_application,
    start_typing,
    steps,
    submit_typing,
)


async def test_a_server_timed_passage_typed_perfectly_in_a_minute_scores_its_length(
    client, clock, make_round, new_worker
) -> None:
    worker = await new_worker()
    application = await applied(client, worker, (await make_round())["id"])
    response = await client.post(f"/api/applications/{application['id']}/typing-test", headers=worker.headers)
    assert response.status_code == 201, response.text
    test = response.json()
    assert test["passage"] in PASSAGES and test["time_limit_seconds"] == 300
    assert parse_time(test["started_at"]) == clock.now()
    assert parse_time(test["deadline"]) == clock.now() + timedelta(seconds=300)
    assert test["attempts_left"] == 2
    # calling again while the test runs hands back the same test and costs nothing
    clock.advance(seconds=100)
    again = await start_typing(client, worker, application["id"])
    assert again == test
    assert (await read_application(client, worker.headers, application["id"]))["typing_attempts_left"] == 2
    # a perfect minute: characters a minute are the passage's length, and the application moves on
    worker = await new_worker()
    application = await applied(client, worker, (await make_round())["id"])
    test = await start_typing(client, worker, application["id"])
    clock.advance(seconds=60)
    response = await submit_typing(client, worker, test["test_id"], test["passage"])
    assert response.status_code == 200, response.text
    assert response.json() == {
        "cpm": len(compact(test["passage"])),
        "accuracy": 100.0,
        "passed": True,
        "min_cpm": 40,
        "min_accuracy": 90,
        "application_status": "exam",  # the round requires no modules
        "attempts_left": 2,
    }
    full = await read_application(client, worker.headers, application["id"])
    assert steps(full)[-2:] == [("typing", "training", "system"), ("training", "exam", "system")]
    assert "Typing test passed" in full["timeline"][-2]["reason"]
    # a second submission of the same test, and a new test, are both refused
    assert_problem(await submit_typing(client, worker, test["test_id"], ""), 409, "test_id", "already_submitted")
    response = await client.post(f"/api/applications/{application['id']}/typing-test", headers=worker.headers)
    assert_problem(response, 409, "status", "not_typing")


async def test_speed_is_measured_on_the_server_clock_against_the_round_minimum(
    client, clock, make_round, new_worker
) -> None:
    round_ = await make_round()
    strict = await make_round(min_typing_cpm=600, min_typing_accuracy=100)
    # exactly 40 characters a minute passes the default minimum; 39 does not; 600 is out of reach
    for seconds_per_char, round_id, cpm, passed in (
        (60 / 40, round_["id"], 40, True),
        (60 / 39, round_["id"], 39, False),
        (60 / 75, strict["id"], None, False),
    ):
        worker = await new_worker()
        application = await applied(client, worker, round_id)
        test = await start_typing(client, worker, application["id"])
        length = len(compact(test["passage"]))
        clock.advance(seconds=length * seconds_per_char)
        result = (await submit_typing(client, worker, test["test_id"], test["passage"])).json()
        assert result["accuracy"] == 100.0 and result["passed"] is passed, result
        assert result["cpm"] == (cpm if cpm is not None else round(length * 60 / (length * seconds_per_char)))
        assert result["application_status"] == ("exam" if passed else "typing")
        assert result["attempts_left"] == 2
    assert (result["min_cpm"], result["min_accuracy"]) == (600, 100)


async def test_accuracy_comes_from_the_edit_distance(client, clock, make_round, new_worker) -> None:
    round_ = await make_round()
    for over_the_limit in (0, 1):
        worker = await new_worker()
        application = await applied(client, worker, round_["id"])
        test = await start_typing(client, worker, application["id"])
        passage = compact(test["passage"])
        wrong = len(passage) // 10 + over_the_limit  # at most 10 % wrong passes the 90 % minimum
        typed = "错" * wrong + passage[wrong:]
        assert all(a != b for a, b in zip(typed[:wrong], passage, strict=False))
        clock.advance(seconds=60)
        result = (await submit_typing(client, worker, test["test_id"], typed)).json()
        correct = len(passage) - wrong
        assert result["accuracy"] == round(10000 * correct / len(passage)) / 100
        assert result["cpm"] == correct  # only correct characters count towards speed
        assert result["passed"] is (over_the_limit == 0)


def test_scoring_ignores_whitespace_and_counts_skips_and_extras() -> None:
    passage = "亲，您好！欢迎光临本店。" * 5  # 60 characters
    assert score_typing(passage, passage, 60) == (60, 10000)
    assert score_typing(passage, " \n".join(passage), 60) == (60, 10000)
    assert score_typing(passage, passage[:30], 60) == (30, 5000)  # skipping half costs half
    assert score_typing(passage, passage + "多余的字" * 5, 60) == (40, 6667)
    assert score_typing(passage, "", 60) == (0, 0)
    assert score_typing(passage, passage, 30) == (120, 10000)
    assert score_typing(passage, passage, 0) == (3600, 10000)  # under a second counts as one second
    assert score_typing("", "anything", 60) == (0, 0)


async def test_the_deadline_is_inclusive_and_a_late_submission_uses_the_attempt(
    client, clock, make_round, new_worker
) -> None:
    round_ = await make_round(min_typing_cpm=10)
    on_time, late = await new_worker(), await new_worker()
    application = await applied(client, on_time, round_["id"])
    test = await start_typing(client, on_time, application["id"])
    clock.advance(seconds=300)
    result = (await submit_typing(client, on_time, test["test_id"], test["passage"])).json()
    assert result["passed"] and result["cpm"] == round(len(compact(test["passage"])) / 5)

    application = await applied(client, late, round_["id"])
    test = await start_typing(client, late, application["id"])
    clock.advance(seconds=301)
    response = await submit_typing(client, late, test["test_id"], test["passage"])
    assert_problem(response, 422, "test_id", "deadline")
    after = await read_application(client, late.headers, application["id"])
    assert (after["status"], after["typing_attempts_left"]) == ("typing", 2)
    assert_problem(await submit_typing(client, late, test["test_id"], test["passage"]), 409, "test_id")
    fresh = await start_typing(client, late, application["id"])
    assert fresh["test_id"] != test["test_id"] and fresh["attempts_left"] == 1


async def test_failed_and_abandoned_attempts_count_until_none_are_left(client, clock, make_round, new_worker) -> None:
    worker = await new_worker()
    application = await applied(client, worker, (await make_round(typing_attempts=2))["id"])
    first = await start_typing(client, worker, application["id"])
    clock.advance(seconds=60)
    result = (await submit_typing(client, worker, first["test_id"], "不会打字")).json()
    assert (result["passed"], result["application_status"], result["attempts_left"]) == (False, "typing", 1)
    second = await start_typing(client, worker, application["id"])
    assert second["attempts_left"] == 0
    clock.advance(seconds=60)
    result = (await submit_typing(client, worker, second["test_id"], "还是不会")).json()
    assert (result["passed"], result["application_status"], result["attempts_left"]) == (False, "rejected", 0)
    full = await read_application(client, worker.headers, application["id"])
    assert steps(full)[-1] == ("typing", "rejected", "system")
    assert "2 attempts" in full["status_reason"]
    response = await client.post(f"/api/applications/{application['id']}/typing-test", headers=worker.headers)
    assert_problem(response, 409, "status", "not_typing")
    # an abandoned test counts as a failed attempt
    # with attempts left, starting again after the deadline gives a new test
    keen, last_chance = await new_worker(), await new_worker()
    application = await applied(client, keen, (await make_round())["id"])
    first = await start_typing(client, keen, application["id"])
    clock.advance(minutes=10)
    second = await start_typing(client, keen, application["id"])
    assert second["test_id"] != first["test_id"] and second["attempts_left"] == 1
    assert_problem(await submit_typing(client, keen, first["test_id"], first["passage"]), 409)
    clock.advance(seconds=60)
    assert (await submit_typing(client, keen, second["test_id"], second["passage"])).json()["passed"]
    # on the last attempt, it rejects the application
    application = await applied(client, last_chance, (await make_round(typing_attempts=1))["id"])
    assert (await start_typing(client, last_chance, application["id"]))["attempts_left"] == 0
    clock.advance(minutes=10)
    response = await client.post(f"/api/applications/{application['id']}/typing-test", headers=last_chance.headers)
    assert_problem(response, 409, "status", "not_typing")
    assert (await read_application(client, last_chance.headers, application["id"]))["status"] == "rejected"


async def test_bad_submissions_and_other_people_are_refused(client, admin, clock, make_round, new_worker) -> None:
    worker = await new_worker()
    application = await applied(client, worker, (await make_round())["id"])
    test = await start_typing(client, worker, application["id"])
    clock.advance(seconds=60)
    too_long = await submit_typing(client, worker, test["test_id"], "字" * 5001)
    assert_problem(too_long, 422, "text", "length")
    missing = await client.post(f"/api/typing-tests/{test['test_id']}/submit", json={}, headers=worker.headers)
    assert_problem(missing, 422, "text", "required")
    at_limit = test["passage"] + "字" * (5000 - len(test["passage"]))
    response = await submit_typing(client, worker, test["test_id"], at_limit)
    assert response.status_code == 200, response.text
    # only the applicant takes their test
    owner, stranger = await new_worker(), await new_worker()
    application = await applied(client, owner, (await make_round())["id"])
    url = f"/api/applications/{application['id']}/typing-test"
    assert_problem(await client.post(url, headers=stranger.headers), 404, "application_id", "exists")
    assert_problem(await client.post(url, headers=admin), 403, "role", "role_required")
    assert_problem(await client.post(url), 401)
    test = await start_typing(client, owner, application["id"])
    assert_problem(await submit_typing(client, stranger, test["test_id"], test["passage"]), 404, "test_id", "exists")
    submit_as_admin = await client.post(
        f"/api/typing-tests/{test['test_id']}/submit", json={"text": test["passage"]}, headers=admin
    )
    assert_problem(submit_as_admin, 403, "role", "role_required")
    clock.advance(seconds=60)
    assert (await submit_typing(client, owner, test["test_id"], test["passage"])).json()["passed"]


async def test_a_last_test_submitted_after_withdrawing_counts_and_leaves_the_application_withdrawn(
    client, clock, make_round, new_worker
) -> None:
    round_ = await make_round(typing_attempts=1, min_typing_cpm=10)
    worker = await new_worker()
    application = await applied(client, worker, round_["id"])
    test = await start_typing(client, worker, application["id"])
    withdrawn = await client.post(
        f"/api/applications/{application['id']}/withdraw", json={"reason": "另有安排"}, headers=worker.headers
    )
    assert withdrawn.status_code == 200, withdrawn.text

    clock.advance(seconds=301)  # late: the attempt is used up, but there is nothing left to reject
    assert_problem(await submit_typing(client, worker, test["test_id"], test["passage"]), 422, "test_id", "deadline")
    after = await read_application(client, worker.headers, application["id"])
    assert (after["status"], after["typing_attempts_left"]) == ("withdrawn", 0)
    assert_problem(await submit_typing(client, worker, test["test_id"], test["passage"]), 409, "test_id")


# --- issue 15: speeds no person reaches -----------------------------------------------------------------------------


async def test_text_sent_faster_than_the_cap_is_a_failed_attempt_with_its_reason(
    client, clock, make_round, new_worker
) -> None:
    round_ = await make_round(typing_attempts=2)
    worker = await new_worker()
    application = await applied(client, worker, round_["id"])
    test = await start_typing(client, worker, application["id"])
    length = len(compact(test["passage"]))
    least = length * 60 / 300  # seconds the passage takes at the default cap of 300 a minute
    clock.advance(seconds=least - 1)
    response = await submit_typing(client, worker, test["test_id"], test["passage"])
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["passed"] is False and result["accuracy"] == 100.0 and result["attempts_left"] == 1
    assert result["failure_code"] == "too_fast"
    assert result["failure_params"]["max_cpm"] == 300 and result["failure_params"]["cpm"] > 300
    assert result["application_status"] == "typing"
    # a second submission of the same test is not scored again; a fresh one at exactly the cap passes
    assert (await submit_typing(client, worker, test["test_id"], test["passage"])).status_code == 409
    test = await start_typing(client, worker, application["id"])
    clock.advance(seconds=len(compact(test["passage"])) * 60 / 300)
    result = (await submit_typing(client, worker, test["test_id"], test["passage"])).json()
    assert result["passed"] is True and "failure_code" not in result, result


async def test_the_last_attempt_sent_at_once_rejects_the_application(client, clock, make_round, new_worker) -> None:
    round_ = await make_round(typing_attempts=1)
    worker = await new_worker()
    application = await applied(client, worker, round_["id"])
    test = await start_typing(client, worker, application["id"])
    clock.advance(seconds=0.01)  # the whole passage in a hundredth of a second
    result = (await submit_typing(client, worker, test["test_id"], test["passage"])).json()
    assert (result["passed"], result["failure_code"], result["application_status"]) == (False, "too_fast", "rejected")


class TestTheCapIsASetting:
    @pytest.fixture
    def settings(self, database_url, tmp_path):
        return make_settings(database_url, tmp_path, typing_max_cpm=150)

    async def test_a_lower_cap_fails_a_speed_the_default_allows(self, client, clock, make_round, new_worker) -> None:
        round_ = await make_round()
        worker = await new_worker()
        application = await applied(client, worker, round_["id"])
        test = await start_typing(client, worker, application["id"])
        clock.advance(seconds=len(compact(test["passage"])) * 60 / 200)  # 200 a minute: over a cap of 150
        result = (await submit_typing(client, worker, test["test_id"], test["passage"])).json()
        assert (result["passed"], result["failure_params"]["max_cpm"]) == (False, 150)
