"""The resident ID number never leaves the server in the clear: not in any API reply of a full walk through the
pipeline, not in the CSV export, not in the logs (down to SQL at DEBUG), and not stored unencrypted.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import text
from stdnum import numdb
from stdnum.cn import ric

from gigplatform.clock import BUSINESS_TZ
from tests.recruitment.conftest import (
    Worker,
    advance,
    applied,
    apply,
    parse_time,
    start_typing,
    submit_typing,
    valid_id,
)


async def test_a_full_walk_never_shows_the_id_number(
    client, admin, clock, session, make_module, make_round, new_worker, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    replies: list[str] = []

    async def keep(response) -> None:
        await response.aread()
        replies.append(f"{response.request.method} {response.request.url} {response.status_code}\n{response.text}")

    client.event_hooks["response"].append(keep)
    worker: Worker = await new_worker(birth=date(2001, 7, 9))
    other: Worker = await new_worker()
    number = worker.id_number
    hidden = number[4:14]  # the part the mask hides: the rest of the region and the birth date

    module = await make_module(min_reading_seconds=30)
    round_ = await make_round(training_module_ids=[module["id"]], quota=1)
    assert (await client.get("/api/rounds", headers=worker.headers)).status_code == 200
    application = await applied(client, worker, round_["id"])
    assert (await apply(client, worker, round_["id"])).status_code == 409
    other.id_number = number
    assert (await apply(client, other, round_["id"])).status_code == 409
    near_miss = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert (await apply(client, other, round_["id"], id_number=near_miss)).status_code == 422
    assert (await apply(client, other, round_["id"], id_number=number + "9")).status_code == 422
    assert (await apply(client, other, round_["id"], id_number=valid_id(date(2015, 1, 1)))).status_code == 422

    await client.get("/api/me/applications", headers=worker.headers)
    await client.get(f"/api/applications/{application['id']}", headers=worker.headers)
    test = await start_typing(client, worker, application["id"])
    clock.advance(seconds=60)
    assert (await submit_typing(client, worker, test["test_id"], test["passage"])).json()["passed"]
    await client.get("/api/training/modules", headers=worker.headers)
    await client.get(f"/api/training/modules/{module['id']}", headers=worker.headers)
    clock.advance(seconds=30)
    await client.post(f"/api/training/modules/{module['id']}/complete", headers=worker.headers)
    await client.get(f"/api/admin/rounds/{round_['id']}/applications", headers=admin)
    assert (await advance(client, admin, application["id"]))["status"] == "certified"
    await client.get(f"/api/applications/{application['id']}", headers=admin)
    await client.post(f"/api/applications/{application['id']}/withdraw", json={}, headers=worker.headers)
    csv_reply = await client.get(f"/api/admin/rounds/{round_['id']}/applications.csv", headers=admin)
    assert csv_reply.status_code == 200

    assert len(replies) >= 25
    for reply in replies:
        assert number not in reply and hidden not in reply, reply
    assert number not in csv_reply.text and "*" * 10 not in csv_reply.text  # the export holds no ID number at all

    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert "INSERT INTO applications" in logged  # the SQL was logged, so this check means something
    assert number not in logged and hidden not in logged

    rows = (await session.execute(text("SELECT * FROM applications"))).all()
    assert rows and all(number not in str(value) for row in rows for value in row)


# --- a database dump without the field key -------------------------------------------------------------------------

ENOUGH = 1_000  # more candidate numbers than this per person and the dump gives no one away


def _region_codes() -> list[str]:
    """Every six-digit region code python-stdnum knows (the attacker's best list)."""

    def walk(parts, prefix: str = "") -> list[str]:
        codes: list[str] = []
        for _length, low, high, _props, children in parts:
            for value in range(int(low), int(high) + 1):
                code = prefix + str(value).zfill(len(low))
                codes += walk(children, code) if children else [code]
        return codes

    return [c for c in walk(numdb.get("cn/loc").prefixes) if len(c) == 6]


def _birth_dates(row: dict[str, Any]) -> list[date]:
    """The birth dates a row allows: its own birth date if it keeps one; else a year's window from the age on the
    day of applying; else every day of a lifetime."""
    for value in row.values():
        if isinstance(value, date) and not isinstance(value, datetime):
            return [value]
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return [date.fromisoformat(value)]
    created = row["created_at"]
    created = parse_time(created) if isinstance(created, str) else created
    applied_on = (created if created.tzinfo else created.replace(tzinfo=UTC)).astimezone(BUSINESS_TZ).date()
    age = row.get("age_at_application")
    if age is None:
        return [applied_on - timedelta(days=n) for n in range(365 * 100)]
    latest = applied_on.replace(year=applied_on.year - int(age))
    return [latest - timedelta(days=n) for n in range(366)]


def _candidates(row: dict[str, Any], regions: list[str]) -> int:
    """How many valid numbers (GB 11643 check digit) agree with everything the row shows in plain text, counted up to
    just past ENOUGH."""
    shown = [v for v in row.values() if isinstance(v, str) and re.fullmatch(r"[0-9X*]{18}", v)]
    pattern = re.compile(shown[0].replace("*", ".")) if shown else None
    count = 0
    for region in regions:
        if shown and not re.fullmatch(shown[0][:6].replace("*", "."), region):
            continue
        for born in _birth_dates(row):
            for seq in range(1000):
                body = f"{region}{born:%Y%m%d}{seq:03d}"
                number = body + ric.calc_check_digit(body + "0")
                if pattern is None or pattern.fullmatch(number):
                    count += 1
                    if count > ENOUGH:
                        return count
    return count


async def test_a_dump_without_the_field_key_does_not_rebuild_any_id_number(
    client, clock, session, make_round, new_worker
) -> None:
    round_ = await make_round(min_age=16)
    births = [date(2001, 7, 9), date(1990, 2, 28), date(1984, 12, 31), date(2008, 1, 1)]
    workers = [await new_worker(birth=birth) for birth in births]
    for worker in workers:
        await applied(client, worker, round_["id"])
    result = await session.execute(text("SELECT * FROM applications"))
    rows = [dict(row._mapping) for row in result.all()]  # every column of every row, as stored
    assert len(rows) == len(workers)
    regions = _region_codes()
    for row in rows:
        assert _candidates(row, regions) > ENOUGH, row
