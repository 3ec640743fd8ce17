"""Handing an attempt in: grading it, closing it, and letting the application know. One claim per attempt, so the
candidate's submit, the settling step before a read and the scheduled job never grade it twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from exams.models import AttemptStatus, ExamAttempt, QuestionType, QuestionVersion, SubmittedBy
from exams.standings import AttemptView, attempt_questions, format_score, standings_of
from gigplatform.clock import Clock
from gigplatform.events import record_event
from recruitment import service as recruitment


def grade(version: QuestionVersion, choice_ids: Sequence[str] | None, partial_credit: bool) -> int:
    """Credit in basis points of one point. Multiple choice is all-or-nothing unless partial credit is on; then each
    correct option chosen earns its share, and any wrong option chosen earns nothing."""
    chosen = set(choice_ids or [])
    correct = {o["key"] for o in version.options if o["correct"]}
    if chosen == correct:
        return 10000
    if version.type == QuestionType.MULTIPLE and partial_credit and chosen and chosen <= correct:
        return 10000 * len(chosen) // len(correct)
    return 0


async def hand_in(session: AsyncSession, attempt: ExamAttempt, now: datetime) -> AttemptView | None:
    """Grades and closes the attempt, and lets the application know. Claims the attempt with a conditional UPDATE
    (active to submitted), so whoever claims it second does nothing. Past the deadline it counts as submitted by the
    deadline, at the deadline. Returns the graded view when this call handed it in, else None. Never commits."""
    late = now >= attempt.deadline
    at = attempt.deadline if late else now
    by = SubmittedBy.DEADLINE if late else SubmittedBy.CANDIDATE
    claimed = (
        await session.execute(
            update(ExamAttempt)
            .where(ExamAttempt.id == attempt.id, ExamAttempt.status == AttemptStatus.ACTIVE)
            .values(status=AttemptStatus.SUBMITTED, submitted_at=at, submitted_by=by, active_user_id=None)
            .returning(ExamAttempt.id)
            .execution_options(synchronize_session=False)
        )
    ).first()
    await session.refresh(attempt)
    if claimed is None:
        return None
    questions = await attempt_questions(session, attempt)
    total = 0
    for q in questions:
        q.item.credit_bp = grade(q.version, q.item.choice_ids, attempt.partial_credit)
        total += q.item.credit_bp
    n = len(questions)
    attempt.score_bp = (2 * total + n) // (2 * n) if n else 0  # rounded half up, for showing
    attempt.total_credit_bp = total  # what item statistics read, so they need not sum every item again
    attempt.correct_count = sum(1 for q in questions if q.item.credit_bp == 10000)
    attempt.passed = n > 0 and total >= attempt.pass_mark * n * 100  # exact: 79.996 % does not pass 80
    application = await recruitment.application_by_id(session, attempt.application_id)
    standings = await standings_of(session, application, at, include=attempt)
    mine = next(s for s in standings if s.blueprint.id == attempt.blueprint_id)
    # Out of attempts for good only when no other exam of the application can still certify a track either.
    out_of_attempts = not mine.attempts_left and not any(
        s.passed or s.attempts_left for s in standings if s is not mine
    )
    await recruitment.record_exam_result(
        session,
        application,
        at=at,
        tracks=attempt.tracks,
        score=format_score(attempt.score_bp),
        passed=attempt.passed,
        attempts_used=len(mine.attempts),
        out_of_attempts=out_of_attempts,
    )
    record_event(
        session,
        "attempt.submitted",
        attempt_id=attempt.id,
        application_id=attempt.application_id,
        blueprint_id=attempt.blueprint_id,
        submitted_by=by.value,
        passed=attempt.passed,
    )
    return AttemptView(attempt, questions, mine, application.status.value)


async def settle_overdue_attempts(session: AsyncSession, clock: Clock, user_id: uuid.UUID) -> int:
    """The one step before a read that may write: hands in the person's running attempt if its time ran out, so
    what the edge reads next is settled. Idempotent (the claim in `hand_in`); returns how many it handed in (0
    or 1: a person runs one attempt at a time). API and page GET handlers call it first, then read."""
    now = clock.now()
    overdue = await session.scalar(
        select(ExamAttempt).where(ExamAttempt.active_user_id == user_id, ExamAttempt.deadline <= now)
    )
    if overdue is None:
        return 0
    return 1 if await hand_in(session, overdue, now) else 0


async def overdue_attempt_ids(session: AsyncSession, clock: Clock, limit: int) -> list[uuid.UUID]:
    """The running attempts whose time ran out, oldest deadline first (for the scheduled job)."""
    return list(
        await session.scalars(
            select(ExamAttempt.id)
            .where(ExamAttempt.status == AttemptStatus.ACTIVE, ExamAttempt.deadline <= clock.now())
            .order_by(ExamAttempt.deadline)
            .limit(limit)
        )
    )


async def hand_in_overdue(session: AsyncSession, clock: Clock, attempt_id: uuid.UUID) -> bool:
    """Hands in one attempt whose time ran out; False when someone else already did (or it is not overdue)."""
    attempt = await session.get(ExamAttempt, attempt_id)
    now = clock.now()
    if attempt is None or attempt.status != AttemptStatus.ACTIVE or now < attempt.deadline:
        return False
    return await hand_in(session, attempt, now) is not None
