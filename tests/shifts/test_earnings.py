"""Earnings: completed shifts (late check-ins included) earn their hour at the pay they were booked at; no-shows
and cancellations earn nothing; months are Asia/Shanghai months; the CSVs carry a BOM and stay formula-safe."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from sqlalchemy import update

from gigplatform.accounts.models import User
from gigplatform.csvfile import csv_document, csv_safe
from shifts.service import month_bounds, settle_shifts
from tests.conftest import assert_problem
from tests.shifts.conftest import DAY, at, book, window_of

MARCH = "2026-03"


async def _slot(publish, day=DAY, hour=10, pay_fen=3000):
    (slot,) = await publish(dates=(day,), hours=(hour,), pay_fen=pay_fen, capacity=3)
    return slot["slot_id"]


async def _book(client, clock, who, slot_id, day=DAY):
    clock.set(window_of(day))
    answer = await book(client, who, slot_id)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def _check_in(client, clock, who, booking, day, hour, minute=0):
    clock.set(at(day, hour, minute))
    answer = await client.post(f"/api/bookings/{booking['id']}/check-in", headers=who.headers)
    assert answer.status_code == 200, answer.text


async def _earnings(client, who, month=MARCH):
    answer = await client.get(f"/api/me/earnings?month={month}", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


async def test_completed_and_late_shifts_earn_at_the_booked_pay(client, clock, publish, job_state, freelancer) -> None:
    on_time = await _slot(publish, hour=10, pay_fen=3000)
    late = await _slot(publish, hour=11, pay_fen=3550)
    absent = await _slot(publish, hour=12, pay_fen=4000)
    cancelled = await _slot(publish, hour=13, pay_fen=5000)
    bookings = [await _book(client, clock, freelancer, s) for s in (on_time, late, absent, cancelled)]
    assert (await client.delete(f"/api/bookings/{bookings[3]['id']}", headers=freelancer.headers)).status_code == 200
    await publish(hours=(10,), pay_fen=9900, capacity=3)  # a new pay does not change what was booked
    await _check_in(client, clock, freelancer, bookings[0], DAY, 10)
    await _check_in(client, clock, freelancer, bookings[1], DAY, 11, 10)
    assert (await _earnings(client, freelancer))["shifts"] == []  # checked in is not yet earned
    clock.set(at(DAY, 14))
    await settle_shifts(job_state)
    statement = await _earnings(client, freelancer)
    assert [
        (s["date"], s["hour"], s["track"], s["pay_fen"], s["total_fen"], s["late_check_in"])
        for s in statement["shifts"]
    ] == [
        ("2026-03-05", 10, "pre_sales", 3000, 3000, False),
        ("2026-03-05", 11, "pre_sales", 3550, 3550, True),
    ]
    assert (statement["month"], statement["hours"], statement["total_fen"]) == (MARCH, 2, 6550)
    assert (await _earnings(client, freelancer, "2026-04"))["total_fen"] == 0


async def test_months_are_shanghai_months(client, clock, publish, job_state, freelancer) -> None:
    last, first = date(2026, 3, 31), date(2026, 4, 1)
    late_evening = await _slot(publish, day=last, hour=23, pay_fen=2000)
    midnight = await _slot(publish, day=first, hour=0, pay_fen=2500)
    one = await _book(client, clock, freelancer, late_evening, last)
    two = await _book(client, clock, freelancer, midnight, first)
    assert one["starts_at"].startswith("2026-03-31T15:00:00")  # 23:00 in Shanghai
    assert two["starts_at"].startswith("2026-03-31T16:00:00")  # still March in UTC, April in Shanghai
    await _check_in(client, clock, freelancer, one, last, 23)
    await _check_in(client, clock, freelancer, two, first, 0)
    clock.set(at(first, 2))
    await settle_shifts(job_state)
    march, april = await _earnings(client, freelancer), await _earnings(client, freelancer, "2026-04")
    assert [(s["date"], s["hour"]) for s in march["shifts"]] == [("2026-03-31", 23)] and march["total_fen"] == 2000
    assert [(s["date"], s["hour"]) for s in april["shifts"]] == [("2026-04-01", 0)] and april["total_fen"] == 2500


def test_month_bounds_are_shanghai_midnights() -> None:
    assert month_bounds(date(2026, 3, 1)) == (
        datetime(2026, 2, 28, 16, tzinfo=UTC),
        datetime(2026, 3, 31, 16, tzinfo=UTC),
    )
    assert month_bounds(date(2026, 12, 1))[1] == datetime(2026, 12, 31, 16, tzinfo=UTC)


async def test_a_bad_month_is_refused_naming_it(client, admin, freelancer) -> None:
    for bad in ("2026-13", "2026-3", "03-2026", "x", "", "2026-00"):
        for path, who in (
            ("/api/me/earnings", freelancer.headers),
            ("/api/me/earnings.csv", freelancer.headers),
            ("/api/admin/payroll", admin),
        ):
            assert_problem(await client.get(path, params={"month": bad}, headers=who), 422, "month", "format")


async def test_the_month_defaults_to_this_one(client, freelancer) -> None:
    assert (await client.get("/api/me/earnings", headers=freelancer.headers)).json()["month"] == MARCH


async def test_earnings_csv_has_a_bom_headers_rows_and_total(client, clock, publish, job_state, freelancer) -> None:
    booking = await _book(client, clock, freelancer, await _slot(publish, hour=9, pay_fen=3333))
    await _check_in(client, clock, freelancer, booking, DAY, 9)
    clock.set(at(DAY, 10))
    await settle_shifts(job_state)
    answer = await client.get(f"/api/me/earnings.csv?month={MARCH}", headers=freelancer.headers)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == 'attachment; filename="earnings-2026-03.csv"'
    assert _rows(answer.text) == [
        ["date", "hour", "track", "pay_fen", "total_fen"],
        ["2026-03-05", "09:00", "pre_sales", "3333", "3333"],
        ["total", "1", "", "", "3333"],
    ]


async def test_earnings_are_the_callers_own(client, admin) -> None:
    assert (await client.get("/api/me/earnings")).status_code == 401
    assert (await client.get("/api/me/earnings", headers=admin)).status_code == 403


async def test_payroll_lists_each_freelancer_once_masked_and_formula_safe(
    client, session, clock, publish, job_state, admin, make_freelancers
) -> None:
    ann, bob, idle = await make_freelancers(3)
    await session.execute(update(User).where(User.id == bob.user_id).values(display_name="=HYPERLINK(1)"))
    await session.commit()
    ten, eleven = await _slot(publish, hour=10, pay_fen=3000), await _slot(publish, hour=11, pay_fen=4005)
    done = [(ann, await _book(client, clock, ann, ten)), (ann, await _book(client, clock, ann, eleven))]
    done.append((bob, await _book(client, clock, bob, ten)))
    no_show = await _book(client, clock, idle, ten)
    for who, booking in done:
        await _check_in(client, clock, who, booking, DAY, int(booking["starts_at"][11:13]) + 8)
    clock.set(at(DAY, 12))
    await settle_shifts(job_state)
    assert no_show["id"]  # the third booked but never came: no payroll line
    answer = await client.get(f"/api/admin/payroll?month={MARCH}", headers=admin)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == 'attachment; filename="payroll-2026-03.csv"'
    rows = _rows(answer.text)
    assert rows[0] == ["user_id", "name", "login", "hours", "shifts", "total_fen", "total_yuan"]
    lines = {r[0]: r[1:] for r in rows[1:]}
    assert set(lines) == {str(ann.user_id), str(bob.user_id)}
    assert lines[str(ann.user_id)][2:] == ["2", "2", "7005", "70.05"]
    assert lines[str(bob.user_id)][:1] == ["'=HYPERLINK(1)"] and lines[str(bob.user_id)][4:] == ["3000", "30.00"]
    assert all(line[1].startswith("w") and "***@example.com" in line[1] for line in lines.values())
    assert "@example.com" not in answer.text.replace("***@example.com", "")
    assert (await client.get("/api/admin/payroll", headers=ann.headers)).status_code == 403
    empty = await client.get("/api/admin/payroll?month=2026-02", headers=admin)
    assert _rows(empty.text) == [rows[0]]


def test_csv_cells_that_look_like_formulas_stay_text() -> None:
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert csv_safe(value) == "'" + value
    assert csv_safe("张三") == "张三" and csv_safe("") == ""
    text = csv_document(("a", "b"), [["=x", 5]])
    assert text == "\ufeffa,b\r\n'=x,5\r\n"
