"""The `http` identity provider against a fake verification server on loopback: it answers, refuses, times out,
is down, and comes back; applications wait in identity_pending meanwhile and the scheduled job finishes them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import text
from stdnum.cn import ric

from recruitment import jobs as recruitment_jobs
from recruitment.identity import HttpIdentityProvider, IdentityUnavailable, ResidentId
from tests.conftest import assert_problem, bearer, register, sign_in
from tests.recruitment.conftest import scheduler_state

TIMEOUT = 0.3


class FakeVerifier:
    """A verification service whose next answers the test scripts: ("match", bool) | ("status", code) |
    ("hang",) | ("garbage",) | ("echo",). When the script runs out it repeats the last answer."""

    def __init__(self) -> None:
        self.script: list[tuple[Any, ...]] = [("match", True)]
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        verifier = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with verifier.lock:
                    verifier.requests.append({"body": body, "auth": self.headers.get("authorization")})
                    step = verifier.script.pop(0) if len(verifier.script) > 1 else verifier.script[0]
                if step[0] == "hang":
                    time.sleep(TIMEOUT * 3)
                    return
                if step[0] == "status":
                    self._reply(step[1], b'{"error": "unavailable"}')
                elif step[0] == "garbage":
                    self._reply(200, b"<html>maintenance</html>")
                elif step[0] == "echo":  # a careless service: its reason repeats the number it was sent
                    reason = f"号码 {body['id_number']} 与姓名 {body['name']} 不一致"
                    self._reply(200, json.dumps({"match": False, "code": "NAME_MISMATCH", "reason": reason}).encode())
                else:
                    self._reply(
                        200, json.dumps({"match": step[1], "reason": "" if step[1] else "姓名与号码不一致"}).encode()
                    )

            def _reply(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:  # keep the test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/verify"
        self.thread: threading.Thread | None = None
        self.start()

    def start(self) -> None:
        if self.thread is None:
            if self.server.socket.fileno() == -1:  # restarted after `stop`: same port again
                self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self.server.RequestHandlerClass)
                self.server.daemon_threads = True
            self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
            self.thread.start()

    def stop(self) -> None:
        if self.thread is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread = None


@pytest.fixture
def verifier() -> Iterator[FakeVerifier]:
    fake = FakeVerifier()
    yield fake
    fake.stop()


class Sleeps:
    """Records backoff delays instead of sleeping."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def resident(birth: date = date(1998, 5, 17)) -> ResidentId:
    body = f"110105{birth:%Y%m%d}123"
    return ResidentId(body + ric.calc_check_digit(body + "0"), birth)


def provider(url: str, sleeps: Sleeps | None = None, retries: int = 2) -> HttpIdentityProvider:
    return HttpIdentityProvider(url, timeout=TIMEOUT, retries=retries, token="svc-token", sleep=sleeps or Sleeps())


# --- the provider on its own ---------------------------------------------------------------------------------------


async def test_answers_match_and_sends_name_number_and_token(verifier) -> None:
    verdict = await provider(verifier.url).verify("李娜", resident())
    assert verdict.matched
    (request,) = verifier.requests
    assert request["body"] == {"name": "李娜", "id_number": resident().number}
    assert request["auth"] == "Bearer svc-token"


async def test_answers_no_match_with_reason(verifier) -> None:
    verifier.script = [("match", False)]
    verdict = await provider(verifier.url).verify("李娜", resident())
    assert not verdict.matched and verdict.reason == "姓名与号码不一致"


async def test_server_errors_are_retried_with_backoff_then_unavailable(verifier) -> None:
    verifier.script = [("status", 503)]
    sleeps = Sleeps()
    with pytest.raises(IdentityUnavailable, match="503"):
        await provider(verifier.url, sleeps, retries=2).verify("李娜", resident())
    assert len(verifier.requests) == 3 and sleeps.delays == [0.5, 1.0]


async def test_a_retry_that_succeeds(verifier) -> None:
    verifier.script = [("status", 502), ("garbage",), ("match", True)]
    sleeps = Sleeps()
    assert (await provider(verifier.url, sleeps, retries=2).verify("李娜", resident())).matched
    assert len(verifier.requests) == 3 and sleeps.delays == [0.5, 1.0]


async def test_refusal_4xx_is_not_retried(verifier) -> None:
    verifier.script = [("status", 403)]
    with pytest.raises(IdentityUnavailable, match="refused"):
        await provider(verifier.url).verify("李娜", resident())
    assert len(verifier.requests) == 1


async def test_times_out(verifier) -> None:
    verifier.script = [("hang",)]
    started = time.monotonic()
    with pytest.raises(IdentityUnavailable, match="timed out"):
        await provider(verifier.url, retries=1).verify("李娜", resident())
    assert time.monotonic() - started < TIMEOUT * 6


async def test_down_means_unreachable(verifier) -> None:
    verifier.stop()
    with pytest.raises(IdentityUnavailable, match="unreachable"):
        await provider(verifier.url, retries=1).verify("李娜", resident())


# --- through the application pipeline ------------------------------------------------------------------------------


@pytest.fixture
async def setup(client, admin, make_round, verifier, app) -> dict[str, Any]:
    """An open round, a worker, and the app using the fake verifier (no real backoff sleeps)."""
    round_ = await make_round()
    await register(client, "13912345678")
    worker = bearer(await sign_in(client, "13912345678"))
    app.state.identity_provider = provider(verifier.url, retries=1)
    return {"round": round_["id"], "worker": worker, "admin": admin}


def application_body(number: str | None = None) -> dict[str, Any]:
    return {
        "legal_name": "李娜",
        "id_number": number or resident().number,
        "phone": "13912345678",
        "is_student": True,
        "tracks": ["pre_sales"],
        "consent": True,
    }


async def test_verified_by_the_service_goes_to_typing(client, setup, verifier) -> None:
    response = await client.post(
        f"/api/rounds/{setup['round']}/applications", headers=setup["worker"], json=application_body()
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "typing"
    assert resident().number not in response.text


async def test_no_match_fails_screening_with_the_reason(client, setup, verifier) -> None:
    verifier.script = [("match", False)]
    response = await client.post(
        f"/api/rounds/{setup['round']}/applications", headers=setup["worker"], json=application_body()
    )
    body = response.json()
    assert body["status"] == "screening_failed" and "姓名与号码不一致" in body["status_reason"]
    detail = (await client.get(f"/api/applications/{body['id']}", headers=setup["worker"])).json()
    assert [e["to_status"] for e in detail["timeline"]] == ["submitted", "identity_pending", "screening_failed"]


async def test_a_reason_echoing_the_number_is_kept_as_a_code_and_a_masked_text(
    client, setup, verifier, session
) -> None:
    verifier.script = [("echo",)]
    number = resident().number
    response = await client.post(
        f"/api/rounds/{setup['round']}/applications", headers=setup["worker"], json=application_body()
    )
    body = response.json()
    assert body["status"] == "screening_failed" and "与姓名 李娜 不一致" in body["status_reason"]
    assert body["status_reason_params"]["provider_code"] == "name_mismatch"
    assert "*" * 17 in body["status_reason"]
    seen = [
        response.text,
        (await client.get(f"/api/applications/{body['id']}", headers=setup["worker"])).text,
        (await client.get(f"/api/admin/rounds/{setup['round']}/applications.csv", headers=setup["admin"])).text,
    ]
    for table in ("applications", "application_events"):
        seen += [str(row) for row in (await session.execute(text(f"SELECT * FROM {table}"))).all()]
    for where in seen:
        assert number not in where and number[6:14] not in where, where


async def test_down_then_back_the_application_waits_and_the_job_finishes_it(
    client, setup, verifier, job_state, clock
) -> None:
    verifier.stop()
    response = await client.post(
        f"/api/rounds/{setup['round']}/applications", headers=setup["worker"], json=application_body()
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "identity_pending" and "unavailable" in body["status_reason"]
    assert body["identity_retry_at"] is not None
    # the same person cannot slip in twice while waiting
    assert_problem(
        await client.post(
            f"/api/rounds/{setup['round']}/applications", headers=setup["worker"], json=application_body()
        ),
        409,
        "round_id",
        "already_applied",  # the account's own application is named first (issue 15; was id_number/duplicate)
    )

    # not yet due: the job leaves it alone
    assert await recruitment_jobs.retry_identity_checks(job_state) == 0
    # due, but still down: checked, still waiting, retry pushed back
    clock.advance(minutes=5)
    assert await recruitment_jobs.retry_identity_checks(job_state) == 1
    waiting = (await client.get(f"/api/applications/{body['id']}", headers=setup["worker"])).json()
    assert waiting["status"] == "identity_pending"
    assert waiting["identity_retry_at"] > body["identity_retry_at"]

    verifier.start()
    clock.advance(minutes=5)
    assert await recruitment_jobs.retry_identity_checks(job_state) == 1
    done = (await client.get(f"/api/applications/{body['id']}", headers=setup["worker"])).json()
    assert done["status"] == "typing"
    assert [e["to_status"] for e in done["timeline"]] == ["submitted", "identity_pending", "typing"]
    assert verifier.requests[-1]["body"]["id_number"] == resident().number
    assert await recruitment_jobs.retry_identity_checks(job_state) == 0


async def test_timing_out_service_leaves_the_application_waiting(client, setup, verifier) -> None:
    verifier.script = [("hang",)]
    response = await client.post(
        f"/api/rounds/{setup['round']}/applications", headers=setup["worker"], json=application_body()
    )
    assert response.json()["status"] == "identity_pending"
    assert "timed out" in response.json()["status_reason"]


async def test_two_instances_running_the_job_check_each_application_once(
    client, setup, verifier, app, clock, settings, job_state
) -> None:
    """Two schedulers (two app processes) sweeping at the same moment: each waiting application is claimed once."""
    import asyncio

    verifier.stop()
    ids = []
    for n in range(3):
        login = f"1370000000{n}"
        await register(client, login)
        token = bearer(await sign_in(client, login))
        birth = date(1995, 1, 10 + n)
        number = resident(birth).number
        created = await client.post(
            f"/api/rounds/{setup['round']}/applications",
            headers=token,
            json={**application_body(number), "phone": login},
        )
        ids.append(created.json()["id"])
    verifier.start()
    verifier.requests.clear()
    clock.advance(minutes=5)
    async with scheduler_state(app, settings) as other_instance:
        counts = await asyncio.gather(
            recruitment_jobs.retry_identity_checks(job_state), recruitment_jobs.retry_identity_checks(other_instance)
        )
    assert sum(counts) == 3
    assert sorted(r["body"]["id_number"][6:14] for r in verifier.requests) == ["19950110", "19950111", "19950112"]
    assert len(set(ids)) == 3
