"""The live stream of signed-in pages: Server-Sent Events carrying the visitor's own channel and the public topics
the page asks for (`/live?topics=slots`).

SSE rides on the page cookies and the CSP's `connect-src 'self'` as any other request does; `web/static/live.js`
opens it on every signed-in page and updates the notification bell. The user's channel comes from the signed-in
principal, never from the request, so no one can listen to another user's channel. A stream ends by itself after
`STREAM_SECONDS` and the browser reconnects, so a signed-out or banned account stops hearing within that time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from litestar import Request, get
from litestar.channels import ChannelsPlugin
from litestar.datastructures import State
from litestar.params import FromQuery
from litestar.response import ServerSentEvent, ServerSentEventMessage

from gigplatform import realtime
from gigplatform.errors import N_, InvalidInput
from gigplatform.security import CurrentPrincipal
from web.audience import page_router

STREAM_SECONDS = 600.0
HEARTBEAT_SECONDS = 20.0
RETRY_MS = 3000


async def messages(
    plugin: ChannelsPlugin, channels: list[str], unread: int, *, lifetime: float = STREAM_SECONDS
) -> AsyncIterator[ServerSentEventMessage]:
    """`ready` with the unread count first (the bell re-synchronises on every reconnect), then each event as it
    comes, a comment as heartbeat when none does, until the lifetime is over."""
    async with realtime.listening(plugin, channels) as next_message:
        yield ServerSentEventMessage(event="ready", data=realtime.dumps({"unread": unread}), retry=RETRY_MS)
        loop = asyncio.get_running_loop()
        end = loop.time() + lifetime
        while (left := end - loop.time()) > 0:
            message = await next_message(min(HEARTBEAT_SECONDS, left))
            if message is None:
                yield ServerSentEventMessage(comment="heartbeat")
            else:
                yield ServerSentEventMessage(event=message["topic"], data=realtime.dumps(message))


@get("/live", operation_id="page_live_stream")
async def live(
    request: Request[Any, Any, Any], state: State, principal: CurrentPrincipal, topics: FromQuery[str] = ""
) -> ServerSentEvent:
    try:
        channels = realtime.stream_channels(principal.user_id, topics.split(","))
    except realtime.UnknownTopic as exc:
        raise InvalidInput(
            N_("No public topic is called %(topic)s."),
            field="topics",
            rule="public_channel",
            params={"topic": str(exc)},
        ) from exc
    unread = request.state.get("unread", 0)
    return ServerSentEvent(messages(state.channels, channels, unread), headers={"Cache-Control": "no-store"})


ROUTER = page_router("signed_in", [live])
