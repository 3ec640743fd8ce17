"""Realtime: committed domain events delivered to open pages through Litestar channels.

`events.py` hands what committed to a `Publisher`; `ChannelsPublisher` is the one that puts events on channels. Only
topics routed here leave the process, so an event recorded for the log never reaches a browser by accident:

- a *private* topic goes to its owner's channel, `user:<uuid>` (the payload's `user_id`); only that user's stream
  subscribes to it (`stream_channels` derives it from the signed-in principal, never from the request);
- a *public* topic goes to a named channel (`slots` for seat counts) that any signed-in page may ask for.

A domain routes its topics once, at import, with `route_private(...)` / `route_public(channel, ...)`. Payloads carry
ids and counts, never personal data; the owner's `user_id` is dropped from what is sent (the channel says it).

The backend is Litestar's in-memory one by default, and Redis pub/sub when `GIG_REDIS_URL` is set, so several app
instances share their events.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from typing import Any

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend

from gigplatform.db import jsonable
from gigplatform.events import Event

log = logging.getLogger("gigplatform.realtime")

_PRIVATE: set[str] = set()
_PUBLIC: dict[str, str] = {}


def route_private(*topics: str) -> None:
    """Events of these topics go to the channel of the user named by their payload's `user_id`."""
    _PRIVATE.update(topics)


def route_public(channel: str, *topics: str) -> None:
    """Events of these topics go to the public channel `channel`, which any signed-in page may subscribe to."""
    if channel.startswith("user:") or not channel.replace("_", "").isalnum():
        raise ValueError(f"not a public channel name: {channel!r}")
    for topic in topics:
        _PUBLIC[topic] = channel


def public_channels() -> frozenset[str]:
    return frozenset(_PUBLIC.values())


def user_channel(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"


# The inbox is core, so its topics are routed here; domains route theirs beside their verbs.
route_private("notification.created", "notifications.read")


def channels_for(item: Event) -> list[str]:
    """Where an event goes: its owner's channel, a public channel, or nowhere (not routed)."""
    if item.topic in _PRIVATE:
        owner = item.payload.get("user_id")
        return [user_channel(owner)] if owner else []
    channel = _PUBLIC.get(item.topic)
    return [channel] if channel else []


def message_of(item: Event) -> dict[str, Any]:
    """What a page receives: the topic and the payload, without the owner's id."""
    body = {key: jsonable(value) for key, value in item.payload.items() if key != "user_id"}
    return {"topic": item.topic, **body}


class SafeBackend(ChannelsBackend):
    """A backend whose failed publish is logged and dropped: the plugin publishes from one worker task, which a
    single exception (Redis away for a moment) would end for good, silencing every later event."""

    def __init__(self, inner: ChannelsBackend) -> None:
        self.inner = inner

    async def on_startup(self) -> None:
        await self.inner.on_startup()

    async def on_shutdown(self) -> None:
        await self.inner.on_shutdown()

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        try:
            await self.inner.publish(data, channels)
        except Exception as exc:
            log.warning("a live event was not delivered: %s", type(exc).__name__)

    async def subscribe(self, channels: Iterable[str]) -> None:
        await self.inner.subscribe(channels)

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        await self.inner.unsubscribe(channels)

    def stream_events(self) -> AsyncGenerator[tuple[str, bytes], None]:
        return self.inner.stream_events()

    async def get_history(self, channel: str, limit: int | None = None) -> list[bytes]:
        return await self.inner.get_history(channel, limit)


def channels_plugin(redis_url: str | None) -> ChannelsPlugin:
    """Memory by default; Redis pub/sub when a URL is configured, so every instance hears every instance."""
    inner: ChannelsBackend
    if redis_url:
        from litestar.channels.backends.redis import RedisChannelsPubSubBackend
        from redis.asyncio import Redis

        inner = RedisChannelsPubSubBackend(redis=Redis.from_url(redis_url), key_prefix="gig_channels")
    else:
        inner = MemoryChannelsBackend()
    return ChannelsPlugin(backend=SafeBackend(inner), arbitrary_channels_allowed=True, subscriber_max_backlog=1000)


class ChannelsPublisher:
    """Puts committed, routed events on their channels (called from `events.py`'s after-commit hook)."""

    def __init__(self, plugin: ChannelsPlugin) -> None:
        self.plugin = plugin

    def publish(self, events: Sequence[Event]) -> None:
        for item in events:
            channels = channels_for(item)
            if not channels:
                continue
            if getattr(self.plugin, "_pub_queue", None) is None:
                # Not started (a command or a test without the app's lifespan): no page can be listening.
                log.debug("channels not running; %s not delivered", item.topic)
                return
            self.plugin.publish(dumps(message_of(item)), channels)


class UnknownTopic(ValueError):
    """A page asked for a channel that is not public."""


def stream_channels(user_id: uuid.UUID, topics: Iterable[str]) -> list[str]:
    """The channels one signed-in user's stream listens to: their own, and the public topics asked for. Anything
    else (another user's channel, a made-up name) is refused, never silently widened."""
    wanted = [t for t in dict.fromkeys(topics) if t]
    unknown = [t for t in wanted if t not in public_channels()]
    if unknown:
        raise UnknownTopic(unknown[0])
    return [user_channel(user_id), *wanted]


@asynccontextmanager
async def listening(
    plugin: ChannelsPlugin, channels: Sequence[str]
) -> AsyncIterator[Callable[[float], Awaitable[Mapping[str, Any] | None]]]:
    """Subscribes to `channels` for the block; yields `next_message(within)`, the next decoded message or None
    when none came within `within` seconds (so a caller can send heartbeats). Unsubscribes on the way out."""
    subscriber = await plugin.subscribe(list(channels))
    inbox: asyncio.Queue[bytes] = asyncio.Queue()

    async def pump() -> None:
        async for raw in subscriber.iter_events():
            inbox.put_nowait(raw)

    task = asyncio.create_task(pump())

    async def next_message(within: float) -> Mapping[str, Any] | None:
        try:
            raw = await asyncio.wait_for(inbox.get(), within)
        except TimeoutError:
            return None
        return json.loads(raw)

    try:
        yield next_message
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        await plugin.unsubscribe(subscriber)


def dumps(message: Mapping[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))
