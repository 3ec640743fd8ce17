"""Migrations go from empty to head and back on both databases, and the models agree with them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from gigplatform.db import make_engine
from gigplatform.migrations import runner
from gigplatform.migrations.metadata import target_metadata


def _tables(connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _diff(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, target_metadata)


async def test_down_to_empty_and_up_to_head_and_models_agree(database_url) -> None:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(_tables) == {t.name for t in target_metadata.sorted_tables}
            assert await conn.run_sync(_diff) == []
            await conn.run_sync(runner.downgrade_on, "base")
            await conn.commit()
            assert await conn.run_sync(_tables) == set()
            await conn.run_sync(runner.upgrade_on, "head")
            await conn.commit()
            assert await conn.run_sync(_diff) == []
    finally:
        await engine.dispose()
