"""The exam's answer sheet in a real browser (issue 16): a candidate answers some questions, marks one for review,
jumps around by the sheet and by keyboard, and before handing in is told how many are unanswered and marked; on a
390 px phone too, and in English.

The set-up (bank, round, blueprint of 4 questions, a freelancer at the exam step) is the one of
tests/e2e/test_exam_browser.py, through the JSON API.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ServerEnv
from tests.e2e.test_exam_browser import BANK, freelancer_at_exam, set_up_exam, sign_in, start_exam

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def answer_question(page: Page, n: int) -> None:
    box = page.locator(f"#q{n} fieldset[data-question]")
    _category, _kind, options, _dialogue = BANK[box.locator(".prompt").inner_text()]
    box.get_by_text(options[0][0], exact=False).click()
    expect(box.locator(".save-state")).to_have_text("已保存")


def counts(page: Page) -> tuple[str, str, str]:
    sheet = page.locator("#answer-sheet")
    return tuple(
        sheet.locator(f'[data-sheet-count="{name}"]').inner_text() for name in ("answered", "unanswered", "review")
    )


def test_the_answer_sheet_counts_marks_jumps_and_warns_before_hand_in(
    page: Page, server: str, server_env: ServerEnv, screenshots: Path
) -> None:
    round_id = set_up_exam(server, server_env)
    application_id = freelancer_at_exam(server, round_id, "13655556666", "郑洁", "493")
    sign_in(page, "13655556666")
    start_exam(page, application_id)

    sheet = page.locator("#answer-sheet")
    expect(sheet.get_by_role("heading", name="答题卡")).to_be_visible()
    expect(sheet.locator("a[data-sheet]")).to_have_count(4)
    assert counts(page) == ("0", "4", "0")

    # answer two, and the sheet follows
    answer_question(page, 1)
    answer_question(page, 2)
    assert counts(page) == ("2", "2", "0")
    expect(sheet.locator('a[data-n="1"]')).to_have_class(re.compile(r"\banswered\b"))
    expect(sheet.locator('a[data-n="3"]')).to_have_class(re.compile(r"\bunanswered\b"))
    expect(sheet.locator('a[data-n="2"]')).to_have_attribute("aria-label", "第 2 题：已作答")

    # mark question 3 for review with the keyboard; a reload keeps answers and the mark
    page.locator("#q3 input[data-review]").focus()
    page.keyboard.press("Space")
    expect(sheet.locator('a[data-n="3"]')).to_have_class(re.compile(r"\breview\b"))
    assert counts(page) == ("2", "2", "1")
    page.reload()
    assert counts(page) == ("2", "2", "1")
    expect(page.locator("#q3 input[data-review]")).to_be_checked()
    expect(sheet.locator('a[data-n="3"]')).to_have_attribute("aria-label", "第 3 题：未作答, 标记待检查")

    # jump: by click, and by keyboard (Enter on a sheet number puts the keyboard on that question's first choice)
    sheet.locator('a[data-n="4"]').click()
    expect(page).to_have_url(re.compile(r"#q4$"))
    assert page.evaluate("document.activeElement.closest('li.question').id") == "q4"
    sheet.locator('a[data-n="1"]').focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('li.question').id") == "q1"
    assert page.evaluate("document.activeElement.checked") is True  # its chosen answer
    page.screenshot(path=str(screenshots / "zh-exam-sheet.png"), full_page=False)

    # hand in: the warning names how many are unanswered and marked, with links to each
    page.get_by_role("button", name="交卷", exact=True).click()
    dialog = page.locator("#handin-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-handin-summary]")).to_have_text("共 4 题，还有 2 题未作答，1 题标记待检查。")
    expect(dialog.locator('[data-handin-list="unanswered"] a')).to_have_text(["3", "4"])
    expect(dialog.locator('[data-handin-list="review"] a')).to_have_text(["3"])
    expect(dialog.get_by_role("button", name="返回检查")).to_be_focused()  # the safe choice is the default
    page.screenshot(path=str(screenshots / "zh-exam-handin-warning.png"), full_page=False)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/exam-attempts/"))

    # on a phone: nothing scrolls sideways, the sheet sits above the questions, the dialog fits
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(FITS)
    page.screenshot(path=str(screenshots / "phone-exam-sheet.png"), full_page=True)
    page.get_by_role("button", name="交卷", exact=True).click()
    assert page.evaluate(FITS)
    page.screenshot(path=str(screenshots / "phone-exam-handin-warning.png"), full_page=False)
    dialog.locator('[data-handin-list="unanswered"]').get_by_role("link", name="4").click()  # jump from the warning
    expect(dialog).to_be_hidden()
    assert page.evaluate("document.activeElement.closest('li.question').id") == "q4"

    # English: the same sheet in the other language
    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator("header").get_by_role("link", name="English").click()
    expect(page.locator("#answer-sheet").get_by_role("heading", name="Answer sheet")).to_be_visible()
    expect(page.locator("#answer-sheet")).to_contain_text("Marked for review")
    page.locator("header").get_by_role("link", name="中文").click()

    # all answered and the mark taken off: the dialog says so, and handing in goes through
    answer_question(page, 3)
    answer_question(page, 4)
    page.locator("#q3 input[data-review]").uncheck()
    assert counts(page) == ("4", "0", "0")
    page.get_by_role("button", name="交卷", exact=True).click()
    expect(dialog.locator("[data-handin-summary]")).to_have_text("4 题已全部作答，没有标记待检查的题。")
    dialog.get_by_role("button", name="确认交卷").click()
    expect(page.get_by_role("heading", name="考试结果")).to_be_visible()
