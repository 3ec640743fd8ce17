"""Domain events: recorded on the session while a unit of work runs, published only once it has committed.

A verb calls `record_event(session, topic, **payload)` beside the rows it changes. Nothing leaves the process
then: the events wait in `session.info` until the transaction commits, and are handed to the app's `Publisher`
from SQLAlchemy's `after_commit` hook. A rollback (of the whole transaction, or of a savepoint the events were
recorded in) drops them, so a listener never hears of a change the database does not hold. This is Zulip's
`send_event_on_commit`, kept in one place.

The publisher is chosen by the wiring: the log by default, a `RecordingPublisher` in tests, and Litestar channels
once realtime pages need them. Publishing must not fail the request whose data is already committed, so a
publisher's error is logged and swallowed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger("gigplatform.events")

PENDING = "gig_pending_events"
PUBLISHER = "gig_publisher"
_MARKS = "gig_event_marks"


@dataclass(frozen=True)
class Event:
    """Something that happened, for listeners outside the transaction: a topic and ids, never personal data."""

    topic: str
    payload: Mapping[str, Any] = field(default_factory=dict)


class Publisher(Protocol):
    def publish(self, events: Sequence[Event]) -> None: ...


class LogPublisher:
    """The default: one DEBUG line per event, topic and payload keys only (payload values may be personal)."""

    def publish(self, events: Sequence[Event]) -> None:
        for item in events:
            log.debug("event %s (%s)", item.topic, ", ".join(sorted(item.payload)))


class RecordingPublisher:
    """Keeps what was published, in order; tests read `events` to prove what went out and what did not."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def publish(self, events: Sequence[Event]) -> None:
        self.events.extend(events)

    def topics(self) -> list[str]:
        return [e.topic for e in self.events]


class FanOut:
    """Several publishers as one (the log and the channels, say); each is tried even if another fails."""

    def __init__(self, *publishers: Publisher) -> None:
        self.publishers = publishers

    def publish(self, events: Sequence[Event]) -> None:
        for publisher in self.publishers:
            _publish_safely(publisher, events)


def record_event(session: AsyncSession | Session, topic: str, **payload: Any) -> Event:
    """Records an event on the session's transaction; it is published if, and only if, that transaction commits."""
    item = Event(topic, payload)
    session.info.setdefault(PENDING, []).append(item)
    return item


def pending_events(session: AsyncSession | Session) -> list[Event]:
    """What would be published if the transaction committed now (for tests and debugging)."""
    return list(session.info.get(PENDING, ()))


def _publish_safely(publisher: Publisher, events: Sequence[Event]) -> None:
    try:
        publisher.publish(events)
    except Exception:
        log.exception("publishing %d event(s) failed after commit", len(events))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        # SQLAlchemy fires after_commit when a savepoint is released too; its events now belong to the enclosing
        # transaction and wait for its commit (or go with its rollback).
        return
    events = session.info.pop(PENDING, None)
    session.info.pop(_MARKS, None)
    if not events:
        return
    publisher: Publisher | None = session.info.get(PUBLISHER)
    _publish_safely(publisher or LogPublisher(), events)


@event.listens_for(Session, "after_transaction_create")
def _remember_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:  # events recorded inside a savepoint go if the savepoint is rolled back
        session.info.setdefault(_MARKS, {})[id(transaction)] = len(session.info.get(PENDING, ()))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    marks = session.info.get(_MARKS, {})
    if previous_transaction.nested and id(previous_transaction) in marks:
        del session.info.get(PENDING, [])[marks.pop(id(previous_transaction)) :]
        return
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)
        session.info.pop(_MARKS, None)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    """A root transaction that ends without commit (a session closed mid-way) drops its events too."""
    if transaction.parent is None and transaction.nested is False:
        session.info.pop(PENDING, None)
        session.info.pop(_MARKS, None)
