"""What the admin pages cost as the data grows: each admin page and export at 100 applications and at 50,000, side
by side, with the ratio (the target: the large figure within 2x of the small one).

One command: `.venv/bin/python benchmarks/admin_scale.py [--postgres] [--repeat 15]`. Two fresh databases (SQLite
files in a temporary directory; with `--postgres`, or GIG_BENCH_POSTGRES=1, PostgreSQL databases created and
dropped on the server GIG_TEST_POSTGRES_URL names) are migrated and loaded by bulk SQL:

- small: 200 users, one round of 100 applications, one exam of 40 submitted attempts;
- large: 100,000 users, one round of 50,000 applications, the same 40-attempt exam and 20,000 more submitted attempts
  of another exam (10 items each), as the issue measured them.

Each page is then asked for through the app in this process (no network), as a signed-in admin, the two databases
taking turns request by request so that a busy moment of a shared machine falls on both, and timed (the median of
`--repeat` runs after a warm-up): the rounds list, the review list's first page, a page 90 % of the way down
(by its cursor), the list filtered by the rarest track, the JSON list with its (capped) total, the item
statistics of the 40-attempt exam, and the CSV export of the whole round, which is shown per 1,000 rows as well:
a file of 50,000 rows cannot be written as fast as one of 100, but each row should cost the same.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout first, wherever it is run from
from benchmarks.serve import _postgres
from exams.models import AttemptItem, Blueprint, ExamAttempt, Question, QuestionVersion
from gigplatform.accounts import service as accounts
from gigplatform.accounts.models import User
from gigplatform.app import create_app
from gigplatform.clock import SystemClock
from gigplatform.config import Settings
from gigplatform.db import make_engine, make_sessionmaker, uuid7
from gigplatform.migrations import runner
from gigplatform.security import FieldCipher, SecurityKit
from recruitment.models import Application, ApplicationTrack, Round
from recruitment.name_order import name_sort_key
from recruitment.review_list import LISTED, ORDERINGS, as_row, cursor_of

ADMIN, PASSWORD = "bench-admin@example.com", "bench-admin-12345"
CHUNK = 5000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢单"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏建华飞鑫波斌宇浩凯晨欣怡梓涵子轩雨"
STATUSES = ["identity_pending"] * 2 + ["typing"] * 4 + ["training"] * 2 + ["exam"] * 2 + ["rejected", "certified"]
TRACK_SETS = [["pre_sales"], ["after_sales"], ["pre_sales", "after_sales"], ["after_sales"], ["pre_sales"]] * 9 + [
    ["complaints"]
]
MEASURED_ATTEMPTS = 40
ITEMS = 10


@dataclass(frozen=True)
class Volume:
    label: str
    users: int
    applications: int
    other_attempts: int


SMALL = Volume("100 applications", 200, 100, 0)
LARGE = Volume("50,000 applications", 100_000, 50_000, 20_000)


def chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


async def bulk(conn: AsyncConnection, model: Any, rows: list[dict[str, Any]]) -> None:
    """Multi-row INSERTs of `rows` in chunks (the ORM is not involved)."""
    for part in chunks(rows):
        await conn.execute(insert(model.__table__), part)


async def load(conn: AsyncConnection, volume: Volume, admin_id: uuid.UUID, cipher: FieldCipher) -> dict[str, Any]:
    """The volume, by bulk SQL; returns the ids the measurements need."""
    rng = random.Random(16)  # noqa: S311 - made-up names and scores, the same every run
    now = datetime.now(UTC).replace(microsecond=0)
    users = [
        {
            "id": uuid7(),
            "login": f"139{n:08d}",
            "login_kind": "phone",
            "display_name": f"工人{n}",
            "password_hash": "-",  # nobody signs in as them
            "role": "worker",
            "standing": "good",
            "created_at": now - timedelta(days=60),
        }
        for n in range(volume.users)
    ]
    await bulk(conn, User, users)
    rounds = [
        {
            "id": uuid7(),
            "title": f"2026 第{n + 1}期客服招募",
            "description": "",
            "tracks": ["pre_sales", "after_sales", "complaints"],
            "opens_at": now - timedelta(days=30),
            "closes_at": now + timedelta(days=30),
            "quota": 1000,
            "certified_count": 0,
            "min_age": 18,
            "min_typing_cpm": 60,
            "min_typing_accuracy": 90,
            "typing_attempts": 3,
            "student_preferred": False,
            "status": "open",
            "created_by": admin_id,
            "created_at": now - timedelta(days=31),
            "updated_at": now - timedelta(days=31),
        }
        for n in range(10)
    ]
    await bulk(conn, Round, rounds)
    round_id = rounds[0]["id"]
    token = cipher.encrypt("110105199501010011")  # one number for all: the pages measured never decrypt it
    applications, tracks = [], []
    start = now - timedelta(days=30)
    for n in range(volume.applications):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        chosen = rng.choice(TRACK_SETS)
        application_id = uuid7()
        applications.append(
            {
                "id": application_id,
                "round_id": round_id,
                "user_id": users[n]["id"],
                "legal_name": name,
                "legal_name_key": name_sort_key(name),
                "id_number_encrypted": token,
                "id_hash": f"{n:064x}",
                "age_at_application": rng.randint(18, 45),
                "phone": f"138{n:08d}",
                "is_student": rng.random() < 0.3,
                "tracks": chosen,
                "status": rng.choice(STATUSES),
                "consent_given_at": start,
                "status_reason": "",
                "identity_attempts": 1,
                "typing_attempts_used": 0,
                "passed_tracks": [],
                "created_at": start + timedelta(seconds=n * 30 * 86400 // max(1, volume.applications)),
                "updated_at": now,
            }
        )
        tracks += [{"application_id": application_id, "track": t} for t in chosen]
    await bulk(conn, Application, applications)
    await bulk(conn, ApplicationTrack, tracks)

    questions, versions = [], []
    for n in range(30):
        question_id, version_id = uuid7(), uuid7()
        category = ("platform_rules", "service_skills", "scenario")[n % 3]
        questions.append(
            {"id": question_id, "code": f"Q{n:03d}", "current_version": 1, "active": True}
            | {"created_at": now, "updated_at": now}
        )
        versions.append(
            {
                "id": version_id,
                "question_id": question_id,
                "version": 1,
                "category": category,
                "type": "single",
                "difficulty": 1 + n % 5,
                "prompt": f"第{n + 1}题：顾客询问发货时间，应如何回复？",
                "dialogue": [],
                "options": [{"id": c, "text": f"选项{c}", "correct": c == "a"} for c in "abcd"],
                "explanation": "",
                "created_by": admin_id,
                "created_at": now,
            }
        )
    await bulk(conn, Question, questions)
    await bulk(conn, QuestionVersion, versions)
    blueprints = [
        {
            "id": uuid7(),
            "title": title,
            "round_id": round_id,
            "track": None,
            "per_category": {"platform_rules": 4, "service_skills": 3, "scenario": 3},
            "shuffle_options": True,
            "time_limit_minutes": 30,
            "pass_mark": 60,
            "attempts_allowed": 2,
            "cooldown_hours": 24,
            "show_answers": False,
            "partial_credit": False,
            "created_at": now,
            "updated_at": now,
        }
        for title in ("结业考试", "往期考试")
    ]
    await bulk(conn, Blueprint, blueprints)
    attempts, items = [], []
    for n in range(MEASURED_ATTEMPTS + volume.other_attempts):
        attempt_id = uuid7()
        application = applications[n % len(applications)]
        credits = [10000 if rng.random() < 0.7 else 0 for _ in range(ITEMS)]
        total = sum(credits)
        attempts.append(
            {
                "id": attempt_id,
                "application_id": application["id"],
                "user_id": application["user_id"],
                "active_user_id": None,
                "blueprint_id": blueprints[0 if n < MEASURED_ATTEMPTS else 1]["id"],
                "tracks": application["tracks"],
                "number": 1 + n // len(applications),
                "status": "submitted",
                "started_at": now - timedelta(hours=2),
                "deadline": now - timedelta(hours=1, minutes=30),
                "submitted_at": now - timedelta(hours=1, minutes=40),
                "submitted_by": "candidate",
                "pass_mark": 60,
                "partial_credit": False,
                "show_answers": False,
                "score_bp": total // ITEMS,
                "correct_count": sum(c == 10000 for c in credits),
                "total_credit_bp": total,
                "passed": total // ITEMS >= 6000,
            }
        )
        for position, (q, credit) in enumerate(zip(rng.sample(range(30), ITEMS), credits, strict=True)):
            items.append(
                {
                    "id": uuid7(),
                    "attempt_id": attempt_id,
                    "position": position,
                    "question_id": questions[q]["id"],
                    "question_version_id": versions[q]["id"],
                    "option_order": ["a", "b", "c", "d"],
                    "choice_ids": ["a" if credit else "b"],
                    "answered_at": now - timedelta(hours=1, minutes=50),
                    "credit_bp": credit,
                }
            )
    await bulk(conn, ExamAttempt, attempts)
    await bulk(conn, AttemptItem, items)
    deep = (
        await conn.execute(
            select(*LISTED)
            .where(Application.round_id == round_id)
            .order_by(Application.created_at, Application.id)
            .offset(volume.applications * 9 // 10)
            .limit(1)
        )
    ).one()
    return {
        "round_id": round_id,
        "blueprint_id": blueprints[0]["id"],
        "deep_cursor": cursor_of("created_at", ORDERINGS["created_at"], as_row(deep), True),
        "rows": volume.applications,
    }


def settings_for(url: str, var_dir: str) -> Settings:
    return Settings(
        database_url=url,
        secret_key="bench-secret-" + "k" * 40,
        field_key=base64.urlsafe_b64encode(b"b" * 32).decode(),
        env="development",
        var_dir=Path(var_dir),
        run_jobs=False,
        access_token_minutes=240,
    )


async def prepare(url: str, volume: Volume, var_dir: str) -> tuple[Settings, dict[str, Any]]:
    """A migrated database at `url` holding `volume`, and the ids the pages need."""
    settings = settings_for(url, var_dir)
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(runner.upgrade_on, "head")
        kit = SecurityKit.build(settings, SystemClock())
        async with make_sessionmaker(engine)() as session:
            admin = await accounts.create_admin(session, kit, login=ADMIN, password=PASSWORD, display_name="压测管理员")
            await session.commit()
        began = time.perf_counter()
        async with engine.begin() as conn:
            ids = await load(conn, volume, admin.id, FieldCipher(settings.field_key))
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
            await conn.commit()
        print(f"  loaded {volume.label} in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    finally:
        await engine.dispose()
    return settings, ids


def pages(ids: dict[str, Any]) -> dict[str, str]:
    review = f"/admin/rounds/{ids['round_id']}/applications"
    return {
        "rounds list": "/admin/rounds",
        "review list, first page": review,
        "review list, 90 % down": f"{review}?cursor={ids['deep_cursor']}",
        "review list, by track": f"{review}?track=complaints",
        "review API, first 50, total": f"/api/admin/rounds/{ids['round_id']}/applications",
        "item statistics (40 attempts)": f"/admin/exams/{ids['blueprint_id']}/stats",
        "CSV export, whole round": f"{review}.csv",
    }


async def _get(client: AsyncTestClient[Any], path: str, headers: dict[str, str]) -> float:
    began = time.perf_counter()
    response = await client.get(path, headers=headers)
    took = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code} {response.text[:300]}")
    return took


async def measure(prepared: list[tuple[Settings, dict[str, Any]]], repeat: int) -> list[dict[str, float]]:
    """Each page of each database, the databases taking turns request by request (so a busy moment of the
    machine falls on both alike): the median of `repeat` runs after three warm-up requests."""
    async with contextlib.AsyncExitStack() as stack:
        sides = []
        for settings, ids in prepared:
            client = await stack.enter_async_context(AsyncTestClient(create_app(settings, SystemClock())))
            token = (await client.post("/api/auth/login", json={"login": ADMIN, "password": PASSWORD})).json()
            sides.append((client, {"Authorization": f"Bearer {token['access_token']}"}, pages(ids)))
        times: list[dict[str, list[float]]] = [{} for _ in sides]
        for label in pages(prepared[0][1]):
            runs = max(3, repeat // 5) if label.startswith("CSV") else repeat
            for n in range(3 + runs):
                for side, (client, headers, paths) in enumerate(sides):
                    took = await _get(client, paths[label], headers)
                    if n >= 3:
                        times[side].setdefault(label, []).append(took)
    results = []
    for (_settings, ids), side_times in zip(prepared, times, strict=True):
        medians = {label: statistics.median(runs) for label, runs in side_times.items()}
        medians["CSV export, per 1,000 rows"] = medians["CSV export, whole round"] * 1000 / ids["rows"]
        results.append(medians)
    return results


async def run(postgres: str | None, repeat: int, large: Volume = LARGE) -> dict[str, dict[str, float]]:
    volumes = (SMALL, large)
    with tempfile.TemporaryDirectory() as tmp:
        if postgres is None:
            prepared = [await prepare(f"sqlite+aiosqlite:///{tmp}/{v.users}.db", v, tmp) for v in volumes]
            return dict(zip([v.label for v in volumes], await measure(prepared, repeat), strict=True))
        server = postgres.split("://", 1)[1].rpartition("/")[0]
        names = [f"gig_admin_scale_{os.getpid()}_{v.users}" for v in volumes]
        try:
            prepared = []
            for name, volume in zip(names, volumes, strict=True):
                await _postgres(postgres, f'CREATE DATABASE "{name}"')
                prepared.append(await prepare(f"postgresql+asyncpg://{server}/{name}", volume, tmp))
            return dict(zip([v.label for v in volumes], await measure(prepared, repeat), strict=True))
        finally:
            for name in names:
                await _postgres(postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request would drown the table
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres",
        action="store_true",
        default=os.environ.get("GIG_BENCH_POSTGRES") == "1",
        help="PostgreSQL on the server GIG_TEST_POSTGRES_URL names, instead of SQLite",
    )
    parser.add_argument("--repeat", type=int, default=15, help="timed runs of each page (the median is shown)")
    parser.add_argument("--scale", type=float, default=1.0, help="the large volume times this (a quick try: 0.05)")
    args = parser.parse_args()
    large = Volume(
        f"{round(LARGE.applications * args.scale):,} applications",
        round(LARGE.users * args.scale),
        round(LARGE.applications * args.scale),
        round(LARGE.other_attempts * args.scale),
    )
    postgres = None
    if args.postgres:
        postgres = os.environ.get("GIG_TEST_POSTGRES_URL")
        if not postgres:
            raise SystemExit("--postgres needs GIG_TEST_POSTGRES_URL (postgresql://user@host:port/db)")
    results = asyncio.run(run(postgres, args.repeat, large))
    small, big = results[SMALL.label], results[large.label]
    print(f"admin pages on {'PostgreSQL' if postgres else 'SQLite'}, median ms of {args.repeat} runs")
    print(f"{'':34} {SMALL.label:>18} {large.label:>20} {'ratio':>7}")
    for label in small:
        ratio = big[label] / small[label]
        mark = "" if ratio <= 2 or label == "CSV export, whole round" else "  over 2x"
        print(f"{label:34} {small[label]:15.2f} ms {big[label]:17.2f} ms {ratio:6.2f}x{mark}")


if __name__ == "__main__":
    main()
