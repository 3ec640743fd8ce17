"""`gigplatform serve | migrate | create-admin | demo`: the operator's commands."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from gigplatform.config import ConfigError, Settings

if TYPE_CHECKING:
    from gigplatform.accounts.service import User

console = Console()


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        console.print(f"[red]configuration error:[/red] {exc}")
        raise SystemExit(2) from exc


def cmd_serve(args: argparse.Namespace) -> int:
    """Serves with uvicorn on httptools + uvloop: plain h11 stalls ~40 ms per keep-alive request."""
    import uvicorn

    settings = _settings()  # fail before forking workers if the configuration is wrong
    if args.workers > 1 and not settings.redis_url:
        print(
            "warning: several workers without GIG_REDIS_URL: each worker's live events stay in that worker, so an "
            "open page hears only the events of the worker serving its stream",
            file=sys.stderr,
        )
    loop = "uvloop" if sys.platform != "win32" else "asyncio"
    uvicorn.run(
        "gigplatform.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        http=args.http,
        loop=loop,
        proxy_headers=True,
        access_log=args.access_log,
        log_level="info",
    )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from gigplatform.migrations import runner

    settings = _settings()
    runner.upgrade(settings.database_url, args.revision)
    console.print(f"database at revision [bold]{args.revision}[/bold]")
    return 0


async def create_admin(settings: Settings, login: str, password: str, display_name: str) -> User:
    """The command is the edge: it opens the unit of work the verb runs in."""
    from gigplatform.accounts import service as accounts
    from gigplatform.db import unit_of_work
    from gigplatform.demo import connected

    async with connected(settings) as (sessionmaker, kit), unit_of_work(sessionmaker) as session:
        return await accounts.create_admin(session, kit, login=login, password=password, display_name=display_name)


def cmd_create_admin(args: argparse.Namespace) -> int:
    from gigplatform.errors import DomainError

    settings = _settings()
    try:
        user = asyncio.run(create_admin(settings, args.login, args.password, args.display_name))
    except DomainError as exc:
        where = ", ".join(f"{e.field}: {e.rule}" for e in exc.errors)
        console.print(f"[red]not created:[/red] {exc.detail} ({where})")
        return 1
    console.print(f"admin [bold]{user.login}[/bold] created")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Never in production: the demo accounts have passwords printed for anyone to read."""
    from gigplatform import demo

    if os.environ.get("GIG_ENV") == "production":
        print("refused: the demo creates accounts with known passwords; it never runs under GIG_ENV=production")
        return 2
    settings = _settings()
    logins, created = asyncio.run(demo.load(settings))
    table = Table(title="demo logins" + ("" if created else " (already loaded)"))
    for column in ("role", "login", "password", "name"):
        table.add_column(column)
    for row in logins:
        table.add_row(row.role, row.login, row.password, row.display_name)
    console.print(table)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gigplatform", description="Run and look after a gigplatform instance.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the app over HTTP")
    serve.add_argument("--host", default=os.environ.get("GIG_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("GIG_PORT", "8000")))
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.add_argument("--http", choices=["httptools", "h11"], default="httptools", help="h11 only as a baseline")
    serve.set_defaults(func=cmd_serve)
    migrate = sub.add_parser("migrate", help="upgrade the database schema")
    migrate.add_argument("--revision", default="head")
    migrate.set_defaults(func=cmd_migrate)
    admin = sub.add_parser("create-admin", help="create an admin account")
    admin.add_argument("--login", required=True, help="mobile number or e-mail")
    admin.add_argument("--password", required=True)
    admin.add_argument("--display-name", default="管理员")
    admin.set_defaults(func=cmd_create_admin)
    demo = sub.add_parser("demo", help="load the demo data once and print its logins")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
