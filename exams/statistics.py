"""Item statistics: which questions of an exam tell strong candidates from weak ones, and which are too easy or
too hard to tell anything. Pure reads over submitted attempts.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass

from sqlalchemy import BigInteger, and_, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from exams.bank import current_questions
from exams.blueprints import access_blueprint
from exams.models import AttemptItem, AttemptStatus, Blueprint, ExamAttempt, Question, QuestionVersion
from gigplatform.security import Principal

FLAG_MIN_ANSWERED = 5


@dataclass(frozen=True)
class ItemStat:
    question: Question
    version: QuestionVersion  # the current wording
    answered: int
    p_value: float | None
    point_biserial: float | None

    @property
    def flag(self) -> str | None:
        """A hint for the admin: items everyone gets right or wrong, or that strong and weak candidates get right
        alike, tell little and are candidates for retiring."""
        if self.answered < FLAG_MIN_ANSWERED or self.p_value is None:
            return None
        if self.p_value > 0.95:
            return "too_easy"
        if self.p_value < 0.2:
            return "too_hard"
        if self.point_biserial is not None and self.point_biserial < 0.1:
            return "weak_discrimination"
        return None


@dataclass(frozen=True)
class ItemStats:
    blueprint: Blueprint
    attempts: int
    mean_score_bp: float | None
    items: list[ItemStat]


async def item_stats(session: AsyncSession, actor: Principal, blueprint_id: uuid.UUID) -> ItemStats:
    """Per question over the blueprint's submitted attempts: how often it is answered right (p), and the
    correlation of its credit with the candidate's score on the other questions (corrected point-biserial).
    Sums are taken by the database in one pass over the exam's own items (through `ix_exam_attempts_stats` and
    `ix_exam_attempt_items_stats`), so the cost grows with this exam's attempts, not with the whole table."""
    blueprint = await access_blueprint(session, actor, blueprint_id)
    submitted = and_(ExamAttempt.blueprint_id == blueprint.id, ExamAttempt.status == AttemptStatus.SUBMITTED)
    attempts, mean = (
        await session.execute(select(func.count(), func.avg(ExamAttempt.score_bp)).where(submitted))
    ).one()
    # One pass over this exam's items only: the attempts are found by (blueprint, status) first, each with the total
    # credit stored at grading, so no other exam's rows are read and no per-attempt sum is taken again.
    # In 64 bits: a product of two sums of basis points passes PostgreSQL's 32-bit integer (60000² for six items).
    x = cast(AttemptItem.credit_bp, BigInteger)
    y = cast(ExamAttempt.total_credit_bp, BigInteger) - x  # the rest of the exam
    rows = await session.execute(
        select(
            AttemptItem.question_id,
            func.count(),
            func.sum(x),
            func.sum(x * x),
            func.sum(y),
            func.sum(y * y),
            func.sum(x * y),
        )
        .select_from(ExamAttempt)
        .join(AttemptItem, AttemptItem.attempt_id == ExamAttempt.id)
        .where(submitted)
        .group_by(AttemptItem.question_id)
    )
    sums = {row[0]: [int(v or 0) for v in row[1:]] for row in rows.all()}
    current = {}
    if sums:
        for question, version in await session.execute(current_questions().where(Question.id.in_(list(sums)))):
            current[question.id] = (question, version)
    items = []
    for question_id, (n, sx, sxx, sy, syy, sxy) in sums.items():
        question, version = current[question_id]
        p = sx / n / 10000 if n else None
        var_x, var_y = n * sxx - sx * sx, n * syy - sy * sy
        r = (n * sxy - sx * sy) / math.sqrt(var_x * var_y) if n >= 2 and var_x > 0 and var_y > 0 else None
        items.append(ItemStat(question, version, n, p, r))
    items.sort(key=lambda s: (s.version.category.value, s.question.code))
    return ItemStats(blueprint, attempts or 0, float(mean) if mean is not None else None, items)
