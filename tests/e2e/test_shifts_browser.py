"""Grabbing shifts in Chromium (issue 17): a certified freelancer books from the week grid, sees a seat taken by
someone else without reloading, is refused that full slot with the reason beside the cell and joins its waitlist,
gets the seat when the other freelancer cancels (the bell and the grid change without a reload), checks in and sees
the shift on my shifts.

The server runs on the system clock, so the slot to check in to is moved to start six minutes from now (check-in
opens ten minutes before the start).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from gigplatform.clock import BUSINESS_TZ
from tests.e2e.conftest import ServerEnv
from tests.e2e.shift_data import api, certify_users, move_slot, publish
from tests.e2e.test_phone_layout import LAYOUT_PROBLEMS, PHONE

PASSWORD = "kefu2026ok"
ME, OTHER, ADMIN = "13912350001", "13912350002", "shifts-admin@example.com"


def monday(instant: datetime) -> str:
    day = instant.astimezone(BUSINESS_TZ).date()
    return (day - timedelta(days=day.weekday())).isoformat()


def test_book_be_refused_wait_get_the_seat_and_check_in(
    page: Page, server: str, server_env: ServerEnv, screenshots: Path
) -> None:
    server_env.cli("create-admin", "--login", ADMIN, "--password", PASSWORD)
    ids = []
    for login, name in ((ME, "小林"), (OTHER, "小赵")):
        body = {"login": login, "password": PASSWORD, "display_name": name, "role": "worker"}
        registered = httpx.post(f"{server}/api/auth/register", json=body)
        assert registered.status_code == 201, registered.text
        ids.append(registered.json()["id"])
    certify_users(server_env, ids)
    far = (datetime.now(BUSINESS_TZ) + timedelta(days=5)).date().isoformat()
    slots = publish(api(server, ADMIN, PASSWORD), [far], [10, 11, 12], ["pre_sales"], 1)
    soon_id, later_id, opening_id = (i["slot_id"] for i in slots)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    soon, later = now + timedelta(minutes=6), now + timedelta(minutes=66)
    move_slot(server_env, soon_id, soon)
    move_slot(server_env, later_id, later)
    other = api(server, OTHER, PASSWORD)

    page.goto("/login")
    page.get_by_label("手机号或邮箱", exact=True).fill(ME)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("link", name="抢班", exact=True).first.click()
    expect(page.get_by_role("heading", name="抢班", exact=True)).to_be_visible()

    # one click books the later slot, and the answer is at once on the page
    page.goto(f"/shifts?week={monday(later)}")
    later_cell = page.locator(f"#slot-{later_id}")
    expect(later_cell).to_contain_text("剩 1/1 座")
    later_cell.get_by_role("button", name="抢班").click()
    expect(page.get_by_role("status")).to_contain_text("抢班成功")
    expect(page.locator(f"#slot-{later_id}")).to_contain_text("已预约")

    # a slot whose window opens in a few seconds: its button shows then, without a reload or a request
    move_slot(server_env, opening_id, later + timedelta(hours=1), datetime.now(UTC) + timedelta(seconds=4))
    page.goto(f"/shifts?week={monday(later)}")
    opening = page.locator(f"#slot-{opening_id}")
    expect(opening).to_contain_text("开放时间")
    expect(opening.get_by_role("button", name="抢班")).to_be_hidden()
    expect(opening.get_by_role("button", name="抢班")).to_be_visible()
    expect(opening.locator(".opens")).to_be_hidden()

    # someone else takes the last seat of the soon slot: the count changes without a reload
    page.goto(f"/shifts?week={monday(soon)}")
    cell = page.locator(f"#slot-{soon_id}")
    expect(cell).to_contain_text("剩 1/1 座")
    expect(page.locator("html")).to_have_attribute("data-live", "open")
    page.evaluate("window.__sameDocument = true")
    taken = other.post(f"/api/slots/{soon_id}/bookings")
    assert taken.status_code == 201, taken.text
    expect(cell.locator("[data-seats]")).to_have_text("已满（1 座）")
    assert page.evaluate("window.__sameDocument") is True
    page.screenshot(path=str(screenshots / "zh-shifts-grid-live.png"), full_page=True)

    # the click that came too late: the service's reason beside the cell, and the offer to wait
    cell.get_by_role("button", name="抢班").click()
    cell = page.locator(f"#slot-{soon_id}")
    expect(cell.get_by_role("alert")).to_have_text("该班次已满，您可以加入候补。")
    page.screenshot(path=str(screenshots / "zh-shifts-refused-full.png"), full_page=True)
    cell.get_by_role("button", name="加入候补").click()
    cell = page.locator(f"#slot-{soon_id}")
    expect(cell).to_contain_text("候补第 1 位")
    expect(cell.get_by_role("button", name="退出候补")).to_be_visible()

    # the other freelancer cancels: the seat is ours, and the bell and the grid say so without a reload
    expect(page.locator("html")).to_have_attribute("data-live", "open")
    page.evaluate("window.__sameDocument = true")
    bell = page.locator("[data-unread]")
    expect(bell).to_be_hidden()
    cancelled = other.delete(f"/api/bookings/{taken.json()['id']}")
    assert cancelled.status_code == 200, cancelled.text
    expect(bell).to_have_text("1")
    expect(cell).to_contain_text("已预约")
    expect(cell).not_to_contain_text("候补第")
    assert page.evaluate("window.__sameDocument") is True
    page.screenshot(path=str(screenshots / "zh-shifts-promoted-live.png"), full_page=True)

    # my shifts: check in to the soon one (its window is open); the later one can still be cancelled, free
    page.get_by_role("link", name="我的班次", exact=True).first.click()
    soon_row = page.locator("li.booking").filter(has_text=soon.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M"))
    expect(soon_row).to_contain_text("来自候补")
    soon_row.get_by_role("button", name="签到").click()
    expect(page.get_by_role("status")).to_have_text("签到成功，祝您工作顺利。")
    soon_row = page.locator("li.booking").filter(has_text=soon.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M"))
    expect(soon_row).to_contain_text("已签到")
    later_row = page.locator("li.booking").filter(has_text=later.astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M"))
    expect(later_row).to_contain_text("现在可免费取消")
    page.screenshot(path=str(screenshots / "zh-my-shifts.png"), full_page=True)

    # cancelling says what it counts as before one confirms; keyboard only
    later_row.get_by_role("link", name="取消…").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("现在取消是免费的，不会影响您的可靠性评分。")
    page.get_by_role("button", name="确认取消班次").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("班次已取消，属于免费取消。")

    page.get_by_role("link", name="通知").click()
    expect(page.get_by_text("候补成功：您已获得")).to_be_visible()

    page.set_viewport_size(PHONE)  # on a phone the week scrolls sideways inside its own box, never the page
    for path, name in ((f"/shifts?week={monday(soon)}", "phone-shifts-grid"), ("/my-shifts", "phone-my-shifts")):
        page.goto(path)
        page.screenshot(path=str(screenshots / f"zh-{name}.png"), full_page=True)
        assert page.evaluate(LAYOUT_PROBLEMS) == [], path
