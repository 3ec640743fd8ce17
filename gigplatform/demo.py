"""Demo data for a laptop: loaded once by `gigplatform demo` (and `make run`), its logins printed every time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from exams import demo as exams_demo
from gigplatform import demo_recruitment
from gigplatform.accounts import service as accounts
from gigplatform.accounts.models import Role, User
from gigplatform.clock import SystemClock
from gigplatform.config import Settings
from gigplatform.db import make_engine, make_sessionmaker
from gigplatform.security import Principal, SecurityKit


@dataclass(frozen=True)
class DemoLogin:
    role: str
    login: str
    password: str
    display_name: str


ADMIN = DemoLogin("admin", "admin@gig.example", "Admin2026", "平台管理员")
SELLER = DemoLogin("seller", "13800000001", "Seller2026", "白小姐")
SUB_ACCOUNT = DemoLogin("seller (sub-account, configuration)", "13800000002", "Staff2026", "小陈")
WORKERS = (
    DemoLogin("worker (application at the exam)", "13900000001", "Worker2026", "李娜"),
    DemoLogin("worker (typing test next)", "13900000002", "Worker2026", "王芳"),
    DemoLogin("worker (in training)", "13900000003", "Worker2026", "张伟"),
    DemoLogin("worker (rejected)", "13900000004", "Worker2026", "陈静"),
    DemoLogin("worker (withdrew)", "13900000005", "Worker2026", "刘洋"),
)
SHOP_NAME = "小白数码旗舰店"
ALL = (ADMIN, SELLER, SUB_ACCOUNT, *WORKERS)


async def _with_kit(settings: Settings):
    engine = make_engine(settings.database_url)
    return engine, make_sessionmaker(engine), SecurityKit.build(settings, SystemClock())


async def create_admin(settings: Settings, login: str, password: str, display_name: str) -> User:
    engine, sessionmaker, kit = await _with_kit(settings)
    try:
        async with sessionmaker() as session:
            return await accounts.create_admin(session, kit, login=login, password=password, display_name=display_name)
    finally:
        await engine.dispose()


async def load(settings: Settings) -> tuple[tuple[DemoLogin, ...], bool]:
    """Creates the demo accounts and recruitment data unless they exist; returns the logins and whether anything
    was created. Each part checks on its own, so a database from before a part existed gets that part too.
    """
    engine, sessionmaker, kit = await _with_kit(settings)
    created = False
    try:
        async with sessionmaker() as session:
            if await accounts.find_user_by_login(session, ADMIN.login) is None:
                await _load_accounts(session, kit)
                created = True
            admin = await accounts.find_user_by_login(session, ADMIN.login)
            workers = [await accounts.find_user_by_login(session, w.login) for w in WORKERS]
            if admin is None or any(w is None for w in workers):
                return ALL, created
            principals = [Principal(w.id, w.role.value, "demo") for w in workers if w is not None]
            admin_principal = Principal(admin.id, admin.role.value, "demo")
            created |= await demo_recruitment.load(session, kit, admin_principal, principals)
            created |= await exams_demo.load(sessionmaker, kit.clock, admin_principal, demo_recruitment.ROUND_TITLE)
        return ALL, created
    finally:
        await engine.dispose()


async def _load_accounts(session: AsyncSession, kit: SecurityKit) -> None:
    await accounts.create_admin(
        session, kit, login=ADMIN.login, password=ADMIN.password, display_name=ADMIN.display_name
    )
    seller = await accounts.register_user(
        session,
        kit,
        login=SELLER.login,
        password=SELLER.password,
        display_name=SELLER.display_name,
        role=Role.SELLER,
        shop_name=SHOP_NAME,
    )
    owner = Principal(user_id=seller.id, role=Role.SELLER, token_id="demo")
    (shop,) = await accounts.list_shops(session, owner)
    await accounts.add_sub_account(
        session,
        kit,
        owner,
        shop.shop.id,
        login=SUB_ACCOUNT.login,
        password=SUB_ACCOUNT.password,
        display_name=SUB_ACCOUNT.display_name,
        permission="configuration",
    )
    for worker in WORKERS:
        await accounts.register_user(
            session,
            kit,
            login=worker.login,
            password=worker.password,
            display_name=worker.display_name,
            role=Role.WORKER,
        )
