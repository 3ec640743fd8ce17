"""Exam admin pages through HTTP: the question bank (list, editor, versions, retire, import, export) and blueprints.

The pages call the same `exams.service` functions as the API; these tests check what the pages add: forms that keep
what was typed and show the broken rule next to its field, the editor's inputs read by the question's type, the
import report, admin-only access, and the visitor's language. Texts are compared through the Chinese catalog, so
they hold before and after the new strings are translated.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from datetime import timedelta

from markupsafe import escape

from exams import service as bank
from exams.demo import BANK_FILE
from exams.models import QuestionType
from recruitment import service as recruitment
from tests.conftest import register
from tests.web.test_pages import csrf, submit
from tests.web.test_recruitment_pages import WORKER, make_admin, new_location_id, sign_in_page
from web import i18n
from web.admin.blueprints import NOTICES as BLUEPRINT_NOTICES
from web.admin.questions import NOTICES as QUESTION_NOTICES

NOTICES = {**QUESTION_NOTICES, **BLUEPRINT_NOTICES}

ADMIN = "admin@example.com"


def shown(message: str, **values: object) -> str:
    """A page text as a Chinese visitor's page shows it: translated, filled in and HTML-escaped."""
    text = i18n.catalog("zh").gettext(message)
    return str(escape(text % values if values else text))


def count(page_text: str, name: str) -> int:
    match = re.search(rf'data-count="{name}">(\d+)<', page_text)
    assert match, page_text
    return int(match.group(1))


async def demo_bank(session, kit, admin) -> None:
    report = await bank.import_questions(session, kit.clock, admin, bank.parse_json_bank(BANK_FILE.read_bytes()))
    await session.commit()  # the services write on the caller's transaction
    assert report.created == 57 and not report.rejected


async def total(session, **filters) -> int:
    _rows, n = await bank.list_questions(session, bank.QuestionFilter(**filters))
    return n


def question_form(**changes: object) -> dict:
    """A single-choice question as the editor posts it: option rows A–F, a box ticked for the correct one."""
    form = {
        "code": "rules-900",
        "category": "platform_rules",
        "type": "single",
        "difficulty": "2",
        "prompt": "买家在聊天中索要客服的微信号，正确的做法是？",
        "dialogue": "",
        "option_A": "发给买家，方便联系",
        "option_B": "婉拒，并说明只能在平台内沟通",
        "option_C": "",
        "option_D": "",
        "option_E": "",
        "option_F": "",
        "correct_B": "1",
        "explanation": "引导站外联系违反平台规则。",
        "active": "1",
        "action": "save",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


async def upload(client, name: str, body: bytes, media: str = "application/octet-stream"):
    token = await csrf(client, "/admin/questions/import")
    return await client.post(
        "/admin/questions/import",
        data={"_csrf_token": token},
        files={"file": (name, body, media)},
        follow_redirects=False,
    )


# --- the bank -----------------------------------------------------------------------------------------------------


async def test_bank_lists_searches_filters_and_exports(client, session, kit) -> None:
    admin = await make_admin(session, kit)
    await demo_bank(session, kit, admin)
    await sign_in_page(client, ADMIN)

    home = await client.get("/")
    assert 'href="/admin/questions"' in home.text and 'href="/admin/exams"' in home.text

    listing = await client.get("/admin/questions")
    assert listing.status_code == 200
    assert shown("Page %(page)s of %(pages)s", page=1, pages=3) in listing.text  # 57 questions, 20 a page
    assert shown("%(total)s questions", total=57) in listing.text
    assert 'href="/admin/questions/new"' in listing.text and 'href="/admin/questions/import"' in listing.text
    assert 'href="/admin/questions/export?format=json"' in listing.text
    assert 'href="/admin/questions/export?format=csv"' in listing.text
    assert ">rules-001</a>" in listing.text and shown("Platform rules") in listing.text
    assert shown("Single choice") in listing.text and shown("In use") in listing.text
    third = await client.get("/admin/questions?page_number=3")
    assert third.text.count('<td class="mono nowrap">') == 17

    # a page number past the end, or past any number a database takes, shows the last page (issue 15)
    for hostile in ("4", "99999999999999999999", "9223372036854775808", "9" * 5000, "-5", "abc", "²"):
        clamped = await client.get("/admin/questions", params={"page_number": hostile})
        assert clamped.status_code == 200, (hostile, clamped.status_code)
        last = hostile not in ("-5", "abc", "²")
        assert shown("Page %(page)s of %(pages)s", page=3 if last else 1, pages=3) in clamped.text, hostile
        assert clamped.text.count('<td class="mono nowrap">') == (17 if last else 20), hostile

    found = await client.get("/admin/questions", params={"q": "千牛"})
    assert ">rules-001</a>" in found.text and ">scenario-001</a>" not in found.text
    assert 'value="千牛"' in found.text

    scenarios = await client.get("/admin/questions", params={"category": "scenario", "type": "scenario"})
    codes = re.findall(r">((?:rules|skills|scenario)-\d+)</a>", scenarios.text)
    assert len(codes) == 14 and all(c.startswith("scenario-") for c in codes)
    assert shown("Scenario simulation") in scenarios.text and shown("Scenario (dialogue)") in scenarios.text
    assert re.search(r'<option value="scenario" selected>', scenarios.text)

    retired = await client.get("/admin/questions", params={"active": "no"})
    assert shown("No question matches these filters.") in retired.text

    bad = await client.get("/admin/questions", params={"category": "nonsense"})
    assert bad.status_code == 422 and shown("Unknown category.") in bad.text

    exported = await client.get("/admin/questions/export", params={"format": "json"})
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    document = json.loads(exported.text)
    assert document["format"] == bank.BANK_FORMAT and len(document["questions"]) == 57
    as_csv = await client.get("/admin/questions/export", params={"format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.text.lstrip("\ufeff"))))
    assert tuple(rows[0]) == bank.CSV_COLUMNS and len(rows) == 58
    assert (await client.get("/admin/questions/export", params={"format": "xml"})).status_code == 422


# --- the editor ---------------------------------------------------------------------------------------------------


async def test_questions_are_written_through_the_editor_and_bad_ones_are_not(client, session, kit) -> None:
    admin = await make_admin(session, kit)
    await sign_in_page(client, ADMIN)

    form = await client.get("/admin/questions/new")
    assert form.status_code == 200
    for name in ("option_A", "option_F", "correct_A", "true_false", "dialogue", "explanation", "difficulty"):
        assert f'name="{name}"' in form.text, name
    assert "/static/exam_admin.js" in form.text

    # two correct options on a single-choice question: the rule is named next to the options, nothing is written
    bad = await submit(client, "/admin/questions/new", question_form(correct_A="1"))
    assert bad.status_code == 422
    assert 'id="e-options"' in bad.text
    assert shown("A single-answer question has exactly one correct option.") in bad.text
    assert "买家在聊天中索要客服的微信号，正确的做法是？</textarea>" in bad.text
    assert 'value="婉拒，并说明只能在平台内沟通"' in bad.text and 'value="rules-900"' in bad.text
    assert re.search(r'name="correct_A" value="1"[^>]*checked', bad.text)
    not_a_number = await submit(client, "/admin/questions/new", question_form(difficulty="难"))
    assert not_a_number.status_code == 422 and 'id="e-difficulty"' in not_a_number.text
    several = await submit(
        client, "/admin/questions/new", question_form(type="multiple", prompt=" ", option_B="", correct_B=None)
    )
    assert several.status_code == 422 and 'id="e-prompt"' in several.text
    assert shown("A single-answer question has 2 to 6 options; a multiple-answer question 3 to 6.") in several.text
    assert shown("A multiple-answer question has at least two correct options.") in several.text  # every rule, not one
    assert await total(session) == 0

    created = await submit(client, "/admin/questions/new", question_form())
    assert created.status_code in (302, 303), created.text
    question_id = new_location_id(created, "/admin/questions/")
    question, version = await bank.access_question(session, admin, question_id)
    assert question.code == "rules-900" and question.active and version.version == 1
    assert version.options == [
        {"key": "A", "text": "发给买家，方便联系", "correct": False},
        {"key": "B", "text": "婉拒，并说明只能在平台内沟通", "correct": True},
    ]
    editor = await client.get(created.headers["location"])
    assert shown(NOTICES["question_created"]) in editor.text
    assert shown("Version %(n)s", n=1) in editor.text

    taken = await submit(client, "/admin/questions/new", question_form(), form_page="/admin/questions/new")
    assert taken.status_code == 409 and shown("Another question has this code.") in taken.text

    # a scenario: one dialogue turn per line, in either language's words
    scenario = await submit(
        client,
        "/admin/questions/new",
        question_form(
            code="",
            category="scenario",
            type="scenario",
            prompt="客服下一句最合适的回复是？",
            dialogue="客服：欢迎光临，请问有什么可以帮您？\n\n买家: 这款M码还有货吗？\nbuyer: 急用",
        ),
    )
    assert scenario.status_code in (302, 303), scenario.text
    _q, version = await bank.access_question(session, admin, new_location_id(scenario, "/admin/questions/"))
    assert version.type == QuestionType.SCENARIO
    assert version.dialogue == [
        {"speaker": "agent", "text": "欢迎光临，请问有什么可以帮您？"},
        {"speaker": "buyer", "text": "这款M码还有货吗？"},
        {"speaker": "buyer", "text": "急用"},
    ]
    unreadable = await submit(
        client,
        "/admin/questions/new",
        question_form(code="", category="scenario", type="scenario", dialogue="顾客: 在吗"),
    )
    assert unreadable.status_code == 422 and 'id="e-dialogue"' in unreadable.text
    assert "顾客: 在吗</textarea>" in unreadable.text

    # true/false reads the T/F choice, whatever the option rows (left filled when the script is off) say
    true_false = await submit(
        client,
        "/admin/questions/new",
        question_form(code="rules-901", type="true_false", prompt="客服可以向买家索要支付宝账号。", true_false="F"),
    )
    assert true_false.status_code in (302, 303), true_false.text
    _q, version = await bank.access_question(session, admin, new_location_id(true_false, "/admin/questions/"))
    assert version.options == [
        {"key": "T", "text": "正确", "correct": False},
        {"key": "F", "text": "错误", "correct": True},
    ]
    no_choice = await submit(
        client, "/admin/questions/new", question_form(code="rules-902", type="true_false", true_false=None)
    )
    assert no_choice.status_code == 422 and shown("Choose whether the statement is true or false.") in no_choice.text
    assert await total(session) == 3


async def test_an_edit_is_a_new_version_with_history_and_a_question_can_be_retired(client, session, kit, clock) -> None:
    admin = await make_admin(session, kit)
    question, _v = await bank.create_question(
        session,
        kit.clock,
        admin,
        bank.QuestionInput(
            code="skills-900",
            category="service_skills",
            type="single",
            difficulty=1,
            prompt="买家询问发货时间，客服应该？",
            options=[
                {"key": "A", "text": "如实告知并给出预计时间", "correct": True},
                {"key": "B", "text": "不回答", "correct": False},
            ],
        ),
    )
    await session.commit()
    question_id = question.id
    await sign_in_page(client, ADMIN)
    url = f"/admin/questions/{question_id}"

    editor = await client.get(url)
    assert editor.status_code == 200
    assert 'value="如实告知并给出预计时间"' in editor.text and re.search(
        r'name="correct_A" value="1"[^>]*checked', editor.text
    )
    assert 'name="code"' not in editor.text  # the code cannot change
    assert shown("Version history") in editor.text

    clock.advance(hours=2)
    changed = question_form(
        category="service_skills",
        prompt="买家询问发货时间，客服最合适的做法是？",
        option_A="如实告知并给出预计时间",
        option_B="不回答",
        correct_A="1",
        correct_B=None,
        difficulty="2",
    )
    saved = await submit(client, url, changed)
    assert saved.status_code in (302, 303) and saved.headers["location"].endswith("notice_code=question_versioned")
    versions = await bank.question_versions(session, admin, question_id)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].prompt == "买家询问发货时间，客服应该？"  # the old version stays as it was
    page = await client.get(saved.headers["location"])
    assert shown(NOTICES["question_versioned"]) in page.text
    assert shown("Version %(n)s", n=2) in page.text
    history = page.text[page.text.index(shown("Version history")) :]
    assert "v2" in history and "v1" in history
    assert "买家询问发货时间，客服最合适的做法是？" in history and "买家询问发货时间，客服应该？" in history
    assert "2026-03-02 09:00" in history and "2026-03-02 11:00" in history  # created times in Beijing time

    again = await submit(client, url, changed)
    assert again.headers["location"].endswith("notice_code=question_unchanged")
    broken = await submit(client, url, {**changed, "correct_B": "1"})
    assert (
        broken.status_code == 422 and shown("A single-answer question has exactly one correct option.") in broken.text
    )
    assert len(await bank.question_versions(session, admin, question_id)) == 2

    retired = await submit(client, url, {"action": "retire"})
    assert retired.headers["location"].endswith("notice_code=question_retired")
    session.expire_all()
    question, version = await bank.access_question(session, admin, question_id)
    assert question.active is False and version.version == 2  # retiring writes no version
    listing = await client.get("/admin/questions", params={"active": "no"})
    assert ">skills-900</a>" in listing.text and shown("Retired") in listing.text
    page = await client.get(url)
    assert 'value="restore"' in page.text and not re.search(r'name="active" value="1"[^>]*checked', page.text)

    restored = await submit(client, url, {"action": "restore"})
    assert restored.headers["location"].endswith("notice_code=question_restored")
    session.expire_all()
    assert (await bank.access_question(session, admin, question_id))[0].active is True

    missing = await client.get(f"/admin/questions/{uuid.uuid4()}", headers={"accept": "text/html"})
    assert missing.status_code == 404


# --- import -------------------------------------------------------------------------------------------------------


async def test_importing_the_demo_bank_and_a_csv_with_a_bad_row(client, session, kit) -> None:
    await make_admin(session, kit)
    await sign_in_page(client, ADMIN)

    form = await client.get("/admin/questions/import")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text and 'type="file"' in form.text

    report = await upload(client, "demo_bank.json", BANK_FILE.read_bytes(), "application/json")
    assert report.status_code == 200, report.text
    assert count(report.text, "created") == 57 and count(report.text, "rejected") == 0
    assert shown("Every row was accepted.") in report.text
    again = await upload(client, "demo_bank.json", BANK_FILE.read_bytes())
    assert count(again.text, "created") == 0 and count(again.text, "unchanged") == 57
    assert await total(session) == 57

    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(bank.CSV_COLUMNS)
    good = ["csv-001", "platform_rules", "single", "1", "客服可以私下交易吗？", "", "可以", "不可以"]
    writer.writerow([*good, "", "", "", "", "B", "", "true"])
    bad = ["csv-002", "platform_rules", "single", "1", "哪个是官方工作台？", "", "千牛", "直通车"]
    writer.writerow([*bad, "", "", "", "", "A,B", "", "true"])
    updated = ["rules-001", "platform_rules", "single", "2", "淘宝客服所用的官方工作台是？", "", "千牛工作台", "直通车"]
    writer.writerow([*updated, "", "", "", "", "A", "", "true"])
    report = await upload(client, "bank.csv", rows.getvalue().encode("utf-8-sig"), "text/csv")
    assert report.status_code == 200, report.text
    assert (count(report.text, "created"), count(report.text, "updated"), count(report.text, "rejected")) == (1, 1, 1)
    table = report.text[report.text.index('class="table compact rejected"') :]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table.split("</table>")[0], re.S)
    assert cells == [
        "2",
        "csv-002",
        "options",
        "exactly_one_correct",
        shown("A single-answer question has exactly one correct option."),
    ]
    assert await total(session) == 58
    assert await total(session, search="csv-002") == 0  # nothing of a rejected row is written


async def test_bad_import_files_are_shown_on_the_form(client, session, kit) -> None:
    await make_admin(session, kit)
    await sign_in_page(client, ADMIN)

    not_json = await upload(client, "bank.json", b"{not json")
    assert not_json.status_code == 422 and 'id="e-file"' in not_json.text
    assert shown("The file is not valid JSON.") in not_json.text and "bank.json" in not_json.text
    wrong_header = await upload(client, "bank.csv", "编号,题目\n1,2\n".encode())
    assert (
        wrong_header.status_code == 422
        and shown("The CSV header lacks a required column: code, category, type, prompt and correct.")
        in wrong_header.text
    )
    # GBK, what Excel on Chinese Windows writes, is read (issue 16); UTF-16 ("Unicode text") is not
    gbk = await upload(
        client,
        "bank.csv",
        "code,category,type,difficulty,prompt,option_a,option_b,correct\n"
        "gbk-001,platform_rules,single,1,买家索要微信号时，客服应？,发给他,婉拒,B\n".encode("gbk"),
    )
    assert gbk.status_code == 200 and count(gbk.text, "created") == 1, gbk.text
    assert await total(session, search="gbk-001") == 1
    unreadable = await upload(client, "bank.csv", "code,category,type,prompt,correct\n题".encode("utf-16"))
    assert unreadable.status_code == 422 and shown("The CSV file must be UTF-8 or GBK (GB18030).") in unreadable.text
    too_big = await upload(client, "bank.json", b" " * (5 * 1024 * 1024 + 1), "application/json")
    assert (
        too_big.status_code == 422 and shown("The file may be at most %(megabytes)s MB.", megabytes=5) in too_big.text
    )
    other_kind = await upload(client, "bank.txt", b"hello", "text/plain")
    assert other_kind.status_code == 422 and shown("Only .json and .csv files can be imported.") in other_kind.text
    # a file passes no request guard: a NUL (which PostgreSQL cannot store) is refused by the bank's reading
    nul = await upload(client, "bank.json", BANK_FILE.read_bytes().replace("千牛".encode(), b"\\u0000", 1))
    assert nul.status_code == 422 and shown("The file holds a NUL character, which no text field accepts.") in nul.text
    by_type = await upload(client, "export", BANK_FILE.read_bytes(), "application/json")  # no extension: the type
    assert by_type.status_code == 200 and count(by_type.text, "created") == 57

    token = await csrf(client, "/admin/questions/import")
    no_file = await client.post(
        "/admin/questions/import", data={"_csrf_token": token}, files={"file": ("", b"", "application/octet-stream")}
    )
    assert no_file.status_code == 422 and shown("Choose a .json or .csv file to import.") in no_file.text
    without_token = await client.post(
        "/admin/questions/import", files={"file": ("bank.json", b"[]", "application/json")}
    )
    assert without_token.status_code == 403
    assert await total(session) == 58


# --- who may see the pages ----------------------------------------------------------------------------------------


async def test_only_admins_see_the_exam_admin_pages(client, session, kit) -> None:
    admin = await make_admin(session, kit)
    question, _v = await bank.create_question(
        session,
        kit.clock,
        admin,
        bank.QuestionInput(
            category="platform_rules",
            type="true_false",
            difficulty=1,
            prompt="客服可以引导买家线下交易。",
            options=[{"key": "T", "text": "正确", "correct": False}, {"key": "F", "text": "错误", "correct": True}],
        ),
    )
    await session.commit()
    pages = [
        "/admin/questions",
        "/admin/questions/new",
        f"/admin/questions/{question.id}",
        "/admin/questions/import",
        "/admin/questions/export?format=json",
        "/admin/exams",
        "/admin/exams/new",
    ]
    for path in pages:
        visitor = await client.get(path, follow_redirects=False)
        assert visitor.status_code in (302, 303) and visitor.headers["location"].startswith("/login?next="), path

    await register(client, WORKER)
    await sign_in_page(client, WORKER)
    for path in pages:
        response = await client.get(path, headers={"accept": "text/html"})
        assert response.status_code == 403, path
        assert "您没有权限查看此页面" in response.text
    refused = await submit(client, "/admin/questions/new", question_form(), form_page="/rounds")
    assert refused.status_code == 403
    retire = await submit(client, f"/admin/questions/{question.id}", {"action": "retire"}, form_page="/rounds")
    assert retire.status_code == 403
    token = await csrf(client, "/rounds")
    sneaky = await client.post(
        "/admin/questions/import",
        data={"_csrf_token": token},
        files={"file": ("bank.json", BANK_FILE.read_bytes(), "application/json")},
    )
    assert sneaky.status_code == 403
    blueprint = await submit(
        client, "/admin/exams/new", {"title": "x", "count_platform_rules": "1"}, form_page="/rounds"
    )
    assert blueprint.status_code == 403
    session.expire_all()
    assert await total(session) == 1 and (await bank.access_question(session, admin, question.id))[0].active
    assert await bank.list_blueprints(session) == []


# --- blueprints ---------------------------------------------------------------------------------------------------


def blueprint_form(round_id: object = "", **changes: object) -> dict:
    """The blueprint editor's inputs; None leaves an input out (a saved blueprint's editor has no round or track)."""
    form = {
        "title": "岗前认证考试（售前）",
        "round_id": None if round_id is None else str(round_id),
        "track": "pre_sales",
        "count_platform_rules": "10",
        "count_service_skills": "6",
        "count_scenario": "4",
        "time_limit_minutes": "30",
        "pass_mark": "80",
        "attempts_allowed": "3",
        "cooldown_hours": "24",
        "shuffle_options": "1",
        "show_answers": "1",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


async def test_blueprints_are_created_and_edited_through_the_pages(client, session, kit, clock) -> None:
    admin = await make_admin(session, kit)
    await demo_bank(session, kit, admin)
    round_ = await recruitment.create_round(
        session,
        kit.clock,
        admin,
        recruitment.RoundInput(
            title="2026年春季云客服招募",
            tracks=["pre_sales", "after_sales"],
            opens_at=clock.now() + timedelta(days=1),
            closes_at=clock.now() + timedelta(days=14),
            quota=50,
        ),
    )
    round_id = round_.id
    await session.commit()  # the services leave committing to the edge: here, the test
    await sign_in_page(client, ADMIN)

    listing = await client.get("/admin/exams")
    assert listing.status_code == 200 and 'href="/admin/exams/new"' in listing.text
    form = await client.get("/admin/exams/new")
    assert form.status_code == 200
    assert f'value="{round_id}"' in form.text and "售前" in form.text and "售后" in form.text
    for n in (25, 18, 14):  # questions in use per category, next to the numbers
        assert shown("%(n)s in use in the bank", n=n) in form.text
    assert 'name="time_limit_minutes" type="number" value="30"' in form.text  # the service's defaults

    short = await submit(client, "/admin/exams/new", blueprint_form(round_id, count_scenario="15"))
    assert short.status_code == 422 and 'id="e-per_category"' in short.text
    assert (
        shown("The bank has fewer active questions in a category than asked for: see the counts next to each number.")
        in short.text
    )
    assert (
        'value="岗前认证考试（售前）"' in short.text
        and 'name="count_scenario" type="number" min="0" max="200" step="1" value="15"' in short.text
    )
    empty = await submit(
        client,
        "/admin/exams/new",
        blueprint_form(round_id, count_platform_rules="", count_service_skills="0", count_scenario="0"),
    )
    assert empty.status_code == 422 and shown("An exam draws at least one question.") in empty.text
    not_offered = await submit(client, "/admin/exams/new", blueprint_form(round_id, track="complaints"))
    assert not_offered.status_code == 422 and 'id="e-track"' in not_offered.text
    no_round = await submit(client, "/admin/exams/new", blueprint_form(""))
    assert (
        no_round.status_code == 422
        and shown("An exam for one track belongs to a round: choose the round.") in no_round.text
    )
    out_of_range = await submit(client, "/admin/exams/new", blueprint_form(round_id, pass_mark="101"))
    assert out_of_range.status_code == 422
    assert shown("The pass mark is %(low)s to %(high)s percent.", low=1, high=100) in out_of_range.text
    words = await submit(client, "/admin/exams/new", blueprint_form(round_id, attempts_allowed="三"))
    assert words.status_code == 422 and 'id="e-attempts_allowed"' in words.text
    assert await bank.list_blueprints(session) == []

    created = await submit(client, "/admin/exams/new", blueprint_form(round_id))
    assert created.status_code in (302, 303), created.text
    blueprint_id = new_location_id(created, "/admin/exams/")
    blueprint = await bank.access_blueprint(session, admin, blueprint_id)
    assert (blueprint.round_id, blueprint.track, blueprint.per_category) == (
        round_id,
        "pre_sales",
        {"platform_rules": 10, "service_skills": 6, "scenario": 4},
    )
    assert blueprint.shuffle_options and blueprint.show_answers and not blueprint.partial_credit
    assert (blueprint.time_limit_minutes, blueprint.pass_mark, blueprint.attempts_allowed) == (30, 80, 3)

    twice = await submit(client, "/admin/exams/new", blueprint_form(round_id))
    assert twice.status_code == 409 and shown("This round (and track) already has an exam blueprint.") in twice.text

    # editing: round and track are shown, not offered
    url = f"/admin/exams/{blueprint_id}"
    editor = await client.get(url)
    assert editor.status_code == 200 and shown(NOTICES["blueprint_created"]) not in editor.text
    assert 'name="round_id"' not in editor.text and 'name="track"' not in editor.text
    assert "2026年春季云客服招募" in editor.text and "售前" in editor.text
    assert f'href="/admin/exams/{blueprint_id}/stats"' in editor.text
    edit = blueprint_form(
        None,
        track=None,
        title="岗前认证考试",
        pass_mark="90",
        count_scenario="14",
        show_answers=None,
        partial_credit="1",
    )
    too_hard = await submit(client, url, {**edit, "cooldown_hours": "9999"})
    assert too_hard.status_code == 422
    assert shown("The cool-down is %(low)s to %(high)s hours.", low=0, high=720) in too_hard.text
    assert 'value="9999"' in too_hard.text and "2026年春季云客服招募" in too_hard.text
    saved = await submit(client, url, edit)
    assert saved.status_code in (302, 303) and saved.headers["location"].endswith("notice_code=blueprint_saved")
    session.expire_all()
    blueprint = await bank.access_blueprint(session, admin, blueprint_id)
    assert blueprint.title == "岗前认证考试" and blueprint.pass_mark == 90 and blueprint.per_category["scenario"] == 14
    assert blueprint.partial_credit and not blueprint.show_answers
    assert (blueprint.round_id, blueprint.track) == (round_id, "pre_sales")

    listing = await client.get("/admin/exams")
    assert "岗前认证考试" in listing.text and "2026年春季云客服招募" in listing.text and "售前" in listing.text
    assert "90%" in listing.text and "30 分钟" in listing.text
    assert shown("%(n)s questions in all", n=30) in listing.text
