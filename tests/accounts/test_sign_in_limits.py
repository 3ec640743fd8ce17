"""The failed-sign-in limit: one count per person however the login is spelled, decided by the database under
concurrency, saying how many tries are left and for how long a locked login waits; argon2 never on the event loop."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from argon2 import PasswordHasher
from sqlalchemy import select, update

from tests.conftest import PASSWORD, assert_problem, bearer, register, sign_in
from tests.recruitment.conftest import concurrently

PHONE_SPELLINGS = [
    "13912345678",
    "+86 139-1234-5678",
    " 139 1234 5678 ",
    "+8613912345678",
    "139-1234-5678",
    "+86 13912345678",
    "139 12345678",
    "  13912345678",
    "+86-139-1234-5678",
]


async def _login(client, login: str, password: str = "wrong1234"):
    return await client.post("/api/auth/login", json={"login": login, "password": password})


async def test_every_spelling_of_a_number_counts_against_one_limit(client) -> None:
    await register(client, "13912345678")
    codes = [(await _login(client, spelling)).status_code for spelling in PHONE_SPELLINGS]
    assert codes == [401] * 5 + [429] * 4
    # the right password through a spelling never tried before is locked out too
    assert_problem(await _login(client, "+86 139 1234 5678", PASSWORD), 429, "login", "too_many_failures")


async def test_an_e_mail_login_counts_lower_cased(client) -> None:
    await register(client, "li.na@example.com")
    spellings = ["Li.Na@Example.com", "LI.NA@EXAMPLE.COM", " li.na@example.com", "li.na@EXAMPLE.com", "Li.na@x.COM"]
    spellings[-1] = "Li.na@example.COM"
    assert [(await _login(client, s)).status_code for s in spellings] == [401] * 5
    assert_problem(await _login(client, "li.na@example.com", PASSWORD), 429, "login", "too_many_failures")


async def test_each_failure_says_how_many_tries_are_left_and_the_lockout_how_long(client, clock) -> None:
    await register(client, "13912345678")
    left = []
    for _ in range(5):
        body = assert_problem(await _login(client, "13912345678"), 401, "password", "credentials")
        left.append(body["attempts_left"])
        clock.advance(minutes=1)
    assert left == [4, 3, 2, 1, 0]
    assert "Tries left: 0" in body["detail"]
    locked = await _login(client, "13912345678", PASSWORD)
    body = assert_problem(locked, 429, "login", "too_many_failures")
    # the window started at the first failure, 5 minutes ago: 10 minutes to go
    assert body["retry_after_seconds"] == 600 == int(locked.headers["retry-after"])
    assert "10 minutes" in body["detail"]
    clock.advance(minutes=10)
    await sign_in(client, "13912345678")


async def test_unknown_logins_are_limited_too(client) -> None:
    codes = [(await _login(client, "13900000000")).status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]


async def test_twenty_guesses_at_once_get_exactly_five_tries(client) -> None:
    """Real concurrent requests: on PostgreSQL they interleave at every round trip; the counter row decides."""
    await register(client, "13912345678")
    guesses = [
        ("POST", "/api/auth/login", {"json": {"login": spelling, "password": f"wrong{i:04d}"}})
        for i, spelling in enumerate(PHONE_SPELLINGS * 2 + PHONE_SPELLINGS[:2])
    ]
    responses = await concurrently(client, *guesses)
    assert Counter(r.status_code for r in responses) == {401: 5, 429: 15}, [r.text for r in responses]
    assert sorted(r.json()["attempts_left"] for r in responses if r.status_code == 401) == [0, 1, 2, 3, 4]
    assert_problem(await _login(client, "13912345678", PASSWORD), 429)


async def test_twenty_right_passwords_at_once_all_sign_in(client) -> None:
    """The claim is cleared by each success, so a burst of good sign-ins is never locked out."""
    await register(client, "13912345678")
    right = [("POST", "/api/auth/login", {"json": {"login": "13912345678", "password": PASSWORD}})] * 20
    responses = await concurrently(client, *right)
    assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses]


async def test_an_old_hash_is_redone_at_sign_in(client, session) -> None:
    from gigplatform.accounts.models import User

    created = await register(client, "13912345678")
    old = PasswordHasher().hash(PASSWORD)  # the library's defaults: what sign-up stored before
    await session.execute(update(User).where(User.id == uuid.UUID(created["id"])).values(password_hash=old))
    await session.commit()
    await sign_in(client, "13912345678")
    stored = await session.scalar(select(User.password_hash).where(User.id == uuid.UUID(created["id"])))
    assert stored != old and stored.startswith("$argon2id$")
    await sign_in(client, "13912345678")  # and the new hash still takes the same password


async def test_argon2_never_runs_on_the_event_loop(client, monkeypatch) -> None:
    """Registration, sign-in, a sub-account, a password change and a reset all hash and verify in worker threads."""
    from gigplatform.notifications import RecordingNotifier
    from gigplatform.security import Passwords

    on_loop: list[str] = []
    real_hash, real_verify = Passwords.hash, Passwords.verify

    def running_loop() -> bool:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    def hash_(self, password):
        if running_loop():
            on_loop.append("hash")
        return real_hash(self, password)

    def verify(self, password_hash, password):
        if running_loop():
            on_loop.append("verify")
        return real_verify(self, password_hash, password)

    monkeypatch.setattr(Passwords, "hash", hash_)
    monkeypatch.setattr(Passwords, "verify", verify)
    notifier = client.app.state.notifier = RecordingNotifier()
    await register(client, "13800000001", role="seller", shop_name="小白数码")
    tokens = await sign_in(client, "13800000001")
    await _login(client, "13800000001")
    (shop,) = (await client.get("/api/shops", headers=bearer(tokens))).json()["items"]
    member = {"login": "13800000002", "password": PASSWORD, "display_name": "小陈", "permission": "billing"}
    added = await client.post(f"/api/shops/{shop['id']}/members", json=member, headers=bearer(tokens))
    assert added.status_code == 201, added.text
    changed = await client.post(
        "/api/me/password",
        json={"current_password": PASSWORD, "new_password": "new12345"},
        headers=bearer(tokens),
    )
    assert changed.status_code == 200, changed.text
    await client.post("/api/auth/password-reset", json={"login": "13800000001"})
    token = notifier.sent[-1][2].rsplit("=", 1)[1]
    reset = await client.post("/api/auth/password-reset/confirm", json={"token": token, "new_password": "newer123"})
    assert reset.status_code == 204, reset.text
    assert on_loop == []
