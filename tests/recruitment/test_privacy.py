"""The resident ID number never leaves the server in the clear: not in any API reply of a full walk through the
pipeline, not in the CSV export, not in the logs (down to SQL at DEBUG), and not stored unencrypted.
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import text

from tests.recruitment.conftest import (
    Worker,
    advance,
    applied,
    apply,
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
    assert number[:4] + "*" * 10 + number[-4:] in csv_reply.text

    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert "INSERT INTO applications" in logged  # the SQL was logged, so this check means something
    assert number not in logged and hidden not in logged

    rows = (await session.execute(text("SELECT * FROM applications"))).all()
    assert rows and all(number not in str(value) for row in rows for value in row)
