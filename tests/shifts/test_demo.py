"""`gigplatform demo` gives the shift pages real content: certified freelancers (through the exam, as anyone), slots
for the coming 7 days on every track, and past shifts completed, checked in late and missed; a second run makes
nothing more."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from gigplatform import cli, demo
from gigplatform.accounts.demo import FREELANCERS
from gigplatform.clock import BUSINESS_TZ, SystemClock
from shifts import demo as shifts_demo
from shifts.service import ShiftBooking, ShiftSlot
from tests.conftest import bearer, sign_in
from tests.test_cli import cli_env  # noqa: F401  (the fixture)


@pytest.mark.usefixtures("cli_env")
async def test_demo_shifts_show_real_content_and_load_once(client, session, capsys) -> None:
    assert await asyncio.to_thread(cli.main, ["demo"]) == 0
    out = capsys.readouterr().out
    assert all(f.login in out for f in FREELANCERS)
    counts = {}
    for table in (ShiftSlot, ShiftBooking):
        counts[table] = await session.scalar(select(func.count()).select_from(table))
    today = SystemClock().now().astimezone(BUSINESS_TZ).date()
    coming = await session.scalar(
        select(func.count(func.distinct(ShiftSlot.track))).where(ShiftSlot.day == today + timedelta(days=6))
    )
    assert coming == 3
    admin = bearer(await sign_in(client, demo.ADMIN.login, demo.ADMIN.password))
    fill = await client.get(
        "/api/admin/slots/fill",
        params={"from": (today + timedelta(days=1)).isoformat(), "to": (today + timedelta(days=6)).isoformat()},
        headers=admin,
    )
    assert fill.status_code == 200 and len(fill.json()["items"]) == 6 * 3 * len(shifts_demo.HOURS)
    assert sum(i["booked"] for i in fill.json()["items"]) >= len(FREELANCERS)
    for freelancer in FREELANCERS:
        headers = bearer(await sign_in(client, freelancer.login, freelancer.password))
        certified = (await client.get("/api/me/certifications", headers=headers)).json()
        assert certified["items"] if isinstance(certified, dict) else certified
        mine = (await client.get("/api/me/bookings", headers=headers, params={"limit": 50})).json()["items"]
        statuses = sorted(b["status"] for b in mine)
        assert statuses.count("completed") == 5 and statuses.count("no_show") == 1 and statuses.count("booked") == 2
        assert sum(1 for b in mine if b["late_check_in"]) == 1
    assert await asyncio.to_thread(cli.main, ["demo"]) == 0
    assert "already loaded" in capsys.readouterr().out
    session.expire_all()
    for table in (ShiftSlot, ShiftBooking):
        assert await session.scalar(select(func.count()).select_from(table)) == counts[table]
