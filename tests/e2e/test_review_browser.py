"""An admin's bulk reject in a real browser (issue 16): the browser asks first, naming how many applications are
ticked, by mouse or keyboard; declining sends nothing; with nothing ticked it asks nothing and the server says to tick
one. The script is web/static/app.js (CSP allows only same-origin scripts)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from playwright.sync_api import Dialog, Page, expect
from stdnum.cn import ric

from tests.e2e.conftest import ServerEnv

ADMIN_LOGIN = "review@gig.example"
ADMIN_PASSWORD = "Shenhe2026ok"
WORKER_PASSWORD = "kefu2026ok"


def _resident_id(birth: date, serial: str) -> str:
    body = f"330106{birth:%Y%m%d}{serial}"
    return body + ric.calc_check_digit(body + "0")


def _round_with_applications(server: str, server_env: ServerEnv, applicants: int) -> str:
    """An open round (through the API, as an operator makes one) and `applicants` freelancers who applied to it."""
    server_env.cli("create-admin", "--login", ADMIN_LOGIN, "--password", ADMIN_PASSWORD, "--display-name", "审核员")
    now = datetime.now(UTC)
    with httpx.Client(base_url=server, timeout=10) as api:
        token = api.post("/api/auth/login", json={"login": ADMIN_LOGIN, "password": ADMIN_PASSWORD}).json()
        admin = {"Authorization": f"Bearer {token['access_token']}"}
        created = api.post(
            "/api/admin/rounds",
            headers=admin,
            json={
                "title": "批量审核演练",
                "tracks": ["pre_sales"],
                "opens_at": (now - timedelta(hours=1)).isoformat(),
                "closes_at": (now + timedelta(days=10)).isoformat(),
                "quota": 20,
            },
        )
        assert created.status_code == 201, created.text
        round_id = created.json()["id"]
        assert api.post(f"/api/admin/rounds/{round_id}/open", headers=admin).status_code == 200
        for n in range(applicants):
            login = f"1380000100{n}"
            body = {"login": login, "password": WORKER_PASSWORD, "display_name": f"应聘者{n}", "role": "worker"}
            assert api.post("/api/auth/register", json=body).status_code == 201
            token = api.post("/api/auth/login", json={"login": login, "password": WORKER_PASSWORD}).json()
            applied = api.post(
                f"/api/rounds/{round_id}/applications",
                headers={"Authorization": f"Bearer {token['access_token']}"},
                json={
                    "legal_name": f"陈{'一二三'[n]}",
                    "id_number": _resident_id(date(1995, 1, 1 + n), f"37{n}"),
                    "phone": login,
                    "is_student": False,
                    "tracks": ["pre_sales"],
                    "consent": True,
                },
            )
            assert applied.status_code == 201, applied.text
    return round_id


def test_bulk_reject_asks_first_naming_how_many_are_ticked(
    page: Page, server: str, server_env: ServerEnv, screenshots: Path
) -> None:
    round_id = _round_with_applications(server, server_env, applicants=3)
    page.goto("/login")
    page.get_by_label("手机号或邮箱", exact=True).fill(ADMIN_LOGIN)
    page.get_by_label("密码", exact=True).fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.goto(f"/admin/rounds/{round_id}/applications")
    boxes = page.locator('input[name="ids"]')
    expect(boxes).to_have_count(3)

    asked: list[str] = []

    def decline(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    # nothing ticked: no question; the server says to tick one
    page.on("dialog", decline)
    page.get_by_role("button", name="驳回所选", exact=True).click()
    expect(page.locator(".error.banner")).to_contain_text("请至少选择一份报名")
    assert asked == []

    # two ticked, a reason given, the question declined from the keyboard: nothing is sent
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.locator("#f-reason").fill("资料不完整")
    page.get_by_role("button", name="驳回所选", exact=True).focus()
    page.keyboard.press("Enter")
    page.evaluate("0")  # a round trip to the page, which waits for the question to be answered
    assert asked == ["确定驳回勾选的 2 份报名吗？每位报名人都会看到原因。"]
    expect(page.locator(".notice")).to_have_count(0)
    expect(boxes.nth(0)).to_be_checked()
    page.remove_listener("dialog", decline)

    # accepted: the two are rejected (had the declined submit gone through, they would already be rejected and
    # this answer would be "rejected: 0")
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="驳回所选", exact=True).click()
    expect(page.locator(".notice")).to_contain_text("已驳回：2。")
    assert asked[-1] == "确定驳回勾选的 2 份报名吗？每位报名人都会看到原因。"
    page.screenshot(path=str(screenshots / "zh-review-bulk-rejected.png"), full_page=True)
    assert re.search(r"/admin/rounds/[0-9a-f-]{36}/applications$", page.url)

    # advancing a rejected application moves nothing: a warning notice, not a green success
    boxes.nth(0).check()
    page.get_by_role("button", name="推进所选", exact=True).click()
    expect(page.locator(".notice.warning")).to_contain_text("已推进：0。")
    page.screenshot(path=str(screenshots / "zh-review-nothing-moved.png"), full_page=True)
