"""Runs Alembic from code: `gigplatform migrate`, the test fixtures, and `make run` all go through here."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).parent


def alembic_config(database_url: str | None = None, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if database_url:
        config.attributes["database_url"] = database_url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Brings the database at `database_url` up to `revision` (call outside a running event loop)."""
    command.upgrade(alembic_config(database_url), revision)


def upgrade_on(connection: Connection, revision: str = "head") -> None:
    """The same, on a connection the caller holds (inside `AsyncConnection.run_sync`)."""
    command.upgrade(alembic_config(connection=connection), revision)


def downgrade_on(connection: Connection, revision: str = "base") -> None:
    command.downgrade(alembic_config(connection=connection), revision)
