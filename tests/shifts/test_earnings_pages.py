"""The earnings page (month picker, shifts, total, CSV), its calendar link section (made, shown once, replaced,
revoked) and the admins' payroll page, in Chinese first; the nav links to them."""

from __future__ import annotations

import csv
import io

from shifts.service import settle_shifts
from tests.shifts.conftest import DAY, at, book, window_of
from tests.web.test_pages import submit


async def _complete_one(client, clock, publish, job_state, who, pay_fen=3550):
    (slot,) = await publish(pay_fen=pay_fen)
    clock.set(window_of(DAY))
    booking = (await book(client, who, slot["slot_id"])).json()
    clock.set(at(DAY, 10, 10))
    assert (await client.post(f"/api/bookings/{booking['id']}/check-in", headers=who.headers)).status_code == 200
    clock.set(at(DAY, 11))
    await settle_shifts(job_state)


async def test_the_earnings_page_shows_the_month(client, clock, publish, job_state, freelancer) -> None:
    await _complete_one(client, clock, publish, job_state, freelancer)
    client.headers.update(freelancer.headers)
    shown = await client.get("/earnings", params={"month": "2026-03"})
    assert shown.status_code == 200
    text = shown.text
    assert "我的收入" in text and 'href="/earnings" aria-current="page"' in text
    assert "2026-03 合计：1 小时，35.50 元" in text and "2026-03-05" in text and "10:00" in text
    assert "迟到签到" in text and "售前" in text and 'href="/earnings.csv?month=2026-03"' in text
    empty = await client.get("/earnings", params={"month": "2026-04"})
    assert "本月没有已完成的班次。" in empty.text
    bad = await client.get("/earnings", params={"month": "2026-13"})
    assert bad.status_code == 422 and "月份应写成 YYYY-MM（年-月）。" in bad.text
    download = await client.get("/earnings.csv", params={"month": "2026-03"})
    assert download.headers["content-disposition"] == 'attachment; filename="earnings-2026-03.csv"'
    assert download.text.startswith("\ufeffdate,hour,track,pay_fen,total_fen")


async def test_the_calendar_link_is_shown_once_then_replaced_or_revoked(client, clock, freelancer) -> None:
    client.headers.update(freelancer.headers)
    page = await client.get("/earnings")
    assert "您还没有日历链接。" in page.text and "生成链接" in page.text
    made = await submit(client, "/earnings/calendar-link", {}, form_page="/earnings")
    assert made.status_code == 200 and "新链接只显示这一次" in made.text
    link = made.text.split('id="calendar-link" type="text" value="')[1].split('"')[0]
    assert link.endswith(".ics") and 'data-copy="calendar-link"' in made.text
    path = link[link.index("/calendar/") :]
    assert (await client.get(path)).status_code == 200
    again = await client.get("/earnings")
    assert "您已有日历链接" in again.text and link not in again.text and "更换链接" in again.text
    replaced = await submit(client, "/earnings/calendar-link", {}, form_page="/earnings")
    assert (await client.get(path)).status_code == 404 and "新链接只显示这一次" in replaced.text
    revoked = await submit(client, "/earnings/calendar-link/revoke", {}, form_page="/earnings")
    assert revoked.status_code in (302, 303)
    after = await client.get(revoked.headers["location"])
    assert "日历链接已撤销" in after.text and "您还没有日历链接。" in after.text


async def test_the_payroll_page_and_download(client, clock, publish, job_state, admin, freelancer) -> None:
    await _complete_one(client, clock, publish, job_state, freelancer, pay_fen=4000)
    client.headers.update(admin)
    shown = await client.get("/admin/payroll", params={"month": "2026-03"})
    assert shown.status_code == 200 and "工资结算" in shown.text and 'aria-current="page">工资结算' in shown.text
    assert "2026-03 合计：1 小时，40.00 元" in shown.text and "***@example.com" in shown.text
    assert 'href="/admin/payroll.csv?month=2026-03"' in shown.text
    download = await client.get("/admin/payroll.csv", params={"month": "2026-03"})
    assert download.headers["content-disposition"] == 'attachment; filename="payroll-2026-03.csv"'
    rows = list(csv.reader(io.StringIO(download.text.removeprefix("\ufeff"))))
    assert rows[1][3:] == ["1", "1", "4000", "40.00"]
    assert (await client.get("/admin/payroll", params={"month": "x"})).status_code == 422


async def test_pages_belong_to_their_audience(client, admin, freelancer) -> None:
    client.headers.update(freelancer.headers)
    assert (await client.get("/admin/payroll")).status_code == 403
    client.headers.update(admin)
    assert (await client.get("/earnings")).status_code == 403
