"""Training modules: the admin's catalogue, the reading clock kept by the server, safe rendering, and the exam
unlocking once every module the round requires is completed.
"""

from __future__ import annotations

import uuid

from tests.conftest import assert_problem
from tests.recruitment.conftest import (
    applied,
    assert_rule,
    parse_time,
    pass_typing,
    read_application,
    round_body,
    steps,
)


async def test_admin_creates_lists_and_edits_modules(client, admin, clock, make_module) -> None:
    body = {"title": "  售后流程  ", "body_markdown": "## 退换货\n\n七天无理由。", "min_reading_seconds": 300}
    response = await client.post("/api/admin/training-modules", json=body, headers=admin)
    assert response.status_code == 201, response.text
    module = response.json()
    assert (module["title"], module["min_reading_seconds"], module["active"]) == ("售后流程", 300, True)
    assert parse_time(module["created_at"]) == clock.now()
    listed = (await client.get("/api/admin/training-modules", headers=admin)).json()["items"]
    assert [m["id"] for m in listed] == [module["id"]]
    clock.advance(minutes=5)
    patched = await client.patch(
        f"/api/admin/training-modules/{module['id']}",
        json={"title": "售后流程（新）", "min_reading_seconds": 0, "active": False},
        headers=admin,
    )
    assert patched.status_code == 200, patched.text
    after = patched.json()
    assert (after["title"], after["min_reading_seconds"], after["active"]) == ("售后流程（新）", 0, False)
    assert after["body_markdown"] == body["body_markdown"] and parse_time(after["updated_at"]) == clock.now()
    # an inactive module is still the admin's to see and edit
    listed = (await client.get("/api/admin/training-modules", headers=admin)).json()["items"]
    assert listed[0]["active"] is False
    low = await make_module(title="训", body_markdown="字", min_reading_seconds=0)
    high = await make_module(title="训" * 120, body_markdown="字" * 100_000, min_reading_seconds=7200)
    assert (low["min_reading_seconds"], high["min_reading_seconds"]) == (0, 7200)
    unknown = await client.post(
        "/api/admin/training-modules",
        json={"title": "t", "body_markdown": "b", "min_reading_seconds": 1, "colour": "red"},
        headers=admin,
    )
    assert_rule(unknown, 422, "unknown_field")
    missing = await client.post("/api/admin/training-modules", json={"title": "t", "body_markdown": "b"}, headers=admin)
    assert_problem(missing, 422, "min_reading_seconds", "required")
    response = await client.patch(f"/api/admin/training-modules/{uuid.uuid4()}", json={"title": "x"}, headers=admin)
    assert_problem(response, 404, "module_id", "exists")


BAD_MODULES = [
    ({"title": ""}, "title", "length"),
    ({"title": "  "}, "title", "length"),
    ({"title": "训" * 121}, "title", "length"),
    ({"body_markdown": ""}, "body_markdown", "length"),
    ({"body_markdown": "字" * 100_001}, "body_markdown", "length"),
    ({"min_reading_seconds": -1}, "min_reading_seconds", "range"),
    ({"min_reading_seconds": 7201}, "min_reading_seconds", "range"),
    ({"min_reading_seconds": "ten"}, "min_reading_seconds", "type"),
    ({"active": "no"}, "active", "type"),
]


async def test_bad_modules_name_the_field_and_rule(client, admin, make_module) -> None:
    for changes, field, rule in BAD_MODULES:
        body = {"title": "服务规范", "body_markdown": "内容", "min_reading_seconds": 60, **changes}
        assert_problem(await client.post("/api/admin/training-modules", json=body, headers=admin), 422, field, rule)
    assert (await client.get("/api/admin/training-modules", headers=admin)).json()["items"] == []
    module = await make_module()
    for changes, field, rule in BAD_MODULES:
        patch = await client.patch(f"/api/admin/training-modules/{module['id']}", json=changes, headers=admin)
        assert_problem(patch, 422, field, rule)
    assert (await client.get("/api/admin/training-modules", headers=admin)).json()["items"] == [module]


async def _in_training(client, clock, make_round, worker, module_ids):
    round_ = await make_round(training_module_ids=module_ids)
    application = await applied(client, worker, round_["id"])
    result = await pass_typing(client, clock, worker, application["id"])
    assert result["application_status"] == "training"
    return application["id"]


async def test_reading_every_module_unlocks_the_exam(client, clock, make_round, make_module, worker) -> None:
    first = await make_module(title="第一课", min_reading_seconds=120)
    second = await make_module(title="第二课", min_reading_seconds=60)
    application_id = await _in_training(client, clock, make_round, worker, [first["id"], second["id"]])

    listed = (await client.get("/api/training/modules", headers=worker.headers)).json()["items"]
    assert [(m["id"], m["started_at"], m["completed_at"], m["seconds_left"]) for m in listed] == [
        (first["id"], None, None, 120),
        (second["id"], None, None, 60),
    ]
    assert all(m["body_html"] is None for m in listed)

    complete = f"/api/training/modules/{first['id']}/complete"
    assert_problem(await client.post(complete, headers=worker.headers), 422, "module_id", "not_started")

    opened = await client.get(f"/api/training/modules/{first['id']}", headers=worker.headers)
    assert opened.status_code == 200, opened.text
    assert parse_time(opened.json()["started_at"]) == clock.now() and opened.json()["seconds_left"] == 120
    assert "<h1>" in opened.json()["body_html"]
    assert_problem(await client.post(complete, headers=worker.headers), 422, "module_id", "min_reading_time")
    clock.advance(seconds=119)
    # opening again does not restart the clock
    reopened = (await client.get(f"/api/training/modules/{first['id']}", headers=worker.headers)).json()
    assert (reopened["started_at"], reopened["seconds_left"]) == (opened.json()["started_at"], 1)
    assert_problem(await client.post(complete, headers=worker.headers), 422, "module_id", "min_reading_time")
    clock.advance(seconds=1)
    done = await client.post(complete, headers=worker.headers)
    assert done.status_code == 200, done.text
    assert done.json()["applications_unlocked"] == []
    assert parse_time(done.json()["module"]["completed_at"]) == clock.now()
    assert (await read_application(client, worker.headers, application_id))["status"] == "training"

    await client.get(f"/api/training/modules/{second['id']}", headers=worker.headers)
    clock.advance(seconds=60)
    last = (await client.post(f"/api/training/modules/{second['id']}/complete", headers=worker.headers)).json()
    assert last["applications_unlocked"] == [application_id]
    full = await read_application(client, worker.headers, application_id)
    assert full["status"] == "exam"
    assert steps(full)[-1] == ("training", "exam", "system")
    assert "training" in full["timeline"][-1]["reason"]
    # completing again changes nothing and unlocks nothing
    again = (await client.post(f"/api/training/modules/{second['id']}/complete", headers=worker.headers)).json()
    assert again["applications_unlocked"] == []
    assert parse_time(again["module"]["completed_at"]) == clock.now()


async def test_modules_read_early_or_without_reading_time_unlock_the_exam_at_once(
    client, clock, make_round, make_module, new_worker
) -> None:
    worker = await new_worker()
    module = await make_module(min_reading_seconds=30)
    round_ = await make_round(training_module_ids=[module["id"]])
    application = await applied(client, worker, round_["id"])
    listed = (await client.get("/api/training/modules", headers=worker.headers)).json()["items"]
    assert [m["id"] for m in listed] == [module["id"]]
    await client.get(f"/api/training/modules/{module['id']}", headers=worker.headers)
    clock.advance(seconds=30)
    done = (await client.post(f"/api/training/modules/{module['id']}/complete", headers=worker.headers)).json()
    assert done["applications_unlocked"] == []  # still typing
    result = await pass_typing(client, clock, worker, application["id"])
    assert result["application_status"] == "exam"
    # a module without reading time completes as soon as it is opened
    worker = await new_worker()
    module = await make_module(min_reading_seconds=0)
    application_id = await _in_training(client, clock, make_round, worker, [module["id"]])
    listed = (await client.get("/api/training/modules", headers=worker.headers)).json()["items"]
    assert listed[0]["seconds_left"] == 0
    await client.get(f"/api/training/modules/{module['id']}", headers=worker.headers)
    done = (await client.post(f"/api/training/modules/{module['id']}/complete", headers=worker.headers)).json()
    assert done["applications_unlocked"] == [application_id]


async def test_module_bodies_are_rendered_without_script(client, make_module, worker) -> None:
    module = await make_module(
        body_markdown=(
            "# 规范\n\n**加粗** 与 [帮助](https://example.com/help)\n\n"
            '<script>alert("x")</script>\n\n<img src=x onerror=alert(1)>\n\n'
            "[点我](javascript:alert(1)) [再点](JAVASCRIPT:alert(2)) [数据](data:text/html;base64,PHNjcmlwdD4=)\n"
        )
    )
    html = (await client.get(f"/api/training/modules/{module['id']}", headers=worker.headers)).json()["body_html"]
    assert "<strong>加粗</strong>" in html and '<a href="https://example.com/help">帮助</a>' in html
    assert "<script" not in html.lower() and "&lt;script&gt;" in html
    assert "<img" not in html.lower() and "&lt;img" in html
    assert 'href="javascript:' not in html.lower() and 'href="data:' not in html.lower()


async def test_inactive_modules_cannot_be_read_or_required_and_admins_do_not_read(
    client, admin, clock, make_module, worker
) -> None:
    module = await make_module()
    await client.patch(f"/api/admin/training-modules/{module['id']}", json={"active": False}, headers=admin)
    for url in (f"/api/training/modules/{module['id']}", f"/api/training/modules/{uuid.uuid4()}"):
        assert_problem(await client.get(url, headers=worker.headers), 404, "module_id", "exists")
        assert_problem(await client.post(f"{url}/complete", headers=worker.headers), 404, "module_id", "exists")
    response = await client.post(
        "/api/admin/rounds", json=round_body(clock, training_module_ids=[module["id"]]), headers=admin
    )
    assert_problem(response, 422, "training_module_ids", "exists")
    # the reading routes are for workers
    for method, url in (
        ("GET", "/api/training/modules"),
        ("GET", f"/api/training/modules/{module['id']}"),
        ("POST", f"/api/training/modules/{module['id']}/complete"),
    ):
        assert_problem(await client.request(method, url, headers=admin), 403, "role", "role_required")
        assert_problem(await client.request(method, url), 401)


async def test_the_list_shows_only_modules_of_applications_still_in_the_pipeline(
    client, admin, clock, make_round, make_module, worker
) -> None:
    shared, extra = await make_module(title="共同"), await make_module(title="额外")
    first = await make_round(title="一", training_module_ids=[shared["id"], extra["id"]])
    second = await make_round(title="二", training_module_ids=[extra["id"], shared["id"]])
    await make_module(title="无关")
    assert (await client.get("/api/training/modules", headers=worker.headers)).json()["items"] == []
    one = await applied(client, worker, first["id"])
    await applied(client, worker, second["id"])
    listed = (await client.get("/api/training/modules", headers=worker.headers)).json()["items"]
    assert sorted(m["id"] for m in listed) == sorted([shared["id"], extra["id"]])  # each once
    await client.post(f"/api/admin/applications/{one['id']}/reject", json={"reason": "名额已满"}, headers=admin)
    listed = (await client.get("/api/training/modules", headers=worker.headers)).json()["items"]
    assert [m["id"] for m in listed] == [extra["id"], shared["id"]]  # the remaining round's order


# --- issue 15: reading time is counted once, one module at a time ---------------------------------------------------


async def test_modules_opened_in_many_tabs_read_one_at_a_time(client, clock, make_round, make_module, worker) -> None:
    modules = [await make_module(title=f"第{n}课", min_reading_seconds=60) for n in range(3)]
    application_id = await _in_training(client, clock, make_round, worker, [m["id"] for m in modules])
    for module in modules:  # every module opened in its own tab at once
        await client.get(f"/api/training/modules/{module['id']}", headers=worker.headers)
    clock.advance(seconds=60)
    listed = {
        m["id"]: m["seconds_left"]
        for m in (await client.get("/api/training/modules", headers=worker.headers)).json()["items"]
    }
    assert listed == {modules[0]["id"]: 60, modules[1]["id"]: 60, modules[2]["id"]: 0}  # only the last tab read
    for module in modules[:2]:
        url = f"/api/training/modules/{module['id']}/complete"
        assert_problem(await client.post(url, headers=worker.headers), 422, "module_id", "min_reading_time")
    assert (
        await client.post(f"/api/training/modules/{modules[2]['id']}/complete", headers=worker.headers)
    ).status_code == 200
    assert (await read_application(client, worker.headers, application_id))["status"] == "training"


async def test_switching_back_and_forth_keeps_the_time_read(client, clock, make_round, make_module, worker) -> None:
    first = await make_module(min_reading_seconds=60)
    second = await make_module(min_reading_seconds=30)
    application_id = await _in_training(client, clock, make_round, worker, [first["id"], second["id"]])

    async def open_(module) -> dict:
        return (await client.get(f"/api/training/modules/{module['id']}", headers=worker.headers)).json()

    await open_(first)
    clock.advance(seconds=40)  # 40 s on the first
    assert (await open_(second))["seconds_left"] == 30  # switching pauses the first
    clock.advance(seconds=30)  # 30 s on the second
    assert (await open_(first))["seconds_left"] == 20  # back: the first's 40 s are kept, its clock resumes
    clock.advance(seconds=19)
    complete_first = f"/api/training/modules/{first['id']}/complete"
    assert_problem(await client.post(complete_first, headers=worker.headers), 422, "module_id", "min_reading_time")
    clock.advance(seconds=1)
    assert (await client.post(complete_first, headers=worker.headers)).status_code == 200
    # the second read its 30 s before the switch back: it completes without reading again
    done = await client.post(f"/api/training/modules/{second['id']}/complete", headers=worker.headers)
    assert done.json()["applications_unlocked"] == [application_id]
