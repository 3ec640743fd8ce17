"""Signing in and its sessions: the password check throttled per login, refresh-token rotation with reuse
detection, sign-out, and the scheduled pruning of dead records.

A sign-in session is a family of refresh tokens: each rotation adds one and marks the old one rotated. No verb
commits; a refusal that must leave a trace (a counted failure, a family closed on reuse) is raised `.recorded()`,
so the edge commits that trace and still answers the error.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts.models import LoginFailure, RefreshToken, Standing, User
from gigplatform.accounts.users import find_user_by_login
from gigplatform.clock import Clock
from gigplatform.errors import NotAuthenticated, PermissionDenied, TooManyRequests
from gigplatform.security import Principal, SecurityKit, SessionTokens, hash_token, keyed_hash, new_opaque_token


def _login_key(kit: SecurityKit, login: str) -> str:
    return keyed_hash(kit.settings.secret_key, "login:" + (login or "").strip().lower())


def _failure_window(kit: SecurityKit) -> timedelta:
    return timedelta(minutes=kit.settings.login_failure_window_minutes)


async def _check_throttle(session: AsyncSession, kit: SecurityKit, key: str, now: datetime) -> None:
    window = _failure_window(kit)
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
    """Checks the password, throttled per login; a success starts a new refresh-token family.

    A wrong password is counted and then refused (`.recorded()`: the count must survive the refusal)."""
    now = kit.clock.now()
    key = _login_key(kit, login)
    await _check_throttle(session, kit, key, now)
    user = await find_user_by_login(session, login)
    if not kit.passwords.verify(user.password_hash if user else None, password or ""):
        # failures older than the window no longer count: drop them, so the table stays small under attack
        await session.execute(
            delete(LoginFailure).where(
                LoginFailure.login_key == key, LoginFailure.failed_at <= now - _failure_window(kit)
            )
        )
        session.add(LoginFailure(login_key=key, failed_at=now))
        raise NotAuthenticated("The login or the password is wrong.", field="password", rule="credentials").recorded()
    assert user is not None
    if user.standing == Standing.BANNED:
        raise PermissionDenied("This account is banned.", field="login", rule="standing")
    await session.execute(delete(LoginFailure).where(LoginFailure.login_key == key))
    if kit.passwords.needs_rehash(user.password_hash):
        user.password_hash = kit.passwords.hash(password)
    user.last_login_at = now
    return await _issue_pair(session, kit, user, family_id=uuid.uuid4())


async def _revoke_family(session: AsyncSession, family_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def rotate_refresh_token(session: AsyncSession, kit: SecurityKit, raw: str) -> SessionTokens:
    """Trades a refresh token for a new pair; presenting an already-rotated token revokes its whole family.

    The claim is one conditional UPDATE, so of two concurrent refreshes with the same token exactly one wins and
    the other is treated as reuse. A family closed here (reuse, or a banned account) stays closed although the
    caller is refused: those refusals are `.recorded()`.
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
            raise NotAuthenticated(
                "This refresh token was already used; the session has been closed. Please sign in again.",
                field="refresh_token",
                rule="reused",
            ).recorded()
        rule = "unknown" if token is None else ("revoked" if token.revoked_at else "expired")
        raise NotAuthenticated("The refresh token is not valid.", field="refresh_token", rule=rule)
    user = await session.get(User, claimed.user_id)
    if user is None or user.standing == Standing.BANNED:
        await _revoke_family(session, claimed.family_id, now)
        raise NotAuthenticated("This account can no longer sign in.", field="refresh_token", rule="standing").recorded()
    return await _issue_pair(session, kit, user, family_id=claimed.family_id)


async def sign_out(session: AsyncSession, clock: Clock, raw: str) -> None:
    """Revokes the sign-in session the refresh token belongs to; unknown tokens are ignored (sign-out is idempotent)."""
    family_id = await session.scalar(select(RefreshToken.family_id).where(RefreshToken.token_hash == hash_token(raw)))
    if family_id is not None:
        await _revoke_family(session, family_id, clock.now())


async def prune_sign_in_records(session: AsyncSession, kit: SecurityKit) -> int:
    """Deletes refresh tokens a day past expiry (reuse of an expired token no longer needs detecting) and failed
    sign-ins older than the counting window. Idempotent; returns how many rows went. Run by `JOBS`."""
    now = kit.clock.now()
    tokens = await session.execute(delete(RefreshToken).where(RefreshToken.expires_at < now - timedelta(days=1)))
    failures = await session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - _failure_window(kit)))
    return (tokens.rowcount or 0) + (failures.rowcount or 0)
