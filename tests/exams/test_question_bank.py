"""The question bank: each type's rules, versions on edit, retiring, search, and import/export with a report."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from gigplatform.accounts import service as accounts
from tests.conftest import assert_problem, bearer, register, sign_in

URL = "/api/admin/questions"


@pytest.fixture
async def admin(client, session, kit) -> dict[str, str]:
    await accounts.create_admin(session, kit, login="admin@example.com", password="abc12345", display_name="管理员")
    await session.commit()
    return bearer(await sign_in(client, "admin@example.com"))


def single(**changes: Any) -> dict[str, Any]:
    question = {
        "code": "rules-001",
        "category": "platform_rules",
        "type": "single",
        "difficulty": 1,
        "prompt": "买家在聊天中索要客服的微信号，正确的做法是？",
        "options": [
            {"key": "A", "text": "直接发送微信号", "correct": False},
            {"key": "B", "text": "礼貌说明只能在平台内沟通", "correct": True},
            {"key": "C", "text": "发送手机号代替", "correct": False},
            {"key": "D", "text": "不予理睬", "correct": False},
        ],
        "explanation": "引导买家离开平台属于违规。",
    }
    return {**question, **changes}


def multiple(**changes: Any) -> dict[str, Any]:
    return {
        "code": "skills-001",
        "category": "service_skills",
        "type": "multiple",
        "difficulty": 2,
        "prompt": "以下哪些属于千牛自动回复的设置？",
        "options": [
            {"key": "A", "text": "首次自动回复", "correct": True},
            {"key": "B", "text": "离线自动回复", "correct": True},
            {"key": "C", "text": "修改商品价格", "correct": False},
        ],
        **changes,
    }


def true_false(**changes: Any) -> dict[str, Any]:
    return {
        "code": "rules-002",
        "category": "platform_rules",
        "type": "true_false",
        "difficulty": 1,
        "prompt": "首次响应时间越短越好。",
        "options": [{"key": "T", "text": "正确", "correct": True}, {"key": "F", "text": "错误", "correct": False}],
        **changes,
    }


def scenario(**changes: Any) -> dict[str, Any]:
    return {
        "code": "scenario-001",
        "category": "scenario",
        "type": "scenario",
        "difficulty": 3,
        "prompt": "最合适的回复是？",
        "dialogue": [{"speaker": "buyer", "text": "衣服收到了，颜色和图片差很多，我要退货！"}],
        "options": [
            {"key": "A", "text": "亲，非常抱歉！麻烦您拍张照片，我马上为您登记退货。", "correct": True},
            {"key": "B", "text": "图片仅供参考。", "correct": False},
            {"key": "C", "text": "加我微信详聊。", "correct": False},
        ],
        **changes,
    }


async def test_every_type_is_created_and_read_back(client, admin) -> None:
    for body in (single(), multiple(), true_false(), scenario()):
        created = await client.post(URL, json=body, headers=admin)
        assert created.status_code == 201, created.text
        out = created.json()
        assert (out["code"], out["version"], out["active"]) == (body["code"], 1, True)
        assert out["options"] == body["options"] and out["dialogue"] == body.get("dialogue", [])
        assert (await client.get(f"{URL}/{out['id']}", headers=admin)).json() == out


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        (
            single(options=[{"key": "A", "text": "a", "correct": True}, {"key": "B", "text": "b", "correct": True}]),
            "options",
            "exactly_one_correct",
        ),
        (single(options=[{"key": "A", "text": "a", "correct": True}]), "options", "count"),
        (
            single(options=[{"key": "A", "text": "a", "correct": True}, {"key": "A", "text": "b", "correct": False}]),
            "options",
            "unique_keys",
        ),
        (
            single(options=[{"key": "A", "text": " ", "correct": True}, {"key": "B", "text": "b", "correct": False}]),
            "options",
            "format",
        ),
        (
            multiple(
                options=[
                    {"key": "A", "text": "a", "correct": True},
                    {"key": "B", "text": "b", "correct": False},
                    {"key": "C", "text": "c", "correct": False},
                ]
            ),
            "options",
            "at_least_two_correct",
        ),
        (
            true_false(
                options=[{"key": "A", "text": "对", "correct": True}, {"key": "B", "text": "错", "correct": False}]
            ),
            "options",
            "true_false",
        ),
        (scenario(dialogue=[]), "dialogue", "required"),
        (single(dialogue=[{"speaker": "buyer", "text": "在吗"}]), "dialogue", "scenario_only"),
        (single(difficulty=0), "difficulty", "range"),
        (single(difficulty=6), "difficulty", "range"),
        (single(prompt="   "), "prompt", "length"),
        (single(code="有 空格"), "code", "format"),
        (single(category="trivia"), "category", "one_of"),
        (single(type="essay"), "type", "one_of"),
        (single(extra=1), "extra", "unknown_field"),
    ],
)
async def test_bad_questions_name_field_and_rule(client, admin, body, field, rule) -> None:
    assert_problem(await client.post(URL, json=body, headers=admin), 422, field, rule)
    assert (await client.get(URL, headers=admin)).json()["total"] == 0


async def test_edges_are_accepted(client, admin) -> None:
    six = [{"key": k, "text": k, "correct": k in "AB"} for k in "ABCDEF"]
    assert (await client.post(URL, json=multiple(options=six, difficulty=5), headers=admin)).status_code == 201
    assert (await client.post(URL, json=single(prompt="问" * 2000), headers=admin)).status_code == 201
    codeless = single()
    codeless.pop("code")
    created = await client.post(URL, json=codeless, headers=admin)
    assert created.status_code == 201 and created.json()["code"].startswith("q-")


async def test_a_code_is_unique(client, admin) -> None:
    await client.post(URL, json=single(), headers=admin)
    assert_problem(await client.post(URL, json=single(), headers=admin), 409, "code", "unique")


async def test_editing_makes_a_new_version_and_keeps_the_old(client, admin) -> None:
    created = (await client.post(URL, json=single(), headers=admin)).json()
    question_url = f"{URL}/{created['id']}"
    edited = (await client.patch(question_url, json={"prompt": "买家索要微信号时应如何回复？"}, headers=admin)).json()
    assert edited["version"] == 2 and edited["version_id"] != created["version_id"]
    assert edited["options"] == created["options"]
    versions = (await client.get(f"{question_url}/versions", headers=admin)).json()["items"]
    assert [(v["version"], v["prompt"]) for v in versions] == [(1, created["prompt"]), (2, edited["prompt"])]
    # retiring, restoring and a no-op edit write no version
    retired = (await client.patch(question_url, json={"active": False}, headers=admin)).json()
    assert (retired["version"], retired["active"]) == (2, False)
    same = (await client.patch(question_url, json={"prompt": edited["prompt"]}, headers=admin)).json()
    assert same["version"] == 2
    # an edit is validated as the whole question it makes
    assert_problem(
        await client.patch(question_url, json={"type": "multiple"}, headers=admin),
        422,
        "options",
        "at_least_two_correct",
    )
    assert (await client.get(question_url, headers=admin)).json()["version"] == 2


async def test_search_and_filters(client, admin) -> None:
    for body in (single(), multiple(), true_false(), scenario()):
        await client.post(URL, json=body, headers=admin)
    retired = (await client.get(URL, params={"type": "true_false"}, headers=admin)).json()["items"][0]
    await client.patch(f"{URL}/{retired['id']}", json={"active": False}, headers=admin)

    async def codes(**params: Any) -> list[str]:
        page = (await client.get(URL, params=params, headers=admin)).json()
        return [q["code"] for q in page["items"]]

    assert await codes() == ["rules-001", "rules-002", "scenario-001", "skills-001"]
    assert await codes(category="platform_rules") == ["rules-001", "rules-002"]
    assert await codes(type="scenario") == ["scenario-001"]
    assert await codes(active="false") == ["rules-002"]
    assert await codes(active="true", category="platform_rules") == ["rules-001"]
    assert await codes(q="微信") == ["rules-001"]
    assert await codes(q="SKILLS") == ["skills-001"]
    assert await codes(limit=2, offset=1) == ["rules-002", "scenario-001"]
    assert_problem(await client.get(URL, params={"category": "x"}, headers=admin), 422, "category", "one_of")
    assert_problem(await client.get(URL, params={"limit": 0}, headers=admin), 422, "limit", "range")
    assert_problem(await client.get(URL, params={"offset": -1}, headers=admin), 422, "offset", "range")


async def test_only_admins_keep_the_bank(client, admin) -> None:
    await register(client, "13912345678")
    worker = bearer(await sign_in(client, "13912345678"))
    assert_problem(await client.get(URL, headers=worker), 403, "role", "role_required")
    assert_problem(await client.post(URL, json=single(), headers=worker), 403)
    assert_problem(await client.get(f"{URL}/export", headers=worker), 403)
    assert_problem(await client.get(URL), 401)


def bank(*questions: Any) -> bytes:
    return json.dumps(
        {"format": "gigplatform-question-bank", "version": 1, "questions": list(questions)}, ensure_ascii=False
    ).encode()


async def test_import_takes_good_rows_and_reports_each_rejected_one(client, admin) -> None:
    body = bank(
        single(),
        multiple(options=[]),
        "not a question",
        true_false(),
        single(prompt="重复"),
        scenario(difficulty="hard"),
        {**true_false(code="rules-003"), "colour": "red"},
    )
    response = await client.post(f"{URL}/import", content=body, headers={**admin, "content-type": "application/json"})
    report = response.json()
    assert response.status_code == 200, response.text
    assert (report["created"], report["updated"], report["unchanged"]) == (2, 0, 0)
    rejected = {r["row"]: (r["code"], r["errors"][0]["field"], r["errors"][0]["rule"]) for r in report["rejected"]}
    assert rejected == {
        2: ("skills-001", "options", "count"),
        3: (None, "row", "format"),
        5: ("rules-001", "code", "duplicate_in_file"),
        6: ("scenario-001", "difficulty", "range"),
        7: ("rules-003", "colour", "unknown_field"),
    }
    listed = (await client.get(URL, headers=admin)).json()
    assert sorted(q["code"] for q in listed["items"]) == ["rules-001", "rules-002"]


async def test_reimport_versions_changes_and_skips_identical(client, admin) -> None:
    headers = {**admin, "content-type": "application/json"}
    await client.post(f"{URL}/import", content=bank(single(), true_false()), headers=headers)
    again = (
        await client.post(f"{URL}/import", content=bank(single(prompt="新的措辞？"), true_false()), headers=headers)
    ).json()
    assert (again["created"], again["updated"], again["unchanged"], again["rejected"]) == (0, 1, 1, [])
    (question,) = (await client.get(URL, params={"q": "新的措辞"}, headers=admin)).json()["items"]
    assert question["version"] == 2


async def test_import_refuses_files_it_cannot_read(client, admin) -> None:
    json_headers = {**admin, "content-type": "application/json"}
    assert_problem(await client.post(f"{URL}/import", content=b"{nope", headers=json_headers), 422, "body", "json")
    assert_problem(
        await client.post(f"{URL}/import", content=b'{"questions": 5}', headers=json_headers), 422, "body", "format"
    )
    assert_problem(  # neither JSON nor CSV: refused at the door, before the import reads it
        await client.post(f"{URL}/import", content=b"x", headers={**admin, "content-type": "text/xml"}),
        415,
        "content-type",
        "media_type",
    )
    assert_problem(
        await client.post(f"{URL}/import", content=b"a,b\n1,2\n", headers={**admin, "content-type": "text/csv"}),
        422,
        "body",
        "columns",
    )


async def test_json_export_round_trips(client, admin) -> None:
    for body in (single(), multiple(), true_false(), scenario()):
        await client.post(URL, json=body, headers=admin)
    exported = await client.get(f"{URL}/export", headers=admin)
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    document = exported.json()
    assert document["format"] == "gigplatform-question-bank" and len(document["questions"]) == 4
    report = (
        await client.post(
            f"{URL}/import", content=exported.content, headers={**admin, "content-type": "application/json"}
        )
    ).json()
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 4)
    assert_problem(await client.get(f"{URL}/export", params={"format": "xml"}, headers=admin), 422, "format", "one_of")


async def test_csv_export_round_trips_and_bad_rows_are_reported(client, admin) -> None:
    for body in (single(), multiple(), true_false(), scenario()):
        await client.post(URL, json=body, headers=admin)
    exported = await client.get(f"{URL}/export", params={"format": "csv"}, headers=admin)
    assert exported.headers["content-type"].startswith("text/csv") and exported.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert {r["code"]: r["correct"] for r in rows} == {
        "rules-001": "B",
        "skills-001": "A,B",
        "rules-002": "T",
        "scenario-001": "A",
    }
    csv_headers = {**admin, "content-type": "text/csv"}
    report = (await client.post(f"{URL}/import", content=exported.content, headers=csv_headers)).json()
    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (0, 0, 4, [])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerow({**rows[0], "code": "rules-100", "correct": "A,B"})
    writer.writerow({**rows[0], "code": "rules-101", "difficulty": "九"})
    writer.writerow({**rows[0], "code": "rules-102"})
    report = (await client.post(f"{URL}/import", content=out.getvalue().encode(), headers=csv_headers)).json()
    assert report["created"] == 1
    assert [(r["row"], r["errors"][0]["rule"]) for r in report["rejected"]] == [
        (1, "exactly_one_correct"),
        (2, "range"),
    ]


async def test_the_demo_bank_imports_whole(client, admin) -> None:
    """The bank `gigplatform demo` ships: 40+ questions over the three categories and four types, none rejected."""
    from exams.demo import BANK_FILE

    headers = {**admin, "content-type": "application/json"}
    report = (await client.post(f"{URL}/import", content=BANK_FILE.read_bytes(), headers=headers)).json()
    assert report["rejected"] == [] and report["created"] >= 40
    page = (await client.get(URL, params={"limit": 500}, headers=admin)).json()
    assert {q["category"] for q in page["items"]} == {"platform_rules", "service_skills", "scenario"}
    assert {q["type"] for q in page["items"]} == {"single", "multiple", "true_false", "scenario"}
    again = (await client.post(f"{URL}/import", content=BANK_FILE.read_bytes(), headers=headers)).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, report["created"])


def chinese_csv() -> str:
    """A bank file as a person writes it in Excel: Chinese in the prompt, the options and the explanation."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["code", "category", "type", "difficulty", "prompt", "option_a", "option_b", "correct", "explanation"]
    )
    writer.writerow(
        [
            "gbk-001",
            "platform_rules",
            "single",
            "1",
            "买家索要微信号时，客服应？",
            "发给他",
            "婉拒",
            "B",
            "站外联系违规",
        ]
    )
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
async def test_csv_import_reads_what_excel_on_chinese_windows_writes(client, admin, encoding) -> None:
    """Excel on Chinese Windows saves "CSV" in GBK (code page 936); UTF-8 with or without a BOM reads as before."""
    headers = {**admin, "content-type": "text/csv"}
    response = await client.post(f"{URL}/import", content=chinese_csv().encode(encoding), headers=headers)
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["rejected"]) == (1, [])
    (question,) = (await client.get(URL, params={"q": "gbk-001"}, headers=admin)).json()["items"]
    assert question["prompt"] == "买家索要微信号时，客服应？" and question["explanation"] == "站外联系违规"
    assert [o["text"] for o in question["options"]] == ["发给他", "婉拒"]


async def test_csv_import_refuses_an_encoding_it_cannot_read(client, admin) -> None:
    utf16 = chinese_csv().encode("utf-16")  # Excel's "Unicode text": neither UTF-8 nor GB18030
    response = await client.post(f"{URL}/import", content=utf16, headers={**admin, "content-type": "text/csv"})
    assert_problem(response, 422, "body", "encoding")
    assert "GBK" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"offset": "9223372036854775808"}, "offset"),  # one past PostgreSQL's bigint and SQLite's integer
        ({"offset": "9223372036854775807"}, "offset"),
        ({"offset": "99999999999999999999"}, "offset"),
        ({"limit": "99999999999999999999"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"q": "问" * 201}, "q"),
    ],
)
async def test_hostile_list_parameters_are_refused_naming_them(client, admin, params, field) -> None:
    """A number no database takes, or a search longer than any question's words: a 422 naming it, never a 500."""
    assert_problem(
        await client.get(URL, params=params, headers=admin), 422, field, "range" if field != "q" else "length"
    )


async def test_option_and_dialogue_texts_are_bounded(client, admin) -> None:
    long_option = single(
        options=[{"key": "A", "text": "甲" * 501, "correct": False}, {"key": "B", "text": "乙", "correct": True}]
    )
    assert_problem(await client.post(URL, json=long_option, headers=admin), 422, "options", "length")
    long_key = single(
        options=[{"key": "A" * 9, "text": "甲", "correct": False}, {"key": "B", "text": "乙", "correct": True}]
    )
    assert_problem(await client.post(URL, json=long_key, headers=admin), 422, "options", "length")
    long_turn = scenario(dialogue=[{"speaker": "buyer", "text": "在" * 501}])
    assert_problem(await client.post(URL, json=long_turn, headers=admin), 422, "dialogue", "length")
    edge = single(
        options=[{"key": "A", "text": "甲" * 500, "correct": False}, {"key": "B", "text": "乙", "correct": True}]
    )
    assert (await client.post(URL, json=edge, headers=admin)).status_code == 201
    assert (await client.get(URL, params={"q": "问" * 200, "offset": 2**31 - 1}, headers=admin)).status_code == 200


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        (
            f"code,category,type,prompt,option_a,option_b,correct\nx,platform_rules,single,{'题' * 200_000},A,B,A\n",
            "csv",
        ),
        (
            "code,category,type,difficulty,prompt,option_a,option_b,correct\nx,platform_rules,single,1,问\x00题,A,B,A\n",
            "control_character",
        ),
    ],
    ids=["field-past-the-reader", "nul"],
)
async def test_a_csv_import_no_database_can_store_is_refused(client, admin, body, rule) -> None:
    """A field longer than the CSV reader takes, or a NUL that PostgreSQL cannot store: a 422 naming the body."""
    response = await client.post(f"{URL}/import", content=body.encode(), headers={**admin, "content-type": "text/csv"})
    assert_problem(response, 422, "body", rule)
    assert (await client.get(URL, headers=admin)).json()["total"] == 0


async def test_a_json_import_with_a_nul_is_refused(client, admin) -> None:
    body = bank(single(prompt="问\x00题"))
    response = await client.post(f"{URL}/import", content=body, headers={**admin, "content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert (await client.get(URL, headers=admin)).json()["total"] == 0
