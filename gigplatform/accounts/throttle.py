"""Counting attempts per login (failed sign-ins, password-reset requests), decided by the database.

One row per key holds the attempts of the current window. `claim_attempt` is one upsert that only succeeds below
the limit, so under any concurrency (several requests, several app processes) exactly `limit` attempts are
claimed: PostgreSQL locks the key's row until the claiming transaction ends, SQLite has one writer at a time.
An attempt is claimed *before* the password is checked; a sign-in that succeeds clears its key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts.models import LoginThrottle


@dataclass(frozen=True)
class Claim:
    """An attempt that was allowed: how many the window has now, and how many remain after it."""

    attempts: int
    limit: int

    @property
    def attempts_left(self) -> int:
        return max(0, self.limit - self.attempts)


@dataclass(frozen=True)
class Locked:
    """An attempt refused: the window is full until `retry_after_seconds` from now."""

    retry_after_seconds: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after_seconds / 60))


async def claim_attempt(
    session: AsyncSession, key: str, now: datetime, *, limit: int, window: timedelta
) -> Claim | Locked:
    """Counts one attempt for `key` if fewer than `limit` were made in its window (a window over starts again at
    this attempt); else nothing is written and the answer says when the window ends.

    One statement: `INSERT ... ON CONFLICT (key) DO UPDATE ... WHERE <below the limit or window over> RETURNING`.
    The row stays locked (PostgreSQL) or the database write-locked (SQLite) until the caller's transaction ends."""
    table = LoginThrottle.__table__
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values(key=key, attempts=1, window_started_at=now)
    expired = table.c.window_started_at <= now - window
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "attempts": case((expired, 1), else_=table.c.attempts + 1),
            "window_started_at": case((expired, stmt.excluded.window_started_at), else_=table.c.window_started_at),
        },
        where=expired | (table.c.attempts < limit),
    ).returning(table.c.attempts)
    attempts = await session.scalar(stmt)
    if attempts is not None:
        return Claim(attempts, limit)
    started = await session.scalar(select(LoginThrottle.window_started_at).where(LoginThrottle.key == key))
    ends = (started or now) + window
    return Locked(max(1, math.ceil((ends - now).total_seconds())))


async def clear_attempts(session: AsyncSession, key: str) -> None:
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


async def prune_attempts(session: AsyncSession, now: datetime, window: timedelta) -> int:
    """Drops the keys whose window is over (they would start again anyway); returns how many went."""
    result = await session.execute(delete(LoginThrottle).where(LoginThrottle.window_started_at <= now - window))
    return result.rowcount or 0
