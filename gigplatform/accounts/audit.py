"""The audit log: every admin decision and every standing change, for any domain, in one table.

`record_audit(session, actor, action, ...)` writes the entry beside the change it explains, in the caller's
transaction, so a decision and its record commit or roll back together. Details hold ids, codes, counts and dates,
never personal data (no names, logins or ID numbers): the subject's id says who.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts.models import AuditEntry
from gigplatform.db import jsonable, uuid7
from gigplatform.security import Principal

REASON_MAX = 500


def record_audit(
    session: AsyncSession,
    actor: Principal | None,
    action: str,
    *,
    at: datetime,
    subject_kind: str,
    subject_id: uuid.UUID | None = None,
    reason: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Adds one entry: `actor` is the admin (None for the platform itself, such as a timed job), `action` a dotted
    code (`standing.changed`), the subject a kind and id (`user`, its id). Never commits."""
    row = AuditEntry(
        id=uuid7(),
        actor_id=actor.user_id if actor is not None else None,
        at=at,
        action=action,
        subject_kind=subject_kind,
        subject_id=subject_id,
        reason=reason,
        details={key: jsonable(value) for key, value in (details or {}).items()},
    )
    session.add(row)
    return row


async def list_audit(
    session: AsyncSession,
    *,
    subject_kind: str | None = None,
    subject_id: uuid.UUID | None = None,
    actor_id: uuid.UUID | None = None,
    action: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[AuditEntry], int]:
    """Entries matching every filter given, newest first, and how many match in all."""
    where = [
        column == value
        for column, value in (
            (AuditEntry.subject_kind, subject_kind),
            (AuditEntry.subject_id, subject_id),
            (AuditEntry.actor_id, actor_id),
            (AuditEntry.action, action),
        )
        if value is not None
    ]
    total = await session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0
    rows = await session.scalars(
        select(AuditEntry)
        .where(*where)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total
