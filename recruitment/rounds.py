"""Recruitment rounds: an admin drafts a round, opens it for applications and closes it (or the clock does);
freelancers see the rounds taking applications. A draft is the admin's alone."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.params import FromPath
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.clock import Clock
from gigplatform.db import DbSession, uuid7
from gigplatform.errors import N_, Conflict, FieldError, InvalidInput, NotFound
from gigplatform.events import record_event
from gigplatform.limits import check_fields
from gigplatform.security import CurrentPrincipal, Principal
from recruitment import schemas
from recruitment.certification import promote_waitlisted
from recruitment.models import Round, RoundStatus, RoundTrainingModule, TrainingModule

# --- access -------------------------------------------------------------------------------------------------------


async def round_by_id(session: AsyncSession, round_id: uuid.UUID) -> Round:
    """For the platform's own steps and for rounds reached through an object already accessed (an application's
    round), where no caller's access applies."""
    found = await session.get(Round, round_id)
    if found is None:
        raise NotFound(N_("No such recruitment round."), field="round_id", rule="exists")
    return found


async def access_round(session: AsyncSession, actor: Principal, round_id: uuid.UUID) -> Round:
    """The round as `actor` may see it: an admin sees every round, anyone else only rounds that left the draft
    stage; a draft answers 404 like a missing round, so its existence does not leak."""
    found = await session.get(Round, round_id)
    if found is None or (actor.role != "admin" and found.status == RoundStatus.DRAFT):
        raise NotFound(N_("No such recruitment round."), field="round_id", rule="exists")
    return found


async def provide_round(round_id: FromPath[uuid.UUID], db_session: DbSession, principal: CurrentPrincipal) -> Round:
    """A dependency for handlers with a `{round_id}` path: `access_round` for the caller, before the handler runs.
    Use as `dependencies={"round_": Provide(provide_round)}`."""
    return await access_round(db_session, principal, round_id)


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
REQUIRED = {
    "title": N_("Enter a title."),
    "tracks": N_("Offer at least one track."),
    "opens_at": N_("Enter when the round opens."),
    "closes_at": N_("Enter when the round closes."),
    "quota": N_("Enter how many people this round certifies."),
}
EDITABLE_WHILE_OPEN = {"title", "description", "closes_at", "quota", "student_preferred"}
# A round's dates lie between the platform's first year and two years ahead: anything else is a typo (or a probe:
# year 9999 with a -14:00 offset is past what a datetime can hold in UTC).
EARLIEST_DATE = datetime(2020, 1, 1, tzinfo=UTC)
HORIZON = timedelta(days=2 * 365)


def _check_dates(values: dict[str, Any], now: datetime) -> None:
    """Each given date within [EARLIEST_DATE, now + HORIZON]; checked before any arithmetic on the value."""
    latest = now + HORIZON
    for name in ("opens_at", "closes_at"):
        value = values.get(name)
        if value is None:
            continue
        if value.tzinfo is None:
            raise InvalidInput(N_("Enter a date and time."), field=name, rule="timezone")
        if not (EARLIEST_DATE <= value <= latest):
            raise InvalidInput(
                N_("Enter a date between %(earliest)s and %(latest)s."),
                field=name,
                rule="range",
                params={"earliest": EARLIEST_DATE.date().isoformat(), "latest": latest.date().isoformat()},
            )


def _broken(field: str, rule: str, template: str, **params: Any) -> FieldError:
    return FieldError(field, rule, template % params if params else template, template, params or None)


def _check_round_fields(values: dict[str, Any]) -> None:
    """Every rule each given field breaks, all at once (one per field), so a form shows them in one go: the limits
    RoundPatch states (for a caller without the Struct), then what a schema cannot say."""
    problems: list[FieldError] = []
    try:
        check_fields(schemas.RoundPatch, values)
    except InvalidInput as exc:
        problems += exc.errors
    tracks = values.get("tracks")
    if tracks is not None and "tracks" not in {p.field for p in problems} and len(set(tracks)) != len(tracks):
        problems.append(_broken("tracks", "unique", N_("A track is listed twice.")))
    if values.get("opens_at") and values.get("closes_at") and values["closes_at"] <= values["opens_at"]:
        problems.append(_broken("closes_at", "after_opens_at", N_("The round must close after it opens.")))
    if problems:
        raise InvalidInput("; ".join(f"{p.field}: {p.message}" for p in problems), errors=problems)


def check_round(values: dict[str, Any], now: datetime) -> None:
    """The round's rules on whichever fields are given (dates, text, tracks, numbers), every broken one at once: a
    form that could not read some of its fields still shows what is wrong with the others."""
    problems: list[FieldError] = []
    for check in (lambda: _check_dates(values, now), lambda: _check_round_fields(values)):
        try:
            check()
        except InvalidInput as exc:
            problems += exc.errors
    if problems:
        raise InvalidInput("; ".join(f"{p.field}: {p.message}" for p in problems), errors=problems)


async def _set_modules(session: AsyncSession, round_id: uuid.UUID, module_ids: Sequence[uuid.UUID]) -> None:
    if len(set(module_ids)) != len(module_ids):
        raise InvalidInput(N_("A training module is listed twice."), field="training_module_ids", rule="unique")
    if module_ids:
        found = set(
            await session.scalars(
                select(TrainingModule.id).where(TrainingModule.id.in_(module_ids), TrainingModule.active.is_(True))
            )
        )
        if found != set(module_ids):
            raise InvalidInput(
                N_("Every required module must exist and be active."), field="training_module_ids", rule="exists"
            )
    existing = await session.scalars(select(RoundTrainingModule).where(RoundTrainingModule.round_id == round_id))
    for link in existing:
        await session.delete(link)
    await session.flush()
    for position, module_id in enumerate(module_ids):
        session.add(RoundTrainingModule(round_id=round_id, module_id=module_id, position=position))


async def create_round(session: AsyncSession, clock: Clock, principal: Principal, data: RoundInput) -> Round:
    values = {**ROUND_DEFAULTS, **data.given()}
    missing = [_broken(name, "required", words) for name, words in REQUIRED.items() if values.get(name) is None]
    if missing:
        raise InvalidInput("; ".join(f"{p.field}: {p.message}" for p in missing), errors=missing)
    _check_dates(values, clock.now())
    _check_round_fields(values)
    module_ids = values.pop("training_module_ids")
    now = clock.now()
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
    return round_


async def update_round(session: AsyncSession, clock: Clock, round_id: uuid.UUID, data: RoundInput) -> Round:
    """Drafts change freely; an open round only in title, description, closing time, quota and preference; a
    closed round only in its quota, so applicants still in its pipeline (waitlisted ones) can be given places.
    A higher quota certifies waitlisted applicants at once, each seat claimed by a conditional UPDATE.
    """
    round_ = await round_by_id(session, round_id)
    changes = data.given()
    if round_.status == RoundStatus.CLOSED and set(changes) - {"quota"}:
        raise Conflict(N_("A closed round can only change its quota."), field="status", rule="closed")
    if round_.status == RoundStatus.OPEN:
        frozen = sorted(set(changes) - EDITABLE_WHILE_OPEN)
        if frozen:
            raise Conflict(N_("This cannot change while the round is open."), field=frozen[0], rule="frozen_while_open")
    _check_dates(changes, clock.now())
    merged = {
        "opens_at": round_.opens_at,
        "closes_at": round_.closes_at,
        **changes,
    }
    _check_round_fields(merged)
    if "quota" in changes and changes["quota"] < round_.certified_count:
        raise InvalidInput(
            N_("More applicants are already certified than this quota allows."),
            field="quota",
            rule="below_certified",
        )
    if round_.status == RoundStatus.OPEN and "closes_at" in changes and changes["closes_at"] <= clock.now():
        raise InvalidInput(N_("The closing time must be in the future."), field="closes_at", rule="future")
    module_ids = changes.pop("training_module_ids", None)
    for name, value in changes.items():
        setattr(round_, name, value.strip() if name == "title" else value)
    round_.updated_at = clock.now()
    if module_ids is not None:
        await _set_modules(session, round_.id, module_ids)
    if "quota" in changes:
        await session.flush()
        await promote_waitlisted(session, round_, clock.now())
    return round_


async def open_round(session: AsyncSession, clock: Clock, round_id: uuid.UUID) -> Round:
    """A draft starts taking applications (from its opening time) once the admin opens it."""
    round_ = await round_by_id(session, round_id)
    if round_.status != RoundStatus.DRAFT:
        raise Conflict(N_("Only a draft round can be opened."), field="status", rule="not_draft")
    if round_.closes_at <= clock.now():
        raise InvalidInput(N_("The closing time must be in the future."), field="closes_at", rule="future")
    round_.status = RoundStatus.OPEN
    round_.updated_at = clock.now()
    record_event(session, "round.opened", round_id=round_.id)
    return round_


async def close_round(session: AsyncSession, clock: Clock, round_id: uuid.UUID) -> Round:
    """An open round stops taking applications; those already in its pipeline go on."""
    round_ = await round_by_id(session, round_id)
    if round_.status != RoundStatus.OPEN:
        raise Conflict(N_("Only an open round can be closed."), field="status", rule="not_open")
    round_.status = RoundStatus.CLOSED
    round_.updated_at = clock.now()
    record_event(session, "round.closed", round_id=round_.id)
    return round_


async def close_expired_rounds(session: AsyncSession, clock: Clock) -> int:
    """Scheduled: open rounds past their closing time become closed, in one conditional UPDATE. Idempotent, safe on
    several instances."""
    result = await session.execute(
        update(Round)
        .where(Round.status == RoundStatus.OPEN, Round.closes_at <= clock.now())
        .values(status=RoundStatus.CLOSED, updated_at=clock.now())
    )
    return result.rowcount or 0


async def list_rounds(session: AsyncSession, status: str | None = None) -> list[Round]:
    query = select(Round).order_by(Round.opens_at.desc(), Round.id)
    if status is not None:
        if status not in RoundStatus.__members__.values():
            raise InvalidInput(N_("Unknown status."), field="status", rule="one_of")
        query = query.where(Round.status == status)
    return list(await session.scalars(query))


async def list_open_rounds(session: AsyncSession, clock: Clock) -> list[Round]:
    """Rounds taking applications right now: open, and inside their window."""
    now = clock.now()
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
