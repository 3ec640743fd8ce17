"""The freelancer's shift pages (issue 17): the week grid of their tracks with seats left and their window, booking in
one click with the service's reason beside the cell when refused, the waitlist with its position, and my shifts
with cancel (free or late, said before confirming) and check-in only while they are allowed. Fake clock throughout.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from gigplatform.accounts.models import User
from shifts.models import ShiftBooking, ShiftPolicy
from tests.conftest import PASSWORD, register
from tests.shifts.conftest import DAY, Freelancer, at, book, window_of
from tests.web.test_pages import CSRF, submit

WEEK = "2026-03-02"  # the Monday of DAY's week
GRID = f"/shifts?week={WEEK}"


async def signed_in(client, session, kit, make_freelancers, tracks=("pre_sales",)) -> Freelancer:
    """A certified freelancer with a password, signed in to the pages on `client`."""
    (who,) = await make_freelancers(1, tracks)
    await session.execute(update(User).where(User.id == who.user_id).values(password_hash=kit.passwords.hash(PASSWORD)))
    await session.commit()
    login = await session.scalar(select(User.login).where(User.id == who.user_id))
    done = await submit(client, "/login", {"login": login, "password": PASSWORD, "next": "/"})
    assert done.status_code in (302, 303), done.text
    return who


def cell(html: str, slot_id: str) -> str:
    """The grid cell of one slot."""
    found = re.search(rf'<td id="slot-{slot_id}".*?</td>', html, re.S)
    assert found, f"no cell for {slot_id}"
    return found.group(0)


def booking_row(html: str, booking_id: str) -> str:
    found = re.search(rf'<li id="booking-{booking_id}".*?</li>', html, re.S)
    assert found, f"no row for {booking_id}"
    return found.group(0)


def slot_of(items, track: str = "pre_sales", hour: int = 10) -> str:
    return next(
        i["slot_id"] for i in items if i["track"] == track and i["starts_at"].endswith(f"T{hour - 8:02d}:00:00Z")
    )


async def post(client, path: str):
    return await submit(client, path, {}, form_page=GRID)


async def test_the_grid_shows_the_callers_tracks_seats_and_window(
    client, session, kit, clock, publish, make_freelancers
) -> None:
    items = await publish(hours=(10, 11), tracks=("pre_sales", "after_sales", "complaints"), capacity=3)
    await signed_in(client, session, kit, make_freelancers, tracks=("pre_sales", "complaints"))

    page = await client.get(GRID)
    assert page.status_code == 200
    html = page.text
    assert "售前" in html and "投诉纠纷" in html and 'id="track-after_sales"' not in html
    for track in ("pre_sales", "complaints"):
        for hour in (10, 11):
            shown = cell(html, slot_of(items, track, hour))
            assert "剩 3/3 座" in shown and "¥30.00/小时" in shown
            # Monday 09:00: the window of Thursday's slots opens on Tuesday at 20:00, shown in Beijing time.
            assert "开放时间 03-03 20:00" in shown
            # the button waits, hidden, for the window: 35 hours from Monday 09:00, counted by the page itself
            assert 'data-opens-in="126000"' in shown and re.search(r'/book#slot-[^"]+" hidden data-when-open>', shown)
    assert slot_of(items, "after_sales") not in html
    assert 'href="/shifts?week=2026-02-23"' in html and 'href="/shifts?week=2026-03-09"' in html
    assert "10:00" in html and "11:00" in html and "周四" in html and "03-05" in html
    assert 'data-live-topics="slots"' in html and '<script src="/static/shift_grid.js" defer>' in html

    assert (await client.get("/shifts")).text.count('id="slot-') == 4  # this week by default
    for edge in ("9999-12-31", "0001-01-01"):  # a week far off is the farthest one shown, never an error
        assert (await client.get(f"/shifts?week={edge}")).status_code == 200
        assert (await client.get(f"/shifts/grid?week={edge}")).status_code == 200
    later = await client.get("/shifts?week=2026-03-11")  # any day of a week shows that week
    assert "2026-03-09" in later.text and "本周还没有发布班次。" in later.text

    clock.set(window_of(DAY))
    opened = cell((await client.get(GRID)).text, slot_of(items))
    assert "抢班" in opened and "开放时间" not in opened and "data-when-open" not in opened


async def test_without_a_certification_the_page_says_how_to_get_one(client, session, kit, publish) -> None:
    await publish()
    await register(client, "13912345678")
    await submit(client, "/login", {"login": "13912345678", "password": PASSWORD})
    html = (await client.get(GRID)).text
    assert "您还没有获得任何业务线的认证" in html and 'id="slot-' not in html


async def test_booking_in_one_click_answers_at_once(client, session, kit, clock, publish, make_freelancers) -> None:
    items = await publish(capacity=2)
    slot_id = slot_of(items)
    await signed_in(client, session, kit, make_freelancers)
    clock.set(window_of(DAY))

    done = await post(client, f"/shifts/{slot_id}/book")
    assert done.status_code in (302, 303) and done.headers["location"] == f"{GRID}&notice_code=booked"
    html = (await client.get(done.headers["location"])).text
    assert "抢班成功！" in html
    shown = cell(html, slot_id)
    assert "state-mine" in shown and "已预约" in shown and "剩 1/2 座" in shown and "/book" not in shown
    mine = await client.get("/my-shifts")
    assert "2026-03-05 10:00" in mine.text and "已预约" in mine.text


async def _restricted(session, who: Freelancer) -> None:
    await session.execute(update(User).where(User.id == who.user_id).values(standing="restricted"))
    await session.commit()


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("full", "该班次已满，您可以加入候补。"),
        ("overlap", "您在这个时段已有班次。"),
        ("daily_cap", "预约该班次将使您当天工时超过 1 小时。"),
        ("not_open", "该班次将于 2026-03-03 20:00 开放预约。"),
        ("started", "该班次已经开始。"),
        ("cancelled", "该班次已取消。"),
        ("standing", "您的账号状态为 受限，暂不能预约班次。"),
        ("not_certified", "您尚未获得 售后 业务线的认证。"),
    ],
)
async def test_a_refusal_says_the_services_reason_beside_the_cell(
    client, session, kit, clock, publish, admin, make_freelancers, reason, words
) -> None:
    items = await publish(hours=(10, 12), tracks=("pre_sales", "after_sales"), capacity=1)
    target = slot_of(items, "after_sales" if reason in ("overlap", "not_certified") else "pre_sales")
    tracks = ("pre_sales",) if reason == "not_certified" else ("pre_sales", "after_sales")
    me = await signed_in(client, session, kit, make_freelancers, tracks=tracks)
    (other,) = await make_freelancers(1)
    clock.set(window_of(DAY))
    page = (await client.get(GRID)).text  # the page as it was before the click
    if reason == "full":
        assert (await book(client, other, target)).status_code == 201
    elif reason == "overlap":
        assert (await post(client, f"/shifts/{slot_of(items)}/book")).status_code in (302, 303)
    elif reason == "daily_cap":
        session.add(ShiftPolicy(id=1, daily_cap_hours=1, updated_at=clock.now()))
        await session.commit()
        assert (await post(client, f"/shifts/{slot_of(items, 'after_sales', 12)}/book")).status_code in (302, 303)
    elif reason == "not_open":
        clock.set(window_of(DAY) - timedelta(minutes=1))
    elif reason == "started":
        clock.set(at(DAY, 10))
    elif reason == "cancelled":
        cancelled = await client.post(f"/api/admin/slots/{target}/cancel", headers=admin)
        assert cancelled.status_code == 200
    elif reason == "standing":
        await _restricted(session, me)
    assert reason == "not_certified" or "/book" in cell(page, target)

    refused = await post(client, f"/shifts/{target}/book")
    assert refused.status_code == 409
    if reason == "not_certified":  # the track is not on the grid: the reason is said above it
        assert words in refused.text and 'role="alert"' in refused.text
        return
    shown = cell(refused.text, target)
    assert words in shown and 'class="slot-note error" role="alert"' in shown
    assert ("/waitlist#" in shown) == (reason == "full")  # the offer to join, where the slot is full
    if reason == "full":
        assert "已满（1 座）" in shown and "autofocus" in shown
    assert refused.text.count("slot-note") == 1


async def test_the_waitlist_shows_the_position_and_the_freed_seat_arrives(
    client, session, kit, clock, publish, make_freelancers
) -> None:
    slot_id = slot_of(await publish(capacity=1))
    await signed_in(client, session, kit, make_freelancers)
    holder, first = await make_freelancers(2)
    clock.set(window_of(DAY))
    booked = await book(client, holder, slot_id)
    assert booked.status_code == 201
    assert (await client.post(f"/api/slots/{slot_id}/waitlist", headers=first.headers)).status_code == 201

    full = cell((await client.get(GRID)).text, slot_id)
    assert "已满（1 座）" in full and "加入候补" in full and "/book" not in full
    joined = await post(client, f"/shifts/{slot_id}/waitlist")
    assert joined.status_code in (302, 303) and joined.headers["location"].endswith("notice_code=waiting")
    html = (await client.get(joined.headers["location"])).text
    assert "已加入候补" in html
    shown = cell(html, slot_id)
    assert "候补第 2 位" in shown and "退出候补" in shown and 'data-mine="waiting"' in shown

    assert (await post(client, f"/shifts/{slot_id}/waitlist")).status_code == 409  # once per person
    left = await post(client, f"/shifts/{slot_id}/waitlist/leave")
    assert left.status_code in (302, 303)
    again = cell((await client.get(left.headers["location"])).text, slot_id)
    assert "候补第" not in again and "加入候补" in again
    assert (await post(client, f"/shifts/{slot_id}/waitlist")).status_code in (302, 303)
    assert "候补第 2 位" in cell((await client.get(GRID)).text, slot_id)
    await client.delete(f"/api/slots/{slot_id}/waitlist", headers=first.headers)
    assert "候补第 1 位" in cell((await client.get(GRID)).text, slot_id)

    cancelled = await client.delete(f"/api/bookings/{booked.json()['id']}", headers=holder.headers)
    assert cancelled.status_code == 200
    mine = cell((await client.get(f"/shifts/grid?week={WEEK}")).text, slot_id)  # what the live script fetches
    assert 'data-mine="mine"' in mine and "已预约" in mine
    inbox = await client.get("/notifications")
    assert "候补成功：您已获得 2026-03-05 10:00（北京时间）的班次。" in inbox.text


async def test_the_grid_fragment_is_the_grid_alone(client, session, kit, clock, publish, make_freelancers) -> None:
    slot_id = slot_of(await publish(capacity=2))
    await signed_in(client, session, kit, make_freelancers)
    fragment = await client.get(f"/shifts/grid?week={WEEK}")
    assert fragment.status_code == 200 and "<html" not in fragment.text and "<header" not in fragment.text
    assert "剩 2/2 座" in cell(fragment.text, slot_id) and "data-shift-grid" in fragment.text


async def test_my_shifts_offer_cancel_and_check_in_only_when_allowed(
    client, session, kit, clock, publish, make_freelancers
) -> None:
    items = await publish(hours=(10, 11))
    me = await signed_in(client, session, kit, make_freelancers)
    clock.set(window_of(DAY))
    for hour in (10, 11):
        assert (await post(client, f"/shifts/{slot_of(items, hour=hour)}/book")).status_code in (302, 303)
    found = await session.scalars(
        select(ShiftBooking.id).where(ShiftBooking.user_id == me.user_id).order_by(ShiftBooking.starts_at)
    )
    first, second = ({"id": str(i)} for i in found)

    def row(html: str, booking: dict) -> str:
        return booking_row(html, booking["id"])

    html = (await client.get("/my-shifts")).text
    shown = row(html, first)
    assert "现在可免费取消" in shown and f"/my-shifts/{first['id']}/cancel" in shown
    assert "/check-in" not in shown and "签到将于 03-05 09:50 开放" in shown
    confirm = await client.get(f"/my-shifts/{first['id']}/cancel")
    assert "现在取消是免费的" in confirm.text and "确认取消班次" in confirm.text

    clock.set(at(DAY, 8, 30))  # past the 2-hour cut-off
    shown = row((await client.get("/my-shifts")).text, first)
    assert "现在取消将计为迟取消" in shown
    confirm = await client.get(f"/my-shifts/{first['id']}/cancel")
    assert "现在取消属于迟取消，会计入您的可靠性评分。" in confirm.text

    too_early = await submit(client, f"/my-shifts/{first['id']}/check-in", {}, form_page="/my-shifts")
    assert too_early.status_code == 409
    assert "签到将于 2026-03-05 09:50 开始。" in row(too_early.text, first)

    clock.set(at(DAY, 9, 49))
    assert "/check-in" not in row((await client.get("/my-shifts")).text, first)
    clock.set(at(DAY, 9, 50))
    shown = row((await client.get("/my-shifts")).text, first)
    assert f"/my-shifts/{first['id']}/check-in" in shown and ">签到<" in shown
    done = await submit(client, f"/my-shifts/{first['id']}/check-in", {}, form_page="/my-shifts")
    assert done.status_code in (302, 303) and "notice_code=checked_in" in done.headers["location"]
    html = (await client.get(done.headers["location"])).text
    assert "签到成功" in html
    shown = row(html, first)
    assert "已签到" in shown and "/check-in" not in shown and "/cancel" not in shown

    late = await submit(client, f"/my-shifts/{second['id']}/cancel", {}, form_page="/my-shifts")
    assert late.status_code in (302, 303) and "notice_code=late_cancelled" in late.headers["location"]
    html = (await client.get(late.headers["location"])).text
    assert "这是一次迟取消" in html
    history = html.split("过往及已取消")[1]
    assert "迟取消" in row(history, second) and "/cancel" not in row(history, second)
    refused = await submit(client, f"/my-shifts/{second['id']}/cancel", {}, form_page="/my-shifts")
    assert refused.status_code == 409 and "只有已预约的班次可以取消。" in row(refused.text, second)

    clock.set(at(DAY, 10, 6))
    assert "/cancel" not in row((await client.get("/my-shifts")).text, first)
    for number in ("0", "-3", str(10**30)):
        assert (await client.get(f"/my-shifts?page_number={number}")).status_code == 200
    clock.set(at(DAY, 11, 1))  # the first shift is over: history
    assert "已签到" in row((await client.get("/my-shifts")).text.split("过往及已取消")[1], first)


async def test_the_pages_sit_behind_the_worker_guard(client, session, kit, clock, publish, make_freelancers) -> None:
    slot_id = slot_of(await publish())
    for path in ("/shifts", "/my-shifts", "/shifts/grid"):
        away = await client.get(path, follow_redirects=False)
        assert away.status_code in (302, 303) and away.headers["location"].startswith("/login?next=")
    (other,) = await make_freelancers(1)
    clock.set(window_of(DAY))
    theirs = (await book(client, other, slot_id)).json()["id"]
    await signed_in(client, session, kit, make_freelancers)
    assert (await client.get(f"/my-shifts/{theirs}/cancel")).status_code == 404  # another's booking looks missing
    assert (await submit(client, f"/my-shifts/{theirs}/cancel", {}, form_page="/my-shifts")).status_code == 404
    home = (await client.get("/")).text
    assert '<a href="/shifts"' in home and ">抢班<" in home and '<a href="/my-shifts"' in home and ">我的班次<" in home

    await client.post("/logout", data={"_csrf_token": CSRF.search(home).group(1)})
    await register(client, "13800000009", role="seller")
    await submit(client, "/login", {"login": "13800000009", "password": PASSWORD})
    refused = await client.get("/shifts")
    assert refused.status_code == 403 and "您没有权限查看此页面。" in refused.text


async def test_the_grid_in_english(client, session, kit, clock, publish, make_freelancers) -> None:
    slot_id = slot_of(await publish(capacity=2))
    await signed_in(client, session, kit, make_freelancers)
    clock.set(window_of(DAY))
    await client.get("/lang/en?next=/")
    shown = cell((await client.get(GRID)).text, slot_id)
    assert "2 of 2 left" in shown and "¥30.00 an hour" in shown and ">Book<" in shown
    refused = await post(client, f"/shifts/{slot_id}/waitlist")
    assert "This shift has a free seat: book it instead." in cell(refused.text, slot_id)
