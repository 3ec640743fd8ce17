"""The freelancer's reliability page (score, the formula in words, the events with their dates, the dispute form
beside each disputable event, the disputes with their state) and the admins' disputes page (accept or reject with
a note), through forms as a person uses them; Chinese first."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from gigplatform.accounts import service as accounts
from shifts.service import ShiftDispute
from tests.conftest import PASSWORD, register
from tests.shifts.history import past_shift
from tests.web.test_pages import submit

ADMIN, WORKER = "admin@example.com", "13912345678"


async def _worker_with_a_no_show(client, session, clock) -> tuple[uuid.UUID, object]:
    worker = uuid.UUID((await register(client, WORKER, display_name="王芳"))["id"])
    booking = await past_shift(session, worker, clock.now() - timedelta(hours=2), "no_show")
    await past_shift(session, worker, clock.now() - timedelta(days=2), "completed", checked_in_at=clock.now())
    await submit(client, "/login", {"login": WORKER, "password": PASSWORD})
    return worker, booking


async def test_the_reliability_page_shows_the_score_the_formula_and_the_events(client, session, clock) -> None:
    await _worker_with_a_no_show(client, session, clock)
    home = await client.get("/")
    assert 'href="/reliability"' in home.text
    shown = await client.get("/reliability")
    assert shown.status_code == 200
    # 100 × 1 ÷ (1 + 2 × 1) = 33
    assert 'data-score="33"' in shown.text and "得分 = 100 ×" in shown.text
    assert 'class="badge event-no_show">缺席<' in shown.text and 'class="badge event-completed">已完成<' in shown.text
    assert shown.text.count('action="/reliability/disputes"') == 1  # beside the no-show only
    assert "2026-03-02 07:00" in shown.text  # the no-show's shift, in Beijing time
    assert 'data-standing="good"' in shown.text


async def test_disputing_from_the_page(client, session, clock) -> None:
    _, booking = await _worker_with_a_no_show(client, session, clock)
    blank = await submit(
        client, "/reliability/disputes", {"booking_id": str(booking.id), "reason": "  "}, "/reliability"
    )
    assert blank.status_code == 422 and "请说明申诉理由。" in blank.text
    assert f'id="e-reason-{booking.id}"' in blank.text
    assert await session.scalar(select(func.count()).select_from(ShiftDispute)) == 0
    done = await submit(
        client, "/reliability/disputes", {"booking_id": str(booking.id), "reason": "手机没电了"}, "/reliability"
    )
    assert done.status_code in (302, 303), done.text
    after = await client.get(done.headers["location"])
    assert "申诉已提交" in after.text and "待处理" in after.text and "手机没电了" in after.text
    assert 'action="/reliability/disputes"' not in after.text
    again = await submit(
        client, "/reliability/disputes", {"booking_id": str(booking.id), "reason": "再次"}, "/reliability"
    )
    assert again.status_code == 409 and "该事件已申诉过。" in again.text


async def test_an_admin_decides_from_the_disputes_page(client, session, kit, clock) -> None:
    worker, booking = await _worker_with_a_no_show(client, session, clock)
    await submit(
        client, "/reliability/disputes", {"booking_id": str(booking.id), "reason": "手机没电了"}, "/reliability"
    )
    assert (await client.get("/admin/disputes")).status_code == 403
    await submit(client, "/logout", {}, form_page="/")
    await accounts.create_admin(session, kit, login=ADMIN, password=PASSWORD, display_name="管理员")
    await session.commit()
    await submit(client, "/login", {"login": ADMIN, "password": PASSWORD})
    listed = await client.get("/admin/disputes")
    assert listed.status_code == 200 and 'href="/admin/disputes"' in listed.text
    assert "王芳" in listed.text and "手机没电了" in listed.text and WORKER not in listed.text
    dispute_id = await session.scalar(select(ShiftDispute.id))
    path = f"/admin/disputes/{dispute_id}"
    blank = await submit(client, path, {"decision": "accept", "note": ""}, "/admin/disputes")
    assert blank.status_code == 422 and f'id="e-note-{dispute_id}"' in blank.text
    done = await submit(client, path, {"decision": "accept", "note": "已核实"}, "/admin/disputes")
    assert done.status_code in (302, 303), done.text
    after = await client.get(done.headers["location"])
    assert "申诉已处理" in after.text and "这里没有申诉。" in after.text
    accepted = await client.get("/admin/disputes", params={"status": "accepted"})
    assert "已核实" in accepted.text and "已接受" in accepted.text
    log = await client.get(f"/admin/users/{worker}")
    assert "申诉已接受" in log.text and "已核实" in log.text
    await submit(client, "/logout", {}, form_page="/")
    await submit(client, "/login", {"login": WORKER, "password": PASSWORD})
    inbox = await client.get("/notifications")
    assert "您的申诉已被接受：该事件不再计入。备注：已核实" in inbox.text
    page = await client.get("/reliability")
    assert 'data-score="100"' in page.text and "不再计入" in page.text
