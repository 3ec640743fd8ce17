"""Admins' shift pages: the bulk publisher (pay in yuan, stored in fen) with its preview, a refusal naming the slot,
the fill-rate grid with its numbers, who is on shift now, and cancelling a slot after a confirmation."""

from __future__ import annotations

from sqlalchemy import select

from gigplatform.notifications import Notification
from shifts.service import ShiftSlot
from tests.conftest import PASSWORD
from tests.shifts.conftest import DAY, at, book, window_of
from tests.web.test_pages import submit

FORM = "/admin/shifts/publish"


async def _signed_in(client, admin) -> None:
    """The `admin` fixture made admin@example.com; the pages need its browser session too."""
    done = await submit(client, "/login", {"login": "admin@example.com", "password": PASSWORD})
    assert done.status_code in (302, 303), done.text


def _form(**extra):
    body = {"dates": [DAY.isoformat()], "hours": ["10", "11"], "tracks": ["pre_sales"], "capacity": "3"}
    return {**body, "pay_yuan": "25.50", **extra}


async def test_the_publisher_previews_then_applies_pay_in_yuan_stored_in_fen(client, session, clock, admin) -> None:
    await _signed_in(client, admin)
    shown = await client.get(FORM)
    assert shown.status_code == 200 and "发布班次" in shown.text and 'value="2026-03-02"' in shown.text
    preview = await submit(client, FORM, _form(step="preview"))
    assert preview.status_code == 200, preview.text
    assert "预览" in preview.text and preview.text.count('class="action-create"') == 2 and "25.50" in preview.text
    assert 'name="step" value="apply"' in preview.text
    assert list(await session.scalars(select(ShiftSlot))) == []
    applied = await submit(client, FORM, _form(step="apply"))
    assert applied.status_code in (302, 303), applied.text
    assert applied.headers["location"] == "/admin/shifts?from=2026-03-05&notice_code=published"
    slots = list(await session.scalars(select(ShiftSlot)))
    assert len(slots) == 2 and {s.pay_fen for s in slots} == {2550} and {s.capacity for s in slots} == {3}
    grid = await client.get(applied.headers["location"])
    assert "班次已发布。" in grid.text and grid.text.count("0/3 · 0%") == 2
    again = await submit(client, FORM, _form(step="preview", pay_yuan="30", capacity="4"))
    assert again.text.count('class="action-update"') == 2 and "25.50 → 30.00" in again.text and "3 → 4" in again.text


async def test_the_publisher_names_each_broken_field_and_the_slot_below_booked(
    client, session, clock, admin, publish, make_freelancers
) -> None:
    (slot,) = await publish(capacity=2, pay_fen=3000)
    clock.set(window_of(DAY))
    for who in await make_freelancers(2):
        assert (await book(client, who, slot["slot_id"])).status_code == 201
    await _signed_in(client, admin)
    bad = await submit(client, FORM, {"step": "preview", "capacity": "0", "pay_yuan": "1.234"})
    assert bad.status_code == 422
    for field in ("dates", "hours", "tracks", "capacity", "pay_yuan"):
        assert f'id="e-{field}"' in bad.text, field
    refused = await submit(client, FORM, _form(hours=["10"], capacity="0", step="apply"))
    assert refused.status_code == 422 and 'id="e-capacity"' in refused.text
    below = await submit(client, FORM, _form(hours=["10"], capacity="1", pay_yuan="30", step="apply"))
    assert below.status_code == 409
    assert "2026-03-05 10:00 的售前班次已有 2 人预约" in below.text and 'id="e-capacity"' in below.text
    stored = await session.scalar(select(ShiftSlot))
    assert (stored.capacity, stored.pay_fen) == (2, 3000)


async def test_the_grid_shows_numbers_and_cancels_a_slot_after_confirming(
    client, session, clock, admin, publish, make_freelancers
) -> None:
    slots = await publish(hours=(10, 11), tracks=("pre_sales", "complaints"), capacity=2)
    ten = next(s for s in slots if s["track"] == "pre_sales" and s["starts_at"].startswith("2026-03-05T02"))
    clock.set(window_of(DAY))
    people = await make_freelancers(3)
    for who in people[:2]:
        assert (await book(client, who, ten["slot_id"])).status_code == 201
    assert (await client.post(f"/api/slots/{ten['slot_id']}/waitlist", headers=people[2].headers)).status_code == 201
    await _signed_in(client, admin)
    grid = await client.get("/admin/shifts", params={"from": DAY.isoformat()})
    assert grid.status_code == 200
    cell = grid.text.split(f'data-slot="{ten["slot_id"]}"')[1].split("</td>")[0]
    assert "2/2 · 100%" in cell and "候补 1" in cell and "签到 0" in cell
    assert 'class="fill fill-full"' in grid.text and grid.text.count("0/2 · 0%") == 3
    assert '<a href="/admin/shifts"' in grid.text  # the admin nav
    confirm = await client.get(f"/admin/shifts/slots/{ten['slot_id']}/cancel")
    assert confirm.status_code == 200 and "取消该班次" in confirm.text and 'data-count="booked">2/2' in confirm.text
    done = await submit(
        client, f"/admin/shifts/slots/{ten['slot_id']}/cancel", {}, f"/admin/shifts/slots/{ten['slot_id']}/cancel"
    )
    assert done.status_code in (302, 303) and done.headers["location"].endswith("notice_code=cancelled")
    after = await client.get(done.headers["location"])
    assert 'class="fill fill-cancelled"' in after.text
    told = await session.scalars(select(Notification.user_id).where(Notification.kind == "shift.slot_cancelled"))
    assert sorted(told) == sorted(p.user_id for p in people[:2])
    again = await submit(
        client, f"/admin/shifts/slots/{ten['slot_id']}/cancel", {}, f"/admin/shifts/slots/{ten['slot_id']}/cancel"
    )
    assert again.status_code in (200, 409) and "已取消" in again.text


async def test_on_shift_now_per_track(client, clock, admin, publish, make_freelancers) -> None:
    (slot,) = await publish(capacity=2)
    clock.set(window_of(DAY))
    here, away = await make_freelancers(2)
    mine = (await book(client, here, slot["slot_id"])).json()
    await book(client, away, slot["slot_id"])
    clock.set(at(DAY, 10, 2))
    assert (await client.post(f"/api/bookings/{mine['id']}/check-in", headers=here.headers)).status_code == 200
    await _signed_in(client, admin)
    board = await client.get("/admin/shifts/on-shift")
    assert (board.status_code == 200 and "正在上班" in board.text) or "当前在岗" in board.text
    assert board.text.count('class="on-shift-checked_in"') == 1 and board.text.count('class="on-shift-booked"') == 1
    assert f"/admin/users/{here.user_id}" in board.text


async def test_shift_pages_are_for_admins_only(client, freelancer) -> None:
    for path in ("/admin/shifts", FORM, "/admin/shifts/on-shift"):
        response = await client.get(path, headers=freelancer.headers, follow_redirects=False)
        assert response.status_code in (302, 303, 401, 403), path
