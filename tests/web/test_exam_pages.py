"""The freelancer's exam pages: the exam section of the application, the timed exam saving answers as they are
clicked, handing it in (also without the script), the result with its review, the cool-down and the certification.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from exams import service as exams
from exams.demo import BANK_FILE
from gigplatform.clock import BUSINESS_TZ
from gigplatform.security import Principal
from recruitment import service as recruitment
from tests.conftest import register
from tests.web.test_pages import csrf, submit
from tests.web.test_recruitment_pages import (
    WORKER,
    apply_through_page,
    make_admin,
    new_location_id,
    open_round_with_modules,
    sign_in_page,
)


async def exam_ready(client, session, kit, clock, **blueprint):
    """An open round with the demo bank's exam (6 questions, answers shown), and the signed-in worker's application
    waiting at the exam step. Returns (admin, application id, blueprint)."""
    admin = await make_admin(session, kit)
    round_, _ = await open_round_with_modules(session, kit, admin, clock, modules=0)
    await exams.import_questions(session, kit.clock, admin, exams.parse_json_bank(BANK_FILE.read_bytes()))
    values = {
        "title": "云客服岗前认证考试",
        "round_id": round_.id,
        "per_category": {"platform_rules": 3, "service_skills": 2, "scenario": 1},
        "show_answers": True,
        "cooldown_hours": 24,
        "attempts_allowed": 2,
        **blueprint,
    }
    made = await exams.create_blueprint(session, kit.clock, exams.BlueprintInput(**values))
    await session.commit()  # the services write on the caller's transaction
    await register(client, WORKER)
    await sign_in_page(client, WORKER)
    application_id = new_location_id(await apply_through_page(client, round_.id), "/applications/")
    started = await submit(client, f"/applications/{application_id}/typing", {})
    test_url = started.headers["location"]
    passage = re.search(r'<blockquote class="passage"[^>]*>(.*?)</blockquote>', (await client.get(test_url)).text, re.S)
    clock.advance(seconds=60)
    await submit(client, test_url, {"text": passage.group(1)}, form_page=test_url)
    return admin, application_id, made


async def right_answers(
    session, attempt_id: uuid.UUID, admin: Principal, *, wrong: bool = False
) -> dict[str, list[str]]:
    """Each question's right keys (or one wrong key), read as an admin from the attempt's snapshot."""
    attempt = await exams.access_attempt(session, admin, attempt_id)
    return {
        str(q.item.question_id): [o["key"] for o in q.options if not o["correct"]][:1] if wrong else q.correct_keys
        for q in await exams.attempt_questions(session, attempt)
    }


async def test_a_worker_takes_the_exam_saving_answers_as_clicked_and_is_certified(client, session, kit, clock) -> None:
    admin, application_id, _ = await exam_ready(client, session, kit, clock)
    page = await client.get(f"/applications/{application_id}")
    assert "云客服岗前认证考试" in page.text and "开始考试" in page.text and "及格线" in page.text

    started = await submit(
        client, f"/applications/{application_id}/exam", {}, form_page=f"/applications/{application_id}"
    )
    assert started.status_code in (302, 303)
    exam_url = started.headers["location"]
    attempt_id = uuid.UUID(exam_url.rsplit("/", 1)[1])
    exam_page = await client.get(exam_url)
    assert exam_page.status_code == 200
    # a running attempt is being answered (作答中), not studied (学习中, the training modules' word)
    attempts_table = (await client.get(f"/applications/{application_id}")).text.split("<table")[-1]
    assert "作答中" in attempts_table and "学习中" not in attempts_table
    assert 'data-countdown data-seconds="1800"' in exam_page.text and 'data-exam="' in exam_page.text
    question_ids = re.findall(r'data-question="([0-9a-f-]{36})"', exam_page.text)
    assert len(question_ids) == 6
    assert "correct" not in exam_page.text  # nothing on the page tells the answer

    # the script's save: one answer at a time, with the page's CSRF token; the reply re-syncs the countdown
    answers = await right_answers(session, attempt_id, admin)
    clock.advance(minutes=5)
    token = await csrf(client, exam_url)
    for qid in question_ids:
        saved = await client.post(
            f"/exam-attempts/{attempt_id}/answers/{qid}",
            data={"_csrf_token": token, "choice": answers[qid]},
            headers={"x-csrftoken": token},
        )
        assert saved.status_code == 200, saved.text
        assert saved.json()["saved"] and saved.json()["seconds_left"] == 1500
    bad = await client.post(
        f"/exam-attempts/{attempt_id}/answers/{question_ids[0]}",
        data={"_csrf_token": token, "choice": ["Z"]},
        headers={"x-csrftoken": token},
    )
    assert bad.status_code == 422 and not bad.json()["saved"] and "选项" in bad.json()["message"]
    resumed = await client.get(exam_url)
    assert 'data-seconds="1500"' in resumed.text and resumed.text.count("checked") >= 6

    # handing in: the form carries the same answers
    form = {"with_answers": "1", **{f"q-{qid}": answers[qid] for qid in question_ids}}
    handed = await submit(client, f"/exam-attempts/{attempt_id}/submit", form, form_page=exam_url)
    assert handed.status_code in (302, 303) and handed.headers["location"] == exam_url
    result = await client.get(exam_url)
    assert "考试结果" in result.text and "已通过" in result.text and "100%" in result.text
    assert "您已获得认证" in result.text and "售前" in result.text and "解析" in result.text

    application_page = await client.get(f"/applications/{application_id}")
    assert "已认证" in application_page.text and "认证时间" in application_page.text
    home = await client.get("/")
    assert "我的认证" in home.text and "售前" in home.text


async def test_without_the_script_handing_in_saves_the_form_and_a_failure_shows_the_cool_down(
    client, session, kit, clock
) -> None:
    admin, application_id, _ = await exam_ready(client, session, kit, clock)
    started = await submit(
        client, f"/applications/{application_id}/exam", {}, form_page=f"/applications/{application_id}"
    )
    exam_url = started.headers["location"]
    attempt_id = uuid.UUID(exam_url.rsplit("/", 1)[1])
    wrong = await right_answers(session, attempt_id, admin, wrong=True)
    # starting again while it runs leads back to the running exam
    again = await submit(
        client, f"/applications/{application_id}/exam", {}, form_page=f"/applications/{application_id}"
    )
    assert again.headers["location"] == exam_url

    form = {"with_answers": "1", **{f"q-{qid}": keys for qid, keys in wrong.items()}}
    await submit(client, f"/exam-attempts/{attempt_id}/submit", form, form_page=exam_url)
    result = await client.get(exam_url)
    assert "未通过" in result.text and "0%" in result.text and "冷却" in result.text
    retry_at = (clock.now() + timedelta(hours=24)).astimezone(BUSINESS_TZ)
    assert f"{retry_at:%Y-%m-%d %H:%M}" in result.text and "剩余次数：1" in result.text
    page = await client.get(f"/applications/{application_id}")
    assert "冷却" in page.text and "开始考试" not in page.text and "重新考试" not in page.text

    refused = await submit(
        client, f"/applications/{application_id}/exam", {}, form_page=f"/applications/{application_id}"
    )
    assert refused.status_code == 409 and "冷却" in refused.text

    clock.advance(hours=24, seconds=1)
    assert "重新考试" in (await client.get(f"/applications/{application_id}")).text


async def test_the_exam_page_after_the_deadline_shows_the_result_handed_in_by_the_clock(
    client, session, kit, clock
) -> None:
    await exam_ready(client, session, kit, clock, show_answers=False)
    application_id = re.search(r'href="/applications/([0-9a-f-]{36})"', (await client.get("/")).text).group(1)
    started = await submit(
        client, f"/applications/{application_id}/exam", {}, form_page=f"/applications/{application_id}"
    )
    exam_url = started.headers["location"]
    attempt_id = exam_url.rsplit("/", 1)[1]
    token = await csrf(client, exam_url)
    question_id = re.findall(r'data-question="([0-9a-f-]{36})"', (await client.get(exam_url)).text)[0]
    clock.advance(minutes=30)
    late = await client.post(
        f"/exam-attempts/{attempt_id}/answers/{question_id}",
        data={"_csrf_token": token, "choice": ["A"]},
        headers={"x-csrftoken": token},
    )
    assert late.status_code == 409 and late.json()["reload"] is True
    result = await client.get(exam_url)
    assert "考试结果" in result.text and "时间到时自动交卷" in result.text
    assert "解析" not in result.text  # this blueprint shows no answers


async def test_someone_elses_attempt_is_not_found(client, session, kit, clock) -> None:
    _admin, application_id, _ = await exam_ready(client, session, kit, clock)
    started = await submit(
        client, f"/applications/{application_id}/exam", {}, form_page=f"/applications/{application_id}"
    )
    exam_url = started.headers["location"]
    await submit(client, "/logout", {}, form_page="/")
    await register(client, "13800001111")
    await sign_in_page(client, "13800001111")
    assert (await client.get(exam_url)).status_code == 404
    other = await recruitment.certifications(session, uuid.uuid4())
    assert other == []


async def test_item_statistics_page_lists_the_questions_answered(client, session, kit, clock) -> None:
    admin, application_id, blueprint = await exam_ready(client, session, kit, clock)
    started = await submit(
        client, f"/applications/{application_id}/exam", {}, form_page=f"/applications/{application_id}"
    )
    exam_url = started.headers["location"]
    attempt_id = uuid.UUID(exam_url.rsplit("/", 1)[1])
    answers = await right_answers(session, attempt_id, admin)
    form = {"with_answers": "1", **{f"q-{qid}": keys for qid, keys in answers.items()}}
    await submit(client, f"/exam-attempts/{attempt_id}/submit", form, form_page=exam_url)
    assert (await client.get(f"/admin/exams/{blueprint.id}/stats")).status_code == 403  # a freelancer

    await submit(client, "/logout", {}, form_page="/")
    await sign_in_page(client, "admin@example.com")
    stats = await client.get(f"/admin/exams/{blueprint.id}/stats")
    assert stats.status_code == 200
    assert "已交卷次数" in stats.text and "平均分" in stats.text and "100%" in stats.text
    attempt = await exams.access_attempt(session, admin, attempt_id)
    for question in await exams.attempt_questions(session, attempt):
        code = (await exams.access_question(session, admin, question.item.question_id))[0].code
        assert code in stats.text
    assert stats.text.count('<tr class="">') == 6  # one row per question asked, none flagged from one answer
    listing = await client.get("/admin/exams")
    assert f'href="/admin/exams/{blueprint.id}/stats"' in listing.text
