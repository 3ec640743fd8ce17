"""Sign-in: passwords, access-token checks, refresh rotation and reuse, logout, and the failed-login limit."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import jwt
import pytest

from tests.conftest import PASSWORD, assert_problem, bearer, register, sign_in

SECRET = "test-secret-" + "k" * 40


async def test_good_password_gives_a_bearer_pair(client) -> None:
    await register(client, "13912345678")
    tokens = await sign_in(client, "13912345678")
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 15 * 60
    claims = jwt.decode(
        tokens["access_token"], SECRET, algorithms=["HS256"], audience="gigplatform-api", options={"verify_exp": False}
    )
    assert set(claims) >= {"iss", "aud", "exp", "iat", "sub", "role", "jti"}
    assert claims["role"] == "worker" and claims["exp"] - claims["iat"] == 900
    assert (await client.get("/api/me", headers=bearer(tokens))).status_code == 200


async def test_wrong_password_and_unknown_login_look_the_same(client) -> None:
    await register(client, "13912345678")
    wrong = await client.post("/api/auth/login", json={"login": "13912345678", "password": "wrong1234"})
    unknown = await client.post("/api/auth/login", json={"login": "13900000000", "password": "wrong1234"})
    assert (
        assert_problem(wrong, 401, "password", "credentials")["detail"]
        == assert_problem(unknown, 401, "password", "credentials")["detail"]
    )


async def test_access_token_expires_on_the_clock(client, clock) -> None:
    await register(client, "13912345678")
    tokens = await sign_in(client, "13912345678")
    clock.advance(minutes=14, seconds=59)
    assert (await client.get("/api/me", headers=bearer(tokens))).status_code == 200
    clock.advance(seconds=1)
    assert_problem(await client.get("/api/me", headers=bearer(tokens)), 401, "token", "expired")


def _forge(claims: dict, key: str = SECRET, algorithm: str = "HS256", headers: dict | None = None) -> str:
    return jwt.encode(claims, key, algorithm=algorithm, headers=headers)


@pytest.fixture
async def claims(client, clock) -> dict:
    created = await register(client, "13912345678")
    now = int(clock.now().timestamp())
    return {
        "iss": "gigplatform",
        "aud": "gigplatform-api",
        "sub": created["id"],
        "role": "worker",
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + 600,
    }


async def test_a_token_built_like_ours_is_accepted(client, claims) -> None:
    assert (await client.get("/api/me", headers=bearer(_forge(claims)))).status_code == 200


async def test_tampered_token_is_refused(client, claims) -> None:
    token = _forge(claims)
    header, payload, signature = token.split(".")
    forged_payload = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(b'"worker"', b'"admin"')
    ).decode()
    assert_problem(
        await client.get("/api/me", headers=bearer(f"{header}.{forged_payload}.{signature}")), 401, "token", "signature"
    )
    assert_problem(
        await client.get("/api/me", headers=bearer(_forge(claims, key="another-key-" + "x" * 40))),
        401,
        "token",
        "signature",
    )


async def test_alg_none_is_refused(client, claims) -> None:
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert_problem(await client.get("/api/me", headers=bearer(unsigned)), 401, "token", "algorithm")


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
async def test_other_hmac_algorithm_is_refused(client, claims) -> None:
    assert_problem(
        await client.get("/api/me", headers=bearer(_forge(claims, algorithm="HS512"))), 401, "token", "algorithm"
    )


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"aud": "another-api"}, "audience"),
        ({"iss": "someone-else"}, "issuer"),
        ({"jti": None}, "claims"),
        ({"role": None}, "claims"),
        ({"sub": "not-a-uuid"}, "claims"),
    ],
)
async def test_wrong_audience_issuer_or_missing_claims_are_refused(client, claims, change, rule) -> None:
    changed = {k: v for k, v in {**claims, **change}.items() if v is not None}
    assert_problem(await client.get("/api/me", headers=bearer(_forge(changed))), 401, "token", rule)


async def test_token_from_the_future_is_refused(client, claims) -> None:
    claims = {**claims, "iat": claims["iat"] + 3600, "exp": claims["exp"] + 3600}
    assert_problem(await client.get("/api/me", headers=bearer(_forge(claims))), 401, "token", "issued_at")


async def test_malformed_authorization_header(client) -> None:
    assert_problem(await client.get("/api/me", headers={"Authorization": "Basic abc"}), 401, "authorization", "scheme")
    assert_problem(await client.get("/api/me", headers={"Authorization": "Bearer "}), 401, "authorization", "scheme")
    assert_problem(await client.get("/api/me", headers=bearer("garbage")), 401, "token", "signature")


async def test_refresh_rotates_and_reuse_revokes_the_family(client, clock) -> None:
    await register(client, "13912345678")
    first = await sign_in(client, "13912345678")
    clock.advance(minutes=20)
    second = (await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await client.get("/api/me", headers=bearer(second))).status_code == 200
    third = (await client.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]})).json()
    # the first token comes back: someone stole it, so the whole sign-in session dies
    reuse = await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert_problem(reuse, 401, "refresh_token", "reused")
    assert_problem(
        await client.post("/api/auth/refresh", json={"refresh_token": third["refresh_token"]}),
        401,
        "refresh_token",
        "revoked",
    )
    # another sign-in session of the same person is untouched
    other = await sign_in(client, "13912345678")
    assert (await client.post("/api/auth/refresh", json={"refresh_token": other["refresh_token"]})).status_code == 200


async def test_refresh_token_expires(client, clock) -> None:
    await register(client, "13912345678")
    tokens = await sign_in(client, "13912345678")
    clock.advance(timedelta(days=30))
    assert_problem(
        await client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}),
        401,
        "refresh_token",
        "expired",
    )


async def test_unknown_refresh_token(client) -> None:
    assert_problem(
        await client.post("/api/auth/refresh", json={"refresh_token": "nope"}), 401, "refresh_token", "unknown"
    )
    assert_problem(await client.post("/api/auth/refresh", json={}), 422, "refresh_token", "required")


async def test_logout_revokes_the_session(client) -> None:
    await register(client, "13912345678")
    tokens = await sign_in(client, "13912345678")
    assert (await client.post("/api/auth/logout", json={"refresh_token": tokens["refresh_token"]})).status_code == 204
    assert_problem(
        await client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}),
        401,
        "refresh_token",
        "revoked",
    )
    # signing out twice, or with a token we never issued, is not an error
    assert (await client.post("/api/auth/logout", json={"refresh_token": tokens["refresh_token"]})).status_code == 204
    assert (await client.post("/api/auth/logout", json={"refresh_token": "never-issued"})).status_code == 204


async def test_too_many_failed_logins_answer_429_until_the_window_passes(client, clock) -> None:
    await register(client, "13912345678")
    bad = {"login": "13912345678", "password": "wrong1234"}
    for _ in range(5):
        assert (await client.post("/api/auth/login", json=bad)).status_code == 401
    limited = await client.post("/api/auth/login", json={"login": "13912345678", "password": PASSWORD})
    assert_problem(limited, 429, "login", "too_many_failures")
    assert 0 < int(limited.headers["retry-after"]) <= 15 * 60 + 1
    # another login is not affected
    await register(client, "13912345679")
    await sign_in(client, "13912345679")
    clock.advance(minutes=15, seconds=1)
    await sign_in(client, "13912345678")


async def test_success_resets_the_failure_count(client) -> None:
    await register(client, "13912345678")
    bad = {"login": "13912345678", "password": "wrong1234"}
    for _ in range(4):
        await client.post("/api/auth/login", json=bad)
    await sign_in(client, "13912345678")
    for _ in range(4):
        assert (await client.post("/api/auth/login", json=bad)).status_code == 401
    await sign_in(client, "13912345678")


async def test_banned_account_cannot_sign_in_or_refresh(client, session) -> None:
    from gigplatform.accounts import service
    from gigplatform.accounts.models import Standing

    created = await register(client, "13912345678")
    tokens = await sign_in(client, "13912345678")
    await service.set_standing(session, uuid.UUID(created["id"]), Standing.BANNED)
    await session.commit()
    assert_problem(
        await client.post("/api/auth/login", json={"login": "13912345678", "password": PASSWORD}),
        403,
        "login",
        "standing",
    )
    assert (await client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})).status_code == 401


def test_password_hashes_are_argon2id() -> None:
    from gigplatform.security import Passwords

    passwords = Passwords(cheap=True)
    digest = passwords.hash("abc12345")
    assert digest.startswith("$argon2id$")
    assert passwords.verify(digest, "abc12345") and not passwords.verify(digest, "abc12346")
    assert not passwords.verify(None, "abc12345")
    start = time.perf_counter()
    assert not passwords.verify("not-a-hash", "abc12345")
    assert time.perf_counter() - start < 5


async def test_old_failures_stop_counting_when_the_window_is_over(client, clock, session) -> None:
    """One row per login: a failure after the window starts the count again instead of piling up rows."""
    from sqlalchemy import func, select

    from gigplatform.accounts.models import LoginThrottle

    bad = {"login": "13912345678", "password": "wrong1234"}
    for _ in range(4):
        await client.post("/api/auth/login", json=bad)
    clock.advance(minutes=16)
    again = await client.post("/api/auth/login", json=bad)
    assert assert_problem(again, 401, "password", "credentials")["attempts_left"] == 4
    assert await session.scalar(select(func.count()).select_from(LoginThrottle)) == 1
    assert await session.scalar(select(LoginThrottle.attempts)) == 1


async def test_the_pruning_job_removes_only_dead_sign_in_records(client, clock, session, kit) -> None:
    from sqlalchemy import func, select

    from gigplatform.accounts.models import LoginThrottle, RefreshToken
    from gigplatform.accounts.service import prune_sign_in_records

    await register(client, "13912345678")
    old = await sign_in(client, "13912345678")
    await client.post("/api/auth/login", json={"login": "13900000000", "password": "wrong1234"})
    assert await prune_sign_in_records(session, kit) == 0  # nothing is dead yet
    await session.commit()
    clock.advance(days=31, seconds=1)  # the first token expired (30 days) more than a day ago
    fresh = await sign_in(client, "13912345678")
    assert await prune_sign_in_records(session, kit) == 2  # the expired token and the stale failure
    await session.commit()
    assert await session.scalar(select(func.count()).select_from(RefreshToken)) == 1
    assert await session.scalar(select(func.count()).select_from(LoginThrottle)) == 0
    assert (await client.post("/api/auth/refresh", json={"refresh_token": fresh["refresh_token"]})).status_code == 200
    assert (await client.post("/api/auth/refresh", json={"refresh_token": old["refresh_token"]})).status_code == 401
