"""Admin rounds: creating, validating, editing by status, opening and closing, and who may do it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.conftest import assert_problem, bearer, register, sign_in
from tests.recruitment.conftest import assert_rule, get_round, iso, parse_time, round_body

ROUTES = [
    ("POST", "/api/admin/rounds"),
    ("GET", "/api/admin/rounds"),
    ("GET", "/api/admin/rounds/{id}"),
    ("PATCH", "/api/admin/rounds/{id}"),
    ("POST", "/api/admin/rounds/{id}/open"),
    ("POST", "/api/admin/rounds/{id}/close"),
    ("GET", "/api/admin/rounds/{id}/applications"),
    ("GET", "/api/admin/rounds/{id}/applications.csv"),
    ("POST", "/api/admin/applications/{id}/reject"),
    ("POST", "/api/admin/applications/bulk"),
    ("POST", "/api/admin/training-modules"),
    ("GET", "/api/admin/training-modules"),
    ("PATCH", "/api/admin/training-modules/{id}"),
]


async def test_admin_creates_a_draft_round_with_the_documented_defaults_and_edge_values(
    client, admin, clock, make_module
) -> None:
    body = round_body(clock, title="  2026 春季客服招募  ")
    response = await client.post("/api/admin/rounds", json=body, headers=admin)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "draft" and created["title"] == "2026 春季客服招募"
    assert created["tracks"] == ["pre_sales", "after_sales"] and created["quota"] == 10
    assert (created["min_age"], created["min_typing_cpm"], created["min_typing_accuracy"]) == (18, 40, 90)
    assert (created["typing_attempts"], created["student_preferred"]) == (3, False)
    assert (created["training_module_ids"], created["certified_count"], created["description"]) == ([], 0, "")
    assert parse_time(created["opens_at"]) == parse_time(body["opens_at"])
    assert parse_time(created["closes_at"]) == parse_time(body["closes_at"])
    assert parse_time(created["created_at"]) == clock.now()
    assert await get_round(client, admin, created["id"]) == created
    # an offset is kept as the same instant
    shanghai_nine = round_body(clock, opens_at="2026-03-10T09:00:00+08:00")
    later = (await client.post("/api/admin/rounds", json=shanghai_nine, headers=admin)).json()
    assert parse_time(later["opens_at"]) == datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    # the edges of every range are accepted
    module = await make_module()
    for low_or_high in (
        {"title": "招", "quota": 1, "min_age": 16, "min_typing_cpm": 0, "min_typing_accuracy": 0, "typing_attempts": 1},
        {
            "title": "招" * 120,
            "quota": 100_000,
            "min_age": 100,
            "min_typing_cpm": 600,
            "min_typing_accuracy": 100,
            "typing_attempts": 10,
            "tracks": ["pre_sales", "after_sales", "complaints"],
            "student_preferred": True,
            "description": "说明" * 2500,
            "training_module_ids": [module["id"]],
        },
    ):
        response = await client.post("/api/admin/rounds", json=round_body(clock, **low_or_high), headers=admin)
        assert response.status_code == 201, response.text
        created = response.json()
        assert {k: created[k] for k in low_or_high} == low_or_high
    one_second = round_body(clock)
    one_second["closes_at"] = iso(parse_time(one_second["opens_at"]) + timedelta(seconds=1))
    assert (await client.post("/api/admin/rounds", json=one_second, headers=admin)).status_code == 201


async def test_rounds_are_listed_for_admins_by_status_and_for_workers_while_taking_applications(
    client, admin, clock, make_round, worker
) -> None:
    draft = await make_round(opened=False, title="草稿")
    opened = await make_round(title="开放")
    listed = (await client.get("/api/admin/rounds", headers=admin)).json()["items"]
    assert {r["id"] for r in listed} == {draft["id"], opened["id"]}
    drafts = (await client.get("/api/admin/rounds", params={"status": "draft"}, headers=admin)).json()["items"]
    assert [r["id"] for r in drafts] == [draft["id"]]
    opens = (await client.get("/api/admin/rounds", params={"status": "open"}, headers=admin)).json()["items"]
    assert [r["id"] for r in opens] == [opened["id"]]
    assert (await client.get("/api/admin/rounds", params={"status": "closed"}, headers=admin)).json()["items"] == []
    bad = await client.get("/api/admin/rounds", params={"status": "archived"}, headers=admin)
    assert_problem(bad, 422, "status", "one_of")
    missing = uuid.uuid4()
    assert_problem(await client.get(f"/api/admin/rounds/{missing}", headers=admin), 404, "round_id", "exists")
    assert_problem(await client.patch(f"/api/admin/rounds/{missing}", json={}, headers=admin), 404)
    assert_problem(await client.post(f"/api/admin/rounds/{missing}/open", headers=admin), 404)
    assert_problem(await client.post(f"/api/admin/rounds/{missing}/close", headers=admin), 404)
    # workers see the rounds taking applications right now
    taking = opened
    later = await make_round(
        title="未开始", opens_at=iso(clock.now() + timedelta(days=1)), closes_at=iso(clock.now() + timedelta(days=60))
    )
    closed = await make_round(title="已关闭")
    assert (await client.post(f"/api/admin/rounds/{closed['id']}/close", headers=admin)).status_code == 200
    listed = (await client.get("/api/rounds", headers=worker.headers)).json()["items"]
    assert [r["id"] for r in listed] == [taking["id"]]
    clock.advance(days=1)
    listed = (await client.get("/api/rounds", headers=worker.headers)).json()["items"]
    assert {r["id"] for r in listed} == {taking["id"], later["id"]}
    clock.advance(days=29)  # the first round closes exactly now: closing time is exclusive
    assert [r["id"] for r in (await client.get("/api/rounds", headers=worker.headers)).json()["items"]] == [later["id"]]
    assert_problem(await client.get("/api/rounds"), 401)


async def test_every_admin_route_refuses_other_roles_and_anonymous_callers(client, make_round) -> None:
    round_ = await make_round(opened=False)
    await register(client, "13900009999")
    await register(client, "seller@example.com", role="seller", shop_name="小白数码旗舰店")
    others = [bearer(await sign_in(client, "13900009999")), bearer(await sign_in(client, "seller@example.com"))]
    for method, template in ROUTES:
        url = template.format(id=round_["id"])
        body = {} if method in ("POST", "PATCH") else None
        for headers in others:
            response = await client.request(method, url, json=body, headers=headers)
            assert_problem(response, 403, "role", "role_required")
        assert_problem(await client.request(method, url, json=body), 401)


BAD_ROUNDS = [
    ({"title": ""}, "title", "length"),
    ({"title": "   "}, "title", "length"),
    ({"title": "招" * 121}, "title", "length"),
    ({"tracks": []}, "tracks", "length"),
    ({"tracks": ["pre_sales", "pre_sales"]}, "tracks", "unique"),
    ({"quota": 0}, "quota", "range"),
    ({"quota": 100_001}, "quota", "range"),
    ({"min_age": 15}, "min_age", "range"),
    ({"min_age": 101}, "min_age", "range"),
    ({"min_typing_cpm": -1}, "min_typing_cpm", "range"),
    ({"min_typing_cpm": 601}, "min_typing_cpm", "range"),
    ({"min_typing_accuracy": -1}, "min_typing_accuracy", "range"),
    ({"min_typing_accuracy": 101}, "min_typing_accuracy", "range"),
    ({"typing_attempts": 0}, "typing_attempts", "range"),
    ({"typing_attempts": 11}, "typing_attempts", "range"),
    ({"training_module_ids": [str(uuid.UUID(int=7))]}, "training_module_ids", "exists"),
    ({"training_module_ids": [str(uuid.UUID(int=7))] * 2}, "training_module_ids", "unique"),
    ({"quota": "ten"}, "quota", "type"),
    ({"student_preferred": "yes"}, "student_preferred", "type"),
    ({"opens_at": "2026-04-01T09:00:00"}, "opens_at", None),  # no timezone
    ({"closes_at": "2026-04-01T09:00:00"}, "closes_at", None),
    ({"colour": "red"}, None, None),  # unknown field, checked below
]


async def test_bad_rounds_name_the_field_and_rule_and_write_nothing(client, admin, clock) -> None:
    for changes, field, rule in BAD_ROUNDS:
        response = await client.post("/api/admin/rounds", json=round_body(clock, **changes), headers=admin)
        assert_problem(response, 422, field, rule)
    unknown = await client.post("/api/admin/rounds", json=round_body(clock, colour="red"), headers=admin)
    assert any(e["rule"] == "unknown_field" for e in unknown.json()["errors"]), unknown.text
    tracks = await client.post("/api/admin/rounds", json=round_body(clock, tracks=["sales"]), headers=admin)
    assert any(e["field"].startswith("tracks") and e["rule"] == "one_of" for e in tracks.json()["errors"])
    body = round_body(clock)
    del body["title"]
    missing = assert_problem(await client.post("/api/admin/rounds", json=body, headers=admin), 422)
    assert any(e["field"] == "title" and e["rule"] == "required" for e in missing["errors"]), missing
    same = round_body(clock)
    same["closes_at"] = same["opens_at"]
    assert_problem(await client.post("/api/admin/rounds", json=same, headers=admin), 422, "closes_at", "after_opens_at")
    before = round_body(clock, closes_at=iso(clock.now() - timedelta(days=1)))
    assert_problem(
        await client.post("/api/admin/rounds", json=before, headers=admin), 422, "closes_at", "after_opens_at"
    )
    assert (await client.get("/api/admin/rounds", headers=admin)).json()["items"] == []


async def test_a_draft_changes_freely_but_is_still_validated(client, admin, make_round, make_module) -> None:
    draft = await make_round(opened=False)
    url = f"/api/admin/rounds/{draft['id']}"
    assert_problem(await client.patch(url, json={"quota": 0}, headers=admin), 422, "quota", "range")
    assert_problem(await client.patch(url, json={"tracks": []}, headers=admin), 422, "tracks", "length")
    before_opening = iso(parse_time(draft["opens_at"]) - timedelta(minutes=1))
    assert_problem(
        await client.patch(url, json={"closes_at": before_opening}, headers=admin), 422, "closes_at", "after_opens_at"
    )
    assert_rule(await client.patch(url, json={"colour": "red"}, headers=admin), 422, "unknown_field")
    assert_problem(await client.patch(url, json={"opens_at": "2026-04-01T09:00:00"}, headers=admin), 422)
    assert await get_round(client, admin, draft["id"]) == draft

    module = await make_module()
    changes = {
        "title": "改过的标题",
        "tracks": ["complaints"],
        "min_age": 20,
        "min_typing_cpm": 50,
        "min_typing_accuracy": 95,
        "typing_attempts": 2,
        "quota": 3,
        "student_preferred": True,
        "training_module_ids": [module["id"]],
    }
    response = await client.patch(url, json=changes, headers=admin)
    assert response.status_code == 200, response.text
    assert {k: response.json()[k] for k in changes} == changes
    cleared = await client.patch(url, json={"training_module_ids": []}, headers=admin)
    assert cleared.json()["training_module_ids"] == []
    again = await get_round(client, admin, draft["id"])
    assert again["title"] == "改过的标题" and again["training_module_ids"] == []


async def test_an_open_round_changes_only_in_the_safe_fields(client, admin, clock, make_round, make_module) -> None:
    opened = await make_round()
    url = f"/api/admin/rounds/{opened['id']}"
    safe = {
        "title": "延长的招募",
        "description": "名额增加",
        "closes_at": iso(clock.now() + timedelta(days=60)),
        "quota": 20,
        "student_preferred": True,
    }
    response = await client.patch(url, json=safe, headers=admin)
    assert response.status_code == 200, response.text
    after = response.json()
    assert {k: after[k] for k in safe if k != "closes_at"} == {k: v for k, v in safe.items() if k != "closes_at"}
    assert parse_time(after["closes_at"]) == parse_time(safe["closes_at"])
    module = await make_module()
    for frozen in (
        {"tracks": ["complaints"]},
        {"opens_at": iso(clock.now())},
        {"min_age": 20},
        {"min_typing_cpm": 10},
        {"min_typing_accuracy": 50},
        {"typing_attempts": 5},
        {"training_module_ids": [module["id"]]},
        {"title": "可以改", "min_age": 20},
    ):
        field = next(k for k in frozen if k != "title")
        response = await client.patch(url, json=frozen, headers=admin)
        assert_problem(response, 409, field, "frozen_while_open")
    assert (await get_round(client, admin, opened["id"]))["title"] == "延长的招募"
    # an open round must keep closing in the future
    assert_problem(
        await client.patch(url, json={"closes_at": iso(clock.now())}, headers=admin), 422, "closes_at", "future"
    )
    soon = iso(clock.now() + timedelta(seconds=1))
    assert (await client.patch(url, json={"closes_at": soon}, headers=admin)).status_code == 200


async def test_open_and_close_follow_the_round_lifecycle(client, admin, clock, make_round) -> None:
    draft = await make_round(opened=False)
    base = f"/api/admin/rounds/{draft['id']}"
    assert_problem(await client.post(f"{base}/close", headers=admin), 409, "status", "not_open")
    opened = await client.post(f"{base}/open", headers=admin)
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    assert_problem(await client.post(f"{base}/open", headers=admin), 409, "status", "not_draft")
    closed = await client.post(f"{base}/close", headers=admin)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert_problem(await client.post(f"{base}/close", headers=admin), 409, "status", "not_open")
    assert_problem(await client.post(f"{base}/open", headers=admin), 409, "status", "not_draft")
    # a closed round changes only its quota (its waitlisted applicants may still get places)
    assert_problem(await client.patch(base, json={"title": "再开"}, headers=admin), 409, "status", "closed")
    assert_problem(await client.patch(base, json={"quota": 60, "min_age": 20}, headers=admin), 409, "status", "closed")
    raised = await client.patch(base, json={"quota": 60}, headers=admin)
    assert raised.status_code == 200 and raised.json()["quota"] == 60 and raised.json()["status"] == "closed"
    # a round whose closing time has passed cannot open
    late = await make_round(
        opened=False,
        opens_at=iso(clock.now() - timedelta(days=2)),
        closes_at=iso(clock.now()),
    )
    response = await client.post(f"/api/admin/rounds/{late['id']}/open", headers=admin)
    assert_problem(response, 422, "closes_at", "future")
    assert (await get_round(client, admin, late["id"]))["status"] == "draft"
    clock.advance(seconds=-1)
    assert (await client.post(f"/api/admin/rounds/{late['id']}/open", headers=admin)).status_code == 200


async def test_a_module_a_round_requires_cannot_be_retired(client, admin, make_round, make_module) -> None:
    """Retiring it would leave the round's trainees unable ever to finish; closed rounds no longer hold it."""
    module = await make_module()
    round_ = await make_round(training_module_ids=[module["id"]])
    url = f"/api/admin/training-modules/{module['id']}"
    assert_problem(await client.patch(url, json={"active": False}, headers=admin), 409, "active", "required_by_round")
    assert (await client.post(f"/api/admin/rounds/{round_['id']}/close", headers=admin)).status_code == 200
    retired = await client.patch(url, json={"active": False}, headers=admin)
    assert retired.status_code == 200 and retired.json()["active"] is False


async def test_a_draft_round_is_the_admins_alone(client, admin, make_round, worker) -> None:
    """A freelancer asking for a draft round gets 404, as for a round that does not exist; admins see it."""
    draft = await make_round(opened=False)
    assert_problem(await client.get(f"/api/rounds/{draft['id']}", headers=worker.headers), 404, "round_id", "exists")
    assert_problem(await client.get(f"/api/rounds/{uuid.uuid4()}", headers=worker.headers), 404, "round_id", "exists")
    assert (await client.get(f"/api/rounds/{draft['id']}", headers=admin)).json()["status"] == "draft"
    opened = await make_round()
    shown = await client.get(f"/api/rounds/{opened['id']}", headers=worker.headers)
    assert shown.status_code == 200 and shown.json()["id"] == opened["id"]


# --- issue 15: dates in a sane range, and no stored round breaks the list ------------------------------------------

OUT_OF_RANGE = [
    ("closes_at", "9999-12-31T23:59:59-14:00"),  # past what a datetime holds in UTC
    ("opens_at", "0001-01-01T00:00:00+14:00"),
    ("opens_at", "2019-12-31T23:59:59+00:00"),
    ("closes_at", None),  # two years and a day ahead, filled in below
]


async def test_round_dates_outside_2020_to_two_years_ahead_are_refused(client, admin, clock, make_round) -> None:
    for name, value in OUT_OF_RANGE:
        value = value or iso(clock.now() + timedelta(days=2 * 365 + 1))
        response = await client.post("/api/admin/rounds", json=round_body(clock, **{name: value}), headers=admin)
        body = assert_problem(response, 422, name, "range")
        assert "2020-01-01" in body["errors"][0]["message"]
    assert (await client.get("/api/admin/rounds", headers=admin)).json()["items"] == []
    edge = round_body(clock, closes_at=iso(clock.now() + timedelta(days=2 * 365)))
    assert (await client.post("/api/admin/rounds", json=edge, headers=admin)).status_code == 201
    draft = await make_round(opened=False)
    url = f"/api/admin/rounds/{draft['id']}"
    patched = await client.patch(url, json={"closes_at": "9999-12-31T23:59:59-14:00"}, headers=admin)
    assert_problem(patched, 422, "closes_at", "range")
