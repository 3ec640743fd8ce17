"""The online exam in a real browser, in Chinese: one freelancer passes and sees the certification, another fails
and sees the cool-down.

An admin sets up a small bank (so the test knows the right answers), a blueprint and an open round without training
through the JSON API; each freelancer registers, applies and passes the typing test through the API too (the
browser walk of those steps is tests/e2e/test_recruitment_browser.py). Then, in the browser, they start the exam
from their application, click their answers (saved as clicked: a reload keeps them) and hand it in.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect
from stdnum.cn import ric

from tests.e2e.conftest import ServerEnv

ADMIN_LOGIN = "exam-admin@gig.example"
PASSWORD = "Kaoshi2026ok"
ROUND_TITLE = "2026 冬季云客服招募"
EXAM_TITLE = "云客服岗前认证考试（测试）"

# prompt -> (category, type, [(option text, correct)], dialogue)
BANK: dict[str, tuple[str, str, list[tuple[str, bool]], list[dict[str, str]]]] = {
    "买家要求加微信沟通，客服应该怎么做？": (
        "platform_rules",
        "single",
        [("婉拒并说明平台内沟通更有保障", True), ("发送自己的微信号", False), ("让买家留下手机号", False)],
        [],
    ),
    "以下哪项属于平台禁止的行为？": (
        "platform_rules",
        "single",
        [("引导买家线下交易", True), ("耐心解答商品问题", False), ("主动告知发货时间", False)],
        [],
    ),
    "首次响应应尽量快，哪些做法有帮助？": (
        "service_skills",
        "multiple",
        [
            ("设置首次自动回复", True),
            ("使用快捷短语", True),
            ("等买家问三遍再回复", False),
            ("离开工位不挂离线", False),
        ],
        [],
    ),
    "客服可以为了促成订单承诺超出权限的赔偿。": (
        "service_skills",
        "true_false",
        [("正确", False), ("错误", True)],
        [],
    ),
    "以下哪句回复最合适？": (
        "scenario",
        "scenario",
        [("亲，非常抱歉让您久等了，我马上为您查询物流", True), ("快递慢不关我们的事", False), ("您再等等吧", False)],
        [{"speaker": "buyer", "text": "我的快递三天都没动了！"}],
    ),
}


def resident_id(birth: date, serial: str) -> str:
    body = f"330106{birth:%Y%m%d}{serial}"
    return body + ric.calc_check_digit(body + "0")


def set_up_exam(server: str, server_env: ServerEnv) -> str:
    """The admin, the bank, an open round without training, and its blueprint (4 questions, 80 % to pass, answers
    shown, 2 attempts 12 hours apart). Returns the round id."""
    server_env.cli("create-admin", "--login", ADMIN_LOGIN, "--password", PASSWORD, "--display-name", "考试管理员")
    with httpx.Client(base_url=server, timeout=10) as api:
        token = api.post("/api/auth/login", json={"login": ADMIN_LOGIN, "password": PASSWORD}).json()["access_token"]
        api.headers["Authorization"] = f"Bearer {token}"
        for n, (prompt, (category, kind, options, dialogue)) in enumerate(BANK.items()):
            keys = ["T", "F"] if kind == "true_false" else list("ABCD")
            body: dict[str, Any] = {
                "code": f"e2e-{n}",
                "category": category,
                "type": kind,
                "difficulty": 2,
                "prompt": prompt,
                "dialogue": dialogue,
                "options": [{"key": k, "text": t, "correct": c} for k, (t, c) in zip(keys, options, strict=False)],
                "explanation": "依据平台规则与服务规范。",
            }
            assert api.post("/api/admin/questions", json=body).status_code == 201
        now = datetime.now(UTC)
        round_ = api.post(
            "/api/admin/rounds",
            json={
                "title": ROUND_TITLE,
                "tracks": ["pre_sales", "after_sales"],
                "opens_at": (now - timedelta(hours=1)).isoformat(),
                "closes_at": (now + timedelta(days=10)).isoformat(),
                "quota": 20,
                "min_typing_cpm": 0,
                "min_typing_accuracy": 50,
            },
        ).json()
        assert api.post(f"/api/admin/rounds/{round_['id']}/open").status_code == 200
        blueprint = api.post(
            "/api/admin/exams",
            json={
                "title": EXAM_TITLE,
                "round_id": round_["id"],
                "per_category": {"platform_rules": 2, "service_skills": 1, "scenario": 1},
                "time_limit_minutes": 20,
                "pass_mark": 80,
                "attempts_allowed": 2,
                "cooldown_hours": 12,
                "show_answers": True,
            },
        )
        assert blueprint.status_code == 201, blueprint.text
    return round_["id"]


def freelancer_at_exam(server: str, round_id: str, login: str, name: str, serial: str) -> str:
    """Registers, applies and passes the typing test through the API; returns the application id."""
    with httpx.Client(base_url=server, timeout=10) as api:
        assert api.post(
            "/api/auth/register", json={"login": login, "password": PASSWORD, "display_name": name, "role": "worker"}
        ).is_success
        token = api.post("/api/auth/login", json={"login": login, "password": PASSWORD}).json()["access_token"]
        api.headers["Authorization"] = f"Bearer {token}"
        application = api.post(
            f"/api/rounds/{round_id}/applications",
            json={
                "legal_name": name,
                "id_number": resident_id(date(1998, 6, 1), serial),
                "phone": login,
                "is_student": False,
                "tracks": ["pre_sales"],
                "consent": True,
            },
        )
        assert application.status_code == 201, application.text
        application_id = application.json()["id"]
        test = api.post(f"/api/applications/{application_id}/typing-test").json()
        typed = api.post(f"/api/typing-tests/{test['test_id']}/submit", json={"text": test["passage"]}).json()
        assert typed["application_status"] == "exam", typed
    return application_id


def sign_in(page: Page, login: str) -> None:
    page.goto("/login")
    page.get_by_label("手机号或邮箱", exact=True).fill(login)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()


def start_exam(page: Page, application_id: str) -> None:
    page.goto(f"/applications/{application_id}")
    section = page.locator("#exam")
    expect(section).to_contain_text(EXAM_TITLE)
    expect(section).to_contain_text("及格线")
    page.once("dialog", lambda dialog: dialog.accept())
    section.get_by_role("button", name="开始考试").click()
    expect(page).to_have_url(re.compile(r"/exam-attempts/[0-9a-f-]{36}$"))
    expect(page.locator("#exam-timer")).to_have_text(re.compile(r"^(20:00|19:[0-5]\d)$"))
    expect(page.locator("fieldset[data-question]")).to_have_count(4)


def answer(page: Page, *, right: bool) -> None:
    """Clicks, for each question on the page, the right options (or a wrong one), waiting for each to be saved."""
    for box in page.locator("fieldset[data-question]").all():
        prompt = box.locator(".prompt").inner_text()
        _category, _kind, options, _dialogue = BANK[prompt]
        wanted = [t for t, correct in options if correct == right][: None if right else 1]
        for text in wanted:
            box.get_by_text(text, exact=False).click()
            expect(box.locator(".save-state")).to_have_text("已保存")


def hand_in(page: Page) -> None:
    """Hand in, confirmed in the page's own dialog (which counts what is left unanswered)."""
    page.get_by_role("button", name="交卷", exact=True).click()
    page.locator("#handin-dialog").get_by_role("button", name="确认交卷").click()
    expect(page.get_by_role("heading", name="考试结果")).to_be_visible()


def test_one_freelancer_passes_and_is_certified_another_fails_into_the_cool_down(
    page: Page, server: str, server_env: ServerEnv, screenshots: Path
) -> None:
    round_id = set_up_exam(server, server_env)
    passing = freelancer_at_exam(server, round_id, "13611112222", "周敏", "451")
    failing = freelancer_at_exam(server, round_id, "13633334444", "吴磊", "472")

    # the first: answers saved as clicked survive a reload, then all right
    sign_in(page, "13611112222")
    expect(page.locator("table tr", has_text=ROUND_TITLE)).to_contain_text("待考试")
    start_exam(page, passing)
    first = page.locator("fieldset[data-question]").first
    first_options = BANK[first.locator(".prompt").inner_text()][2]
    first.get_by_text(first_options[1][0], exact=False).click()  # a wrong choice first
    expect(first.locator(".save-state")).to_have_text("已保存")
    page.reload()
    expect(page.locator("fieldset[data-question]").first.locator("input:checked")).to_have_count(1)
    answer(page, right=True)
    page.screenshot(path=str(screenshots / "zh-exam.png"), full_page=True)
    hand_in(page)
    expect(page.locator(".verdict")).to_have_text("已通过")
    expect(page.locator(".score")).to_contain_text("100%")
    expect(page.get_by_role("heading", name="您已获得认证")).to_be_visible()
    expect(page.locator(".review")).to_contain_text("解析：依据平台规则与服务规范。")
    page.screenshot(path=str(screenshots / "zh-exam-passed.png"), full_page=True)
    page.goto("/")
    certifications = page.locator("#certifications")
    expect(certifications).to_contain_text("我的认证")
    expect(certifications).to_contain_text("售前")
    expect(page.locator("table tr", has_text=ROUND_TITLE)).to_contain_text("已认证")
    page.screenshot(path=str(screenshots / "zh-certified-home.png"), full_page=True)

    # the second: wrong answers, a failed attempt and the cool-down before the next one
    page.get_by_role("button", name="退出登录").click()
    sign_in(page, "13633334444")
    start_exam(page, failing)
    answer(page, right=False)
    hand_in(page)
    expect(page.locator(".verdict")).to_have_text("未通过")
    expect(page.locator(".cooldown")).to_contain_text("剩余次数：1")
    page.screenshot(path=str(screenshots / "zh-exam-failed.png"), full_page=True)
    page.get_by_role("link", name="返回我的报名").click()
    section = page.locator("#exam")
    expect(section.locator(".cooldown")).to_contain_text("冷却中：下次考试于")
    expect(section.get_by_role("button", name="重新考试")).to_have_count(0)
    expect(section).to_contain_text("已用 1 次，共 2 次")
    page.screenshot(path=str(screenshots / "zh-exam-cooldown.png"), full_page=True)
