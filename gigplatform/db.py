"""Database plumbing: the declarative Base, column types, the engine and the per-request session.

Timestamps are stored timezone-aware in UTC (SQLite keeps them naive; `UTCDateTime` puts the zone back), and
primary keys are time-ordered random UUIDs, so public ids cannot be walked and indexes stay compact.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from litestar.di import NamedDependency
from sqlalchemy import DateTime, Enum, MetaData, Uuid, event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from gigplatform.errors import DomainError
from gigplatform.events import PUBLISHER, LogPublisher, Publisher

# aiosqlite logs every operation with its arguments at DEBUG: the bound parameters, which hold personal data.
logging.getLogger("aiosqlite").setLevel(logging.INFO)

T = TypeVar("T")
DbSession = NamedDependency[AsyncSession]
"""A handler parameter `db_session: DbSession` receives the request's session."""

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


_uuid7_lock = threading.Lock()
_uuid7_last = (0, 0)  # (milliseconds, 74-bit random part) of the last id made here
_RAND_BITS = 74


def uuid7() -> uuid.UUID:
    """A UUIDv7: 48 bits of milliseconds then 74 random bits; unguessable, yet sorted by creation time.

    Within one millisecond the process keeps its ids increasing (RFC 9562, method 3: the random part continues
    from the previous id by a random step), so rows made in one transaction sort in the order they were made.
    """
    global _uuid7_last
    with _uuid7_lock:
        ms = time.time_ns() // 1_000_000
        rand = int.from_bytes(os.urandom(10), "big") & ((1 << _RAND_BITS) - 1)
        last_ms, last_rand = _uuid7_last
        if ms <= last_ms:
            ms, rand = last_ms, last_rand + 1 + (int.from_bytes(os.urandom(4), "big") & 0xFFFFFFFF)
            if rand >> _RAND_BITS:  # the random part ran over: borrow the next millisecond
                ms, rand = ms + 1, rand & ((1 << (_RAND_BITS - 1)) - 1)
        _uuid7_last = (ms, rand)
    rand_a, rand_b = rand >> 62, rand & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0x2 << 62 | rand_b
    return uuid.UUID(int=value)


def jsonable(value: Any) -> Any:
    """A value as a JSON column or a live message holds it: UUIDs as strings, dates and datetimes in ISO 8601
    (enums are strings already); anything else unchanged."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC instant on every backend; naive datetimes are refused, not guessed at."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, uuid.UUID: Uuid}


def str_enum(enum: type[StrEnum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a CHECK constraint, storing the values (not the member names)."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda e: [member.value for member in e],
    )


class UUIDPrimaryKey:
    """Mixin: a UUIDv7 primary key that doubles as the public id."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)


POOL_OPTIONS = ("pool_size", "max_overflow", "pool_recycle", "pool_timeout", "pool_pre_ping")


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine that never writes bound parameters into its errors or logs (they hold personal data).

    SQLite gets foreign keys on and a busy timeout so concurrent writers wait, not fail. PostgreSQL gets a fixed
    pool without pre-ping by default (a pre-ping costs a round trip on every checkout): connections are recycled
    after `pool_recycle` seconds, and one that broke is invalidated by SQLAlchemy when it fails, so the next
    checkout opens a fresh one. Pass `Settings.engine_options()`.
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        for option in POOL_OPTIONS:
            kwargs.pop(option, None)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        @event.listens_for(engine.sync_engine, "savepoint")
        def _begin_before_savepoint(conn: Any, _name: str) -> None:
            # Python's sqlite3 only emits BEGIN before its first INSERT/UPDATE/DELETE. A SAVEPOINT issued before that
            # opens the transaction itself, and its RELEASE then commits: the unit of work could no longer roll back
            # what the savepoint wrote. So the transaction is begun explicitly first.
            if not conn.connection.driver_connection.in_transaction:
                conn.exec_driver_sql("BEGIN")

        return engine
    if kwargs.pop("null_pool", False):
        kwargs["poolclass"] = NullPool
        for option in POOL_OPTIONS:
            kwargs.pop(option, None)
    kwargs.setdefault("pool_pre_ping", False)
    return create_async_engine(url, **kwargs)


def make_sessionmaker(engine: AsyncEngine, publisher: Publisher | None = None) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects after commit, and hand their events to `publisher` once they commit."""
    return async_sessionmaker(engine, expire_on_commit=False, info={PUBLISHER: publisher or LogPublisher()})


def keeps_writes(exc: BaseException) -> bool:
    """A refusal whose writes are part of it (see `DomainError.keeps_writes`)."""
    return isinstance(exc, DomainError) and exc.keeps_writes


@contextlib.asynccontextmanager
async def unit_of_work(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One transaction for one request or job: committed when the block ends normally, rolled back when it raises
    (save a refusal that is itself recorded, which is committed and re-raised). Events recorded on the session are
    published after the commit and dropped on rollback. Verbs inside never commit; only this edge does."""
    async with sessionmaker() as session:
        try:
            yield session
        except BaseException as exc:
            if keeps_writes(exc):
                await session.commit()
            else:
                await session.rollback()
            raise
        await session.commit()


async def discard(session: AsyncSession, exc: BaseException) -> None:
    """After a caught refusal (a form shown again), drop what the verb wrote unless the refusal keeps its writes.

    The rollback expires what was loaded, so whatever the page shows next is read again."""
    if keeps_writes(exc):
        await session.commit()
    else:
        await session.rollback()


@contextlib.asynccontextmanager
async def read_transaction(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A transaction that only reads and sees one snapshot throughout (REPEATABLE READ, READ ONLY on PostgreSQL;
    an explicit BEGIN on SQLite, whose driver would otherwise run each SELECT on its own), rolled back at the end.
    For a reply streamed after the request's own unit of work has ended."""
    async with sessionmaker() as session:
        if session.get_bind().dialect.name == "postgresql":
            await session.connection(
                execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
            )
        else:
            await (await session.connection()).exec_driver_sql("BEGIN")
        try:
            yield session
        finally:
            await session.rollback()


async def streamed(
    sessionmaker: async_sessionmaker[AsyncSession], produce: Callable[[AsyncSession], AsyncIterator[T]]
) -> AsyncIterator[T]:
    """What `produce` yields, read in one `read_transaction` that lasts as long as the reply is being sent."""
    async with read_transaction(sessionmaker) as session:
        async for piece in produce(session):
            yield piece
