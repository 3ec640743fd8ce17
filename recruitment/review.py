"""Reviewing a round's applications: filters and sorting, counts by status, rejecting and advancing (one by one
or in bulk), and the CSV export."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.clock import Clock
from gigplatform.errors import N_, Conflict, DomainError, InvalidInput
from gigplatform.limits import checked
from gigplatform.security import FieldCipher, Principal
from recruitment import schemas
from recruitment.applying import shown_id_number
from recruitment.certification import certify
from recruitment.models import Actor, Application, PersonIdentity, Round, Track
from recruitment.pipeline import (
    ADVANCE,
    TRANSITIONS,
    S,
    _claim,
    _enter_training,
    _move,
    access_application,
    because,
    bind_person,
    said,
    write_first,
)
from recruitment.rounds import round_by_id

LIMIT_MAX = 500
OFFSET_MAX = 1_000_000  # far past any round's applications, and well inside every database's integer


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
    "age": (Application.age_at_application, Application.created_at.desc(), Application.id),
    "-age": (Application.age_at_application.desc(), Application.created_at, Application.id),
}


def _review_query(round_: Round, filters: ApplicationFilter) -> Any:
    if filters.status is not None and filters.status not in S.__members__.values():
        raise InvalidInput("Unknown status.", field="status", rule="one_of")
    if filters.track is not None and filters.track not in Track.__members__.values():
        raise InvalidInput("Unknown track.", field="track", rule="one_of")
    if filters.sort is not None and filters.sort not in ORDERINGS:
        raise InvalidInput(f"sort is one of {', '.join(sorted(ORDERINGS))}.", field="sort", rule="one_of")
    if not (1 <= filters.limit <= LIMIT_MAX):
        raise InvalidInput(
            N_("limit is %(least)s to %(most)s."), field="limit", rule="range", params={"least": 1, "most": LIMIT_MAX}
        )
    if not (0 <= filters.offset <= OFFSET_MAX):
        raise InvalidInput(
            N_("offset is %(least)s to %(most)s."),
            field="offset",
            rule="range",
            params={"least": 0, "most": OFFSET_MAX},
        )
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
    round_ = await round_by_id(session, round_id)
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
    session: AsyncSession, clock: Clock, principal: Principal, application_id: uuid.UUID, reason: str
) -> Application:
    """An admin ends an application with words the applicant reads; the application is claimed with a
    conditional UPDATE first, so a rejection racing another step does not overwrite it."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("A rejection needs a reason the applicant will read.", field="reason", rule="required")
    checked(reason, schemas.Reason, "reason")
    application = await access_application(session, principal, application_id)
    if S.REJECTED in TRANSITIONS.get(application.status, frozenset()):
        await _claim(session, application, clock.now())
    _move(
        session,
        application,
        S.REJECTED,
        at=clock.now(),
        actor=Actor.ADMIN,
        actor_id=principal.user_id,
        reason=said(reason),
    )
    return application


async def advance_application(
    session: AsyncSession, clock: Clock, principal: Principal, application_id: uuid.UUID, reason: str = ""
) -> Application:
    """An admin moves an application one step along the happy path (certification still respects the quota).

    Claims the application (and a round's seat when certifying) with conditional UPDATEs; binding the person on
    identity_pending -> typing is flushed in a savepoint, so a concurrent binding becomes a 409 and the caller's
    transaction survives it."""
    application = await access_application(session, principal, application_id)
    target = ADVANCE.get(application.status)
    if target is None:
        raise Conflict(f"A {application.status.value} application cannot advance.", field="status", rule="transition")
    now = clock.now()
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
            if bound is None and not await bind_person(session, application, now):
                # a concurrent binding of this person, or of another person to this account, came first
                if await session.get(PersonIdentity, application.id_hash, populate_existing=True) is not None:
                    raise Conflict(
                        "This person is already verified on another account.",
                        field="id_number",
                        rule="another_account",
                    )
                raise Conflict(
                    "This account is already verified as another person.", field="id_number", rule="another_person"
                )
        _move(session, application, target, at=now, actor=Actor.ADMIN, actor_id=principal.user_id, reason=why)
    return application


@dataclass(frozen=True)
class BulkResult:
    id: uuid.UUID
    ok: bool
    status: str | None = None
    rule: str | None = None
    detail: str | None = None


async def bulk_review(
    session: AsyncSession, clock: Clock, principal: Principal, ids: Sequence[uuid.UUID], action: str, reason: str
) -> list[BulkResult]:
    """Advances or rejects each application on its own, each in a savepoint: one that cannot move is reported and
    its writes dropped, the others still move."""
    if action not in ("advance", "reject"):
        raise InvalidInput("action is advance or reject.", field="action", rule="one_of")
    checked(list(ids), schemas.BulkIds, "ids")
    if len(set(ids)) != len(ids):
        raise InvalidInput("An application id is listed twice.", field="ids", rule="unique")
    if action == "reject" and not (reason or "").strip():
        raise InvalidInput("A rejection needs a reason the applicant will read.", field="reason", rule="required")
    results = []
    await write_first(session)  # each item's savepoint reads before it writes
    for application_id in ids:
        try:
            async with session.begin_nested():
                if action == "advance":
                    done = await advance_application(session, clock, principal, application_id, reason)
                else:
                    done = await reject_application(session, clock, principal, application_id, reason)
                await session.flush()
            results.append(BulkResult(application_id, True, done.status.value))
        except DomainError as exc:
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


async def export_csv(
    session: AsyncSession, cipher: FieldCipher, round_id: uuid.UUID, filters: ApplicationFilter
) -> str:
    """The filtered applications as CSV (UTF-8 with a BOM so spreadsheet programs read the Chinese right); the age
    is the age on the day of applying."""
    filters.limit, filters.offset = 500, 0
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
                    shown_id_number(cipher, a),
                    a.age_at_application,
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
