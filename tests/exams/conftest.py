"""Shared exam fixtures: a tiny bank whose answers the tests know, rounds with a blueprint, candidates waiting for
the exam, and the steps of an attempt as one-line helpers (all through the HTTP API)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from tests.recruitment.conftest import (  # noqa: F401 - fixtures used by the exam tests
    Client,
    Headers,
    Worker,
    admin,
    in_exam,
    job_state,
    make_round,
    new_worker,
    parse_time,
    settings,
    worker,
)

QUESTIONS_URL = "/api/admin/questions"
BLUEPRINTS_URL = "/api/admin/exams"


# --- the bank --------------------------------------------------------------------------------------------------


def question(code: str, category: str, type_: str, keys: str, correct: str, **changes: Any) -> dict[str, Any]:
    """A question body whose options are `keys` (one letter each), the ones in `correct` right."""
    body: dict[str, Any] = {
        "code": code,
        "category": category,
        "type": type_,
        "difficulty": 2,
        "prompt": f"{code}：请选择正确的选项",
        "options": [{"key": k, "text": f"{code} 选项 {k}", "correct": k in correct} for k in keys],
        "explanation": f"{code} 的解析",
    }
    if type_ == "scenario":
        body["dialogue"] = [
            {"speaker": "buyer", "text": "你好，我的快递三天没动了。"},
            {"speaker": "agent", "text": "亲，我帮您查一下。"},
        ]
    body.update(changes)
    return body


# 3 platform_rules (single, A right), 1 multiple (A and C right), 1 true/false (T right), 1 scenario (A right)
TINY_BANK = (
    question("rules-1", "platform_rules", "single", "ABC", "A"),
    question("rules-2", "platform_rules", "single", "ABC", "A"),
    question("rules-3", "platform_rules", "single", "ABC", "A"),
    question("skills-multi", "service_skills", "multiple", "ABCD", "AC"),
    question("skills-tf", "service_skills", "true_false", "TF", "T"),
    question("scenario-1", "scenario", "scenario", "ABC", "A"),
)
TINY_PER_CATEGORY = {"platform_rules": 3, "service_skills": 2, "scenario": 1}


@dataclass
class Bank:
    """The questions created, by id: what is right, and one wrong choice for each."""

    questions: dict[str, dict[str, Any]] = field(default_factory=dict)

    def by_code(self, code: str) -> dict[str, Any]:
        return next(q for q in self.questions.values() if q["code"] == code)

    def correct(self, question_id: str) -> list[str]:
        return sorted(o["key"] for o in self.questions[question_id]["options"] if o["correct"])

    def wrong(self, question_id: str) -> list[str]:
        return [next(o["key"] for o in self.questions[question_id]["options"] if not o["correct"])]


AddQuestion = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def bank() -> Bank:
    return Bank()


@pytest.fixture
def add_question(client: Client, admin: Headers, bank: Bank) -> AddQuestion:  # noqa: F811
    """Creates a question from a body (see `question`) and records it in `bank`."""

    async def add(body: dict[str, Any]) -> dict[str, Any]:
        response = await client.post(QUESTIONS_URL, json=body, headers=admin)
        assert response.status_code == 201, response.text
        created = response.json()
        bank.questions[created["id"]] = created
        return created

    return add


@pytest.fixture
async def tiny_bank(add_question: AddQuestion, bank: Bank) -> Bank:
    for body in TINY_BANK:
        await add_question(body)
    return bank


async def edit_question(client: Client, admin: Headers, question_id: str, **changes: Any) -> dict[str, Any]:  # noqa: F811
    response = await client.patch(f"{QUESTIONS_URL}/{question_id}", json=changes, headers=admin)
    assert response.status_code == 200, response.text
    return response.json()


# --- rounds with an exam -----------------------------------------------------------------------------------------


def blueprint_body(round_id: str, **fields: Any) -> dict[str, Any]:
    """The tiny bank's whole exam: 6 questions, options in bank order, 30 minutes, 80 % to pass, 2 attempts a day
    apart, answers shown afterwards, no partial credit."""
    body: dict[str, Any] = {
        "title": "岗前认证考试",
        "round_id": round_id,
        "per_category": TINY_PER_CATEGORY,
        "shuffle_options": False,
        "time_limit_minutes": 30,
        "pass_mark": 80,
        "attempts_allowed": 2,
        "cooldown_hours": 24,
        "show_answers": True,
        "partial_credit": False,
    }
    body.update(fields)
    return body


MakeBlueprint = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def make_blueprint(client: Client, admin: Headers) -> MakeBlueprint:  # noqa: F811
    async def make(round_id: str, **fields: Any) -> dict[str, Any]:
        response = await client.post(BLUEPRINTS_URL, json=blueprint_body(round_id, **fields), headers=admin)
        assert response.status_code == 201, response.text
        return response.json()

    return make


@dataclass
class Exam:
    round_id: str
    blueprint: dict[str, Any]

    @property
    def blueprint_id(self) -> str:
        return self.blueprint["id"]


MakeExam = Callable[..., Awaitable[Exam]]


@pytest.fixture
def make_exam(make_round, make_blueprint: MakeBlueprint) -> MakeExam:  # noqa: F811
    """An open round (quota 10 unless told) with one blueprint for all its tracks, over the bank already made."""

    async def make(*, quota: int = 10, **blueprint_fields: Any) -> Exam:
        round_ = await make_round(quota=quota)
        return Exam(round_["id"], await make_blueprint(round_["id"], **blueprint_fields))

    return make


@pytest.fixture
async def exam(tiny_bank: Bank, make_exam: MakeExam) -> Exam:
    return await make_exam()


@dataclass
class Candidate:
    worker: Worker
    application_id: str

    @property
    def headers(self) -> Headers:
        return self.worker.headers


MakeCandidate = Callable[..., Awaitable[Candidate]]


@pytest.fixture
def make_candidate(client: Client, clock, new_worker) -> MakeCandidate:  # noqa: F811
    """A new worker whose application to the round waits for the exam (tracks ["pre_sales"] unless told)."""

    async def make(round_id: str, **fields: Any) -> Candidate:
        someone = await new_worker()
        return Candidate(someone, await in_exam(client, clock, someone, round_id, **fields))

    return make


@pytest.fixture
async def candidate(exam: Exam, make_candidate: MakeCandidate) -> Candidate:
    return await make_candidate(exam.round_id)


# --- the steps of an attempt -------------------------------------------------------------------------------------


def attempts_url(application_id: str) -> str:
    return f"/api/applications/{application_id}/exam-attempts"


def attempt_url(attempt_id: str) -> str:
    return f"/api/exam-attempts/{attempt_id}"


async def start(client: Client, who: Candidate, **body: Any) -> Any:
    """The raw response of `who` starting an attempt on their application (body only when given)."""
    kwargs: dict[str, Any] = {"json": body} if body else {}
    return await client.post(attempts_url(who.application_id), headers=who.headers, **kwargs)


async def started(client: Client, who: Candidate, **body: Any) -> dict[str, Any]:
    response = await start(client, who, **body)
    assert response.status_code == 201, response.text
    return response.json()


async def put_answer(client: Client, headers: Headers, attempt_id: str, question_id: str, choice_ids: Any) -> Any:
    return await client.put(
        f"{attempt_url(attempt_id)}/answers/{question_id}", json={"choice_ids": choice_ids}, headers=headers
    )


async def saved(client: Client, headers: Headers, attempt_id: str, question_id: str, choice_ids: Any) -> Any:
    response = await put_answer(client, headers, attempt_id, question_id, choice_ids)
    assert response.status_code == 200, response.text
    return response.json()


async def submit(client: Client, headers: Headers, attempt_id: str) -> Any:
    return await client.post(f"{attempt_url(attempt_id)}/submit", headers=headers)


async def submitted(client: Client, headers: Headers, attempt_id: str) -> dict[str, Any]:
    response = await submit(client, headers, attempt_id)
    assert response.status_code == 200, response.text
    return response.json()


async def read_attempt(client: Client, headers: Headers, attempt_id: str) -> dict[str, Any]:
    response = await client.get(attempt_url(attempt_id), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def exam_overview(client: Client, who: Candidate) -> dict[str, Any]:
    response = await client.get(attempts_url(who.application_id), headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def answer_all(client: Client, who: Candidate, attempt: dict[str, Any], bank: Bank, wrong: int = 0) -> None:
    """Answers every question of the attempt: the first `wrong` (by position) wrongly, the rest rightly."""
    for i, item in enumerate(sorted(attempt["questions"], key=lambda q: q["position"])):
        qid = item["question_id"]
        await saved(
            client, who.headers, attempt["attempt_id"], qid, bank.wrong(qid) if i < wrong else bank.correct(qid)
        )


async def sit(client: Client, who: Candidate, bank: Bank, wrong: int = 0, **body: Any) -> dict[str, Any]:
    """A whole attempt: start, answer (`wrong` of them wrongly), submit; returns the result."""
    attempt = await started(client, who, **body)
    await answer_all(client, who, attempt, bank, wrong)
    return await submitted(client, who.headers, attempt["attempt_id"])


def at(value: str | None) -> datetime:
    assert value is not None
    return parse_time(value)


def keys_in(value: Any) -> set[str]:
    """Every key of every object nested in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_in(v)}
    return set()
