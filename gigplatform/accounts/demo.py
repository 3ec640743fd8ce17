"""The demo accounts: an admin, a seller with a shop and a sub-account, and five freelancers.

Built only through the accounts verbs; the demo loader (`gigplatform.demo`) is the edge that opens the unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts.models import Role, User
from gigplatform.accounts.registration import register_user
from gigplatform.accounts.shops import add_sub_account, list_shops
from gigplatform.accounts.users import create_admin, find_user_by_login
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
FREELANCERS = (
    DemoLogin("freelancer (certified, with shifts)", "13900000006", "Worker2026", "赵敏"),
    DemoLogin("freelancer (certified, with shifts)", "13900000007", "Worker2026", "孙磊"),
    DemoLogin("freelancer (certified, with shifts)", "13900000008", "Worker2026", "周婷"),
)
"""Freelancers the demo certifies and gives shifts to (made by `load_freelancers`, so older demo databases get
them too)."""
ALL = (ADMIN, SELLER, SUB_ACCOUNT, *WORKERS, *FREELANCERS)


@dataclass(frozen=True)
class DemoCast:
    """Who the other domains' demo data is made by and for."""

    admin: Principal
    workers: list[Principal]


async def load(session: AsyncSession, kit: SecurityKit) -> bool:
    """Creates the demo accounts unless the admin exists; returns whether anything was created."""
    if await find_user_by_login(session, ADMIN.login) is not None:
        return False
    await create_admin(session, kit, login=ADMIN.login, password=ADMIN.password, display_name=ADMIN.display_name)
    seller = await register_user(
        session,
        kit,
        login=SELLER.login,
        password=SELLER.password,
        display_name=SELLER.display_name,
        role=Role.SELLER,
        shop_name=SHOP_NAME,
    )
    owner = Principal(user_id=seller.id, role=Role.SELLER, token_id="demo")
    (shop,) = await list_shops(session, owner)
    await add_sub_account(
        session,
        kit.clock,
        kit.passwords,
        owner,
        shop.shop.id,
        login=SUB_ACCOUNT.login,
        password=SUB_ACCOUNT.password,
        display_name=SUB_ACCOUNT.display_name,
        permission="configuration",
    )
    for worker in WORKERS:
        await _register_worker(session, kit, worker)
    return True


async def _register_worker(session: AsyncSession, kit: SecurityKit, login: DemoLogin) -> User:
    return await register_user(
        session, kit, login=login.login, password=login.password, display_name=login.display_name, role=Role.WORKER
    )


async def cast(session: AsyncSession) -> DemoCast | None:
    """The demo admin and freelancers as principals; None when one of them is missing (a database the demo was
    not loaded into, or one changed by hand)."""
    admin = await find_user_by_login(session, ADMIN.login)
    workers = [await find_user_by_login(session, w.login) for w in WORKERS]
    if admin is None or any(w is None for w in workers):
        return None
    return DemoCast(
        Principal(admin.id, admin.role.value, "demo"),
        [Principal(w.id, w.role.value, "demo") for w in workers if w is not None],
    )


async def load_freelancers(session: AsyncSession, kit: SecurityKit) -> tuple[list[Principal], bool]:
    """The demo's certified-to-be freelancers as principals, registering those missing; and whether any was."""
    people, made = [], False
    for login in FREELANCERS:
        user = await find_user_by_login(session, login.login)
        if user is None:
            user, made = await _register_worker(session, kit, login), True
        people.append(Principal(user.id, user.role.value, "demo"))
    return people, made
