"""Demo data for a laptop: loaded once by `gigplatform demo` (and `make run`), its logins printed every time.

Each domain owns its demo part; this loader is the edge that runs them in order, each in a unit of work of its own,
and every part checks on its own whether it is there, so a database from before a part existed gets that part too.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from exams import demo as exams_demo
from gigplatform.accounts import demo as accounts_demo
from gigplatform.accounts.demo import ADMIN, ALL, SELLER, SHOP_NAME, SUB_ACCOUNT, WORKERS, DemoLogin
from gigplatform.clock import SystemClock
from gigplatform.config import Settings
from gigplatform.db import make_engine, make_sessionmaker, unit_of_work
from gigplatform.security import SecurityKit
from recruitment import demo as recruitment_demo

__all__ = ["ADMIN", "ALL", "SELLER", "SHOP_NAME", "SUB_ACCOUNT", "WORKERS", "DemoLogin", "connected", "load"]


@contextlib.asynccontextmanager
async def connected(settings: Settings) -> AsyncIterator[tuple[async_sessionmaker[AsyncSession], SecurityKit]]:
    """The database and the security kit for a command run outside the app (demo, create-admin)."""
    engine = make_engine(settings.database_url)
    try:
        yield make_sessionmaker(engine), SecurityKit.build(settings, SystemClock())
    finally:
        await engine.dispose()


async def load(settings: Settings) -> tuple[tuple[DemoLogin, ...], bool]:
    """Creates the demo accounts, then each domain's demo data, unless they exist; returns the logins and whether
    anything was created. Refuses in production, where its known passwords would be a way in."""
    if settings.is_production:
        raise RuntimeError("the demo data never loads under GIG_ENV=production")
    async with connected(settings) as (sessionmaker, kit):
        async with unit_of_work(sessionmaker) as session:
            created = await accounts_demo.load(session, kit)
            cast = await accounts_demo.cast(session)
        if cast is None:
            return ALL, created
        async with unit_of_work(sessionmaker) as session:
            created |= await recruitment_demo.load(session, kit, cast.admin, cast.workers)
        created |= await exams_demo.load(sessionmaker, kit.clock, cast.admin, recruitment_demo.ROUND_TITLE)
    return ALL, created
