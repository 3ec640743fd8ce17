"""Accounts: what a login, a password and a name must be; making accounts (admins here, self-service in
`registration`); finding them; their standing and the admin's counts.

No verb commits: the edge's unit of work does. A user row is inserted inside a savepoint, so a login taken by a
concurrent registration becomes the same 409 as the pre-check while the caller's transaction lives on.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts.models import LoginKind, RefreshToken, Role, Standing, User
from gigplatform.accounts.schemas import LOGIN_MAX, DisplayName, NewPassword, ShopName
from gigplatform.db import uuid7
from gigplatform.errors import N_, Conflict, InvalidInput, NotFound, PermissionDenied
from gigplatform.events import record_event
from gigplatform.limits import checked
from gigplatform.security import Passwords, Principal, SecurityKit

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$")


# --- validation -------------------------------------------------------------------------------------------------


def normalize_phone(raw: str) -> str | None:
    """A mainland mobile number without +86, spaces or dashes; None when it is not one."""
    digits = re.sub(r"[\s-]", "", (raw or "").strip())
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits if PHONE_RE.match(digits) else None


def normalize_login(raw: str) -> tuple[str, LoginKind]:
    """A login is a mainland mobile number (an optional +86 is dropped) or an e-mail address (lower-cased)."""
    value = (raw or "").strip()
    if phone := normalize_phone(value):
        return phone, LoginKind.PHONE
    if "@" in value and EMAIL_RE.match(value) and len(value) <= LOGIN_MAX:
        return value.lower(), LoginKind.EMAIL
    raise InvalidInput(
        N_("Enter an 11-digit mainland mobile number or an e-mail address."), field="login", rule="format"
    )


def login_key_text(raw: str) -> str:
    """What one person's login is, for counting their failed sign-ins: the normalised login, so every spelling of
    a number (`+86 139-1234-5678`, ` 13912345678 `) is the same key; a login that is neither, trimmed and
    lower-cased."""
    try:
        return normalize_login(raw)[0]
    except InvalidInput:
        return (raw or "").strip().lower()


def check_password(password: str, field: str = "password") -> None:
    """A new password's rules, the ones `NewPassword` states (length, letters and digits)."""
    checked(password, NewPassword, field)


def check_display_name(raw: str) -> str:
    """The display name as people will see it: trimmed, with the rules `DisplayName` states."""
    return checked((raw or "").strip(), DisplayName, "display_name")


def check_shop_name(raw: str, field: str = "shop_name") -> str:
    return checked((raw or "").strip(), ShopName, field)


# --- making and finding accounts --------------------------------------------------------------------------------


def _login_taken() -> Conflict:
    return Conflict(N_("This login is already registered."), field="login", rule="unique")


async def add_user(
    session: AsyncSession,
    passwords: Passwords,
    now: datetime,
    *,
    login: str,
    password: str,
    display_name: str,
    role: Role,
) -> User:
    """Checks the login, password and name and inserts the account (flushed, so others may refer to it).

    The insert runs in a savepoint: when a concurrent registration took the login between the pre-check and the
    insert, only the savepoint is rolled back and the caller gets the same 409 as from the pre-check."""
    normalized, kind = normalize_login(login)
    check_password(password)
    name = check_display_name(display_name)
    if await session.scalar(select(User.id).where(User.login == normalized)):
        raise _login_taken()
    user = User(
        id=uuid7(),
        login=normalized,
        login_kind=kind,
        display_name=name,
        password_hash=await passwords.hash_async(password),
        role=role,
        standing=Standing.GOOD,
        created_at=now,
    )
    try:
        async with session.begin_nested():  # flushes what was pending first, so only this row is at stake
            session.add(user)
    except IntegrityError as exc:
        if "users.login" in str(exc.orig) or "uq_users_login" in str(exc.orig):
            raise _login_taken() from exc
        raise
    return user


async def create_admin(
    session: AsyncSession, kit: SecurityKit, *, login: str, password: str, display_name: str
) -> User:
    """Admins are only made from the command line, never through self-service registration."""
    user = await add_user(
        session,
        kit.passwords,
        kit.clock.now(),
        login=login,
        password=password,
        display_name=display_name,
        role=Role.ADMIN,
    )
    record_event(session, "account.created", user_id=user.id, role=user.role.value)
    return user


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", field="user_id", rule="exists")
    return user


async def lock_person(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Holds the person's row until the transaction ends (SELECT … FOR UPDATE; SQLite's single writer already
    serialises), so two units of work deciding about one person's standing take turns. Lock people in id order."""
    await session.execute(select(User.id).where(User.id == user_id).with_for_update())


def mask_login(login: str) -> str:
    """A login as pages show it to admins: `139****5678`, `w***@example.com`."""
    if "@" in login:
        local, _, domain = login.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{login[:3]}****{login[-4:]}" if len(login) >= 8 else "****"


async def display_names(session: AsyncSession, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Display names of these accounts (ids that are None or unknown are left out)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
    return {row.id: row.display_name for row in rows}


async def find_user_by_login(session: AsyncSession, login: str) -> User | None:
    try:
        normalized, _ = normalize_login(login)
    except InvalidInput:
        return None
    return await session.scalar(select(User).where(User.login == normalized))


# --- standing ---------------------------------------------------------------------------------------------------


def effective_standing(standing: Standing, until: datetime | None, now: datetime) -> tuple[Standing, datetime | None]:
    """A restriction whose end has passed is good standing; only a restriction has an end."""
    if standing != Standing.RESTRICTED:
        return standing, None
    if until is not None and until <= now:
        return Standing.GOOD, None
    return standing, until


def in_good_standing(user: User, now: datetime | None = None) -> bool:
    """Good or warned: may apply and take shifts. Restricted and banned accounts may not; given `now`, a
    restriction whose end has passed counts as good (the job that writes the end down may not have run yet)."""
    standing = user.standing if now is None else effective_standing(user.standing, user.standing_until, now)[0]
    return standing in (Standing.GOOD, Standing.WARNED)


async def count_users(session: AsyncSession) -> dict[str, dict[str, int]]:
    """Accounts by role and standing, every pair present (zero when none): the admin's overview."""
    rows = await session.execute(select(User.role, User.standing, func.count()).group_by(User.role, User.standing))
    counts: dict[str, dict[str, int]] = {r.value: {s.value: 0 for s in Standing} for r in Role}
    for role, standing, n in rows.all():
        counts[role.value][standing.value] = n
    return counts


async def close_sessions(session: AsyncSession, user_id: uuid.UUID, now: datetime | None = None) -> None:
    """Revokes every sign-in session (refresh-token family) of the account; its access tokens lapse on their own."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now or func.now())
    )


async def set_standing(
    session: AsyncSession, user_id: uuid.UUID, standing: Standing, actor: Principal | None = None
) -> User:
    """Sets an account's standing; banning closes its sessions too. `actor` is the admin doing it (None for the
    platform itself: the command line, a test's setup); any other role is refused."""
    if actor is not None and actor.role != Role.ADMIN:
        raise PermissionDenied("Only admins change an account's standing.", field="role", rule="role_required")
    user = await get_user(session, user_id)
    user.standing = standing
    if standing == Standing.BANNED:
        await close_sessions(session, user.id)
    record_event(session, "account.standing_changed", user_id=user.id, standing=standing.value)
    return user
