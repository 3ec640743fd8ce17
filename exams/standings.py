"""How a person stands with the exams of an application, and an attempt as its candidate sees it: pure reads.

Nothing here writes. An attempt whose time ran out while nobody looked is handed in by the one settling step the
edge calls before reading (`grading.settle_overdue_attempts`), so what is read here is already settled.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from exams.blueprints import blueprint_by_id, list_blueprints
from exams.models import AttemptItem, AttemptStatus, Blueprint, ExamAttempt, QuestionVersion
from gigplatform.clock import Clock
from gigplatform.errors import N_, Conflict, DomainError, NotFound
from gigplatform.security import Principal
from recruitment import service as recruitment


@dataclass(frozen=True)
class ExamChoice:
    """One exam an application can take: the blueprint and the tracks a pass certifies."""

    blueprint: Blueprint
    tracks: list[str]


async def _exams_for(session: AsyncSession, application: recruitment.Application) -> list[ExamChoice]:
    """Each track the applicant asked for is examined by its round's track blueprint, else the round's general one;
    tracks sharing a blueprint share one exam."""
    blueprints = await list_blueprints(session, application.round_id)
    general = next((b for b in blueprints if b.track is None), None)
    by_track = {b.track: b for b in blueprints if b.track is not None}
    choices: dict[uuid.UUID, ExamChoice] = {}
    for track in application.tracks:
        blueprint = by_track.get(track, general)
        if blueprint is not None:
            choices.setdefault(blueprint.id, ExamChoice(blueprint, [])).tracks.append(track)
    return list(choices.values())


@dataclass
class ExamStanding:
    """How a person stands with one exam of their application: attempts used, passed, and when they may try."""

    choice: ExamChoice
    attempts: list[ExamAttempt]
    now: datetime
    passed_tracks: frozenset[str] = frozenset()  # the application's tracks already passed (or certified by an admin)

    @property
    def blueprint(self) -> Blueprint:
        return self.choice.blueprint

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts) or set(self.choice.tracks) <= self.passed_tracks

    @property
    def active(self) -> ExamAttempt | None:
        return next((a for a in self.attempts if a.status == AttemptStatus.ACTIVE), None)

    @property
    def attempts_left(self) -> int:
        return max(0, self.blueprint.attempts_allowed - len(self.attempts))

    @property
    def best_score_bp(self) -> int | None:
        scores = [a.score_bp for a in self.attempts if a.score_bp is not None]
        return max(scores) if scores else None

    @property
    def next_attempt_at(self) -> datetime | None:
        """When a failed candidate may try again: the cool-down after their last submission, if attempts remain."""
        if self.passed or self.active is not None or not self.attempts_left:
            return None
        submitted = [a.submitted_at for a in self.attempts if a.submitted_at is not None]
        if not submitted:
            return None
        return max(submitted) + timedelta(hours=self.blueprint.cooldown_hours)

    def refusal(self) -> DomainError | None:
        """Why a new attempt cannot start now, or None."""
        if self.passed:
            return Conflict(N_("You have already passed this exam."), field="blueprint", rule="already_passed")
        if self.active is not None:
            return one_active_refusal(self.active)
        if not self.attempts_left:
            return Conflict(
                N_("No exam attempts are left."),
                field="attempts",
                rule="none_left",
                extra={"attempts_allowed": self.blueprint.attempts_allowed},
            )
        retry_at = self.next_attempt_at
        if retry_at is not None and retry_at > self.now:
            seconds = math.ceil((retry_at - self.now).total_seconds())
            return Conflict(
                N_("The next attempt opens after the cool-down."),
                field="attempts",
                rule="cooldown",
                headers={"Retry-After": str(seconds)},
                extra={"retry_at": retry_at.isoformat()},
            )
        return None


ONE_ACTIVE = N_("You already have an exam running; finish it first.")


def one_active_refusal(active: ExamAttempt) -> Conflict:
    return Conflict(
        ONE_ACTIVE,
        field="attempt",
        rule="one_active",
        extra={"attempt_id": str(active.id)},
    )


async def exam_standings(
    session: AsyncSession, clock: Clock, application: recruitment.Application
) -> list[ExamStanding]:
    """The application's exams and its attempts at each (the caller has accessed the application). A pure read:
    the edge settles overdue attempts first (`settle_overdue_attempts`), or an attempt past its deadline shows as
    still running."""
    return await standings_of(session, application, clock.now())


async def standings_of(
    session: AsyncSession, application: recruitment.Application, now: datetime, *, include: ExamAttempt | None = None
) -> list[ExamStanding]:
    """Each exam of the application with its attempts (one query for all of them). With `include`, that attempt's
    exam is listed even when the round's blueprints no longer assign it to the application's tracks."""
    attempts = list(
        await session.scalars(
            select(ExamAttempt)
            .where(ExamAttempt.application_id == application.id)
            .order_by(ExamAttempt.started_at, ExamAttempt.id)
        )
    )
    choices = await _exams_for(session, application)
    if include is not None and all(c.blueprint.id != include.blueprint_id for c in choices):
        choices.append(ExamChoice(await blueprint_by_id(session, include.blueprint_id), list(include.tracks)))
    held = frozenset(application.passed_tracks or [])
    return [
        ExamStanding(choice, [a for a in attempts if a.blueprint_id == choice.blueprint.id], now, held)
        for choice in choices
    ]


async def running_attempt(session: AsyncSession, user_id: uuid.UUID) -> ExamAttempt | None:
    """The person's running attempt, if any (one at most: `active_user_id` is unique)."""
    return await session.scalar(select(ExamAttempt).where(ExamAttempt.active_user_id == user_id))


def may_see(actor: Principal, attempt: ExamAttempt) -> bool:
    """The candidate sees their own attempts, an admin every attempt."""
    return actor.role == "admin" or attempt.user_id == actor.user_id


async def access_attempt(session: AsyncSession, actor: Principal, attempt_id: uuid.UUID) -> ExamAttempt:
    """The attempt if the caller took it or is an admin; anyone else, like a missing id, gets the one 404."""
    attempt = await session.get(ExamAttempt, attempt_id)
    if attempt is None or not may_see(actor, attempt):
        raise NotFound("No such exam attempt.", field="attempt_id", rule="exists")
    return attempt


@dataclass(frozen=True)
class AttemptQuestion:
    item: AttemptItem
    version: QuestionVersion

    @property
    def options(self) -> list[dict[str, Any]]:
        """The options in the order this candidate was shown them."""
        by_key = {o["key"]: o for o in self.version.options}
        return [by_key[k] for k in self.item.option_order]

    @property
    def correct_keys(self) -> list[str]:
        return [o["key"] for o in self.options if o["correct"]]


async def attempt_questions(session: AsyncSession, attempt: ExamAttempt) -> list[AttemptQuestion]:
    rows = await session.execute(
        select(AttemptItem, QuestionVersion)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(AttemptItem.attempt_id == attempt.id)
        .order_by(AttemptItem.position)
    )
    return [AttemptQuestion(item, version) for item, version in rows.all()]


@dataclass(frozen=True)
class AttemptView:
    """An attempt with its questions and what the candidate may see of the result."""

    attempt: ExamAttempt
    questions: list[AttemptQuestion]
    standing: ExamStanding  # the attempt's exam, with every attempt at it
    application_status: str

    @property
    def blueprint_title(self) -> str:
        return self.standing.blueprint.title

    @property
    def review_allowed(self) -> bool:
        return self.attempt.status == AttemptStatus.SUBMITTED and self.attempt.show_answers


async def attempt_view(session: AsyncSession, clock: Clock, attempt: ExamAttempt) -> AttemptView:
    """The attempt with its questions, its exam's standing and the application's status."""
    application = await recruitment.application_by_id(session, attempt.application_id)
    standings = await standings_of(session, application, clock.now(), include=attempt)
    standing = next(s for s in standings if s.blueprint.id == attempt.blueprint_id)
    return AttemptView(attempt, await attempt_questions(session, attempt), standing, application.status.value)


def format_score(score_bp: float | None) -> str:
    """82.5 %, 80 %: the score as people write it ("" for none yet)."""
    if score_bp is None:
        return ""
    return f"{round(score_bp) / 100:.2f}".rstrip("0").rstrip(".") + "%"
