"""Signing in and its sessions: the password check throttled per login, refresh-token rotation with reuse
detection, sign-out, and the scheduled pruning of dead records.

A sign-in session is a family of refresh tokens: each rotation adds one and marks the old one rotated. No verb
commits; a refusal that must leave a trace (a counted failure, a family closed on reuse) is raised `.recorded()`,
so the edge commits that trace and still answers the error.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts.models import PasswordReset, RefreshToken, Standing, User
from gigplatform.accounts.throttle import Claim, Locked, claim_attempt, clear_attempts, prune_attempts
from gigplatform.accounts.users import find_user_by_login, login_key_text
from gigplatform.clock import Clock
from gigplatform.errors import N_, DomainError, NotAuthenticated, PermissionDenied, TooManyRequests
from gigplatform.security import Principal, SecurityKit, SessionTokens, hash_token, keyed_hash, new_opaque_token


def login_key(kit: SecurityKit, login: str, purpose: str = "login") -> str:
    """The throttle key of a login for one purpose: a keyed hash of the normalised login, so every spelling of one
    number counts against one limit and the table holds no login in the clear."""
    return keyed_hash(kit.settings.secret_key, f"{purpose}:{login_key_text(login)}")


def failure_window(kit: SecurityKit) -> timedelta:
    return timedelta(minutes=kit.settings.login_failure_window_minutes)


async def claim_sign_in_attempt(session: AsyncSession, kit: SecurityKit, key: str) -> Claim:
    """One attempt at this login's password, or a 429 saying for how long (`Retry-After`, `retry_after_seconds`)."""
    claim = await claim_attempt(
        session, key, kit.clock.now(), limit=kit.settings.login_max_failures, window=failure_window(kit)
    )
    if isinstance(claim, Locked):
        raise TooManyRequests(
            N_("Too many failed sign-ins for this login. Please try again in %(minutes)s minutes."),
            retry_after=claim.retry_after_seconds,
            field="login",
            rule="too_many_failures",
            params={"minutes": claim.minutes},
            extra={"retry_after_seconds": claim.retry_after_seconds},
        )
    return claim


def wrong_password(field: str, claim: Claim, error: type[DomainError] = NotAuthenticated) -> DomainError:
    """The refusal of a wrong password, saying how many tries are left; `.recorded()`, so the attempt counts.
    `error` is 401 at sign-in, 422 for a signed-in user's current password."""
    return error(
        N_("The login or the password is wrong. Tries left: %(attempts_left)s."),
        field=field,
        rule="credentials",
        params={"attempts_left": claim.attempts_left},
        extra={"attempts_left": claim.attempts_left},
    ).recorded()


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
    """Checks the password, at most `login_max_failures` times per login and window; a success clears the count and
    starts a new refresh-token family, and redoes a hash made with older parameters.

    The attempt is claimed before the password is checked (`claim_sign_in_attempt`: one statement, so concurrent
    guesses cannot overtake the limit); a wrong password keeps the claim (`.recorded()`). The claimed row stays
    locked until the request's transaction ends, so one login's attempts queue behind each other."""
    key = login_key(kit, login)
    claim = await claim_sign_in_attempt(session, kit, key)
    user = await find_user_by_login(session, login)
    if not await kit.passwords.verify_async(user.password_hash if user else None, password or ""):
        raise wrong_password("password", claim)
    assert user is not None
    if user.standing == Standing.BANNED:
        raise PermissionDenied(N_("This account is banned."), field="login", rule="standing")
    await clear_attempts(session, key)
    if kit.passwords.needs_rehash(user.password_hash):
        user.password_hash = await kit.passwords.hash_async(password)
    user.last_login_at = kit.clock.now()
    return await issue_session(session, kit, user)


async def issue_session(session: AsyncSession, kit: SecurityKit, user: User) -> SessionTokens:
    """A new sign-in session (refresh-token family) for the user."""
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
    """Deletes refresh tokens and password-reset tokens a day past expiry (reuse of an expired token no longer needs
    detecting) and the attempt counts whose window is over. Idempotent; returns how many rows went. Run by `JOBS`."""
    now = kit.clock.now()
    tokens = await session.execute(delete(RefreshToken).where(RefreshToken.expires_at < now - timedelta(days=1)))
    resets = await session.execute(delete(PasswordReset).where(PasswordReset.expires_at < now - timedelta(days=1)))
    throttles = await prune_attempts(session, now, failure_window(kit))
    return (tokens.rowcount or 0) + (resets.rowcount or 0) + throttles
