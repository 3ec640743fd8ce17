"""The exam's answer sheet as the server renders it (issue 16): without the script it already shows which questions
were saved, links to each, and the hand-in dialog's words; the script is a file of our own (CSP `script-src 'self'`).
The browser walk of marking, jumping and the hand-in warning is tests/e2e/test_exam_sheet_browser.py."""

from __future__ import annotations

import re
import uuid

from tests.web.test_exam_pages import exam_ready, right_answers
from tests.web.test_pages import csrf, submit


async def test_the_sheet_shows_what_was_saved_and_links_to_every_question(client, session, kit, clock) -> None:
    admin, application_id, _ = await exam_ready(client, session, kit, clock)
    url = f"/applications/{application_id}"
    exam_url = (await submit(client, f"{url}/exam", {}, form_page=url)).headers["location"]
    attempt_id = uuid.UUID(exam_url.rsplit("/", 1)[1])
    page = await client.get(exam_url)
    question_ids = re.findall(r'data-question="([0-9a-f-]{36})"', page.text)
    answers = await right_answers(session, attempt_id, admin)
    token = await csrf(client, exam_url)
    for qid in question_ids[:2]:
        saved = await client.post(
            f"/exam-attempts/{attempt_id}/answers/{qid}",
            data={"_csrf_token": token, "choice": answers[qid]},
            headers={"x-csrftoken": token},
        )
        assert saved.status_code == 200

    page = (await client.get(exam_url)).text
    sheet = re.search(r'<nav class="answer-sheet".*?</nav>', page, re.S).group(0)
    assert "答题卡" in sheet
    assert re.search(r'data-sheet-count="answered">2<', sheet) and re.search(r'data-sheet-count="unanswered">4<', sheet)
    links = re.findall(r'<a href="#q(\d)" class="sheet-item (\w+)" data-sheet="([0-9a-f-]{36})"', sheet)
    assert [(n, state) for n, state, _qid in links] == [
        ("1", "answered"),
        ("2", "answered"),
        ("3", "unanswered"),
        ("4", "unanswered"),
        ("5", "unanswered"),
        ("6", "unanswered"),
    ]
    assert [qid for _n, _state, qid in links] == question_ids
    assert 'aria-label="第 1 题：已作答"' in sheet and 'aria-label="第 3 题：未作答"' in sheet
    for n in range(1, 7):
        assert f'id="q{n}"' in page
    # marking for review is the candidate's own note: a box with no name, so it is never posted
    assert page.count("data-review=") == 6 and not re.search(r'<input[^>]*name="[^"]*"[^>]*data-review', page)
    assert "标记待检查" in page and "返回检查" in page and "确认交卷" in page
    assert "{unanswered}" in page and "{total}" in page and "{review}" in page  # the dialog's words, for the script
    # the script is our own file; no inline script
    assert '<script src="/static/exam_sheet.js" defer></script>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    script = await client.get("/static/exam_sheet.js")
    assert script.status_code == 200 and "sessionStorage" in script.text and "showModal" in script.text


async def test_the_english_sheet(client, session, kit, clock) -> None:
    _admin, application_id, _ = await exam_ready(client, session, kit, clock)
    url = f"/applications/{application_id}"
    exam_url = (await submit(client, f"{url}/exam", {}, form_page=url)).headers["location"]
    await client.get("/lang/en")
    page = (await client.get(exam_url)).text
    assert "Answer sheet" in page and "Mark for review" in page and "Back to the questions" in page
    assert 'aria-label="Question 1: unanswered"' in page
