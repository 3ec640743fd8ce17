"""Requests per second of the served app: uvicorn + httptools (what `gigplatform serve` runs) against plain h11,
and, on PostgreSQL, the connection pool we configure against SQLAlchemy's default one.

One command: `.venv/bin/python benchmarks/serve.py [--seconds 5] [--connections 32]`. Both servers run on a fresh
SQLite database in a temporary directory, on loopback; the load comes from keep-alive connections in this process.
`/health` measures the server and framework (and is the load client's own ceiling); `/api/me` adds the token check
and one database read. When `GIG_TEST_POSTGRES_URL` is set, a fresh PostgreSQL database (created and dropped here)
serves `/api/me` twice: with SQLAlchemy's default pool (pre-ping on every checkout, 5 connections plus 10 overflow
opened and closed as load comes and goes) as the baseline, and with ours (no pre-ping, a fixed pool of
`--connections` connections).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    http: str, env: dict[str, str], *options: str, wait: float = 20
) -> tuple[subprocess.Popen[bytes], int]:
    """`gigplatform serve` with the given HTTP parser and `options` on a free port, once it answers /health (within
    `wait` seconds)."""
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "gigplatform", "serve", "--port", str(port), "--http", http, *options],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc, port
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server with {http} did not start")


async def _connection(port: int, requests: list[bytes], stop: float, counts: list[int]) -> None:
    """One keep-alive connection sending `requests` in turn, each waited for, until `stop`."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    done = 0
    try:
        for request in itertools.cycle(requests):
            if time.monotonic() >= stop:
                break
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head.split(b"\r\n", 1)[0].decode())
            length = next(
                int(line.split(b":")[1]) for line in head.lower().split(b"\r\n") if line.startswith(b"content-length:")
            )
            await reader.readexactly(length)
            done += 1
    finally:
        writer.close()
        counts.append(done)


async def load_connections(port: int, per_connection: list[list[bytes]], seconds: float) -> float:
    """Requests per second over one connection per list of raw requests."""
    counts: list[int] = []
    start = time.monotonic()
    await asyncio.gather(*(_connection(port, r, start + seconds, counts) for r in per_connection))
    return sum(counts) / (time.monotonic() - start)


async def load(port: int, path: str, headers: dict[str, str], seconds: float, connections: int) -> float:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    return await load_connections(port, [[request]] * connections, seconds)


async def _postgres(admin_url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def signed_in(port: int) -> str:
    """Registers a worker on the server and returns an access token."""
    base = f"http://127.0.0.1:{port}"
    login = {"login": "13900000000", "password": "bench12345"}
    httpx.post(f"{base}/api/auth/register", json={**login, "display_name": "压测", "role": "worker"})
    return httpx.post(f"{base}/api/auth/login", json=login).json()["access_token"]


def pool_comparison(admin_url: str, seconds: float, connections: int) -> dict[str, dict[str, float]]:
    """`/health` and `/api/me` per pool configuration, on one fresh PostgreSQL database."""
    name = f"gig_bench_{os.getpid()}"
    asyncio.run(_postgres(admin_url, f'CREATE DATABASE "{name}"'))
    pools = {
        "default pool (pre-ping, 5+10)": {
            "GIG_DB_POOL_PRE_PING": "1",
            "GIG_DB_POOL_SIZE": "5",
            "GIG_DB_MAX_OVERFLOW": "10",
        },
        f"fixed pool ({connections}, no pre-ping)": {
            "GIG_DB_POOL_PRE_PING": "0",
            "GIG_DB_POOL_SIZE": str(connections),
            "GIG_DB_MAX_OVERFLOW": "0",
        },
    }
    results: dict[str, dict[str, float]] = {}
    try:
        server, _slash, _db = admin_url.split("://", 1)[1].rpartition("/")
        with tempfile.TemporaryDirectory() as tmp:
            env = {k: v for k, v in os.environ.items() if not k.startswith("GIG_")}
            env.update(GIG_VAR_DIR=tmp, GIG_ENV="development", GIG_RUN_JOBS="0")
            env["GIG_DATABASE_URL"] = f"postgresql+asyncpg://{server}/{name}"
            subprocess.run(
                [sys.executable, "-m", "gigplatform", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL
            )
            for label, pool in pools.items():
                proc, port = start_server("httptools", {**env, **pool})
                try:
                    token = signed_in(port)
                    me = {"Authorization": f"Bearer {token}"}
                    results[label] = {
                        "/health": asyncio.run(load(port, "/health", {}, seconds, connections)),
                        "/api/me": asyncio.run(load(port, "/api/me", me, seconds, connections)),
                    }
                finally:
                    proc.terminate()
                    proc.wait(10)
    finally:
        asyncio.run(_postgres(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIG_")}
        env.update(GIG_VAR_DIR=tmp, GIG_ENV="development")
        subprocess.run(
            [sys.executable, "-m", "gigplatform", "migrate"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        results: dict[str, dict[str, float]] = {}
        for http in ("h11", "httptools"):
            proc, port = start_server(http, env)
            try:
                token = signed_in(port)
                results[http] = {
                    "/health": asyncio.run(load(port, "/health", {}, args.seconds, args.connections)),
                    "/api/me": asyncio.run(
                        load(port, "/api/me", {"Authorization": f"Bearer {token}"}, args.seconds, args.connections)
                    ),
                }
            finally:
                proc.terminate()
                proc.wait(10)
    print(f"{args.connections} keep-alive connections, {args.seconds:.0f} s each, one server process, SQLite")
    print(f"{'route':<10} {'h11 (baseline) req/s':>22} {'httptools req/s':>17} {'ratio':>7}")
    for route in ("/health", "/api/me"):
        base, fast = results["h11"][route], results["httptools"][route]
        print(f"{route:<10} {base:>22,.0f} {fast:>17,.0f} {fast / base:>6.1f}x")
    admin_url = os.environ.get("GIG_TEST_POSTGRES_URL")
    if not admin_url:
        print("PostgreSQL pool comparison skipped: GIG_TEST_POSTGRES_URL is not set")
        return
    pools = pool_comparison(admin_url, args.seconds, args.connections)
    (base_label, base), (ours_label, ours) = pools.items()
    print()
    print(f"PostgreSQL, httptools, {args.connections} keep-alive connections, {args.seconds:.0f} s each")
    print(f"{'route':<10} {base_label + ' req/s':>36} {ours_label + ' req/s':>36} {'ratio':>7}")
    for route in ("/health", "/api/me"):
        print(f"{route:<10} {base[route]:>36,.0f} {ours[route]:>36,.0f} {ours[route] / base[route]:>6.2f}x")


if __name__ == "__main__":
    main()
