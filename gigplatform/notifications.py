"""The in-app inbox every domain writes to, and the `Notifier` that delivers what must reach a person outside it.

`notify(session, user_id, kind, **params)` records a notification beside the verb's other rows: a kind code and its
values (ids, counts, never secrets), which the pages put into words in the reader's language. It records a
`notification.created` event too, so a listener hears of it only once the transaction commits.

A `Notifier` carries a message that holds a secret link (a password reset) to its owner. The default,
`LogNotifier`, writes the link to the log in development only (in production, only that one was sent) and puts a
notice without the link in the inbox; an SMS or e-mail gateway implements the same protocol later.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from litestar.di import NamedDependency
from sqlalchemy import JSON, ForeignKey, String, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from gigplatform.db import Base, UUIDPrimaryKey, jsonable, uuid7
from gigplatform.events import record_event

log = logging.getLogger("gigplatform.notifications")


class Notification(UUIDPrimaryKey, Base):
    __tablename__ = "notifications"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


def notify(
    session: AsyncSession, user_id: uuid.UUID, kind: str, *, at: datetime | None = None, **params: Any
) -> Notification:
    """Puts a notification in the user's inbox (with the caller's transaction) and records its event."""
    row = Notification(
        id=uuid7(),
        user_id=user_id,
        kind=kind,
        params={key: jsonable(value) for key, value in params.items()},
        created_at=at or datetime.now(UTC),
        read_at=None,
    )
    session.add(row)
    record_event(session, "notification.created", user_id=user_id, notification_id=row.id, kind=kind)
    return row


async def list_notifications(
    session: AsyncSession, user_id: uuid.UUID, *, limit: int = 50, offset: int = 0
) -> tuple[list[Notification], int]:
    """The user's notifications, newest first, and how many there are in all."""
    mine = Notification.user_id == user_id
    total = await session.scalar(select(func.count()).select_from(Notification).where(mine)) or 0
    rows = await session.scalars(
        select(Notification).where(mine).order_by(Notification.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total


async def unread_count(session: AsyncSession, user_id: uuid.UUID) -> int:
    query = select(func.count()).select_from(Notification)
    return await session.scalar(query.where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


async def mark_read(session: AsyncSession, user_id: uuid.UUID, ids: Sequence[uuid.UUID] | None, now: datetime) -> int:
    """Marks the given notifications of this user (all of them when `ids` is None) read; another user's ids are
    ignored. Idempotent; returns how many changed."""
    where = [Notification.user_id == user_id, Notification.read_at.is_(None)]
    if ids is not None:
        where.append(Notification.id.in_(list(ids)))
    result = await session.execute(update(Notification).where(*where).values(read_at=now))
    changed = result.rowcount or 0
    if changed:  # open pages lower their unread count by as many
        record_event(session, "notifications.read", user_id=user_id, count=changed)
    return changed


@runtime_checkable
class Notifier(Protocol):
    """Delivers a message holding a secret link to its owner (SMS, e-mail, ...); called inside the unit of work."""

    async def send_link(
        self, session: AsyncSession, user_id: uuid.UUID, kind: str, link: str, *, at: datetime, **params: Any
    ) -> None: ...


AppNotifier = NamedDependency[Notifier]
"""A handler parameter `notifier: AppNotifier` receives the app's Notifier (see `create_app`)."""


class LogNotifier:
    """The default: the link goes to the log (development only; production logs only that it was sent) and a
    notice without the link goes to the inbox."""

    def __init__(self, production: bool) -> None:
        self.production = production

    async def send_link(
        self, session: AsyncSession, user_id: uuid.UUID, kind: str, link: str, *, at: datetime, **params: Any
    ) -> None:
        if self.production:
            log.info("%s sent to user %s", kind, user_id)
        else:
            log.info("%s for user %s: %s", kind, user_id, link)
        notify(session, user_id, kind, at=at, **params)


class RecordingNotifier(LogNotifier):
    """For tests: keeps every link sent, as (user_id, kind, link), and still fills the inbox."""

    def __init__(self) -> None:
        super().__init__(production=True)
        self.sent: list[tuple[uuid.UUID, str, str]] = []

    async def send_link(
        self, session: AsyncSession, user_id: uuid.UUID, kind: str, link: str, *, at: datetime, **params: Any
    ) -> None:
        self.sent.append((user_id, kind, link))
        await super().send_link(session, user_id, kind, link, at=at, **params)
