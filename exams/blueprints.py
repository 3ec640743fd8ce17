"""Exam blueprints: how many questions of each category an exam draws, and how it runs (time limit, pass mark,
attempts, cool-down, shuffling, what the candidate sees afterwards). One per round, or per round and track.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from exams.bank import active_counts
from exams.models import Blueprint, QuestionCategory
from exams.schemas import BLUEPRINT_RANGES, PER_CATEGORY_MAX, TITLE_MAX, BlueprintIn, BlueprintPatch
from gigplatform.clock import Clock
from gigplatform.db import uuid7
from gigplatform.errors import N_, Conflict, FieldError, InvalidInput, NotFound
from gigplatform.security import Principal
from recruitment import service as recruitment


@dataclass
class BlueprintInput:
    title: str | None = None
    round_id: uuid.UUID | None = None
    track: str | None = None
    per_category: dict[str, int] | None = None
    shuffle_options: bool | None = None
    time_limit_minutes: int | None = None
    pass_mark: int | None = None
    attempts_allowed: int | None = None
    cooldown_hours: int | None = None
    show_answers: bool | None = None
    partial_credit: bool | None = None

    def given(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def of(cls, data: BlueprintIn | BlueprintPatch) -> BlueprintInput:
        """The API's (and the editor's) Struct as the verbs' input."""
        values = {name: getattr(data, name) for name in data.__struct_fields__}
        if values.get("per_category") is not None:
            values["per_category"] = {str(k): v for k, v in values["per_category"].items()}
        return cls(**values)


BLUEPRINT_DEFAULTS: dict[str, Any] = {
    "shuffle_options": True,
    "time_limit_minutes": 30,
    "pass_mark": 80,
    "attempts_allowed": 3,
    "cooldown_hours": 24,
    "show_answers": False,
    "partial_credit": False,
}


RANGE_WORDS = {
    "time_limit_minutes": N_("The time limit is %(low)s to %(high)s minutes."),
    "pass_mark": N_("The pass mark is %(low)s to %(high)s percent."),
    "attempts_allowed": N_("Attempts allowed are %(low)s to %(high)s."),
    "cooldown_hours": N_("The cool-down is %(low)s to %(high)s hours."),
}
"""Each setting's range in words, its numbers from `BLUEPRINT_RANGES`: the service's refusal, and the editor's words
when the form's Struct refuses the number first."""


def out_of_range(name: str) -> FieldError:
    low, high = BLUEPRINT_RANGES[name]
    template, params = RANGE_WORDS[name], {"low": low, "high": high}
    return FieldError(name, "range", template % params, template, params)


async def _check_blueprint(session: AsyncSession, values: dict[str, Any], blueprint_id: uuid.UUID | None) -> None:
    title = values.get("title")
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= TITLE_MAX:
        raise InvalidInput(N_("The title needs 1 to 120 characters."), field="title", rule="length")
    for name, (low, high) in BLUEPRINT_RANGES.items():
        if not low <= values[name] <= high:
            raise InvalidInput(out_of_range(name).message, errors=[out_of_range(name)])
    per_category = values.get("per_category") or {}
    unknown = sorted(set(per_category) - set(QuestionCategory.__members__.values()))
    if unknown:
        raise InvalidInput(N_("Unknown category."), field="per_category", rule="one_of", extra={"category": unknown[0]})
    if any(not isinstance(n, int) or n < 0 or n > PER_CATEGORY_MAX for n in per_category.values()):
        raise InvalidInput(N_("Each category draws 0 to 200 questions."), field="per_category", rule="range")
    if sum(per_category.values()) < 1:
        raise InvalidInput(N_("An exam draws at least one question."), field="per_category", rule="not_empty")
    available = await active_counts(session)
    short = [c for c, n in sorted(per_category.items()) if n > available.get(c, 0)]
    if short:
        raise InvalidInput(
            N_("The bank has fewer active questions in a category than asked for: see the counts next to each number."),
            field="per_category",
            rule="not_enough_questions",
            extra={"category": short[0], "available": available.get(short[0], 0), "asked": per_category[short[0]]},
        )
    round_id, track = values.get("round_id"), values.get("track")
    if track is not None and round_id is None:
        raise InvalidInput(
            N_("An exam for one track belongs to a round: choose the round."), field="round_id", rule="required"
        )
    if round_id is not None:
        round_ = await recruitment.round_by_id(session, round_id)
        if track is not None and track not in round_.tracks:
            raise InvalidInput(N_("The round does not offer this track."), field="track", rule="offered")
        same_place = select(Blueprint.id).where(
            Blueprint.round_id == round_id, Blueprint.track.is_(None) if track is None else Blueprint.track == track
        )
        if blueprint_id is not None:
            same_place = same_place.where(Blueprint.id != blueprint_id)
        clash = await session.scalar(same_place)
        if clash is not None:
            raise Conflict(N_("This round (and track) already has an exam blueprint."), field="round_id", rule="unique")


async def create_blueprint(session: AsyncSession, clock: Clock, data: BlueprintInput) -> Blueprint:
    """Checks the blueprint against the bank and the round, then writes it. Takes no lock: the check that a round
    (and track) has no blueprint yet is a read, as the pages and the API have always had it."""
    values = {**BLUEPRINT_DEFAULTS, **data.given()}
    await _check_blueprint(session, values, None)
    now = clock.now()
    blueprint = Blueprint(id=uuid7(), created_at=now, updated_at=now, **{**values, "title": values["title"].strip()})
    session.add(blueprint)
    await session.flush()
    return blueprint


async def blueprint_by_id(session: AsyncSession, blueprint_id: uuid.UUID) -> Blueprint:
    """A blueprint for the domain's own steps (no actor to check)."""
    blueprint = await session.get(Blueprint, blueprint_id)
    if blueprint is None:
        raise NotFound(N_("No such exam blueprint."), field="blueprint_id", rule="exists")
    return blueprint


async def access_blueprint(session: AsyncSession, actor: Principal, blueprint_id: uuid.UUID) -> Blueprint:
    """The blueprint for an admin; anyone else, like a missing id, gets the one 404."""
    if actor.role != "admin":
        raise NotFound(N_("No such exam blueprint."), field="blueprint_id", rule="exists")
    return await blueprint_by_id(session, blueprint_id)


async def update_blueprint(
    session: AsyncSession, clock: Clock, actor: Principal, blueprint_id: uuid.UUID, data: BlueprintInput
) -> Blueprint:
    """Changes the given settings; attempts already started keep the settings copied into them."""
    blueprint = await access_blueprint(session, actor, blueprint_id)
    current = {name: getattr(blueprint, name) for name in BlueprintInput.__dataclass_fields__}
    values = {**current, **data.given()}
    await _check_blueprint(session, values, blueprint.id)
    for name, value in data.given().items():
        setattr(blueprint, name, value.strip() if name == "title" else value)
    blueprint.updated_at = clock.now()
    return blueprint


async def list_blueprints(session: AsyncSession, round_id: uuid.UUID | None = None) -> list[Blueprint]:
    query = select(Blueprint).order_by(Blueprint.created_at, Blueprint.id)
    if round_id is not None:
        query = query.where(Blueprint.round_id == round_id)
    return list(await session.scalars(query))
