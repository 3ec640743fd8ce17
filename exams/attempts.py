"""Sitting an exam: starting an attempt (a fresh draw on the server's clock), saving answers as they are given,
and handing it in. Verbs write on the caller's transaction and never commit; each says which lock it takes.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from exams.bank import IS_CURRENT
from exams.grading import hand_in, settle_overdue_attempts
from exams.models import (
    AttemptItem,
    AttemptStatus,
    Blueprint,
    ExamAttempt,
    Question,
    QuestionCategory,
    QuestionType,
    QuestionVersion,
)
from exams.standings import (
    ONE_ACTIVE,
    AttemptQuestion,
    AttemptView,
    ExamStanding,
    access_attempt,
    attempt_view,
    may_see,
    one_active_refusal,
    running_attempt,
    standings_of,
)
from gigplatform.clock import Clock
from gigplatform.db import uuid7
from gigplatform.errors import N_, Conflict, InvalidInput, NotFound, PermissionDenied
from gigplatform.events import record_event
from gigplatform.security import Principal
from recruitment import service as recruitment

CATEGORY_ORDER = [c.value for c in QuestionCategory]
_draw = random.SystemRandom()  # candidates must not predict their questions or option order
NO_EXAM = N_("No exam is set up for this round yet. Please check again later.")
DEADLINE_PASSED = N_("Time is up: answers after the deadline are not taken.")
"""Also the words of the exam page that the refusal sends back to (the attempt's result, handed in by the clock)."""


async def start_attempt(
    session: AsyncSession, clock: Clock, actor: Principal, application_id: uuid.UUID, track: str | None = None
) -> AttemptView:
    """Draws a fresh exam per the blueprint and starts the server's clock on it; returns it as the candidate sees
    it, from what the start already holds. An overdue attempt of the applicant is handed in first, so it neither
    blocks this one nor is counted as running.

    Takes no lock: one running attempt per person is the unique `active_user_id`. Two starts at once both insert
    with ON CONFLICT DO NOTHING; the second (on PostgreSQL it waits for the first to commit) inserts nothing and
    answers 409 naming the running attempt, while the rest of the caller's transaction (the overdue hand-in, say)
    stands. Not a savepoint: on SQLite (pysqlite) a savepoint opened before the transaction's first write commits
    its rows when released, so a later rollback would leave the attempt without its questions."""
    application = await recruitment.access_application(session, actor, application_id)
    await settle_overdue_attempts(session, clock, application.user_id)
    standings = await standings_of(session, application, clock.now())
    if application.user_id != actor.user_id:
        raise PermissionDenied(
            N_("Only the applicant takes their exam."), field="application_id", rule="applicant_only"
        )
    if application.status not in recruitment.EXAM_STAGES:
        # An application the exam itself ended says so; any other is simply not at the exam.
        exhausted = [s.refusal() for s in standings if s.attempts]
        raise next((e for e in exhausted if e is not None), None) or Conflict(
            N_("The exam is not open for this application now."),
            field="status",
            rule="not_at_exam",
            extra={"application_status": application.status.value},
        )
    if not standings:
        raise Conflict(NO_EXAM, field="blueprint", rule="missing")
    if track is not None:
        if track not in application.tracks:
            raise InvalidInput(N_("Choose one of the tracks you applied for."), field="track", rule="one_of")
        standings = [s for s in standings if track in s.choice.tracks]
        if not standings:
            raise Conflict(NO_EXAM, field="blueprint", rule="missing")
    elif len(standings) > 1:
        unpassed = [s for s in standings if not s.passed]
        if len(unpassed) != 1:
            raise InvalidInput(N_("Choose which track's exam to take."), field="track", rule="required")
        standings = unpassed
    standing = standings[0]
    refusal = standing.refusal()
    if refusal is not None:
        raise refusal
    running = await running_attempt(session, actor.user_id)
    if running is not None:
        raise one_active_refusal(running)
    blueprint, now = standing.blueprint, clock.now()
    drawn = await _draw_questions(session, blueprint)
    values = dict(
        id=uuid7(),
        application_id=application.id,
        user_id=application.user_id,
        active_user_id=application.user_id,
        blueprint_id=blueprint.id,
        tracks=standing.choice.tracks,
        number=len(standing.attempts) + 1,
        status=AttemptStatus.ACTIVE,
        started_at=now,
        deadline=now + timedelta(minutes=blueprint.time_limit_minutes),
        pass_mark=blueprint.pass_mark,
        partial_credit=blueprint.partial_credit,
        show_answers=blueprint.show_answers,
    )
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # The attempt row first (its items refer to it). A start racing this one for the same person (the unique
    # active_user_id) or the same attempt number inserts nothing here and answers 409; the statement itself
    # fails nothing, so the caller's transaction stays whole.
    attempt = await session.scalar(insert(ExamAttempt).values(**values).on_conflict_do_nothing().returning(ExamAttempt))
    if attempt is None:
        raise await _started_elsewhere(session, actor.user_id)
    questions = []
    for position, version in enumerate(drawn, start=1):
        keys = [o["key"] for o in version.options]
        if blueprint.shuffle_options and version.type != QuestionType.TRUE_FALSE:
            _draw.shuffle(keys)
        item = AttemptItem(
            id=uuid7(),
            attempt_id=attempt.id,
            position=position,
            question_id=version.question_id,
            question_version_id=version.id,
            option_order=keys,
        )
        session.add(item)
        questions.append(AttemptQuestion(item, version))
    record_event(session, "attempt.started", attempt_id=attempt.id, application_id=application.id)
    standing = ExamStanding(standing.choice, [*standing.attempts, attempt], now, standing.passed_tracks)
    return AttemptView(attempt, questions, standing, application.status.value)


async def _started_elsewhere(session: AsyncSession, user_id: uuid.UUID) -> Conflict:
    running = await running_attempt(session, user_id)
    if running is not None:
        return one_active_refusal(running)
    return Conflict(ONE_ACTIVE, field="attempt", rule="one_active")


async def _draw_questions(session: AsyncSession, blueprint: Blueprint) -> list[QuestionVersion]:
    """N current versions of active questions per category, at random; categories in the bank's order."""
    rows = await session.execute(
        select(QuestionVersion.id, QuestionVersion.category).join(Question, IS_CURRENT).where(Question.active.is_(True))
    )
    pools: dict[str, list[uuid.UUID]] = {}
    for version_id, category in rows.all():
        pools.setdefault(category.value, []).append(version_id)
    chosen: list[uuid.UUID] = []
    for category in CATEGORY_ORDER:
        wanted = blueprint.per_category.get(category, 0)
        pool = pools.get(category, [])
        if wanted > len(pool):
            raise Conflict(
                N_("The exam cannot be drawn right now. Please tell an administrator."),
                field="blueprint",
                rule="not_enough_questions",
                extra={"category": category, "available": len(pool), "asked": wanted},
            )
        picked = _draw.sample(pool, wanted)
        chosen += picked
    versions = {v.id: v for v in await session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(chosen)))}
    return [versions[i] for i in chosen]


@dataclass(frozen=True)
class SavedAnswer:
    question_id: uuid.UUID
    choice_ids: list[str]
    saved_at: datetime
    deadline: datetime


async def save_answer(
    session: AsyncSession,
    clock: Clock,
    actor: Principal,
    attempt_id: uuid.UUID,
    question_id: uuid.UUID,
    choice_ids: list[str],
) -> SavedAnswer:
    """Keeps the answer as given, while the attempt runs. Locks the attempt row (SELECT ... FOR UPDATE) for the
    write, so a submission at the same moment grades either before this answer or after it, never half of it.
    Every click of every candidate comes here: one SELECT (the locked attempt with the question asked) and one
    UPDATE, nothing else. An answer at or after the deadline hands the attempt in and is refused; that refusal is
    recorded (`.recorded()`), so the edge keeps the hand-in although it answers 409."""
    row = (
        await session.execute(
            select(ExamAttempt, AttemptItem, QuestionVersion)
            .outerjoin(
                AttemptItem, and_(AttemptItem.attempt_id == ExamAttempt.id, AttemptItem.question_id == question_id)
            )
            .outerjoin(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
            .where(ExamAttempt.id == attempt_id)
            .with_for_update(of=ExamAttempt)
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None or not may_see(actor, row[0]):
        raise NotFound("No such exam attempt.", field="attempt_id", rule="exists")
    locked = row[0]
    if locked.user_id != actor.user_id:
        raise PermissionDenied("Only the candidate answers.", field="attempt_id", rule="candidate_only")
    now = clock.now()
    if locked.status == AttemptStatus.SUBMITTED:
        raise Conflict(N_("This attempt is already submitted."), field="status", rule="submitted")
    if now >= locked.deadline:
        await hand_in(session, locked, now)
        raise Conflict(DEADLINE_PASSED, field="deadline", rule="passed").recorded()
    if row[1] is None:
        raise NotFound("This question is not part of the attempt.", field="question_id", rule="exists")
    _attempt, item, version = row
    keys = {o["key"] for o in version.options}
    if any(c not in keys for c in choice_ids):
        raise InvalidInput(N_("Choose among the question's options."), field="choice_ids", rule="one_of")
    if len(set(choice_ids)) != len(choice_ids):
        raise InvalidInput("A choice is given twice.", field="choice_ids", rule="unique")
    if version.type != QuestionType.MULTIPLE and len(choice_ids) > 1:
        raise InvalidInput(N_("This question takes one answer."), field="choice_ids", rule="single_answer")
    item.choice_ids = [k for k in item.option_order if k in choice_ids]
    item.answered_at = now
    return SavedAnswer(question_id, list(item.choice_ids), now, locked.deadline)


async def submit_attempt(session: AsyncSession, clock: Clock, actor: Principal, attempt_id: uuid.UUID) -> AttemptView:
    """The candidate hands the attempt in; handing it in again returns the same result. The claim is the
    conditional UPDATE in `hand_in`, so a submit racing the deadline job grades once."""
    attempt = await access_attempt(session, actor, attempt_id)
    if attempt.user_id != actor.user_id:
        raise PermissionDenied("Only the candidate submits.", field="attempt_id", rule="candidate_only")
    view = await hand_in(session, attempt, clock.now()) if attempt.status == AttemptStatus.ACTIVE else None
    return view or await attempt_view(session, clock, attempt)
