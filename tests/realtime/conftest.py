"""Drivers for the live stream: the app's lifespan in the test's own loop (the channels' queues live there), plain
requests through httpx, and an SSE reader that drives the ASGI app directly, so it can read an endless response
event by event and hang up like a browser does."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from litestar import Litestar

from gigplatform.security import ACCESS_COOKIE
from tests.conftest import PASSWORD

REDIS_URL = os.environ.get("GIG_REDIS_URL", "").strip()
REDIS_SKIP_REASON = "Redis half: GIG_REDIS_URL is not set"
WAIT = 5.0  # seconds an expected message may take; a missing one fails the test rather than hanging it


@pytest.fixture(params=["memory", "redis"])
def redis_url(request: pytest.FixtureRequest) -> str | None:
    """The channels backend: memory always, Redis where GIG_REDIS_URL is set."""
    if request.param == "memory":
        return None
    if not REDIS_URL:
        pytest.skip(REDIS_SKIP_REASON)
    return REDIS_URL


@asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
            yield client


async def cookie_for(client: httpx.AsyncClient, login: str, role: str = "worker") -> str:
    """Registers `login` and returns the page cookie of a fresh sign-in."""
    body = {"login": login, "password": PASSWORD, "display_name": "测试用户", "role": role}
    assert (await client.post("/api/auth/register", json=body)).status_code == 201
    tokens = (await client.post("/api/auth/login", json={"login": login, "password": PASSWORD})).json()
    return f"{ACCESS_COOKIE}={tokens['access_token']}"


class Stream:
    """One open `GET /live` as a browser holds it: `next()` is the next (event, data) within WAIT seconds."""

    def __init__(self, app: Litestar, cookie: str, query: str = "") -> None:
        self.app, self.cookie, self.query = app, cookie, query
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.body = b""
        self.events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.started = asyncio.Event()
        self.hang_up = asyncio.Event()
        self._buffer = ""
        self._asked = False

    async def _receive(self) -> dict[str, Any]:
        if not self._asked:
            self._asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.hang_up.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = {k.decode(): v.decode() for k, v in message.get("headers", [])}
            self.started.set()
        elif message["type"] == "http.response.body":
            chunk = message.get("body", b"")
            self.body += chunk
            self._buffer += chunk.decode()
            while "\r\n\r\n" in self._buffer or "\n\n" in self._buffer:
                sep = "\r\n\r\n" if "\r\n\r\n" in self._buffer else "\n\n"
                block, self._buffer = self._buffer.split(sep, 1)
                self._parse(block)

    def _parse(self, block: str) -> None:
        event, data = "message", []
        for line in block.splitlines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        if data:
            self.events.put_nowait((event, json.loads("\n".join(data))))

    async def __aenter__(self) -> Stream:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/live",
            "raw_path": b"/live",
            "query_string": self.query.encode(),
            "root_path": "",
            "headers": [(b"host", b"testserver.local"), (b"cookie", self.cookie.encode())],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver.local", 80),
        }
        self.task = asyncio.create_task(self.app(scope, self._receive, self._send))  # type: ignore[arg-type]
        await asyncio.wait_for(self.started.wait(), WAIT)
        return self

    async def next(self) -> tuple[str, Any]:
        return await asyncio.wait_for(self.events.get(), WAIT)

    async def __aexit__(self, *exc: object) -> None:
        self.hang_up.set()
        await asyncio.wait_for(self.task, WAIT)
