"""Item statistics of a blueprint: each question's p-value and corrected item-total (point-biserial) correlation
over the submitted attempts, and the flags an author acts on. The expected numbers are computed here, by hand."""

from __future__ import annotations

import statistics
import uuid

import pytest
from sqlalchemy import event

from tests.conftest import assert_problem
from tests.exams.conftest import edit_question, question, saved, started, submitted

CODES = ("item-1", "item-2", "item-3", "item-4")

# Rows are attempts (one worker each), columns the four items: 1 answered rightly (A), 0 wrongly (B).
# item-1 everyone gets right (too easy, no variance); item-2 only the first (too hard); item-3 goes with the rest of
# the test (a good item); item-4 does not (weak discrimination).
PATTERNS = (
    (1, 1, 1, 0),
    (1, 0, 1, 1),
    (1, 0, 0, 1),
    (1, 0, 0, 0),
    (1, 0, 0, 0),
    (1, 0, 0, 0),
)
FLAGS = {"item-1": "too_easy", "item-2": "too_hard", "item-3": None, "item-4": "weak_discrimination"}


def corrected_item_total(column: int) -> float | None:
    item = [row[column] for row in PATTERNS]
    rest = [sum(row) - row[column] for row in PATTERNS]
    try:
        return statistics.correlation(item, rest)
    except statistics.StatisticsError:  # a constant column: no correlation
        return None


def stats_url(blueprint_id: str) -> str:
    return f"/api/admin/exams/{blueprint_id}/item-stats"


@pytest.fixture
async def four_items(add_question, bank) -> dict[str, str]:
    """Four single-choice platform-rules questions (A right); code -> question id."""
    for code in CODES:
        await add_question(question(code, "platform_rules", "single", "ABC", "A"))
    return {code: bank.by_code(code)["id"] for code in CODES}


@pytest.fixture
async def item_exam(four_items, make_exam):
    return await make_exam(per_category={"platform_rules": 4}, attempts_allowed=1)


async def sit_pattern(client, who, ids: dict[str, str], pattern: tuple[int, ...]) -> dict:
    attempt = await started(client, who)
    for code, right in zip(CODES, pattern, strict=True):
        await saved(client, who.headers, attempt["attempt_id"], ids[code], ["A"] if right else ["B"])
    return await submitted(client, who.headers, attempt["attempt_id"])


async def read_stats(client, headers, blueprint_id: str) -> dict:
    response = await client.get(stats_url(blueprint_id), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_p_values_correlations_and_flags(client, admin, four_items, item_exam, make_candidate) -> None:
    scores = []
    for pattern in PATTERNS:
        result = await sit_pattern(client, await make_candidate(item_exam.round_id), four_items, pattern)
        assert result["score"] == 25 * sum(pattern)
        scores.append(result["score"])
    await started(client, await make_candidate(item_exam.round_id))  # still active: not counted
    await edit_question(client, admin, four_items["item-4"], active=False)

    stats = await read_stats(client, admin, item_exam.blueprint_id)

    assert (stats["blueprint_id"], stats["attempts"]) == (item_exam.blueprint_id, len(PATTERNS))
    assert stats["mean_score"] == pytest.approx(statistics.mean(scores), abs=0.005)
    items = {i["question_id"]: i for i in stats["items"]}
    assert set(items) == set(four_items.values())
    for column, code in enumerate(CODES):
        item = items[four_items[code]]
        assert (item["code"], item["prompt"], item["category"], item["type"]) == (
            code,
            f"{code}：请选择正确的选项",
            "platform_rules",
            "single",
        )
        assert item["active"] is (code != "item-4")
        assert item["answered"] == len(PATTERNS)
        assert item["p_value"] == pytest.approx(statistics.mean(row[column] for row in PATTERNS), abs=0.005), code
        expected_r = corrected_item_total(column)
        if expected_r is None:
            assert item["point_biserial"] is None, item
        else:
            assert item["point_biserial"] == pytest.approx(expected_r, abs=0.005), code
        assert item["flag"] == FLAGS[code], item


def test_the_designed_patterns_mean_what_the_flags_say() -> None:
    """The hand-made data sits clear of every threshold, so the flags above cannot hinge on rounding."""
    p = [statistics.mean(row[c] for row in PATTERNS) for c in range(4)]
    r = [corrected_item_total(c) for c in range(4)]
    assert p[0] == 1 and r[0] is None
    assert p[1] == pytest.approx(1 / 6) and r[1] == pytest.approx(0.2)
    assert p[2] == pytest.approx(1 / 3) and r[2] == pytest.approx(0.7071, abs=1e-4)
    assert p[3] == pytest.approx(1 / 3) and r[3] == pytest.approx(0, abs=1e-9)


async def test_flags_wait_for_five_answers_and_correlation_for_two_attempts(
    client, admin, four_items, item_exam, make_candidate
) -> None:
    async def stats_after(sittings: int) -> dict[str, dict]:
        for _ in range(sittings):
            await sit_pattern(client, await make_candidate(item_exam.round_id), four_items, (1, 1, 0, 0))
        return {i["code"]: i for i in (await read_stats(client, admin, item_exam.blueprint_id))["items"]}

    one = await stats_after(1)
    assert {code: i["p_value"] for code, i in one.items()} == {"item-1": 1, "item-2": 1, "item-3": 0, "item-4": 0}
    assert all(i["point_biserial"] is None and i["flag"] is None and i["answered"] == 1 for i in one.values())
    four = await stats_after(3)
    assert all(i["answered"] == 4 and i["flag"] is None for i in four.values())
    five = await stats_after(1)
    assert {code: (i["answered"], i["flag"]) for code, i in five.items()} == {
        "item-1": (5, "too_easy"),
        "item-2": (5, "too_easy"),
        "item-3": (5, "too_hard"),
        "item-4": (5, "too_hard"),
    }
    assert all(i["point_biserial"] is None for i in five.values())  # every answer alike: no variance


async def test_item_stats_are_for_admins(client, admin, item_exam, worker) -> None:
    assert_problem(await client.get(stats_url(item_exam.blueprint_id), headers=worker.headers), 403)
    assert_problem(await client.get(stats_url(str(uuid.uuid4())), headers=admin), 404)


async def test_item_stats_read_only_the_exams_own_items_in_one_pass(
    client, app, admin, four_items, item_exam, make_exam, make_candidate
) -> None:
    """The sums are one statement that finds the exam's submitted attempts (with the total credit stored at grading)
    before it aggregates anything: another exam's attempts change neither the answer nor what is read."""
    for pattern in PATTERNS[:3]:
        await sit_pattern(client, await make_candidate(item_exam.round_id), four_items, pattern)
    engine = app.state.engine.sync_engine
    statements: list[tuple[str, object]] = []

    def seen(_conn, _cursor, statement, parameters, *_args) -> None:
        statements.append((statement, parameters))

    async def measured() -> dict:
        statements.clear()
        event.listen(engine, "before_cursor_execute", seen)
        try:
            return await read_stats(client, admin, item_exam.blueprint_id)
        finally:
            event.remove(engine, "before_cursor_execute", seen)

    alone = await measured()
    other = await make_exam(per_category={"platform_rules": 4}, attempts_allowed=1)
    for pattern in PATTERNS:
        await sit_pattern(client, await make_candidate(other.round_id), four_items, pattern)
    beside_another = await measured()
    assert beside_another == alone

    sums = [s for s, _p in statements if "sum(" in s.lower()]
    assert len(sums) == 1, statements
    sql = " ".join(sums[0].lower().split())
    assert sql.count("select") == 1 and sql.count("group by") == 1, sql  # no per-attempt sum taken again
    where = sql[sql.index(" where ") : sql.index(" group by ")]
    assert "exam_attempts.blueprint_id" in where and "exam_attempts.status" in where, sql
    assert len(statements) <= 5, [s for s, _p in statements]
    if engine.dialect.name == "sqlite":  # the planner's own account of what it reads: two index searches, no scan
        statement, parameters = next((s, p) for s, p in statements if "sum(" in s.lower())
        async with app.state.engine.connect() as conn:
            plan = (await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)).all()
        details = " | ".join(str(row[-1]) for row in plan)
        assert "ix_exam_attempts_stats" in details and "ix_exam_attempt_items_stats" in details, details
        assert "SCAN exam_attempt_items" not in details and "SCAN exam_attempts" not in details, details
