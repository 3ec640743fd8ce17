"""The live stream: a signed-in page hears its own committed notifications (never another user's, never a
rolled-back one), on the memory backend and on Redis, and two app instances sharing Redis hear each other.

"Nothing arrived" is proven without waiting: a later, committed sentinel is the next message the stream gets, and
the channels keep order, so anything published before it would have come first."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from gigplatform import realtime
from gigplatform.app import create_app
from gigplatform.clock import FakeClock
from gigplatform.db import unit_of_work
from gigplatform.events import Event
from gigplatform.notifications import mark_read, notify
from tests.conftest import make_settings
from tests.realtime.conftest import Stream, cookie_for, running

ME, OTHER = "13900000001", "13900000002"


class Boom(Exception):
    pass


def _app(database_url: str, tmp_path: Path, clock: FakeClock, redis_url: str | None):
    return create_app(make_settings(database_url, tmp_path, redis_url=redis_url), clock)


async def _user_id(client, cookie: str) -> uuid.UUID:
    me = await client.get("/api/me", headers={"Authorization": "Bearer " + cookie.split("=", 1)[1]})
    return uuid.UUID(me.json()["id"])


async def _notify(app, user_id: uuid.UUID, kind: str = "test_sentinel") -> uuid.UUID:
    async with unit_of_work(app.state.sessionmaker) as session:
        return notify(session, user_id, kind, at=app.state.clock.now()).id


async def test_a_notification_committed_by_another_request_reaches_the_open_page(
    database_url, tmp_path, clock, redis_url
) -> None:
    app = _app(database_url, tmp_path, clock, redis_url)
    async with running(app) as client:
        cookie = await cookie_for(client, ME)
        async with Stream(app, cookie) as stream:
            assert stream.status == 200 and stream.headers["content-type"].startswith("text/event-stream")
            assert await stream.next() == ("ready", {"unread": 0})
            # another request: asking for a password reset puts a notice in the inbox
            assert (await client.post("/api/auth/password-reset", json={"login": ME})).status_code == 202
            event, data = await stream.next()
            assert event == "notification.created"
            assert data["kind"] == "password_reset_requested" and uuid.UUID(data["notification_id"])
            assert "user_id" not in data and ME not in stream.body.decode()  # ids and kinds, no personal data


async def test_another_users_notification_and_a_rolled_back_one_never_arrive(
    database_url, tmp_path, clock, redis_url
) -> None:
    app = _app(database_url, tmp_path, clock, redis_url)
    async with running(app) as client:
        cookie = await cookie_for(client, ME)
        other_cookie = await cookie_for(client, OTHER)
        me, other = await _user_id(client, cookie), await _user_id(client, other_cookie)
        async with Stream(app, cookie) as stream:
            assert (await stream.next())[0] == "ready"
            await _notify(app, other, "someone_elses")
            with pytest.raises(Boom):
                async with unit_of_work(app.state.sessionmaker) as session:
                    notify(session, me, "rolled_back", at=clock.now())
                    raise Boom
            sentinel = await _notify(app, me)
            event, data = await stream.next()
            assert (event, data["kind"], data["notification_id"]) == (
                "notification.created",
                "test_sentinel",
                str(sentinel),
            )


async def test_reading_notifications_lowers_the_count_live(database_url, tmp_path, clock, redis_url) -> None:
    app = _app(database_url, tmp_path, clock, redis_url)
    async with running(app) as client:
        cookie = await cookie_for(client, ME)
        me = await _user_id(client, cookie)
        await _notify(app, me)
        await _notify(app, me)
        async with Stream(app, cookie) as stream:
            assert await stream.next() == ("ready", {"unread": 2})
            async with unit_of_work(app.state.sessionmaker) as session:
                await mark_read(session, me, None, clock.now())
            assert await stream.next() == ("notifications.read", {"topic": "notifications.read", "count": 2})


async def test_public_topics_are_delivered_and_unknown_ones_refused(database_url, tmp_path, clock) -> None:
    realtime.route_public("test_topic", "test.counted")
    app = _app(database_url, tmp_path, clock, None)
    async with running(app) as client:
        cookie = await cookie_for(client, ME)
        async with Stream(app, cookie, "topics=test_topic") as stream:
            assert (await stream.next())[0] == "ready"
            app.state.publisher.publish([Event("test.counted", {"slot_id": "s1", "seats_left": 3})])
            assert await stream.next() == ("test.counted", {"topic": "test.counted", "slot_id": "s1", "seats_left": 3})
        other = await _user_id(client, await cookie_for(client, OTHER))
        for asked in (f"user:{other}", "nonsense", "test_topic,user:x"):
            async with Stream(app, cookie, f"topics={asked}") as refused:
                assert refused.status == 422
        async with Stream(app, "") as visitor:  # not signed in: sent to the sign-in page
            assert visitor.status in (302, 303)


async def test_a_failed_publish_does_not_silence_later_events(database_url, tmp_path, clock, monkeypatch) -> None:
    app = _app(database_url, tmp_path, clock, None)
    async with running(app) as client:
        cookie = await cookie_for(client, ME)
        me = await _user_id(client, cookie)
        async with Stream(app, cookie) as stream:
            assert (await stream.next())[0] == "ready"
            inner = app.state.channels._backend.inner
            real = inner.publish

            async def fails_once(data, channels):
                monkeypatch.setattr(inner, "publish", real)
                raise ConnectionError("redis went away")

            monkeypatch.setattr(inner, "publish", fails_once)
            await _notify(app, me, "lost")
            sentinel = await _notify(app, me)
            assert (await stream.next())[1]["notification_id"] == str(sentinel)


def test_events_go_only_where_they_are_routed() -> None:
    owner = uuid.uuid4()
    assert realtime.channels_for(Event("notification.created", {"user_id": owner})) == [f"user:{owner}"]
    assert realtime.channels_for(Event("account.standing_changed", {"user_id": owner})) == []  # not routed
    assert realtime.stream_channels(owner, ["", ""]) == [f"user:{owner}"]
    with pytest.raises(realtime.UnknownTopic):
        realtime.stream_channels(owner, [f"user:{uuid.uuid4()}"])
    with pytest.raises(ValueError):
        realtime.route_public("user:x", "a.topic")


async def test_two_instances_sharing_redis_hear_each_other(database_url, tmp_path, clock) -> None:
    from tests.realtime.conftest import REDIS_SKIP_REASON, REDIS_URL

    if not REDIS_URL:
        pytest.skip(REDIS_SKIP_REASON)
    first = _app(database_url, tmp_path / "a", clock, REDIS_URL)
    second = _app(database_url, tmp_path / "b", clock, REDIS_URL)
    async with running(first) as client, running(second):
        cookie = await cookie_for(client, ME)
        me = await _user_id(client, cookie)
        async with Stream(second, cookie) as on_second, Stream(first, cookie) as on_first:
            assert (await on_second.next())[0] == (await on_first.next())[0] == "ready"
            made = await _notify(first, me)
            for stream in (on_second, on_first):
                event, data = await stream.next()
                assert (event, data["notification_id"]) == ("notification.created", str(made))
            made = await _notify(second, me)
            assert (await on_first.next())[1]["notification_id"] == str(made)
