"""Changing a password, resetting a forgotten one with a one-time token, and the inbox that tells the owner."""

from __future__ import annotations

import logging

import pytest

from gigplatform.notifications import LogNotifier, RecordingNotifier
from tests.conftest import PASSWORD, assert_problem, bearer, register, sign_in

LOGIN = "13912345678"


@pytest.fixture
def notifier(app) -> RecordingNotifier:
    app.state.notifier = recording = RecordingNotifier()
    return recording


async def _request(client, login: str = LOGIN):
    response = await client.post("/api/auth/password-reset", json={"login": login})
    assert response.status_code == 202, response.text
    return response.json()


def _token(notifier: RecordingNotifier) -> str:
    link = notifier.sent[-1][2]
    assert link.startswith("/password-reset/confirm?token=")
    return link.rsplit("=", 1)[1]


async def _confirm(client, token: str, new_password: str = "new12345"):
    return await client.post("/api/auth/password-reset/confirm", json={"token": token, "new_password": new_password})


async def test_a_reset_link_sets_a_new_password_once_and_closes_every_session(client, notifier) -> None:
    await register(client, LOGIN)
    old = await sign_in(client, LOGIN)
    await _request(client, "+86 139-1234-5678")
    token = _token(notifier)
    assert_problem(await _confirm(client, token, "short"), 422, "new_password")
    assert (await _confirm(client, token)).status_code == 204  # a refused new password left the token unspent
    assert_problem(await _confirm(client, token, "other1234"), 422, "token", "invalid")  # single use
    assert (await client.post("/api/auth/refresh", json={"refresh_token": old["refresh_token"]})).status_code == 401
    assert (await client.post("/api/auth/login", json={"login": LOGIN, "password": PASSWORD})).status_code == 401
    await sign_in(client, LOGIN, "new12345")


async def test_the_request_answers_the_same_for_any_login(client, notifier) -> None:
    await register(client, LOGIN)
    known, unknown = await _request(client), await _request(client, "13900000000")
    assert known == unknown == await _request(client, "x")
    assert [kind for _, kind, _ in notifier.sent] == ["password_reset_requested"]


async def test_a_token_expires_after_30_minutes(client, notifier, clock) -> None:
    await register(client, LOGIN)
    await _request(client)
    clock.advance(minutes=30)
    assert_problem(await _confirm(client, _token(notifier)), 422, "token", "invalid")


async def test_a_new_request_spends_the_older_tokens(client, notifier) -> None:
    await register(client, LOGIN)
    await _request(client)
    first = _token(notifier)
    await _request(client)
    assert_problem(await _confirm(client, first), 422, "token", "invalid")
    assert (await _confirm(client, _token(notifier))).status_code == 204


async def test_reset_requests_are_throttled_per_login(client, notifier, clock) -> None:
    await register(client, LOGIN)
    for spelling in ("13912345678", "+86 13912345678", "139 1234 5678", "139-1234-5678"):
        await _request(client, spelling)
    assert len(notifier.sent) == 3  # the fourth in the window sent nothing, and answered the same
    clock.advance(minutes=15)
    await _request(client)
    assert len(notifier.sent) == 4


async def test_a_reset_unlocks_sign_in(client, notifier) -> None:
    await register(client, LOGIN)
    for _ in range(5):
        await client.post("/api/auth/login", json={"login": LOGIN, "password": "wrong1234"})
    await _request(client)
    assert (await _confirm(client, _token(notifier))).status_code == 204
    await sign_in(client, LOGIN, "new12345")


@pytest.mark.parametrize("production", [True, False])
async def test_the_log_holds_the_link_in_development_only(client, session, caplog, production) -> None:
    created = await register(client, LOGIN)
    import uuid

    caplog.set_level(logging.INFO, logger="gigplatform.notifications")
    await LogNotifier(production).send_link(
        session, uuid.UUID(created["id"]), "password_reset_requested", "/reset?token=SECRET-TOKEN", at=None, minutes=30
    )
    await session.commit()
    assert ("SECRET-TOKEN" in caplog.text) is not production
    assert "password_reset_requested" in caplog.text and PASSWORD not in caplog.text
    inbox = (await client.get("/api/me/notifications", headers=bearer(await sign_in(client, LOGIN)))).json()
    assert [n["kind"] for n in inbox["items"]] == ["password_reset_requested"]
    assert "SECRET-TOKEN" not in str(inbox)  # the inbox says a link was sent, never the link


async def test_changing_the_password_keeps_this_session_and_closes_the_others(client) -> None:
    await register(client, LOGIN)
    other, mine = await sign_in(client, LOGIN), await sign_in(client, LOGIN)
    wrong = await client.post(
        "/api/me/password", json={"current_password": "wrong1234", "new_password": "new12345"}, headers=bearer(mine)
    )
    assert assert_problem(wrong, 422, "current_password", "credentials")["attempts_left"] == 4
    weak = await client.post(
        "/api/me/password", json={"current_password": PASSWORD, "new_password": "abcdefgh"}, headers=bearer(mine)
    )
    assert_problem(weak, 422, "new_password", "letters_and_digits")
    changed = await client.post(
        "/api/me/password", json={"current_password": PASSWORD, "new_password": "new12345"}, headers=bearer(mine)
    )
    assert changed.status_code == 200, changed.text
    fresh = changed.json()
    assert (await client.post("/api/auth/refresh", json={"refresh_token": other["refresh_token"]})).status_code == 401
    assert (await client.post("/api/auth/refresh", json={"refresh_token": mine["refresh_token"]})).status_code == 401
    assert (await client.post("/api/auth/refresh", json={"refresh_token": fresh["refresh_token"]})).status_code == 200
    await sign_in(client, LOGIN, "new12345")
    inbox = (await client.get("/api/me/notifications", headers=bearer(fresh))).json()
    assert [n["kind"] for n in inbox["items"]] == ["password_changed"]
    assert (await client.get("/api/me/notifications/unread", headers=bearer(fresh))).json() == {"unread": 1}


async def test_the_inbox_lists_counts_and_marks_read_only_ones_own(client, notifier) -> None:
    await register(client, LOGIN)
    await register(client, "13900000001")
    await _request(client)
    await _request(client, "13900000001")
    await _request(client)
    mine, theirs = await sign_in(client, LOGIN), await sign_in(client, "13900000001")
    page = (await client.get("/api/me/notifications", headers=bearer(mine))).json()
    assert (page["total"], page["limit"], page["offset"]) == (2, 100, 0)  # the one list shape
    assert (await client.get("/api/me/notifications/unread", headers=bearer(mine))).json() == {"unread": 2}
    assert page["items"][0]["params"] == {"minutes": 30}
    their_id = (await client.get("/api/me/notifications", headers=bearer(theirs))).json()["items"][0]["id"]
    first_id = page["items"][0]["id"]
    read = await client.post("/api/me/notifications/read", json={"ids": [first_id, their_id]}, headers=bearer(mine))
    assert read.status_code == 204
    assert (await client.get("/api/me/notifications/unread", headers=bearer(mine))).json()["unread"] == 1
    assert (await client.get("/api/me/notifications/unread", headers=bearer(theirs))).json()["unread"] == 1
    await client.post("/api/me/notifications/read-all", headers=bearer(mine))
    assert (await client.get("/api/me/notifications/unread", headers=bearer(mine))).json()["unread"] == 0
    huge = await client.get("/api/me/notifications?offset=9223372036854775808&limit=0", headers=bearer(mine))
    assert_problem(huge, 422)  # bounded like every list: refused, naming the parameter
    neither = await client.post("/api/me/notifications/read", json={"ids": []}, headers=bearer(mine))
    assert_problem(neither, 422, "ids", "length")
    assert (await client.get("/api/me/notifications")).status_code == 401


async def test_notify_records_an_event_that_goes_out_after_commit(session, client) -> None:
    import uuid

    from gigplatform.events import pending_events
    from gigplatform.notifications import notify, unread_count

    created = await register(client, LOGIN)
    user_id = uuid.UUID(created["id"])
    notify(session, user_id, "password_changed")
    assert [e.topic for e in pending_events(session)] == ["notification.created"]
    await session.rollback()
    assert pending_events(session) == [] and await unread_count(session, user_id) == 0


async def test_the_pruning_job_removes_reset_tokens_a_day_past_expiry(client, notifier, clock, session, kit) -> None:
    from sqlalchemy import func, select

    from gigplatform.accounts.models import PasswordReset
    from gigplatform.accounts.service import prune_sign_in_records

    await register(client, LOGIN)
    await _request(client)
    clock.advance(days=1, minutes=29)
    await prune_sign_in_records(session, kit)
    assert await session.scalar(select(func.count()).select_from(PasswordReset)) == 1
    clock.advance(minutes=2)
    await prune_sign_in_records(session, kit)
    assert await session.scalar(select(func.count()).select_from(PasswordReset)) == 0
