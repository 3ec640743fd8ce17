"""Exam blueprints: questions per category within what the bank holds, the exam's settings in range, one per
round (or round and track)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from exams.demo import BANK_FILE
from tests.conftest import assert_problem, bearer, register, sign_in
from tests.exams.test_question_bank import admin  # noqa: F401 - the admin fixture

URL = "/api/admin/exams"


@pytest.fixture
async def stocked(client, admin) -> dict[str, str]:  # noqa: F811
    """The demo bank imported: 25 platform_rules, 18 service_skills, 14 scenario questions."""
    headers = {**admin, "content-type": "application/json"}
    report = await client.post("/api/admin/questions/import", content=BANK_FILE.read_bytes(), headers=headers)
    assert report.json()["rejected"] == []
    return admin


@pytest.fixture
async def round_id(client, stocked, clock) -> str:
    now = clock.now()
    created = await client.post(
        "/api/admin/rounds",
        headers=stocked,
        json={
            "title": "2026 春季招募",
            "tracks": ["pre_sales", "after_sales"],
            "quota": 10,
            "opens_at": now.isoformat(),
            "closes_at": (now + timedelta(days=30)).isoformat(),
        },
    )
    return created.json()["id"]


def blueprint(**changes: Any) -> dict[str, Any]:
    return {
        "title": "岗前认证考试",
        "per_category": {"platform_rules": 10, "service_skills": 6, "scenario": 4},
        **changes,
    }


async def test_a_blueprint_with_defaults(client, stocked, round_id) -> None:
    created = await client.post(URL, json=blueprint(round_id=round_id), headers=stocked)
    assert created.status_code == 201, created.text
    out = created.json()
    assert out["question_count"] == 20 and out["round_id"] == round_id and out["track"] is None
    assert (out["time_limit_minutes"], out["pass_mark"], out["attempts_allowed"], out["cooldown_hours"]) == (
        30,
        80,
        3,
        24,
    )
    assert (out["shuffle_options"], out["show_answers"], out["partial_credit"]) == (True, False, False)
    assert (await client.get(f"{URL}/{out['id']}", headers=stocked)).json() == out
    listed = (await client.get(URL, params={"round_id": round_id}, headers=stocked)).json()["items"]
    assert [b["id"] for b in listed] == [out["id"]]


async def test_one_per_round_and_track(client, stocked, round_id) -> None:
    assert (await client.post(URL, json=blueprint(round_id=round_id), headers=stocked)).status_code == 201
    assert_problem(
        await client.post(URL, json=blueprint(round_id=round_id), headers=stocked), 409, "round_id", "unique"
    )
    for track in ("pre_sales", "after_sales"):
        response = await client.post(URL, json=blueprint(round_id=round_id, track=track), headers=stocked)
        assert response.status_code == 201, response.text
    assert_problem(
        await client.post(URL, json=blueprint(round_id=round_id, track="pre_sales"), headers=stocked),
        409,
        "round_id",
        "unique",
    )
    assert_problem(
        await client.post(URL, json=blueprint(round_id=round_id, track="complaints"), headers=stocked),
        422,
        "track",
        "offered",
    )
    assert_problem(
        await client.post(URL, json=blueprint(track="pre_sales"), headers=stocked), 422, "round_id", "required"
    )
    assert_problem(
        await client.post(URL, json=blueprint(round_id=str(uuid.uuid4())), headers=stocked), 404, "round_id", "exists"
    )


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"title": " "}, "title", "length"),
        ({"per_category": {"platform_rules": 0}}, "per_category", "not_empty"),
        ({"per_category": {"platform_rules": -1, "scenario": 2}}, "per_category", "range"),
        ({"per_category": {"platform_rules": 26}}, "per_category", "not_enough_questions"),
        ({"per_category": {"trivia": 2}}, "per_category", "one_of"),
        ({"time_limit_minutes": 0}, "time_limit_minutes", "range"),
        ({"time_limit_minutes": 241}, "time_limit_minutes", "range"),
        ({"pass_mark": 0}, "pass_mark", "range"),
        ({"pass_mark": 101}, "pass_mark", "range"),
        ({"attempts_allowed": 0}, "attempts_allowed", "range"),
        ({"attempts_allowed": 11}, "attempts_allowed", "range"),
        ({"cooldown_hours": -1}, "cooldown_hours", "range"),
        ({"cooldown_hours": 721}, "cooldown_hours", "range"),
        ({"colour": "red"}, "colour", "unknown_field"),
    ],
)
async def test_bad_blueprints_name_field_and_rule(client, stocked, changes, field, rule) -> None:
    assert_problem(await client.post(URL, json=blueprint(**changes), headers=stocked), 422, field, rule)
    assert (await client.get(URL, headers=stocked)).json()["items"] == []


async def test_edges_are_accepted(client, stocked) -> None:
    edges = blueprint(
        per_category={"platform_rules": 25, "scenario": 14},
        time_limit_minutes=240,
        pass_mark=100,
        attempts_allowed=10,
        cooldown_hours=0,
    )
    assert (await client.post(URL, json=edges, headers=stocked)).status_code == 201
    least = blueprint(
        per_category={"service_skills": 1}, time_limit_minutes=1, pass_mark=1, attempts_allowed=1, cooldown_hours=720
    )
    assert (await client.post(URL, json=least, headers=stocked)).status_code == 201


async def test_retired_questions_do_not_count_as_available(client, stocked) -> None:
    page = (
        await client.get("/api/admin/questions", params={"category": "scenario", "limit": 500}, headers=stocked)
    ).json()
    await client.patch(f"/api/admin/questions/{page['items'][0]['id']}", json={"active": False}, headers=stocked)
    too_many = blueprint(per_category={"scenario": page["total"]})
    assert_problem(await client.post(URL, json=too_many, headers=stocked), 422, "per_category", "not_enough_questions")
    fits = blueprint(per_category={"scenario": page["total"] - 1})
    assert (await client.post(URL, json=fits, headers=stocked)).status_code == 201


async def test_editing_a_blueprint(client, stocked, round_id) -> None:
    created = (await client.post(URL, json=blueprint(round_id=round_id), headers=stocked)).json()
    url = f"{URL}/{created['id']}"
    edited = (await client.patch(url, json={"pass_mark": 90, "show_answers": True}, headers=stocked)).json()
    assert (edited["pass_mark"], edited["show_answers"], edited["question_count"]) == (90, True, 20)
    assert_problem(await client.patch(url, json={"pass_mark": 0}, headers=stocked), 422, "pass_mark", "range")
    assert_problem(
        await client.patch(url, json={"round_id": round_id}, headers=stocked), 422, "round_id", "unknown_field"
    )
    assert (await client.get(url, headers=stocked)).json()["pass_mark"] == 90
    assert_problem(await client.get(f"{URL}/{uuid.uuid4()}", headers=stocked), 404, "blueprint_id", "exists")


async def test_only_admins_keep_blueprints(client, stocked) -> None:
    await register(client, "13912345678")
    worker = bearer(await sign_in(client, "13912345678"))
    assert_problem(await client.get(URL, headers=worker), 403, "role", "role_required")
    assert_problem(await client.post(URL, json=blueprint(), headers=worker), 403)
