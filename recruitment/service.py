"""Recruitment rules: rounds, applications and their pipeline, identity checks, the typing test and training.

Every state change of an application goes through `_move`, which checks the transition and records who made it,
when and why, so the timeline is complete by construction. Services commit their own transactions; a broken rule
raises before anything is written. Network calls (the identity provider) are made outside any transaction.
"""

from __future__ import annotations

import csv
import io
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from rapidfuzz.distance import Levenshtein
from sqlalchemy import String, case, cast, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts import service as accounts
from gigplatform.clock import business_today
from gigplatform.db import uuid7
from gigplatform.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from gigplatform.security import Principal, SecurityKit
from recruitment.identity import (
    IdentityProvider,
    IdentityUnavailable,
    IdentityVerdict,
    ResidentId,
    age_on,
    parse_resident_id,
)
from recruitment.models import (
    Actor,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Certification,
    PersonIdentity,
    Round,
    RoundStatus,
    RoundTrainingModule,
    Track,
    TrainingModule,
    TrainingProgress,
    TypingTest,
)
from recruitment.passages import PASSAGES
from recruitment.training import render_markdown

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
TYPING_TIME_LIMIT = timedelta(minutes=5)
TYPED_TEXT_MAX = 5000
REASON_MAX = 500
NAME_MIN, NAME_MAX = 2, 30


def N_(message: str) -> str:
    """Marks a reason for the page catalogs (`make messages` extracts recruitment/ too); the text stays English."""
    return message


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


async def access_round(session: AsyncSession, round_id: uuid.UUID) -> Round:
    found = await session.get(Round, round_id)
    if found is None:
        raise NotFound("No such recruitment round.", field="round_id", rule="exists")
    return found


async def access_application(session: AsyncSession, principal: Principal, application_id: uuid.UUID) -> Application:
    """The application if the caller is its applicant or an admin; anyone else gets 404, not a hint it exists."""
    found = await session.get(Application, application_id)
    if found is None or (principal.role != "admin" and found.user_id != principal.user_id):
        raise NotFound("No such application.", field="application_id", rule="exists")
    return found


async def application_by_id(session: AsyncSession, application_id: uuid.UUID) -> Application:
    """For the platform's own steps (an exam graded by the scheduler), where no caller's access applies."""
    found = await session.get(Application, application_id)
    if found is None:
        raise NotFound("No such application.", field="application_id", rule="exists")
    return found


async def access_typing_test(
    session: AsyncSession, principal: Principal, test_id: uuid.UUID
) -> tuple[TypingTest, Application]:
    """The applicant's own typing test with its application, in one read; anyone else gets 404."""
    row = (
        await session.execute(
            select(TypingTest, Application)
            .join(Application, Application.id == TypingTest.application_id)
            .where(TypingTest.id == test_id)
        )
    ).first()
    if row is None or row[1].user_id != principal.user_id:
        raise NotFound("No such typing test.", field="test_id", rule="exists")
    return row[0], row[1]


async def access_module(session: AsyncSession, module_id: uuid.UUID, *, active_only: bool = True) -> TrainingModule:
    module = await session.get(TrainingModule, module_id)
    if module is None or (active_only and not module.active):
        raise NotFound("No such training module.", field="module_id", rule="exists")
    return module


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
            f"An application that is {application.status.value} cannot become {to.value}.",
            field="status",
            rule="transition",
        )
    _record(session, application, to, at=at, actor=actor, actor_id=actor_id, reason=reason)
    application.status = to
    application.status_reason = reason.text
    application.status_reason_code = reason.code
    application.status_reason_params = reason.params
    application.updated_at = at


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
            "The application was changed by someone else a moment ago; reload it and try again.",
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


async def certify(
    session: AsyncSession,
    application: Application,
    *,
    at: datetime,
    actor: Actor,
    actor_id: uuid.UUID | None,
    reason: Reason,
    tracks: Sequence[str] | None = None,
) -> ApplicationStatus:
    """Certifies the application for `tracks` (all it asked for when None) within the round's quota, or waitlists
    it holding those tracks. The seat is claimed by one conditional UPDATE, so concurrent certifications never
    exceed the quota. An application already certified only gains the new tracks. The caller commits.
    """
    passed = [t for t in application.tracks if t in (application.tracks if tracks is None else tracks)]
    application.passed_tracks = [t for t in application.tracks if t in {*application.passed_tracks, *passed}]
    if application.status == S.CERTIFIED:
        await _grant_certifications(session, application, at, actor=actor, actor_id=actor_id, reason=reason)
        return S.CERTIFIED
    claimed = (
        await session.execute(
            update(Round)
            .where(Round.id == application.round_id, Round.certified_count < Round.quota)
            .values(certified_count=Round.certified_count + 1)
            .returning(Round.id)
        )
    ).first()
    if claimed is not None:
        await _claim(session, application, at)
        _move(session, application, S.CERTIFIED, at=at, actor=actor, actor_id=actor_id, reason=reason)
        await _grant_certifications(session, application, at)
        return S.CERTIFIED
    if application.status != S.WAITLISTED:
        await _claim(session, application, at)
        _move(
            session,
            application,
            S.WAITLISTED,
            at=at,
            actor=actor,
            actor_id=actor_id,
            reason=because("quota_full"),
        )
    return S.WAITLISTED


async def _grant_certifications(
    session: AsyncSession,
    application: Application,
    at: datetime,
    *,
    actor: Actor | None = None,
    actor_id: uuid.UUID | None = None,
    reason: Reason | None = None,
) -> None:
    """Writes a certification for each passed track the person does not hold yet (the earliest one stays). With a
    reason, the tracks added to an already certified application are recorded on its timeline too."""
    held = set(await session.scalars(select(Certification.track).where(Certification.user_id == application.user_id)))
    new = [t for t in application.passed_tracks if t not in held]
    if not new:
        return
    rows = [
        {
            "id": uuid7(),
            "user_id": application.user_id,
            "track": t,
            "application_id": application.id,
            "round_id": application.round_id,
            "certified_at": at,
        }
        for t in new
    ]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # A concurrent certification of the same person and track (another round) keeps the first one.
    await session.execute(insert(Certification).values(rows).on_conflict_do_nothing())
    if reason is not None and actor is not None:
        _record(session, application, application.status, at=at, actor=actor, actor_id=actor_id, reason=reason)
        application.updated_at = at


async def record_exam_result(
    session: AsyncSession,
    application: Application,
    *,
    at: datetime,
    tracks: Sequence[str],
    score: str,
    passed: bool,
    attempts_used: int,
    out_of_attempts: bool,
) -> None:
    """What an exam's outcome does to the application: a pass certifies its tracks (within the quota); the last
    failed attempt of the only exam left rejects it. The exams service decides `out_of_attempts`; the caller
    commits."""
    if application.status not in EXAM_STAGES:
        return  # rejected or withdrawn while the exam ran: the result stands on the attempt, the application stays
    if passed:
        await certify(
            session,
            application,
            at=at,
            actor=Actor.SYSTEM,
            actor_id=None,
            reason=because("exam_passed", score=score, tracks=",".join(tracks)),
            tracks=tracks,
        )
    elif out_of_attempts and application.status == S.EXAM:
        await _claim(session, application, at)
        _system_move(session, application, S.REJECTED, at, "exam_failed_out", attempts=attempts_used)


@dataclass(frozen=True)
class CertificationView:
    track: str
    since: datetime
    round_id: uuid.UUID
    application_id: uuid.UUID


async def certifications(session: AsyncSession, user_id: uuid.UUID) -> list[CertificationView]:
    """The tracks a person may take shifts in, and since when."""
    rows = await session.scalars(
        select(Certification).where(Certification.user_id == user_id).order_by(Certification.certified_at)
    )
    return [CertificationView(c.track.value, c.certified_at, c.round_id, c.application_id) for c in rows]


async def _promote_waitlisted(session: AsyncSession, round_: Round, at: datetime) -> None:
    """Fills newly opened places with the earliest waitlisted applicants, in order, for the tracks they passed."""
    waiting = await session.scalars(
        select(Application)
        .where(Application.round_id == round_.id, Application.status == S.WAITLISTED)
        .order_by(Application.updated_at, Application.id)
    )
    for application in waiting:
        status = await certify(
            session,
            application,
            at=at,
            actor=Actor.SYSTEM,
            actor_id=None,
            reason=because("quota_opened"),
            tracks=application.passed_tracks or None,
        )
        if status != S.CERTIFIED:
            break


# --- rounds (admin) -----------------------------------------------------------------------------------------------


@dataclass
class RoundInput:
    """The editable fields of a round; None means "not given" in an update."""

    title: str | None = None
    description: str | None = None
    tracks: list[str] | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    quota: int | None = None
    min_age: int | None = None
    min_typing_cpm: int | None = None
    min_typing_accuracy: int | None = None
    typing_attempts: int | None = None
    student_preferred: bool | None = None
    training_module_ids: list[uuid.UUID] | None = None

    def given(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


ROUND_DEFAULTS: dict[str, Any] = {
    "description": "",
    "min_age": 18,
    "min_typing_cpm": 40,
    "min_typing_accuracy": 90,
    "typing_attempts": 3,
    "student_preferred": False,
    "training_module_ids": [],
}
ROUND_RANGES = {
    "quota": (1, 100_000),
    "min_age": (16, 100),
    "min_typing_cpm": (0, 600),
    "min_typing_accuracy": (0, 100),
    "typing_attempts": (1, 10),
}
EDITABLE_WHILE_OPEN = {"title", "description", "closes_at", "quota", "student_preferred"}


def _check_round_fields(values: dict[str, Any]) -> None:
    title = values.get("title")
    if title is not None and not (1 <= len(title.strip()) <= 120):
        raise InvalidInput("The title needs 1 to 120 characters.", field="title", rule="length")
    if "description" in values and len(values["description"]) > 5000:
        raise InvalidInput("The description may have at most 5000 characters.", field="description", rule="max_length")
    tracks = values.get("tracks")
    if tracks is not None:
        if not tracks:
            raise InvalidInput("Offer at least one track.", field="tracks", rule="not_empty")
        unknown = [t for t in tracks if t not in Track.__members__.values()]
        if unknown:
            raise InvalidInput("Tracks are pre_sales, after_sales and complaints.", field="tracks", rule="one_of")
        if len(set(tracks)) != len(tracks):
            raise InvalidInput("A track is listed twice.", field="tracks", rule="unique")
    for name, (low, high) in ROUND_RANGES.items():
        value = values.get(name)
        if value is not None and not (low <= value <= high):
            raise InvalidInput(f"{name} must be between {low} and {high}.", field=name, rule="range")
    for name in ("opens_at", "closes_at"):
        value = values.get(name)
        if value is not None and value.tzinfo is None:
            raise InvalidInput(f"{name} needs a timezone.", field=name, rule="timezone")
    if values.get("opens_at") and values.get("closes_at") and values["closes_at"] <= values["opens_at"]:
        raise InvalidInput("The round must close after it opens.", field="closes_at", rule="after_opens_at")


async def _set_modules(session: AsyncSession, round_id: uuid.UUID, module_ids: Sequence[uuid.UUID]) -> None:
    if len(set(module_ids)) != len(module_ids):
        raise InvalidInput("A training module is listed twice.", field="training_module_ids", rule="unique")
    if module_ids:
        found = set(
            await session.scalars(
                select(TrainingModule.id).where(TrainingModule.id.in_(module_ids), TrainingModule.active.is_(True))
            )
        )
        if found != set(module_ids):
            raise InvalidInput(
                "Every required module must exist and be active.", field="training_module_ids", rule="exists"
            )
    existing = await session.scalars(select(RoundTrainingModule).where(RoundTrainingModule.round_id == round_id))
    for link in existing:
        await session.delete(link)
    await session.flush()
    for position, module_id in enumerate(module_ids):
        session.add(RoundTrainingModule(round_id=round_id, module_id=module_id, position=position))


async def create_round(session: AsyncSession, kit: SecurityKit, principal: Principal, data: RoundInput) -> Round:
    values = {**ROUND_DEFAULTS, **data.given()}
    for required in ("title", "tracks", "opens_at", "closes_at", "quota"):
        if values.get(required) is None:
            raise InvalidInput(f"{required} is required.", field=required, rule="required")
    _check_round_fields(values)
    module_ids = values.pop("training_module_ids")
    now = kit.clock.now()
    round_ = Round(
        id=uuid7(),
        **{k: v for k, v in values.items() if k != "title"},
        title=values["title"].strip(),
        status=RoundStatus.DRAFT,
        certified_count=0,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(round_)
    await session.flush()
    await _set_modules(session, round_.id, module_ids)
    await session.commit()
    return round_


async def update_round(session: AsyncSession, kit: SecurityKit, round_id: uuid.UUID, data: RoundInput) -> Round:
    """Drafts change freely; an open round only in title, description, closing time, quota and preference; a
    closed round only in its quota, so applicants still in its pipeline (waitlisted ones) can be given places.
    """
    round_ = await access_round(session, round_id)
    changes = data.given()
    if round_.status == RoundStatus.CLOSED and set(changes) - {"quota"}:
        raise Conflict("A closed round can only change its quota.", field="status", rule="closed")
    if round_.status == RoundStatus.OPEN:
        frozen = sorted(set(changes) - EDITABLE_WHILE_OPEN)
        if frozen:
            raise Conflict(
                f"{frozen[0]} cannot change while the round is open.", field=frozen[0], rule="frozen_while_open"
            )
    merged = {
        "opens_at": round_.opens_at,
        "closes_at": round_.closes_at,
        **changes,
    }
    _check_round_fields(merged)
    if "quota" in changes and changes["quota"] < round_.certified_count:
        raise InvalidInput(
            f"{round_.certified_count} applicants are already certified; the quota cannot be lower.",
            field="quota",
            rule="below_certified",
        )
    if round_.status == RoundStatus.OPEN and "closes_at" in changes and changes["closes_at"] <= kit.clock.now():
        raise InvalidInput("An open round must close in the future.", field="closes_at", rule="future")
    module_ids = changes.pop("training_module_ids", None)
    for name, value in changes.items():
        setattr(round_, name, value.strip() if name == "title" else value)
    round_.updated_at = kit.clock.now()
    if module_ids is not None:
        await _set_modules(session, round_.id, module_ids)
    if "quota" in changes:
        await session.flush()
        await _promote_waitlisted(session, round_, kit.clock.now())
    await session.commit()
    return round_


async def open_round(session: AsyncSession, kit: SecurityKit, round_id: uuid.UUID) -> Round:
    round_ = await access_round(session, round_id)
    if round_.status != RoundStatus.DRAFT:
        raise Conflict(
            f"Only a draft round can open; this one is {round_.status.value}.", field="status", rule="not_draft"
        )
    if round_.closes_at <= kit.clock.now():
        raise InvalidInput("The round's closing time has already passed.", field="closes_at", rule="future")
    round_.status = RoundStatus.OPEN
    round_.updated_at = kit.clock.now()
    await session.commit()
    return round_


async def close_round(session: AsyncSession, kit: SecurityKit, round_id: uuid.UUID) -> Round:
    round_ = await access_round(session, round_id)
    if round_.status != RoundStatus.OPEN:
        raise Conflict(
            f"Only an open round can close; this one is {round_.status.value}.", field="status", rule="not_open"
        )
    round_.status = RoundStatus.CLOSED
    round_.updated_at = kit.clock.now()
    await session.commit()
    return round_


async def close_expired_rounds(session: AsyncSession, kit: SecurityKit) -> int:
    """Scheduled: open rounds past their closing time become closed. Idempotent, safe on several instances."""
    result = await session.execute(
        update(Round)
        .where(Round.status == RoundStatus.OPEN, Round.closes_at <= kit.clock.now())
        .values(status=RoundStatus.CLOSED, updated_at=kit.clock.now())
    )
    await session.commit()
    return result.rowcount or 0


async def list_rounds(session: AsyncSession, status: str | None = None) -> list[Round]:
    query = select(Round).order_by(Round.opens_at.desc(), Round.id)
    if status is not None:
        if status not in RoundStatus.__members__.values():
            raise InvalidInput("status is draft, open or closed.", field="status", rule="one_of")
        query = query.where(Round.status == status)
    return list(await session.scalars(query))


async def list_open_rounds(session: AsyncSession, kit: SecurityKit) -> list[Round]:
    """Rounds taking applications right now: open, and inside their window."""
    now = kit.clock.now()
    return list(
        await session.scalars(
            select(Round)
            .where(Round.status == RoundStatus.OPEN, Round.opens_at <= now, Round.closes_at > now)
            .order_by(Round.closes_at, Round.id)
        )
    )


async def round_module_ids(session: AsyncSession, round_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Required module ids of several rounds in one query."""
    ids = list(round_ids)
    result: dict[uuid.UUID, list[uuid.UUID]] = {i: [] for i in ids}
    if ids:
        rows = await session.execute(
            select(RoundTrainingModule.round_id, RoundTrainingModule.module_id)
            .where(RoundTrainingModule.round_id.in_(ids))
            .order_by(RoundTrainingModule.round_id, RoundTrainingModule.position)
        )
        for round_id, module_id in rows.all():
            result[round_id].append(module_id)
    return result


# --- applying -----------------------------------------------------------------------------------------------------


@dataclass
class ApplicationInput:
    legal_name: str
    id_number: str
    phone: str
    is_student: bool
    tracks: list[str] = field(default_factory=list)


def _check_legal_name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not (NAME_MIN <= len(name) <= NAME_MAX):
        raise InvalidInput(
            f"The legal name needs {NAME_MIN} to {NAME_MAX} characters.", field="legal_name", rule="length"
        )
    if any(ch.isdigit() for ch in name) or any(ch in "<>{}[]@#$%^&*=+|\\/" for ch in name):
        raise InvalidInput("The legal name may not contain digits or symbols.", field="legal_name", rule="format")
    return name


async def submit_application(
    session: AsyncSession,
    kit: SecurityKit,
    provider: IdentityProvider,
    principal: Principal,
    round_id: uuid.UUID,
    data: ApplicationInput,
) -> Application:
    """Checks every rule that needs no outside service, records the application, then asks the identity provider.

    A provider that is down leaves the application in identity_pending with a retry time; the scheduled job
    `retry_identity_checks` picks it up.
    """
    if principal.role != "worker":
        raise PermissionDenied("Only freelancer accounts apply.", field="role", rule="role_required")
    user = await accounts.get_user(session, principal.user_id)
    if not accounts.in_good_standing(user):
        raise PermissionDenied("Only accounts in good standing may apply.", field="standing", rule="good_standing")
    round_ = await access_round(session, round_id)
    now = kit.clock.now()
    if round_.status != RoundStatus.OPEN or not (round_.opens_at <= now < round_.closes_at):
        raise Conflict("This round is not taking applications.", field="round_id", rule="not_open")
    legal_name = _check_legal_name(data.legal_name)
    today = business_today(kit.clock)
    resident_id = parse_resident_id(data.id_number, today)
    if age_on(resident_id.birth_date, today) < round_.min_age:
        raise InvalidInput(
            f"Applicants must be at least {round_.min_age} on the day they apply.", field="id_number", rule="min_age"
        )
    phone = accounts.normalize_phone(data.phone)
    if phone is None:
        raise InvalidInput("The phone must be an 11-digit mainland mobile number.", field="phone", rule="format")
    if not data.tracks:
        raise InvalidInput("Choose at least one track.", field="tracks", rule="not_empty")
    if len(set(data.tracks)) != len(data.tracks) or any(t not in round_.tracks for t in data.tracks):
        raise InvalidInput("Choose tracks this round offers, each once.", field="tracks", rule="offered")
    id_hash = kit.cipher.lookup_hash(resident_id.number)
    await _check_person(session, principal.user_id, round_.id, id_hash)

    application = Application(
        id=uuid7(),
        round_id=round_.id,
        user_id=principal.user_id,
        legal_name=legal_name,
        id_number_encrypted=kit.cipher.encrypt(resident_id.number),
        id_hash=id_hash,
        id_number_masked=resident_id.masked,
        birth_date=resident_id.birth_date,
        phone=phone,
        is_student=data.is_student,
        tracks=[t for t in Track if t in data.tracks],
        status=S.SUBMITTED,
        status_reason="",
        identity_attempts=0,
        passed_tracks=[],
        typing_attempts_used=0,
        created_at=now,
        updated_at=now,
    )
    session.add(application)
    session.add(
        ApplicationEvent(
            application_id=application.id,
            at=now,
            from_status=None,
            to_status=S.SUBMITTED,
            actor=Actor.APPLICANT,
            actor_id=principal.user_id,
            reason=because("submitted").text,
            reason_code="submitted",
        )
    )
    _system_move(session, application, S.IDENTITY_PENDING, now, "identity_checking")
    try:
        await session.commit()
    except IntegrityError as exc:  # a concurrent application won the race the checks above could not see
        await session.rollback()
        if "user_id" in str(exc.orig):
            raise Conflict(
                "This account has already applied to this round.", field="round_id", rule="already_applied"
            ) from exc
        raise Conflict("This person has already applied to this round.", field="id_number", rule="duplicate") from exc
    await _run_identity_check(session, kit, provider, application, resident_id)
    return application


async def _check_person(session: AsyncSession, user_id: uuid.UUID, round_id: uuid.UUID, id_hash: str) -> None:
    """One application per real person per round, one account per real person, one person per account."""
    if await session.scalar(
        select(Application.id).where(Application.round_id == round_id, Application.id_hash == id_hash)
    ):
        raise Conflict("This person has already applied to this round.", field="id_number", rule="duplicate")
    if await session.scalar(
        select(Application.id).where(Application.round_id == round_id, Application.user_id == user_id)
    ):
        raise Conflict("This account has already applied to this round.", field="round_id", rule="already_applied")
    bound = await session.get(PersonIdentity, id_hash)
    if bound is not None and bound.user_id != user_id:
        raise Conflict("This ID number belongs to another account.", field="id_number", rule="another_account")
    mine = await session.scalar(select(PersonIdentity.id_hash).where(PersonIdentity.user_id == user_id))
    if mine is not None and mine != id_hash:
        raise Conflict("This account is verified as another person.", field="id_number", rule="another_person")


async def _run_identity_check(
    session: AsyncSession,
    kit: SecurityKit,
    provider: IdentityProvider,
    application: Application,
    resident_id: ResidentId,
) -> None:
    """Asks the provider (no transaction open meanwhile) and records the outcome."""
    try:
        verdict: IdentityVerdict | None = await provider.verify(application.legal_name, resident_id)
        problem = ""
    except IdentityUnavailable as exc:
        verdict, problem = None, str(exc)
    now = kit.clock.now()
    application = await session.get(Application, application.id, populate_existing=True)
    assert application is not None
    if application.status != S.IDENTITY_PENDING:  # withdrawn or decided meanwhile
        return
    application.identity_attempts += 1
    if verdict is None:
        application.identity_retry_at = now + timedelta(minutes=kit.settings.identity_recheck_minutes)
        waiting = because("identity_unavailable", detail=problem)
        application.status_reason = waiting.text
        application.status_reason_code, application.status_reason_params = waiting.code, waiting.params
        application.updated_at = now
        await session.commit()
        return
    application.identity_retry_at = None
    if not verdict.matched:
        _system_move(session, application, S.SCREENING_FAILED, now, "identity_mismatch", detail=verdict.reason)
        await session.commit()
        return
    bound = await session.get(PersonIdentity, application.id_hash)
    if bound is not None and bound.user_id != application.user_id:
        # verified on another account after this application passed its checks (both applied at once)
        _system_move(session, application, S.SCREENING_FAILED, now, "identity_taken")
        await session.commit()
        return
    if bound is None:
        session.add(PersonIdentity(id_hash=application.id_hash, user_id=application.user_id, verified_at=now))
    _system_move(session, application, S.TYPING, now, "identity_verified")
    application_id, id_hash, user_id = application.id, application.id_hash, application.user_id
    try:
        await session.commit()
    except IntegrityError:
        # A binding was made a moment earlier. The same person on the same account (applying to two rounds at
        # once) is fine; another account for this person, or another person for this account, is not.
        await session.rollback()  # expires everything: read again by the ids kept above
        application = await session.get(Application, application_id, populate_existing=True)
        assert application is not None
        if application.status != S.IDENTITY_PENDING:  # withdrawn or decided meanwhile
            return
        bound = await session.get(PersonIdentity, id_hash, populate_existing=True)
        application.identity_attempts += 1
        application.identity_retry_at = None
        if bound is not None and bound.user_id == user_id:
            _system_move(session, application, S.TYPING, now, "identity_verified")
        else:
            code = "identity_taken" if bound is not None else "identity_other_person"
            _system_move(session, application, S.SCREENING_FAILED, now, code)
        await session.commit()


async def retry_identity_checks(
    session: AsyncSession, kit: SecurityKit, provider: IdentityProvider, limit: int = 50
) -> int:
    """Scheduled: re-asks the provider for applications waiting in identity_pending whose retry time has come.

    Each application is claimed by a conditional UPDATE that pushes its retry time forward, so two instances
    running this job never check the same application twice. Returns how many were checked.
    """
    now = kit.clock.now()
    due = list(
        await session.scalars(
            select(Application.id)
            .where(Application.status == S.IDENTITY_PENDING, Application.identity_retry_at <= now)
            .order_by(Application.identity_retry_at)
            .limit(limit)
        )
    )
    checked = 0
    for application_id in due:
        lease = now + timedelta(minutes=kit.settings.identity_recheck_minutes)
        claimed = await session.execute(
            update(Application)
            .where(
                Application.id == application_id,
                Application.status == S.IDENTITY_PENDING,
                Application.identity_retry_at <= now,
            )
            .values(identity_retry_at=lease)
            .returning(Application.id_number_encrypted)
        )
        row = claimed.first()
        await session.commit()
        if row is None:
            continue
        application = await session.get(Application, application_id, populate_existing=True)
        assert application is not None
        number = kit.cipher.decrypt(row[0])
        await _run_identity_check(session, kit, provider, application, ResidentId(number, application.birth_date))
        checked += 1
    return checked


async def withdraw_application(
    session: AsyncSession, kit: SecurityKit, principal: Principal, application_id: uuid.UUID, reason: str = ""
) -> Application:
    application = await access_application(session, principal, application_id)
    if application.user_id != principal.user_id:
        raise PermissionDenied("Only the applicant can withdraw.", field="application_id", rule="applicant_only")
    if S.WITHDRAWN in TRANSITIONS.get(application.status, frozenset()):
        await _claim(session, application, kit.clock.now())
    _move(
        session,
        application,
        S.WITHDRAWN,
        at=kit.clock.now(),
        actor=Actor.APPLICANT,
        actor_id=principal.user_id,
        reason=said(reason) if (reason or "").strip() else because("withdrawn"),
    )
    await session.commit()
    return application


async def my_applications(session: AsyncSession, principal: Principal) -> list[tuple[Application, Round]]:
    rows = await session.execute(
        select(Application, Round)
        .join(Round, Round.id == Application.round_id)
        .where(Application.user_id == principal.user_id)
        .order_by(Application.created_at.desc())
    )
    return [(a, r) for a, r in rows.all()]


async def timeline(session: AsyncSession, application_id: uuid.UUID) -> list[ApplicationEvent]:
    return list(
        await session.scalars(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == application_id)
            .order_by(ApplicationEvent.at, ApplicationEvent.id)
        )
    )


# --- admin review -------------------------------------------------------------------------------------------------


@dataclass
class ApplicationFilter:
    status: str | None = None
    track: str | None = None
    is_student: bool | None = None
    sort: str | None = None
    limit: int = 50
    offset: int = 0


# Sorting by status follows the pipeline, not the alphabet.
PIPELINE_ORDER = case({status: n for n, status in enumerate(S)}, value=Application.status, else_=len(S))
ORDERINGS: dict[str, tuple[Any, ...]] = {
    "created_at": (Application.created_at, Application.id),
    "-created_at": (Application.created_at.desc(), Application.id.desc()),
    "legal_name": (Application.legal_name, Application.id),
    "status": (PIPELINE_ORDER, Application.created_at),
    "age": (Application.birth_date.desc(), Application.id),
    "-age": (Application.birth_date, Application.id),
}


def _review_query(round_: Round, filters: ApplicationFilter) -> Any:
    if filters.status is not None and filters.status not in S.__members__.values():
        raise InvalidInput("Unknown status.", field="status", rule="one_of")
    if filters.track is not None and filters.track not in Track.__members__.values():
        raise InvalidInput("Unknown track.", field="track", rule="one_of")
    if filters.sort is not None and filters.sort not in ORDERINGS:
        raise InvalidInput(f"sort is one of {', '.join(sorted(ORDERINGS))}.", field="sort", rule="one_of")
    if not (1 <= filters.limit <= 500):
        raise InvalidInput("limit is 1 to 500.", field="limit", rule="range")
    if filters.offset < 0:
        raise InvalidInput("offset is at least 0.", field="offset", rule="range")
    query = select(Application).where(Application.round_id == round_.id)
    if filters.status:
        query = query.where(Application.status == filters.status)
    if filters.is_student is not None:
        query = query.where(Application.is_student.is_(filters.is_student))
    if filters.track:
        # tracks are a JSON list of fixed names; its text form holds each as "name" on every database
        query = query.where(cast(Application.tracks, String).like(f'%"{filters.track}"%'))
    return query


async def review_applications(
    session: AsyncSession, round_id: uuid.UUID, filters: ApplicationFilter
) -> tuple[list[Application], int]:
    """The round's applications, filtered and sorted (students first by default where the round prefers them)."""
    round_ = await access_round(session, round_id)
    query = _review_query(round_, filters)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    ordering = ORDERINGS[filters.sort or "created_at"]
    if round_.student_preferred and filters.sort is None:
        ordering = (Application.is_student.desc(), *ordering)
    rows = await session.scalars(query.order_by(*ordering).limit(filters.limit).offset(filters.offset))
    return list(rows), total or 0


async def count_by_status(session: AsyncSession, round_id: uuid.UUID) -> dict[str, int]:
    """How many of the round's applications stand at each status, in one query (statuses with none are left out)."""
    rows = await session.execute(
        select(Application.status, func.count()).where(Application.round_id == round_id).group_by(Application.status)
    )
    return {status.value: n for status, n in rows.all()}


async def reject_application(
    session: AsyncSession, kit: SecurityKit, principal: Principal, application_id: uuid.UUID, reason: str
) -> Application:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("A rejection needs a reason the applicant will read.", field="reason", rule="required")
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"The reason may have at most {REASON_MAX} characters.", field="reason", rule="max_length")
    application = await access_application(session, principal, application_id)
    if S.REJECTED in TRANSITIONS.get(application.status, frozenset()):
        await _claim(session, application, kit.clock.now())
    _move(
        session,
        application,
        S.REJECTED,
        at=kit.clock.now(),
        actor=Actor.ADMIN,
        actor_id=principal.user_id,
        reason=said(reason),
    )
    await session.commit()
    return application


async def advance_application(
    session: AsyncSession, kit: SecurityKit, principal: Principal, application_id: uuid.UUID, reason: str = ""
) -> Application:
    """An admin moves an application one step along the happy path (certification still respects the quota)."""
    application = await access_application(session, principal, application_id)
    target = ADVANCE.get(application.status)
    if target is None:
        raise Conflict(f"A {application.status.value} application cannot advance.", field="status", rule="transition")
    now = kit.clock.now()
    why = said(reason) if (reason or "").strip() else because("advanced", status=target.value)
    if target == S.CERTIFIED:  # claims the round's seat, then the application
        await certify(session, application, at=now, actor=Actor.ADMIN, actor_id=principal.user_id, reason=why)
    elif target == S.TRAINING:
        await _claim(session, application, now)
        await _enter_training(session, application, at=now, actor=Actor.ADMIN, actor_id=principal.user_id, reason=why)
    else:
        await _claim(session, application, now)
        if target == S.TYPING:
            bound = await session.get(PersonIdentity, application.id_hash)
            if bound is not None and bound.user_id != application.user_id:
                raise Conflict(
                    "This person is already verified on another account.", field="id_number", rule="another_account"
                )
            if bound is None:
                session.add(PersonIdentity(id_hash=application.id_hash, user_id=application.user_id, verified_at=now))
        _move(session, application, target, at=now, actor=Actor.ADMIN, actor_id=principal.user_id, reason=why)
    id_hash = application.id_hash
    try:
        await session.commit()
    except IntegrityError as exc:  # binding the person (identity_pending -> typing) collided with another binding
        await session.rollback()
        if await session.get(PersonIdentity, id_hash) is not None:
            raise Conflict(
                "This person is already verified on another account.", field="id_number", rule="another_account"
            ) from exc
        raise Conflict(
            "This account is already verified as another person.", field="id_number", rule="another_person"
        ) from exc
    return application


@dataclass(frozen=True)
class BulkResult:
    id: uuid.UUID
    ok: bool
    status: str | None = None
    rule: str | None = None
    detail: str | None = None


async def bulk_review(
    session: AsyncSession, kit: SecurityKit, principal: Principal, ids: Sequence[uuid.UUID], action: str, reason: str
) -> list[BulkResult]:
    """Advances or rejects each application on its own; one that cannot move is reported, the others still move."""
    if action not in ("advance", "reject"):
        raise InvalidInput("action is advance or reject.", field="action", rule="one_of")
    if not ids or len(ids) > 500:
        raise InvalidInput("Give 1 to 500 application ids.", field="ids", rule="length")
    if len(set(ids)) != len(ids):
        raise InvalidInput("An application id is listed twice.", field="ids", rule="unique")
    if action == "reject" and not (reason or "").strip():
        raise InvalidInput("A rejection needs a reason the applicant will read.", field="reason", rule="required")
    results = []
    for application_id in ids:
        try:
            if action == "advance":
                done = await advance_application(session, kit, principal, application_id, reason)
            else:
                done = await reject_application(session, kit, principal, application_id, reason)
            results.append(BulkResult(application_id, True, done.status.value))
        except DomainError as exc:
            await session.rollback()
            rule = exc.errors[0].rule if exc.errors else exc.slug
            results.append(BulkResult(application_id, False, None, rule, exc.detail))
    return results


CSV_COLUMNS = (
    "id",
    "legal_name",
    "id_number_masked",
    "age",
    "phone",
    "is_student",
    "tracks",
    "status",
    "status_reason",
    "created_at",
)


async def export_csv(session: AsyncSession, kit: SecurityKit, round_id: uuid.UUID, filters: ApplicationFilter) -> str:
    """The filtered applications as CSV (UTF-8 with a BOM so spreadsheet programs read the Chinese right)."""
    filters.limit, filters.offset = 500, 0
    today = business_today(kit.clock)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    offset = 0
    while True:
        filters.offset = offset
        rows, total = await review_applications(session, round_id, filters)
        for a in rows:
            writer.writerow(
                [
                    a.id,
                    _csv_safe(a.legal_name),
                    a.id_number_masked,
                    age_on(a.birth_date, today),
                    a.phone,
                    "yes" if a.is_student else "no",
                    " ".join(a.tracks),
                    a.status.value,
                    _csv_safe(a.status_reason),
                    a.created_at.isoformat(),
                ]
            )
        offset += len(rows)
        if offset >= total or not rows:
            return out.getvalue()


def _csv_safe(value: str) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @ is prefixed so it stays text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


# --- typing test --------------------------------------------------------------------------------------------------


def score_typing(passage: str, typed: str, seconds: float) -> tuple[int, int]:
    """(characters per minute, accuracy in basis points), computed from the server's own timing.

    Whitespace is ignored on both sides. Accuracy is 1 - edit distance / passage length, so skipping half the
    passage costs half the accuracy; speed counts only the correct characters (passage length - distance).
    """
    want = "".join(passage.split())
    got = "".join(typed.split())
    distance = Levenshtein.distance(want, got)
    correct = max(0, len(want) - distance)
    accuracy_bp = max(0, round(10000 * correct / len(want))) if want else 0
    cpm = round(correct * 60 / max(seconds, 1.0))
    return cpm, accuracy_bp


@dataclass(frozen=True)
class TypingOutcome:
    test: TypingTest
    application: Application
    attempts_left: int


def typing_attempts_left(application: Application, round_: Round) -> int:
    return max(0, round_.typing_attempts - application.typing_attempts_used)


async def start_typing_test(
    session: AsyncSession, kit: SecurityKit, principal: Principal, application_id: uuid.UUID
) -> TypingOutcome:
    """Issues a passage and starts the server's clock. An unfinished test still in time is handed back as it is,
    so reloading the page does not cost an attempt; starting a new one uses an attempt.
    """
    application = await access_application(session, principal, application_id)
    if application.user_id != principal.user_id:
        raise PermissionDenied(
            "Only the applicant takes the typing test.", field="application_id", rule="applicant_only"
        )
    if application.status != S.TYPING:
        raise Conflict(
            f"The typing test is not open for a {application.status.value} application.",
            field="status",
            rule="not_typing",
        )
    round_ = await access_round(session, application.round_id)
    now = kit.clock.now()
    running = await session.scalar(
        select(TypingTest).where(TypingTest.application_id == application.id, TypingTest.submitted_at.is_(None))
    )
    if running is not None and running.deadline > now:
        return TypingOutcome(running, application, typing_attempts_left(application, round_))
    if running is not None:
        await _fail_late_test(session, kit, running, application, round_)
        if application.status != S.TYPING:
            await session.commit()
            raise Conflict("The last typing attempt ran out of time.", field="status", rule="not_typing")
    claimed = (
        await session.execute(
            update(Application)
            .where(
                Application.id == application.id,
                Application.status == S.TYPING,
                # the count read above: of two starts at once (a double click), only one uses an attempt
                Application.typing_attempts_used == application.typing_attempts_used,
                Application.typing_attempts_used < round_.typing_attempts,
            )
            .values(typing_attempts_used=Application.typing_attempts_used + 1, updated_at=now)
            .returning(Application.typing_attempts_used)
        )
    ).first()
    if claimed is None:
        # another start won the race: hand back the test it started (this statement sees it committed)
        running = await session.scalar(
            select(TypingTest).where(
                TypingTest.application_id == application.id,
                TypingTest.submitted_at.is_(None),
                TypingTest.deadline > now,
            )
        )
        if running is not None:
            await session.refresh(application)
            return TypingOutcome(running, application, typing_attempts_left(application, round_))
        await session.rollback()
        raise Conflict("No typing attempts are left.", field="application_id", rule="no_attempts_left")
    test = TypingTest(
        id=uuid7(),
        application_id=application.id,
        passage=random.choice(PASSAGES),  # noqa: S311 - a passage, not a secret
        started_at=now,
        deadline=now + TYPING_TIME_LIMIT,
    )
    session.add(test)
    await session.commit()
    await session.refresh(application)
    return TypingOutcome(test, application, typing_attempts_left(application, round_))


async def _fail_late_test(
    session: AsyncSession, kit: SecurityKit, test: TypingTest, application: Application, round_: Round
) -> None:
    now = kit.clock.now()
    test.submitted_at = now
    test.typed_chars, test.cpm, test.accuracy_bp, test.passed = 0, 0, 0, False
    _reject_when_out_of_attempts(session, application, round_, now)


def _reject_when_out_of_attempts(session: AsyncSession, application: Application, round_: Round, at: datetime) -> None:
    """After a failed typing attempt: the last one allowed rejects the application, if it is still at the typing
    step (one withdrawn or rejected while the test ran stays as it is)."""
    if application.status == S.TYPING and application.typing_attempts_used >= round_.typing_attempts:
        _system_move(session, application, S.REJECTED, at, "typing_failed_out", attempts=round_.typing_attempts)


async def submit_typing_test(
    session: AsyncSession, kit: SecurityKit, principal: Principal, test_id: uuid.UUID, text: str
) -> TypingOutcome:
    """Scores the text on the server's clock; passing moves on to training, the last failure rejects."""
    if len(text) > TYPED_TEXT_MAX:
        raise InvalidInput(f"The text may have at most {TYPED_TEXT_MAX} characters.", field="text", rule="max_length")
    test, application = await access_typing_test(session, principal, test_id)
    round_ = await access_round(session, application.round_id)
    now = kit.clock.now()
    claimed = (
        await session.execute(
            update(TypingTest)
            .where(TypingTest.id == test.id, TypingTest.submitted_at.is_(None))
            .values(submitted_at=now)
            .returning(TypingTest.id)
        )
    ).first()
    if claimed is None:
        await session.rollback()
        raise Conflict("This typing test was already submitted.", field="test_id", rule="already_submitted")
    await session.refresh(test)
    if now > test.deadline:
        await _fail_late_test(session, kit, test, application, round_)
        await session.commit()
        raise InvalidInput(
            "The time for this typing test is over; it counts as a failed attempt.", field="test_id", rule="deadline"
        )
    seconds = (now - test.started_at).total_seconds()
    cpm, accuracy_bp = score_typing(test.passage, text, seconds)
    passed = cpm >= round_.min_typing_cpm and accuracy_bp >= round_.min_typing_accuracy * 100
    test.typed_chars, test.cpm, test.accuracy_bp, test.passed = len(text), cpm, accuracy_bp, passed
    if passed and application.status == S.TYPING:
        await _enter_training(
            session,
            application,
            at=now,
            actor=Actor.SYSTEM,
            actor_id=None,
            reason=because("typing_passed", cpm=cpm, accuracy=f"{accuracy_bp / 100:.1f}"),
        )
    elif not passed:
        _reject_when_out_of_attempts(session, application, round_, now)
    await session.commit()
    return TypingOutcome(test, application, typing_attempts_left(application, round_))


# --- training -----------------------------------------------------------------------------------------------------


@dataclass
class ModuleInput:
    title: str | None = None
    body_markdown: str | None = None
    min_reading_seconds: int | None = None
    active: bool | None = None


def _check_module(values: dict[str, Any]) -> None:
    if "title" in values and not (1 <= len(values["title"].strip()) <= 120):
        raise InvalidInput("The title needs 1 to 120 characters.", field="title", rule="length")
    if "body_markdown" in values and not (1 <= len(values["body_markdown"]) <= 100_000):
        raise InvalidInput("The content needs 1 to 100000 characters.", field="body_markdown", rule="length")
    seconds = values.get("min_reading_seconds")
    if seconds is not None and not (0 <= seconds <= 7200):
        raise InvalidInput("The minimum reading time is 0 to 7200 seconds.", field="min_reading_seconds", rule="range")


async def create_module(session: AsyncSession, kit: SecurityKit, data: ModuleInput) -> TrainingModule:
    values = {k: v for k, v in data.__dict__.items() if v is not None}
    for required in ("title", "body_markdown", "min_reading_seconds"):
        if required not in values:
            raise InvalidInput(f"{required} is required.", field=required, rule="required")
    _check_module(values)
    now = kit.clock.now()
    module = TrainingModule(
        id=uuid7(),
        title=values["title"].strip(),
        body_markdown=values["body_markdown"],
        min_reading_seconds=values["min_reading_seconds"],
        active=values.get("active", True),
        created_at=now,
        updated_at=now,
    )
    session.add(module)
    await session.commit()
    return module


async def update_module(
    session: AsyncSession, kit: SecurityKit, module_id: uuid.UUID, data: ModuleInput
) -> TrainingModule:
    module = await access_module(session, module_id, active_only=False)
    values = {k: v for k, v in data.__dict__.items() if v is not None}
    _check_module(values)
    if values.get("active") is False and module.active:
        in_use = await session.scalar(
            select(Round.title)
            .join(RoundTrainingModule, RoundTrainingModule.round_id == Round.id)
            .where(RoundTrainingModule.module_id == module.id, Round.status != RoundStatus.CLOSED)
            .limit(1)
        )
        if in_use is not None:  # its trainees could never finish: take it out of the round first
            raise Conflict(f"The round “{in_use}” requires this module.", field="active", rule="required_by_round")
    for name, value in values.items():
        setattr(module, name, value.strip() if name == "title" else value)
    module.updated_at = kit.clock.now()
    await session.commit()
    return module


async def list_modules(session: AsyncSession) -> list[TrainingModule]:
    return list(await session.scalars(select(TrainingModule).order_by(TrainingModule.created_at, TrainingModule.id)))


@dataclass(frozen=True)
class ModuleProgress:
    module: TrainingModule
    started_at: datetime | None
    completed_at: datetime | None
    seconds_left: int

    @property
    def body_html(self) -> str:
        return render_markdown(self.module.body_markdown)


def _progress(module: TrainingModule, progress: TrainingProgress | None, now: datetime) -> ModuleProgress:
    if progress is None:
        return ModuleProgress(module, None, None, module.min_reading_seconds)
    read = (now - progress.started_at).total_seconds()
    left = 0 if progress.completed_at else max(0, int(module.min_reading_seconds - read + 0.999))
    return ModuleProgress(module, progress.started_at, progress.completed_at, left)


async def my_training(session: AsyncSession, kit: SecurityKit, principal: Principal) -> list[ModuleProgress]:
    """The modules the caller's applications still in the pipeline require, in the rounds' order."""
    round_ids = list(
        await session.scalars(
            select(Application.round_id).where(
                Application.user_id == principal.user_id,
                Application.status.in_([S.SUBMITTED, S.IDENTITY_PENDING, S.TYPING, S.TRAINING, S.EXAM]),
            )
        )
    )
    ordered: list[uuid.UUID] = []
    for module_ids in (await round_module_ids(session, round_ids)).values():
        ordered += [m for m in module_ids if m not in ordered]
    if not ordered:
        return []
    modules = {m.id: m for m in await session.scalars(select(TrainingModule).where(TrainingModule.id.in_(ordered)))}
    progress = {
        p.module_id: p
        for p in await session.scalars(
            select(TrainingProgress).where(
                TrainingProgress.user_id == principal.user_id, TrainingProgress.module_id.in_(ordered)
            )
        )
    }
    now = kit.clock.now()
    return [_progress(modules[m], progress.get(m), now) for m in ordered if m in modules]


async def _reading(session: AsyncSession, user_id: uuid.UUID, module_id: uuid.UUID) -> TrainingProgress | None:
    """The person's reading of a module, if they ever opened it."""
    return await session.scalar(
        select(TrainingProgress).where(TrainingProgress.user_id == user_id, TrainingProgress.module_id == module_id)
    )


async def open_module(
    session: AsyncSession, kit: SecurityKit, principal: Principal, module_id: uuid.UUID
) -> ModuleProgress:
    """Opening a module starts its reading clock (once: reopening keeps the first start)."""
    module = await access_module(session, module_id)
    progress = await _reading(session, principal.user_id, module_id)
    if progress is None:
        progress = TrainingProgress(
            id=uuid7(), user_id=principal.user_id, module_id=module.id, started_at=kit.clock.now()
        )
        session.add(progress)
        try:
            await session.commit()
        except IntegrityError:  # opened in another tab at the same moment
            await session.rollback()  # expires `module`: load it again rather than touch it
            module = await access_module(session, module_id)
            progress = await _reading(session, principal.user_id, module_id)
    return _progress(module, progress, kit.clock.now())


async def complete_module(
    session: AsyncSession, kit: SecurityKit, principal: Principal, module_id: uuid.UUID
) -> tuple[ModuleProgress, list[Application]]:
    """Marks a module read once its minimum reading time has passed; applications whose training is then complete
    move on to the exam. Returns the progress and the applications that moved.
    """
    module = await access_module(session, module_id)
    progress = await _reading(session, principal.user_id, module_id)
    now = kit.clock.now()
    if progress is None:
        raise InvalidInput("Open the module and read it first.", field="module_id", rule="not_started")
    # The caller's applications in training are locked first (PostgreSQL): two modules completed at once (two
    # tabs) then take turns, so the later one sees the earlier completion and unlocks the exam.
    in_training = list(
        await session.scalars(
            select(Application)
            .where(Application.user_id == principal.user_id, Application.status == S.TRAINING)
            .with_for_update()
        )
    )
    if progress.completed_at is None:
        left = _progress(module, progress, now).seconds_left
        if left > 0:
            raise InvalidInput(
                f"Keep reading: {left} more seconds before this module can be completed.",
                field="module_id",
                rule="min_reading_time",
            )
        progress.completed_at = now
        await session.flush()
    moved = []
    for application in in_training:
        if not await _training_done(session, principal.user_id, application.round_id):
            continue
        if await _try_claim(session, application, now):
            _system_move(session, application, S.EXAM, now, "exam_unlocked")
            moved.append(application)
    await session.commit()
    return _progress(module, progress, now), moved
