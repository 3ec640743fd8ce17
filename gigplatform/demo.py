"""Demo data for a laptop: loaded once by `gigplatform demo` (and `make run`), its logins printed every time.

Each domain owns its demo part; this loader is the edge that runs them in order, each in a unit of work of its own,
and every part checks on its own whether it is there, so a database from before a part existed gets that part too.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from exams import demo as exams_demo
from gigplatform.accounts import demo as accounts_demo
from gigplatform.accounts.demo import ADMIN, ALL, SELLER, SHOP_NAME, SUB_ACCOUNT, WORKERS, DemoLogin
from gigplatform.clock import FakeClock, SystemClock
from gigplatform.config import Settings
from gigplatform.db import make_engine, make_sessionmaker, unit_of_work
from gigplatform.security import Principal, SecurityKit
from recruitment import demo as recruitment_demo
from recruitment import service as recruitment
from shifts import demo as shifts_demo

FREELANCER_APPLICANTS: tuple[recruitment_demo.Applicant, ...] = (  # `accounts_demo.FREELANCERS`, in order
    ("赵敏", date(1998, 4, 18), "110108", False, ["pre_sales", "after_sales", "complaints"], "exam"),
    ("孙磊", date(2001, 9, 9), "320102", True, ["pre_sales", "after_sales"], "exam"),
    ("周婷", date(1995, 12, 2), "420106", False, ["after_sales", "complaints"], "exam"),
)

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
        async with unit_of_work(sessionmaker) as session:
            freelancers, made = await accounts_demo.load_freelancers(session, kit)
        created |= made
        for n, (person, applicant) in enumerate(zip(freelancers, FREELANCER_APPLICANTS, strict=True)):
            async with unit_of_work(sessionmaker) as session:
                created |= await _certify(session, kit, cast.admin, person, applicant, 201 + 2 * n)
        created |= await shifts_demo.load(sessionmaker, freelancers)
    return ALL, created


async def _certify(
    session: AsyncSession,
    kit: SecurityKit,
    admin: Principal,
    person: Principal,
    applicant: recruitment_demo.Applicant,
    sequence: int,
) -> bool:
    """A demo freelancer applies to the open demo round, types, trains and passes the exam (recruitment's and the
    exams' own verbs, as anyone is certified), unless they hold a certification already."""
    if await recruitment.certifications(session, person.user_id):
        return False
    rounds = [r for r in await recruitment.list_rounds(session, "open") if r.title == recruitment_demo.ROUND_TITLE]
    if not rounds:
        return False
    module_ids = (await recruitment.round_module_ids(session, [rounds[0].id])).get(rounds[0].id, [])
    modules = [m for m in await recruitment.list_modules(session) if m.id in module_ids]
    clock = FakeClock(SystemClock().now() - timedelta(hours=1))
    phone = next(f.login for f in accounts_demo.FREELANCERS if f.display_name == applicant[0])
    application = await recruitment_demo.apply(
        session, kit, clock, admin, person, rounds[0].id, modules, applicant, sequence, phone
    )
    return await exams_demo.pass_exam(session, clock, person, application.id)
