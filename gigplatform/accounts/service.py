"""Accounts: registration, sign-in and its sessions, standing, and seller shops with sub-accounts.

Every change of state here commits its own transaction, so a failed rule leaves nothing half-written. Object
access goes through `access_shop`, so no controller can forget whose shop it is.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from litestar.params import FromPath
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts.models import (
    LoginFailure,
    LoginKind,
    RefreshToken,
    Role,
    Shop,
    ShopMember,
    ShopPermission,
    Standing,
    User,
)
from gigplatform.db import DbSession, uuid7
from gigplatform.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooManyRequests,
)
from gigplatform.security import (
    CurrentPrincipal,
    Principal,
    SecurityKit,
    SessionTokens,
    hash_token,
    keyed_hash,
    new_opaque_token,
)

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$")
PASSWORD_MIN, PASSWORD_MAX = 8, 128
DISPLAY_NAME_MAX = 32
SHOP_NAME_MAX = 64
SELF_SERVICE_ROLES = (Role.WORKER, Role.SELLER)

# Which permissions satisfy a need: the owner may do everything; billing and configuration are separate duties.
PERMISSION_GRANTS: dict[ShopPermission, frozenset[ShopPermission]] = {
    ShopPermission.READ_ONLY: frozenset(ShopPermission),
    ShopPermission.BILLING: frozenset({ShopPermission.OWNER, ShopPermission.BILLING}),
    ShopPermission.CONFIGURATION: frozenset({ShopPermission.OWNER, ShopPermission.CONFIGURATION}),
    ShopPermission.OWNER: frozenset({ShopPermission.OWNER}),
}


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
    if "@" in value and EMAIL_RE.match(value) and len(value) <= 254:
        return value.lower(), LoginKind.EMAIL
    raise InvalidInput(
        "Login must be a mainland mobile number (11 digits) or an e-mail address.", field="login", rule="format"
    )


def check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise InvalidInput(f"Password must be at least {PASSWORD_MIN} characters.", field="password", rule="min_length")
    if len(password) > PASSWORD_MAX:
        raise InvalidInput(f"Password must be at most {PASSWORD_MAX} characters.", field="password", rule="max_length")
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        raise InvalidInput(
            "Password must contain both letters and digits.", field="password", rule="letters_and_digits"
        )


def check_display_name(raw: str) -> str:
    name = (raw or "").strip()
    if not name or len(name) > DISPLAY_NAME_MAX:
        raise InvalidInput(
            f"Display name must be 1 to {DISPLAY_NAME_MAX} characters.", field="display_name", rule="length"
        )
    return name


def check_shop_name(raw: str, field: str = "shop_name") -> str:
    name = (raw or "").strip()
    if not name or len(name) > SHOP_NAME_MAX:
        raise InvalidInput(f"Shop name must be 1 to {SHOP_NAME_MAX} characters.", field=field, rule="length")
    return name


# --- users ------------------------------------------------------------------------------------------------------


async def _insert_user(
    session: AsyncSession, kit: SecurityKit, *, login: str, password: str, display_name: str, role: Role
) -> User:
    normalized, kind = normalize_login(login)
    check_password(password)
    name = check_display_name(display_name)
    if await session.scalar(select(User.id).where(User.login == normalized)):
        raise Conflict("This login is already registered.", field="login", rule="unique")
    user = User(
        id=uuid7(),
        login=normalized,
        login_kind=kind,
        display_name=name,
        password_hash=kit.passwords.hash(password),
        role=role,
        standing=Standing.GOOD,
        created_at=kit.clock.now(),
    )
    session.add(user)
    return user


async def _commit_unique(session: AsyncSession) -> None:
    """Commits; a unique-login race lost to a concurrent registration becomes the same 409 as the pre-check."""
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        if "users.login" in str(exc.orig) or "uq_users_login" in str(exc.orig):
            raise Conflict("This login is already registered.", field="login", rule="unique") from exc
        raise


async def register_user(
    session: AsyncSession,
    kit: SecurityKit,
    *,
    login: str,
    password: str,
    display_name: str,
    role: str,
    shop_name: str | None = None,
) -> User:
    """Self-service registration as a worker or a seller; a seller may name their first shop at once."""
    if role not in SELF_SERVICE_ROLES:
        raise InvalidInput("Role must be worker or seller.", field="role", rule="one_of")
    if shop_name is not None and role != Role.SELLER:
        raise InvalidInput("Only sellers register a shop.", field="shop_name", rule="seller_only")
    shop = check_shop_name(shop_name) if shop_name else None
    user = await _insert_user(session, kit, login=login, password=password, display_name=display_name, role=Role(role))
    if shop:
        await session.flush()  # the user row first: the shop refers to it
        _add_shop(session, kit, user, shop)
    await _commit_unique(session)
    return user


async def create_admin(
    session: AsyncSession, kit: SecurityKit, *, login: str, password: str, display_name: str
) -> User:
    """Admins are only made from the command line, never through self-service registration."""
    user = await _insert_user(session, kit, login=login, password=password, display_name=display_name, role=Role.ADMIN)
    await _commit_unique(session)
    return user


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", field="user_id", rule="exists")
    return user


async def find_user_by_login(session: AsyncSession, login: str) -> User | None:
    try:
        normalized, _ = normalize_login(login)
    except InvalidInput:
        return None
    return await session.scalar(select(User).where(User.login == normalized))


def in_good_standing(user: User) -> bool:
    """Good or warned: may apply and take shifts. Restricted and banned accounts may not."""
    return user.standing in (Standing.GOOD, Standing.WARNED)


async def count_users(session: AsyncSession) -> dict[str, dict[str, int]]:
    """Accounts by role and standing, every pair present (zero when none): the admin's overview."""
    rows = await session.execute(select(User.role, User.standing, func.count()).group_by(User.role, User.standing))
    counts: dict[str, dict[str, int]] = {r.value: {s.value: 0 for s in Standing} for r in Role}
    for role, standing, n in rows.all():
        counts[role.value][standing.value] = n
    return counts


async def set_standing(session: AsyncSession, user_id: uuid.UUID, standing: Standing) -> User:
    user = await get_user(session, user_id)
    user.standing = standing
    if standing == Standing.BANNED:
        await _revoke_user_sessions(session, user.id, now=None)
    await session.commit()
    return user


# --- sign-in ----------------------------------------------------------------------------------------------------


def _login_key(kit: SecurityKit, login: str) -> str:
    return keyed_hash(kit.settings.secret_key, "login:" + (login or "").strip().lower())


async def _check_throttle(session: AsyncSession, kit: SecurityKit, key: str, now: datetime) -> None:
    window = timedelta(minutes=kit.settings.login_failure_window_minutes)
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(LoginFailure.failed_at)).where(
                LoginFailure.login_key == key, LoginFailure.failed_at > now - window
            )
        )
    ).one()
    if count >= kit.settings.login_max_failures:
        retry_after = int(((oldest + window) - now).total_seconds()) + 1
        raise TooManyRequests(
            "Too many failed sign-ins for this login; try again later.",
            retry_after=retry_after,
            field="login",
            rule="too_many_failures",
        )


async def _issue_pair(session: AsyncSession, kit: SecurityKit, user: User, family_id: uuid.UUID) -> SessionTokens:
    now = kit.clock.now()
    raw = new_opaque_token()
    ttl = timedelta(days=kit.settings.refresh_token_days)
    session.add(
        RefreshToken(
            user_id=user.id, family_id=family_id, token_hash=hash_token(raw), issued_at=now, expires_at=now + ttl
        )
    )
    access = kit.access_tokens.issue(user.id, user.role.value)
    principal = Principal(user_id=user.id, role=user.role.value, token_id="")
    return SessionTokens(access.token, raw, access.expires_in, int(ttl.total_seconds()), principal)


async def sign_in(session: AsyncSession, kit: SecurityKit, *, login: str, password: str) -> SessionTokens:
    """Checks the password, throttled per login; a success starts a new refresh-token family."""
    now = kit.clock.now()
    key = _login_key(kit, login)
    await _check_throttle(session, kit, key, now)
    user = await find_user_by_login(session, login)
    if not kit.passwords.verify(user.password_hash if user else None, password or ""):
        window = timedelta(minutes=kit.settings.login_failure_window_minutes)
        # failures older than the window no longer count: drop them, so the table stays small under attack
        await session.execute(
            delete(LoginFailure).where(LoginFailure.login_key == key, LoginFailure.failed_at <= now - window)
        )
        session.add(LoginFailure(login_key=key, failed_at=now))
        await session.commit()
        raise NotAuthenticated("The login or the password is wrong.", field="password", rule="credentials")
    assert user is not None
    if user.standing == Standing.BANNED:
        raise PermissionDenied("This account is banned.", field="login", rule="standing")
    await session.execute(delete(LoginFailure).where(LoginFailure.login_key == key))
    if kit.passwords.needs_rehash(user.password_hash):
        user.password_hash = kit.passwords.hash(password)
    user.last_login_at = now
    pair = await _issue_pair(session, kit, user, family_id=uuid.uuid4())
    await session.commit()
    return pair


async def _revoke_family(session: AsyncSession, family_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def _revoke_user_sessions(session: AsyncSession, user_id: uuid.UUID, now: datetime | None) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now or func.now())
    )


async def rotate_refresh_token(session: AsyncSession, kit: SecurityKit, raw: str) -> SessionTokens:
    """Trades a refresh token for a new pair; presenting an already-rotated token revokes its whole family.

    The claim is one conditional UPDATE, so of two concurrent refreshes with the same token exactly one wins and
    the other is treated as reuse.
    """
    now = kit.clock.now()
    digest = hash_token(raw or "")
    claimed = (
        await session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.token_hash == digest,
                RefreshToken.rotated_at.is_(None),
                RefreshToken.revoked_at.is_(None),
                RefreshToken.expires_at > now,
            )
            .values(rotated_at=now)
            .returning(RefreshToken.user_id, RefreshToken.family_id)
        )
    ).first()
    if claimed is None:
        token = await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == digest))
        if token is not None and token.rotated_at is not None:
            await _revoke_family(session, token.family_id, now)
            await session.commit()
            raise NotAuthenticated(
                "This refresh token was already used; the session has been closed. Please sign in again.",
                field="refresh_token",
                rule="reused",
            )
        rule = "unknown" if token is None else ("revoked" if token.revoked_at else "expired")
        await session.rollback()
        raise NotAuthenticated("The refresh token is not valid.", field="refresh_token", rule=rule)
    user = await session.get(User, claimed.user_id)
    if user is None or user.standing == Standing.BANNED:
        await _revoke_family(session, claimed.family_id, now)
        await session.commit()
        raise NotAuthenticated("This account can no longer sign in.", field="refresh_token", rule="standing")
    pair = await _issue_pair(session, kit, user, family_id=claimed.family_id)
    await session.commit()
    return pair


async def sign_out(session: AsyncSession, kit: SecurityKit, raw: str) -> None:
    """Revokes the sign-in session the refresh token belongs to; unknown tokens are ignored (sign-out is idempotent)."""
    family_id = await session.scalar(select(RefreshToken.family_id).where(RefreshToken.token_hash == hash_token(raw)))
    if family_id is not None:
        await _revoke_family(session, family_id, kit.clock.now())
        await session.commit()


# --- shops and sub-accounts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShopAccess:
    """A shop as seen by one of its members."""

    shop: Shop
    member: ShopMember


def _add_shop(session: AsyncSession, kit: SecurityKit, owner: User, name: str) -> Shop:
    shop = Shop(id=uuid7(), name=name, owner_id=owner.id, created_at=kit.clock.now())
    session.add(shop)
    session.add(
        ShopMember(shop_id=shop.id, user_id=owner.id, permission=ShopPermission.OWNER, created_at=shop.created_at)
    )
    return shop


async def create_shop(session: AsyncSession, kit: SecurityKit, principal: Principal, *, name: str) -> Shop:
    """A seller account that is not another shop's sub-account opens a shop and becomes its owner."""
    if principal.role != Role.SELLER:
        raise PermissionDenied("Only sellers open shops.", field="role", rule="role_required")
    shop_name = check_shop_name(name, field="name")
    sub = await session.scalar(
        select(ShopMember.id).where(ShopMember.user_id == principal.user_id, ShopMember.permission != "owner")
    )
    if sub is not None:
        raise PermissionDenied("A sub-account cannot open shops of its own.", field="role", rule="sub_account")
    owner = await get_user(session, principal.user_id)
    shop = _add_shop(session, kit, owner, shop_name)
    await session.commit()
    return shop


async def list_shops(session: AsyncSession, principal: Principal) -> list[ShopAccess]:
    rows = await session.execute(
        select(Shop, ShopMember)
        .join(ShopMember, ShopMember.shop_id == Shop.id)
        .where(ShopMember.user_id == principal.user_id)
        .order_by(Shop.created_at)
    )
    return [ShopAccess(shop, member) for shop, member in rows.all()]


async def access_shop(
    session: AsyncSession, principal: Principal, shop_id: uuid.UUID, need: ShopPermission = ShopPermission.READ_ONLY
) -> ShopAccess:
    """The shop if the caller is a member holding `need`; a non-member gets 404, so shops can't be probed."""
    row = (
        await session.execute(
            select(Shop, ShopMember)
            .join(ShopMember, ShopMember.shop_id == Shop.id)
            .where(Shop.id == shop_id, ShopMember.user_id == principal.user_id)
        )
    ).first()
    if row is None:
        raise NotFound("No such shop.", field="shop_id", rule="exists")
    shop, member = row
    if member.permission not in PERMISSION_GRANTS[need]:
        raise PermissionDenied(
            f"This needs the shop's {need.value} permission; this account has {member.permission.value}.",
            field="permission",
            rule=f"requires_{need.value}",
        )
    return ShopAccess(shop, member)


async def rename_shop(session: AsyncSession, principal: Principal, shop_id: uuid.UUID, *, name: str) -> ShopAccess:
    access = await access_shop(session, principal, shop_id, ShopPermission.CONFIGURATION)
    access.shop.name = check_shop_name(name, field="name")
    await session.commit()
    return access


async def list_members(
    session: AsyncSession, principal: Principal, shop_id: uuid.UUID
) -> list[tuple[ShopMember, User]]:
    await access_shop(session, principal, shop_id, ShopPermission.READ_ONLY)
    rows = await session.execute(
        select(ShopMember, User)
        .join(User, User.id == ShopMember.user_id)
        .where(ShopMember.shop_id == shop_id)
        .order_by(ShopMember.created_at)
    )
    return [(m, u) for m, u in rows.all()]


def _sub_permission(raw: str) -> ShopPermission:
    try:
        permission = ShopPermission(raw)
    except ValueError as exc:
        raise InvalidInput(
            "Permission must be billing, configuration or read_only.", field="permission", rule="one_of"
        ) from exc
    if permission == ShopPermission.OWNER:
        raise InvalidInput("A shop has exactly one owner.", field="permission", rule="one_owner")
    return permission


async def add_sub_account(
    session: AsyncSession,
    kit: SecurityKit,
    principal: Principal,
    shop_id: uuid.UUID,
    *,
    login: str,
    password: str,
    display_name: str,
    permission: str,
) -> tuple[ShopMember, User]:
    """The owner creates a sub-account: a seller login of its own that acts for this shop with one permission."""
    access = await access_shop(session, principal, shop_id, ShopPermission.OWNER)
    granted = _sub_permission(permission)
    user = await _insert_user(session, kit, login=login, password=password, display_name=display_name, role=Role.SELLER)
    await session.flush()
    member = ShopMember(shop_id=access.shop.id, user_id=user.id, permission=granted, created_at=kit.clock.now())
    session.add(member)
    await _commit_unique(session)
    return member, user


async def _member_of(session: AsyncSession, shop_id: uuid.UUID, member_id: uuid.UUID) -> tuple[ShopMember, User]:
    row = (
        await session.execute(
            select(ShopMember, User)
            .join(User, User.id == ShopMember.user_id)
            .where(ShopMember.id == member_id, ShopMember.shop_id == shop_id)
        )
    ).first()
    if row is None:
        raise NotFound("No such sub-account in this shop.", field="member_id", rule="exists")
    return row[0], row[1]


async def change_sub_account(
    session: AsyncSession, principal: Principal, shop_id: uuid.UUID, member_id: uuid.UUID, *, permission: str
) -> tuple[ShopMember, User]:
    await access_shop(session, principal, shop_id, ShopPermission.OWNER)
    member, user = await _member_of(session, shop_id, member_id)
    if member.permission == ShopPermission.OWNER:
        raise InvalidInput("The owner's permission cannot change.", field="member_id", rule="one_owner")
    member.permission = _sub_permission(permission)
    await session.commit()
    return member, user


async def remove_sub_account(
    session: AsyncSession, kit: SecurityKit, principal: Principal, shop_id: uuid.UUID, member_id: uuid.UUID
) -> None:
    """Removes a sub-account from the shop and closes its sessions; its login stays, with no shop."""
    await access_shop(session, principal, shop_id, ShopPermission.OWNER)
    member, user = await _member_of(session, shop_id, member_id)
    if member.permission == ShopPermission.OWNER:
        raise InvalidInput("The owner cannot be removed.", field="member_id", rule="one_owner")
    await session.delete(member)
    await _revoke_user_sessions(session, user.id, kit.clock.now())
    await session.commit()


def shop_permission(need: ShopPermission):
    """A dependency for any controller with a `{shop_id}` path: the caller's `ShopAccess`, holding `need`.

    Use as `dependencies={"shop": Provide(shop_permission(ShopPermission.BILLING))}`; it answers 404 to non-members
    and 403 to members without the permission, before the handler runs.
    """

    async def provide_shop(
        shop_id: FromPath[uuid.UUID], db_session: DbSession, principal: CurrentPrincipal
    ) -> ShopAccess:
        return await access_shop(db_session, principal, shop_id, need)

    return provide_shop


async def prune_sign_in_records(session: AsyncSession, kit: SecurityKit) -> int:
    """Scheduled: deletes refresh tokens a day past expiry (reuse of an expired token no longer needs detecting)
    and failed sign-ins older than the counting window. Idempotent; returns how many rows went."""
    now = kit.clock.now()
    window = timedelta(minutes=kit.settings.login_failure_window_minutes)
    tokens = await session.execute(delete(RefreshToken).where(RefreshToken.expires_at < now - timedelta(days=1)))
    failures = await session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - window))
    await session.commit()
    return (tokens.rowcount or 0) + (failures.rowcount or 0)
