"""The notification bell is live: with a page open, a notification committed by another request raises the unread
count without a reload, and reading the inbox brings it back down, through `/live` (SSE) and `static/live.js`."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ServerEnv

PASSWORD = "kefu2026ok"
WORKER, ADMIN = "13912340001", "admin@example.com"


def test_the_bell_counts_new_notifications_without_a_reload(
    page: Page, server: str, server_env: ServerEnv, screenshots: Path
) -> None:
    server_env.cli("create-admin", "--login", ADMIN, "--password", PASSWORD)
    body = {"login": WORKER, "password": PASSWORD, "display_name": "小李", "role": "worker"}
    worker_id = httpx.post(f"{server}/api/auth/register", json=body).json()["id"]
    admin = httpx.post(f"{server}/api/auth/login", json={"login": ADMIN, "password": PASSWORD}).json()

    page.goto("/login")
    page.get_by_label("手机号或邮箱", exact=True).fill(WORKER)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", name="小李，您好")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-live", "open")  # the stream is connected
    bell = page.locator("[data-unread]")
    expect(bell).to_be_hidden()
    page.evaluate("window.__sameDocument = true")  # gone if the page were reloaded

    # another request (not this page's) puts a notice in the inbox: a password-reset request
    assert httpx.post(f"{server}/api/auth/password-reset", json={"login": WORKER}).status_code == 202
    expect(bell).to_have_text("1")
    expect(bell).to_be_visible()
    expect(bell).to_have_attribute("aria-label", "1 条未读")

    # an admin's warning, audited and told to the person
    warned = httpx.post(
        f"{server}/api/admin/users/{worker_id}/standing",
        json={"standing": "warned", "reason": "回复过慢"},
        headers={"Authorization": f"Bearer {admin['access_token']}"},
    )
    assert warned.status_code == 200, warned.text
    expect(bell).to_have_text("2")
    assert page.evaluate("window.__sameDocument") is True
    page.screenshot(path=str(screenshots / "zh-live-bell.png"))

    page.get_by_role("link", name="通知").click()
    expect(page.get_by_text("您的账号收到一次警告。原因：回复过慢")).to_be_visible()


def test_an_admin_restricts_a_freelancer_from_the_account_page(
    page: Page, server: str, server_env: ServerEnv, screenshots: Path
) -> None:
    login, admin = "13912340002", "admin2@example.com"
    server_env.cli("create-admin", "--login", admin, "--password", PASSWORD)
    body = {"login": login, "password": PASSWORD, "display_name": "小周", "role": "worker"}
    assert httpx.post(f"{server}/api/auth/register", json=body).status_code == 201

    page.goto("/login")
    page.get_by_label("手机号或邮箱", exact=True).fill(admin)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("link", name="账号", exact=True).first.click()
    page.get_by_label("登录名（手机号或电子邮箱）").fill(login)
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_role("heading", name="小周")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("139****0002")

    page.get_by_label("账号状态", exact=True).select_option("restricted")
    page.get_by_role("button", name="保存决定").click()  # no reason
    expect(page.locator("#e-reason")).to_be_visible()
    page.get_by_label("原因（本人可见）").fill("三次缺勤")
    page.get_by_role("button", name="保存决定").click()  # a restriction without its end
    expect(page.locator("#e-until")).to_have_text("限制须注明结束时间。")
    expect(page.get_by_label("原因（本人可见）")).to_have_value("三次缺勤")
    page.get_by_label("限制至（北京时间）").fill("2030-01-01T18:00")
    page.get_by_role("button", name="保存决定").click()
    expect(page.get_by_role("status")).to_have_text("状态已更改，并已通知本人。")
    expect(page.locator("[data-standing]")).to_have_text("受限")
    expect(page.locator(".audit-log")).to_contain_text("三次缺勤")
    page.screenshot(path=str(screenshots / "zh-admin-standing.png"), full_page=True)
