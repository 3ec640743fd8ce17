"""Changing a password (signed in, with the current one) and resetting a forgotten one with a one-time token.

A reset token is stored hashed, lives `RESET_TOKEN_MINUTES`, is spent by its first use, and a newer request
spends the older ones. The request answers the same whether or not the login has an account (nothing to
enumerate), and is throttled per login: past `RESET_REQUESTS_MAX` in a window nothing more is sent. The link goes
out through the app's `Notifier`. Both verbs close every other sign-in session of the account.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts.models import PasswordReset, Standing, User
from gigplatform.accounts.sign_in import (
    claim_sign_in_attempt,
    failure_window,
    issue_session,
    login_key,
    wrong_password,
)
from gigplatform.accounts.throttle import Locked, claim_attempt, clear_attempts
from gigplatform.accounts.users import check_password, close_sessions, find_user_by_login, get_user
from gigplatform.db import uuid7
from gigplatform.errors import N_, InvalidInput
from gigplatform.events import record_event
from gigplatform.notifications import Notifier, notify
from gigplatform.security import Principal, SecurityKit, SessionTokens, hash_token, new_opaque_token

log = logging.getLogger("gigplatform.accounts")

RESET_TOKEN_MINUTES = 30
RESET_REQUESTS_MAX = 3
RESET_LINK = "/password-reset/confirm?token="


async def request_password_reset(session: AsyncSession, kit: SecurityKit, notifier: Notifier, *, login: str) -> None:
    """Sends a one-time reset link to the account of `login`, if there is one in good enough standing to sign in;
    the caller answers the same in every case."""
    now = kit.clock.now()
    claim = await claim_attempt(
        session, login_key(kit, login, "reset"), now, limit=RESET_REQUESTS_MAX, window=failure_window(kit)
    )
    if isinstance(claim, Locked):
        log.info("password reset requests throttled for one login")
        return
    user = await find_user_by_login(session, login)
    if user is None or user.standing == Standing.BANNED:
        return
    await session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.spent_at.is_(None))
        .values(spent_at=now)
    )
    raw = new_opaque_token()
    session.add(
        PasswordReset(
            id=uuid7(),
            user_id=user.id,
            token_hash=hash_token(raw),
            created_at=now,
            expires_at=now + timedelta(minutes=RESET_TOKEN_MINUTES),
            spent_at=None,
        )
    )
    await notifier.send_link(
        session, user.id, "password_reset_requested", RESET_LINK + raw, at=now, minutes=RESET_TOKEN_MINUTES
    )


async def _password_set(session: AsyncSession, kit: SecurityKit, user: User, new_password: str) -> None:
    """The new hash, every sign-in session closed, the sign-in count cleared, the owner told."""
    now = kit.clock.now()
    user.password_hash = await kit.passwords.hash_async(new_password)
    await close_sessions(session, user.id, now)
    await clear_attempts(session, login_key(kit, user.login))
    notify(session, user.id, "password_changed", at=now)
    record_event(session, "account.password_changed", user_id=user.id)


async def confirm_password_reset(session: AsyncSession, kit: SecurityKit, *, token: str, new_password: str) -> User:
    """Sets a new password with a reset token; the token is claimed in one conditional UPDATE, so of two uses at
    once exactly one succeeds. A new password that breaks a rule leaves the token unspent."""
    check_password(new_password, "new_password")
    now = kit.clock.now()
    user_id: uuid.UUID | None = await session.scalar(
        update(PasswordReset)
        .where(
            PasswordReset.token_hash == hash_token(token or ""),
            PasswordReset.spent_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(spent_at=now)
        .returning(PasswordReset.user_id)
    )
    user = await session.get(User, user_id) if user_id else None
    if user is None or user.standing == Standing.BANNED:
        raise InvalidInput(
            N_("This reset link is not valid any more. Please ask for a new one."), field="token", rule="invalid"
        )
    await _password_set(session, kit, user, new_password)
    return user


async def change_password(
    session: AsyncSession, kit: SecurityKit, principal: Principal, *, current_password: str, new_password: str
) -> SessionTokens:
    """The signed-in user's new password, given the current one (checked against the same per-login limit as
    sign-in); every sign-in session closes and a fresh one is returned for this caller."""
    user = await get_user(session, principal.user_id)
    check_password(new_password, "new_password")
    claim = await claim_sign_in_attempt(session, kit, login_key(kit, user.login))
    if not await kit.passwords.verify_async(user.password_hash, current_password or ""):
        raise wrong_password("current_password", claim, InvalidInput)
    await _password_set(session, kit, user, new_password)
    return await issue_session(session, kit, user)
