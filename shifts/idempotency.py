"""Idempotency keys: the first answer to a request is kept with its key, and a retry with the same key and body
gets that answer again (status and body) instead of acting twice; the same key with another body is refused.

The key is written in the transaction of the answer it keeps (with a refusal too, which is then raised
`.recorded()` so the key stands), so a key never records an answer the database does not hold. Keys are kept at
least `KEEP` (24 hours); the purge job removes older ones.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.errors import N_, InvalidInput
from shifts.models import IdempotencyKey

KEEP = timedelta(hours=24)
PURGE_AFTER = timedelta(hours=48)


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


def fingerprint(route: str, body: bytes) -> str:
    """What "the same request" means: the same method and path, and the same body bytes."""
    return hashlib.sha256(route.encode() + b"\n" + body).hexdigest()


async def remember(
    session: AsyncSession,
    user_id: uuid.UUID,
    key: str,
    route: str,
    body_hash: str,
    answer: Answer,
    now: datetime,
) -> bool:
    """Keeps the answer under the key; False when the key was already there (a retry, or a race with one)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    row = {
        "user_id": user_id,
        "key": key,
        "route": route[:200],
        "body_hash": body_hash,
        "status": answer.status,
        "response": answer.body,
        "created_at": now,
    }
    made = await session.execute(
        insert(IdempotencyKey).values(row).on_conflict_do_nothing().returning(IdempotencyKey.key)
    )
    return made.first() is not None


async def first_answer(session: AsyncSession, user_id: uuid.UUID, key: str, body_hash: str) -> Answer | None:
    """The answer kept under the key, or None; a different request under the same key is a 422."""
    kept = await session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )
    if kept is None:
        return None
    if kept.body_hash != body_hash:
        raise InvalidInput(
            N_("This Idempotency-Key was used for another request."), field="Idempotency-Key", rule="reused"
        )
    return Answer(kept.status, kept.response)


async def purge_keys(session: AsyncSession, now: datetime) -> int:
    """Deletes keys older than `PURGE_AFTER` (more than the promised 24 hours)."""
    result = await session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < now - PURGE_AFTER))
    return result.rowcount or 0
