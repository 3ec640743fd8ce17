"""The review list at scale (issue 16): every sort pages by keyset through its own index, each row exactly once in
either direction, reading only the listed columns; a track filter goes through `application_tracks`; names sort
by pinyin; the CSV export streams one query per group whatever the round's size; migration 0008 fills the new
table and key for applications written before it."""

from __future__ import annotations

import contextlib
import itertools
import random
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts.models import LoginKind, Role, User
from gigplatform.db import make_engine, uuid7
from gigplatform.migrations import runner
from recruitment import review_list, service
from recruitment.models import Application, ApplicationStatus, ApplicationTrack, Round, RoundStatus
from recruitment.name_order import name_sort_key
from recruitment.review_list import ORDERINGS, STUDENTS_FIRST, STUDENTS_FIRST_NAME, Cursor, page_query
from tests.recruitment.conftest import applied

S = ApplicationStatus
NAMES = ["张伟", "李娜", "王芳", "赵敏", "陈静", "单田芳", "曾小贤", "李娜", "吕布", "林一", "Amy Qian", "刘洋"]
STATUSES = [S.IDENTITY_PENDING, S.TYPING, S.TRAINING, S.REJECTED, S.CERTIFIED, S.TYPING]
TRACK_SETS = [["pre_sales"], ["after_sales"], ["pre_sales", "after_sales"], ["complaints"], ["after_sales"]]
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@contextlib.contextmanager
def statements(session: AsyncSession) -> Iterator[list[str]]:
    """The SQL the session's engine runs inside the block. SQLAlchemy writes `LIMIT ? OFFSET ?` on SQLite
    whenever there is a LIMIT, with 0 bound for the offset; such an `OFFSET 0` is left out of what is kept."""
    seen: list[str] = []
    engine = session.bind.sync_engine  # type: ignore[union-attr]

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if engine.dialect.name == "sqlite":
            parts = statement.split("?")
            kept = []
            for i, part in enumerate(parts[:-1]):
                if part.rstrip().upper().endswith("OFFSET") and parameters[i] == 0:
                    part = part.rstrip()[: -len("OFFSET")]
                kept.append(part + "?")
            statement = "".join(kept) + parts[-1]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", remember)


async def seed(session: AsyncSession, n: int, *, student_preferred: bool = False) -> Round:
    """A round with `n` applications written straight to the tables, with ties on every sort key but the id (three
    a minute apart, repeated names and ages), and ids that do not follow the arrival order."""
    now = T0
    admin = User(
        id=uuid7(),
        login=f"admin-{uuid.uuid4().hex[:8]}@example.com",
        login_kind=LoginKind.EMAIL,
        display_name="管理员",
        password_hash="-",
        role=Role.ADMIN,
        created_at=now,
    )
    session.add(admin)
    round_ = Round(
        id=uuid7(),
        title="规模测试",
        description="",
        tracks=["pre_sales", "after_sales", "complaints"],
        opens_at=now,
        closes_at=now + timedelta(days=30),
        quota=10,
        min_typing_cpm=0,
        min_typing_accuracy=0,
        student_preferred=student_preferred,
        status=RoundStatus.OPEN,
        created_by=admin.id,
        created_at=now,
        updated_at=now,
    )
    session.add(round_)
    await session.flush()
    rng = random.Random(round_.id.int)
    users, applications, tracks_of = [], [], []
    for i in range(n):
        user = User(
            id=uuid7(),
            login=f"1380000{i:04d}-{uuid.uuid4().hex[:6]}",
            login_kind=LoginKind.PHONE,
            display_name=f"工人{i}",
            password_hash="-",
            role=Role.WORKER,
            created_at=now,
        )
        users.append(user)
        name = NAMES[i % len(NAMES)]
        tracks = TRACK_SETS[i % len(TRACK_SETS)]
        application = Application(
            id=uuid.UUID(int=rng.getrandbits(128)),
            round_id=round_.id,
            user_id=user.id,
            legal_name=name,
            legal_name_key=name_sort_key(name),
            id_number_encrypted="-",
            id_hash=f"{i:064d}",
            age_at_application=20 + i % 4,
            phone="13800000000",
            is_student=i % 3 == 0,
            tracks=tracks,
            status=STATUSES[i % len(STATUSES)],
            status_reason="",
            identity_attempts=0,
            typing_attempts_used=0,
            passed_tracks=[],
            created_at=now + timedelta(minutes=i // 3),
            updated_at=now,
        )
        applications.append(application)
        tracks_of += [ApplicationTrack(application_id=application.id, track=t) for t in tracks]
    for rows in (users, applications, tracks_of):  # parents first: these models have no relationships to order them
        session.add_all(rows)
        await session.flush()
    await session.commit()
    return round_


PIPELINE = list(S)
EXPECTED: dict[str, tuple[Callable[[Application], Any], bool]] = {
    "created_at": (lambda a: (a.created_at, a.id), False),
    "-created_at": (lambda a: (a.created_at, a.id), True),
    "legal_name": (lambda a: (name_sort_key(a.legal_name), a.legal_name, a.id), False),
    "status": (lambda a: (PIPELINE.index(a.status), a.created_at, a.id), False),
    "age": (lambda a: (a.age_at_application, a.created_at, a.id), False),
    "-age": (lambda a: (a.age_at_application, a.created_at, a.id), True),
    STUDENTS_FIRST_NAME: (lambda a: (not a.is_student, a.created_at, a.id), False),
}
FILTERS: list[dict[str, Any]] = [
    {},
    {"status": "typing"},
    {"track": "after_sales"},
    {"track": "complaints", "is_student": False},
    {"is_student": True},
    {"status": "certified", "track": "pre_sales"},
]


def _selected(rows: list[Application], f: dict[str, Any]) -> list[Application]:
    return [
        a
        for a in rows
        if ("status" not in f or a.status == f["status"])
        and ("track" not in f or f["track"] in a.tracks)
        and ("is_student" not in f or a.is_student == f["is_student"])
    ]


async def _walk(
    session: AsyncSession, round_id: uuid.UUID, sort: str | None, f: dict[str, Any]
) -> tuple[list[Any], list[Any]]:
    """The pages met following next links from the first page to the last, then previous links back."""

    async def read(cursor: str | None) -> Any:
        return await service.review_applications(
            session, round_id, service.ApplicationFilter(sort=sort, limit=4, cursor=cursor, **f)
        )

    forward = [await read(None)]
    while forward[-1].next_cursor is not None:
        forward.append(await read(forward[-1].next_cursor))
        assert forward[-1].rows and len(forward) < 50
    backward = [forward[-1]]
    while backward[-1].previous_cursor is not None:
        backward.append(await read(backward[-1].previous_cursor))
        assert backward[-1].rows and len(backward) < 50
    return forward, backward


@pytest.mark.parametrize("student_preferred", [False, True])
async def test_paging_visits_every_row_once_in_both_directions_under_every_sort_and_filter(
    session: AsyncSession, student_preferred: bool
) -> None:
    round_ = await seed(session, 31, student_preferred=student_preferred)
    rows = list(await session.scalars(_all(round_.id)))
    sorts: list[str | None] = [*ORDERINGS, None]
    for sort in sorts:
        name = sort or (STUDENTS_FIRST_NAME if student_preferred else "created_at")
        key, descending = EXPECTED[name]
        for f in FILTERS:
            expected = [a.id for a in sorted(_selected(rows, f), key=key, reverse=descending)]
            forward, backward = await _walk(session, round_.id, sort, f)
            assert [r.id for p in forward for r in p.rows] == expected, (sort, f)
            assert all(len(p.rows) == 4 for p in forward[:-1])
            # back from the last page: each page ends just before the one after it, down to the first page,
            # which reads as it always does and has no previous link
            for later, page in itertools.pairwise(backward[:-1]):
                ids = [r.id for r in page.rows]
                end = expected.index(later.rows[0].id)
                assert ids == expected[end - len(ids) : end], (sort, f)
            assert [r.id for r in backward[-1].rows] == expected[:4]
            assert backward[-1].previous_cursor is None
            assert (backward[-1].next_cursor is None) == (len(expected) <= 4)
            page = await service.review_applications(session, round_.id, service.ApplicationFilter(sort=sort, **f))
            countable = "track" not in f and not ("status" in f and "is_student" in f)
            assert page.total == (len(expected) if countable else None)


def _all(round_id: uuid.UUID) -> Any:
    from sqlalchemy import select

    return select(Application).where(Application.round_id == round_id)


async def test_a_page_reads_only_listed_columns_with_no_offset_and_as_many_statements_however_deep(
    session: AsyncSession,
) -> None:
    round_ = await seed(session, 40)
    for sort in [*ORDERINGS, None]:
        with statements(session) as first:
            page = await service.review_applications(
                session, round_.id, service.ApplicationFilter(sort=sort, limit=5, track="after_sales")
            )
        cursor = page.next_cursor
        for _ in range(2):
            page = await service.review_applications(
                session, round_.id, service.ApplicationFilter(sort=sort, limit=5, cursor=cursor)
            )
            cursor = page.next_cursor
        with statements(session) as deep:
            await service.review_applications(
                session, round_.id, service.ApplicationFilter(sort=sort, limit=5, cursor=cursor, track="after_sales")
            )
        assert len(first) == len(deep), sort
        for sql in first + deep:
            assert "OFFSET" not in sql.upper(), sql
            assert "id_number" not in sql and "id_hash" not in sql, sql
        assert any("application_tracks" in sql for sql in deep)
        assert not any("LIKE" in sql.upper() for sql in deep)


async def test_each_sort_reads_its_own_index_without_sorting_the_round(session: AsyncSession) -> None:
    round_ = await seed(session, 12, student_preferred=True)
    dialect = session.bind.dialect.name  # type: ignore[union-attr]
    engine = session.bind.sync_engine  # type: ignore[union-attr]
    keys = {"id": uuid.uuid4(), "created_at": T0, "legal_name_key": "li3", "legal_name": "李", "age_at_application": 30}
    cases = [*ORDERINGS.items(), ("students", STUDENTS_FIRST)]
    for name, ordering in cases:
        for f in (service.ApplicationFilter(), service.ApplicationFilter(track="pre_sales")):
            group = 0 if ordering.group is not None else None
            cursor = Cursor(group, tuple(keys[c.key] for c in ordering.keys), True)
            query = page_query(round_.id, f, ordering, cursor, 21)
            sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
            if dialect == "sqlite":
                plan = [r[-1] for r in await session.execute(text("EXPLAIN QUERY PLAN " + sql))]
                reads = [p for p in plan if " applications " in p + " "]
                sorts = [p for p in plan if "TEMP B-TREE" in p]
                # a grouped sort orders at most a page from each group; any other sort orders nothing
                assert sorts == ([] if ordering.group is None else ["USE TEMP B-TREE FOR ORDER BY"]), (name, plan)
            else:
                await session.execute(text("SET LOCAL enable_seqscan = off"))
                plan = [r[0] for r in await session.execute(text("EXPLAIN " + sql))]
                reads = [p for p in plan if "on applications" in p]
                sorts = [p for p in plan if "Sort" in p and "Sort Key" not in p]
                assert len(sorts) == (0 if ordering.group is None else 1), (name, plan)
            assert reads and all("ix_applications_review_" in p for p in reads), (name, plan)
            if f.track:
                assert any("application_tracks" in p for p in plan), plan
    await session.rollback()


async def test_names_sort_in_pinyin_order(client, admin, make_round, new_worker) -> None:
    round_ = await make_round()
    names = ["张伟", "李娜", "王芳", "陈静", "曾小贤", "单田芳", "Amy Qian"]
    ids = {}
    for name in names:
        ids[(await applied(client, await new_worker(), round_["id"], legal_name=name))["id"]] = name
    response = await client.get(
        f"/api/admin/rounds/{round_['id']}/applications", params={"sort": "legal_name"}, headers=admin
    )
    assert [ids[a["id"]] for a in response.json()["items"]] == [
        "Amy Qian",
        "陈静",
        "李娜",
        "单田芳",  # a surname: shan, not dan
        "王芳",
        "曾小贤",  # zeng, not ceng
        "张伟",
    ]


async def test_the_export_runs_as_many_statements_for_many_rows_as_for_few(session: AsyncSession) -> None:
    small, large = await seed(session, 5), await seed(session, 2300)
    counts = []
    for round_, n in ((small, 5), (large, 2300)):
        for f in (service.ApplicationFilter(), service.ApplicationFilter(sort="status", track="after_sales")):
            with statements(session) as seen:
                text_ = "".join([piece async for piece in service.export_csv(session, round_.id, f)])
            lines = text_.splitlines()
            assert len(lines) - 1 == (n if not f.track else len([i for i in range(n) if i % 5 in (1, 2, 4)]))
            counts.append(len(seen))
            assert all("id_number" not in sql and "OFFSET" not in sql.upper() for sql in seen)
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


async def test_0008_fills_tracks_and_name_keys_of_earlier_applications(
    client, database_url, make_round, new_worker
) -> None:
    round_ = await make_round(tracks=["pre_sales", "after_sales", "complaints"])
    people = [("曾小贤", ["after_sales", "complaints"]), ("Amy Qian", ["pre_sales"])]
    for name, tracks in people:
        await applied(client, await new_worker(), round_["id"], legal_name=name, tracks=tracks)
    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:
            events = (await conn.execute(text("SELECT count(*) FROM application_events"))).scalar_one()
            assert events >= 4
            await conn.run_sync(runner.downgrade_on, "0007")
            await conn.commit()
            await conn.run_sync(runner.upgrade_on, "head")
            await conn.commit()
            # the applications' other rows are still there (no step rebuilt the table, whose drop would cascade)
            assert (await conn.execute(text("SELECT count(*) FROM application_events"))).scalar_one() == events
            keys = dict((await conn.execute(text("SELECT legal_name, legal_name_key FROM applications"))).all())
            assert keys == {"曾小贤": "zeng1 xiao3 xian2", "Amy Qian": "amy qian"}
            tracks = (
                await conn.execute(
                    text(
                        "SELECT a.legal_name, t.track FROM application_tracks t JOIN applications a"
                        " ON a.id = t.application_id ORDER BY a.legal_name, t.track"
                    )
                )
            ).all()
            assert [tuple(r) for r in tracks] == [
                ("Amy Qian", "pre_sales"),
                ("曾小贤", "after_sales"),
                ("曾小贤", "complaints"),
            ]
    finally:
        await engine.dispose()


async def test_counts_stop_past_the_limit_so_a_big_round_costs_no_more(session: AsyncSession, monkeypatch) -> None:
    """Counting a round to its last row would read all of it for every page: counts stop at COUNT_MAX + 1."""
    monkeypatch.setattr(review_list, "COUNT_MAX", 3)
    round_ = await seed(session, 12)  # typing 4, each other status 2
    with statements(session) as seen:
        counts = await service.count_by_status(session, round_.id)
    assert counts == {"identity_pending": 2, "typing": 4, "training": 2, "rejected": 2, "certified": 2}
    assert len(seen) == 1 and seen[0].upper().count("LIMIT") == len(ApplicationStatus)
    page = await service.review_applications(session, round_.id, service.ApplicationFilter(limit=2))
    assert (page.total, page.total_exact) == (3, False)  # more than 3
    narrow = await service.review_applications(session, round_.id, service.ApplicationFilter(status="training"))
    assert (narrow.total, narrow.total_exact) == (2, True)
    students = await service.review_applications(session, round_.id, service.ApplicationFilter(is_student=True))
    assert (students.total, students.total_exact) == (3, False)  # 4 of the 12
    by_track = await service.review_applications(session, round_.id, service.ApplicationFilter(track="complaints"))
    assert (by_track.total, by_track.total_exact) == (None, False)  # a track is not counted: see `countable`
