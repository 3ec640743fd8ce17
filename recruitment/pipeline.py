"""The pipeline of an application: its transitions, the timeline every step writes, the reasons, and the claims
(conditional UPDATEs, savepoints) that keep concurrent steps apart. Certification is in `recruitment.certification`.

Every state change goes through `_move`, which checks the transition and records who made it, when and why, so
the timeline is complete by construction. Nothing here commits: the edge's unit of work does.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import false, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.errors import N_, Conflict, NotFound
from gigplatform.events import record_event
from gigplatform.security import Principal
from recruitment.models import (
    Actor,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    PersonIdentity,
    RoundTrainingModule,
    TrainingProgress,
)
from recruitment.schemas import REASON_MAX

S = ApplicationStatus
EXAM_STAGES = frozenset({S.EXAM, S.CERTIFIED, S.WAITLISTED})  # where an exam may be taken and its result counts
TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    S.SUBMITTED: frozenset({S.IDENTITY_PENDING, S.REJECTED, S.WITHDRAWN}),
    S.IDENTITY_PENDING: frozenset({S.TYPING, S.SCREENING_FAILED, S.REJECTED, S.WITHDRAWN}),
    S.TYPING: frozenset({S.TRAINING, S.REJECTED, S.WITHDRAWN}),
    S.TRAINING: frozenset({S.EXAM, S.REJECTED, S.WITHDRAWN}),
    S.EXAM: frozenset({S.CERTIFIED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN}),
    S.WAITLISTED: frozenset({S.CERTIFIED, S.REJECTED, S.WITHDRAWN}),
}
# What an admin's "advance" does from each stage: the next step of the happy path.
ADVANCE = {
    S.SUBMITTED: S.IDENTITY_PENDING,
    S.IDENTITY_PENDING: S.TYPING,
    S.TYPING: S.TRAINING,
    S.TRAINING: S.EXAM,
    S.EXAM: S.CERTIFIED,
    S.WAITLISTED: S.CERTIFIED,
}


# Reasons the system writes into the timeline, by code; pages show them translated from these same templates.
REASONS = {
    "submitted": N_("Application submitted."),
    "identity_checking": N_("Checking the name and ID number."),
    "identity_unavailable": N_("The identity service is unavailable; we will check again automatically."),
    "identity_mismatch": N_("The name does not match the ID number."),
    "identity_verified": N_("Identity verified; the typing test is next."),
    "identity_taken": N_("This person is already verified on another account."),
    "identity_other_person": N_("This account is already verified as another person."),
    "typing_passed": N_("Typing test passed: %(cpm)s characters a minute, %(accuracy)s%% accurate."),
    "typing_failed_out": N_("The typing test was not passed in %(attempts)s attempts."),
    "exam_unlocked": N_("All required training modules are completed; the exam is unlocked."),
    "exam_passed": N_("Exam passed with a score of %(score)s."),
    "exam_failed_out": N_("The exam was not passed in %(attempts)s attempts."),
    "quota_full": N_("Passed, but the round's quota is full; waiting for a place."),
    "quota_opened": N_("A place opened in the round's quota."),
    "advanced": N_("Moved on to %(status)s by an admin."),
    "withdrawn": N_("Withdrawn by the applicant."),
}


@dataclass(frozen=True)
class Reason:
    """Why a step happened: a system reason (a code from REASONS, its values, and an optional detail from outside,
    such as the identity service's own words) or a person's own words (no code)."""

    text: str
    code: str | None = None
    params: dict[str, Any] | None = None


def because(code: str, detail: str = "", **params: Any) -> Reason:
    text = REASONS[code] % params
    if detail:
        text = f"{text} ({detail})"
        params["detail"] = detail
    return Reason(text[:REASON_MAX], code, params or None)


def said(words: str) -> Reason:
    return Reason((words or "").strip()[:REASON_MAX])


# --- access -------------------------------------------------------------------------------------------------------


async def access_application(session: AsyncSession, principal: Principal, application_id: uuid.UUID) -> Application:
    """The application if the caller is its applicant or an admin; anyone else gets 404, not a hint it exists."""
    found = await session.get(Application, application_id)
    if found is None or (principal.role != "admin" and found.user_id != principal.user_id):
        raise NotFound(N_("No such application."), field="application_id", rule="exists")
    return found


async def application_by_id(session: AsyncSession, application_id: uuid.UUID) -> Application:
    """For the platform's own steps (an exam graded by the scheduler), where no caller's access applies."""
    found = await session.get(Application, application_id)
    if found is None:
        raise NotFound(N_("No such application."), field="application_id", rule="exists")
    return found


# --- the pipeline -------------------------------------------------------------------------------------------------


def _record(
    session: AsyncSession,
    application: Application,
    to: ApplicationStatus,
    *,
    at: datetime,
    actor: Actor,
    actor_id: uuid.UUID | None,
    reason: Reason,
) -> None:
    """Adds a step to the timeline (from the application's current status to `to`)."""
    session.add(
        ApplicationEvent(
            application_id=application.id,
            at=at,
            from_status=application.status,
            to_status=to,
            actor=actor,
            actor_id=actor_id,
            reason=reason.text,
            reason_code=reason.code,
            reason_params=reason.params,
        )
    )


def _move(
    session: AsyncSession,
    application: Application,
    to: ApplicationStatus,
    *,
    at: datetime,
    actor: Actor,
    actor_id: uuid.UUID | None,
    reason: Reason,
) -> None:
    """Changes the status and records the step. Call inside the transaction that makes the change."""
    if to not in TRANSITIONS.get(application.status, frozenset()):
        raise Conflict(
            N_("The application's current status does not allow this step."),
            field="status",
            rule="transition",
        )
    _record(session, application, to, at=at, actor=actor, actor_id=actor_id, reason=reason)
    application.status = to
    application.status_reason = reason.text
    application.status_reason_code = reason.code
    application.status_reason_params = reason.params
    application.updated_at = at
    record_event(session, "application.moved", application_id=application.id, status=to.value)


async def bind_person(session: AsyncSession, application: Application, at: datetime) -> bool:
    """Binds the application's person to its account in a savepoint; False when a concurrent binding (of this
    person, or of another person to this account) got there first. What was already changed is flushed before the
    savepoint, so only the binding is undone."""
    await session.flush()
    try:
        async with session.begin_nested():
            session.add(PersonIdentity(id_hash=application.id_hash, user_id=application.user_id, verified_at=at))
            await session.flush()
    except IntegrityError:
        return False
    return True


async def write_first(session: AsyncSession) -> None:
    """On SQLite, takes the database's write lock now, with a statement that changes nothing. Call it before a
    savepoint that reads before it writes: on SQLite the savepoint opens the transaction, a read in it pins a
    snapshot, and a concurrent writer's commit then makes this transaction's first write fail instead of wait.
    PostgreSQL locks rows, not the database, so there it does nothing."""
    if session.get_bind().dialect.name == "sqlite":
        await session.execute(
            update(Application).where(false()).values(updated_at=Application.updated_at),
            execution_options={"synchronize_session": False},
        )


async def _try_claim(session: AsyncSession, application: Application, at: datetime) -> bool:
    """Takes the application for a change from the status it was read with: a conditional UPDATE, so of two
    requests changing it at once (two admins, an admin and the applicant) only the first gets it; the other must
    not move it twice or overwrite the first. Call inside the transaction that makes the change, before `_move`.
    """
    row = (
        await session.execute(
            update(Application)
            .where(Application.id == application.id, Application.status == application.status)
            .values(updated_at=at)
            .returning(Application.id)
            .execution_options(synchronize_session=False)
        )
    ).first()
    return row is not None


async def _claim(session: AsyncSession, application: Application, at: datetime) -> None:
    """`_try_claim`, refusing the request when someone else changed the application first."""
    if not await _try_claim(session, application, at):
        raise Conflict(
            N_("The application was changed by someone else a moment ago; reload it and try again."),
            field="status",
            rule="transition",
        )


def _system_move(
    session: AsyncSession,
    application: Application,
    to: ApplicationStatus,
    at: datetime,
    code: str,
    detail: str = "",
    **params: Any,
) -> None:
    """`_move` made by the platform itself, for one of the REASONS."""
    _move(
        session,
        application,
        to,
        at=at,
        actor=Actor.SYSTEM,
        actor_id=None,
        reason=because(code, detail=detail, **params),
    )


async def _required_module_ids(session: AsyncSession, round_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.scalars(
        select(RoundTrainingModule.module_id)
        .where(RoundTrainingModule.round_id == round_id)
        .order_by(RoundTrainingModule.position)
    )
    return list(rows)


async def _training_done(session: AsyncSession, user_id: uuid.UUID, round_id: uuid.UUID) -> bool:
    required = await _required_module_ids(session, round_id)
    if not required:
        return True
    done = await session.scalar(
        select(func.count())
        .select_from(TrainingProgress)
        .where(
            TrainingProgress.user_id == user_id,
            TrainingProgress.module_id.in_(required),
            TrainingProgress.completed_at.is_not(None),
        )
    )
    return done == len(required)


async def _enter_training(
    session: AsyncSession,
    application: Application,
    *,
    at: datetime,
    actor: Actor,
    actor_id: uuid.UUID | None,
    reason: Reason,
) -> None:
    """typing -> training, and straight on to the exam when the round's modules are already read."""
    _move(session, application, S.TRAINING, at=at, actor=actor, actor_id=actor_id, reason=reason)
    if await _training_done(session, application.user_id, application.round_id):
        _system_move(session, application, S.EXAM, at, "exam_unlocked")


# --- reading ------------------------------------------------------------------------------------------------------


async def timeline(session: AsyncSession, application_id: uuid.UUID) -> list[ApplicationEvent]:
    return list(
        await session.scalars(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == application_id)
            .order_by(ApplicationEvent.at, ApplicationEvent.id)
        )
    )
