"""Certification: an application that passed is certified for its tracks within the round's quota, or waits on
the round's waitlist until a place opens; the exam's outcome lands here; and the certifications a person holds
(the tracks they may take shifts in)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.db import uuid7
from recruitment.models import Actor, Application, ApplicationStatus, Certification, Round
from recruitment.pipeline import EXAM_STAGES, Reason, S, _claim, _move, _record, _system_move, because


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
    exceed the quota. An application already certified only gains the new tracks.
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
    failed attempt of the only exam left rejects it. The exams service decides `out_of_attempts`. Claims the
    application with a conditional UPDATE (and the round's seat with another), so call it in the unit of work that
    records the attempt's result."""
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


def certified_for(user_id: uuid.UUID | ColumnElement[Any], track: ColumnElement[Any] | str) -> ColumnElement[bool]:
    """SQL that is true when the person holds a certification for `track`: for a statement of another domain that
    decides in one round trip (the shift booking), without reading our table. `user_id` and `track` may be values,
    bound parameters or another table's columns."""
    return exists().where(Certification.user_id == user_id, Certification.track == track)


async def promote_waitlisted(session: AsyncSession, round_: Round, at: datetime) -> None:
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
