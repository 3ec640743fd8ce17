"""Migration 0005 converts applications written before it: the plain birth date becomes the age on the day of
applying (Asia/Shanghai), and the plain birth date and mask are gone."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import inspect, text

from gigplatform.db import make_engine
from gigplatform.migrations import runner
from tests.recruitment.conftest import applied


async def test_0005_turns_birth_dates_into_ages_at_application_and_drops_them(
    client, clock, database_url, make_round, new_worker
) -> None:
    round_ = await make_round(min_age=16)
    workers = [await new_worker(birth=date(2000, 1, 1)), await new_worker(birth=date(2000, 1, 1))]
    ids = [uuid.UUID((await applied(client, w, round_["id"]))["id"]) for w in workers]
    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(runner.downgrade_on, "0004")
            await conn.commit()
            # as 0004 stored them: one turns 26 on the (Beijing) day of applying, one the day after
            applied_on = clock.now().date()  # 2026-03-02 09:00 Beijing
            births = [applied_on.replace(year=2000), date(2000, applied_on.month, applied_on.day + 1)]
            for application_id, birth in zip(ids, births, strict=True):
                await conn.execute(
                    # the id as SQLite (32 hex digits) and PostgreSQL (a uuid) store it
                    text("UPDATE applications SET birth_date = :b WHERE CAST(id AS TEXT) IN (:hex, :dashed)"),
                    {"b": birth, "hex": application_id.hex, "dashed": str(application_id)},
                )
            await conn.commit()
            await conn.run_sync(runner.upgrade_on, "head")
            await conn.commit()
            columns = await conn.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("applications")})
            assert "birth_date" not in columns and "id_number_masked" not in columns
            ages = (await conn.execute(text("SELECT age_at_application FROM applications"))).scalars().all()
            assert sorted(ages) == [25, 26]
    finally:
        await engine.dispose()
