"""Answers saved per second while many candidates sit the exam at once, against a baseline read in the same run.

One command: `.venv/bin/python benchmarks/exam_answers.py [--seconds 5] [--candidates 32]`. The served app
(`gigplatform serve`, uvicorn + httptools, one process) runs on a fresh SQLite database, and also on a fresh
PostgreSQL database when `GIG_TEST_POSTGRES_URL` is set (created and dropped here). Each candidate is one keep-alive
connection clicking answers (`PUT /api/exam-attempts/{id}/answers/{question_id}`: one locked SELECT and one UPDATE
per click, then the commit); the baseline is `GET /api/me` (a token check and one SELECT) on the same server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from stdnum.cn import ric

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.serve import load_connections, start_server

BANK = Path(__file__).resolve().parent.parent / "exams" / "demo_bank.json"
PASSWORD = "bench12345"


def set_up(base: str, env: dict[str, str], candidates: int) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The demo bank, an open round with a 20-question, 3-hour exam, and `candidates` freelancers each with a running
    attempt. Returns, per candidate, (token, attempt id, [(question id, a choice id)])."""
    subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "gigplatform", "create-admin", "--login", "bench@gig.example", "--password", PASSWORD],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with httpx.Client(base_url=base, timeout=30) as api:
        admin = api.post("/api/auth/login", json={"login": "bench@gig.example", "password": PASSWORD}).json()
        api.headers["Authorization"] = f"Bearer {admin['access_token']}"
        api.post("/api/admin/questions/import", content=BANK.read_bytes(), headers={"content-type": "application/json"})
        now = datetime.now(UTC)
        round_ = api.post(
            "/api/admin/rounds",
            json={
                "title": "压测招募",
                "tracks": ["pre_sales"],
                "consent": True,
                "opens_at": (now - timedelta(hours=1)).isoformat(),
                "closes_at": (now + timedelta(days=1)).isoformat(),
                "quota": 10_000,
                "min_typing_cpm": 0,
                "min_typing_accuracy": 0,
            },
        ).json()
        api.post(f"/api/admin/rounds/{round_['id']}/open").raise_for_status()
        api.post(
            "/api/admin/exams",
            json={
                "title": "压测考试",
                "round_id": round_["id"],
                "per_category": {"platform_rules": 10, "service_skills": 6, "scenario": 4},
                "time_limit_minutes": 180,
            },
        ).raise_for_status()
        del api.headers["Authorization"]
        sitting = []
        for n in range(candidates):
            login = f"137{n:08d}"
            api.post(
                "/api/auth/register",
                json={"login": login, "password": PASSWORD, "display_name": f"考生{n}", "role": "worker"},
            )
            token = api.post("/api/auth/login", json={"login": login, "password": PASSWORD}).json()["access_token"]
            me = {"Authorization": f"Bearer {token}"}
            body = f"110105{date(1995, 1, 1) + timedelta(days=n):%Y%m%d}001"
            application = api.post(
                f"/api/rounds/{round_['id']}/applications",
                json={
                    "legal_name": "考生",
                    "id_number": body + ric.calc_check_digit(body + "0"),
                    "phone": login,
                    "is_student": False,
                    "tracks": ["pre_sales"],
                    "consent": True,
                },
                headers=me,
            ).json()
            test = api.post(f"/api/applications/{application['id']}/typing-test", headers=me).json()
            api.post(f"/api/typing-tests/{test['test_id']}/submit", json={"text": test["passage"]}, headers=me)
            attempt = api.post(f"/api/applications/{application['id']}/exam-attempts", headers=me).json()
            clicks = [(q["question_id"], q["options"][0]["id"]) for q in attempt["questions"]]
            sitting.append((token, attempt["attempt_id"], clicks))
    return sitting


def raw(method: str, path: str, token: str, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {token}"]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def measure(env: dict[str, str], seconds: float, candidates: int) -> tuple[float, float]:
    subprocess.run([sys.executable, "-m", "gigplatform", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    proc, port = start_server("httptools", {**env, "GIG_RUN_JOBS": "0"})
    try:
        sitting = set_up(f"http://127.0.0.1:{port}", env, candidates)
        baseline = asyncio.run(load_connections(port, [[raw("GET", "/api/me", t)] for t, _a, _c in sitting], seconds))
        clicks = [
            [
                raw("PUT", f"/api/exam-attempts/{a}/answers/{q}", t, json.dumps({"choice_ids": [c]}).encode())
                for q, c in qs
            ]
            for t, a, qs in sitting
        ]
        answers = asyncio.run(load_connections(port, clicks, seconds))
        return baseline, answers
    finally:
        proc.terminate()
        proc.wait(10)


async def _postgres(admin_url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--candidates", type=int, default=32)
    args = parser.parse_args()
    results: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIG_")}
        env.update(GIG_VAR_DIR=tmp, GIG_ENV="development")
        results["SQLite"] = measure(env, args.seconds, args.candidates)
        admin_url = os.environ.get("GIG_TEST_POSTGRES_URL")
        if admin_url:
            name = f"gig_bench_{uuid.uuid4().hex[:8]}"
            asyncio.run(_postgres(admin_url, f'CREATE DATABASE "{name}"'))
            try:
                server, _slash, _db = admin_url.split("://", 1)[1].rpartition("/")
                pg_env = {**env, "GIG_DATABASE_URL": f"postgresql+asyncpg://{server}/{name}"}
                with tempfile.TemporaryDirectory() as pg_tmp:
                    results["PostgreSQL"] = measure({**pg_env, "GIG_VAR_DIR": pg_tmp}, args.seconds, args.candidates)
            finally:
                asyncio.run(_postgres(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    print(f"{args.candidates} candidates on keep-alive connections, {args.seconds:.0f} s each, one server process")
    print(f"{'database':<11} {'GET /api/me (baseline) req/s':>29} {'answers saved/s':>16} {'ratio':>7}")
    for database, (baseline, answers) in results.items():
        print(f"{database:<11} {baseline:>29,.0f} {answers:>16,.0f} {answers / baseline:>6.2f}x")


if __name__ == "__main__":
    main()
