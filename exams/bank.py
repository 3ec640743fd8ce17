"""The question bank: validated questions kept in versions, searched and retired.

Editing a question's content writes its next version and leaves the old one untouched, so an attempt that holds
a version id keeps exactly what it was asked. Verbs write on the caller's transaction and never commit.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from exams.models import Question, QuestionCategory, QuestionType, QuestionVersion
from exams.schemas import (
    CODE_MAX,
    CODE_PATTERN,
    DIALOGUE_MAX,
    DIFFICULTY,
    EXPLANATION_MAX,
    OFFSET_MAX,
    OPTION_KEY_MAX,
    OPTIONS_MAX,
    OPTIONS_MIN,
    PAGE_LIMIT_MAX,
    PROMPT_MAX,
    TEXT_MAX,
    QuestionIn,
    QuestionPatch,
)
from gigplatform.clock import Clock
from gigplatform.db import uuid7
from gigplatform.errors import N_, Conflict, FieldError, InvalidInput, NotFound
from gigplatform.security import Principal

CONTENT_FIELDS = ("category", "type", "difficulty", "prompt", "dialogue", "options", "explanation")
OPTION_KEYS = "ABCDEF"
# A question joined with the wording it is asked in now.
IS_CURRENT = and_(QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.current_version)


@dataclass
class QuestionInput:
    """A question as given by an admin, a JSON file or a CSV row; None means "not given" in an update."""

    code: str | None = None
    category: str | None = None
    type: str | None = None
    difficulty: int | None = None
    prompt: str | None = None
    dialogue: list[dict[str, Any]] | None = None
    options: list[dict[str, Any]] | None = None
    explanation: str | None = None
    active: bool | None = None

    def given(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def of(cls, data: QuestionIn | QuestionPatch) -> QuestionInput:
        """The API's Struct as the verbs' input (options and dialogue turns as the plain dicts a file holds)."""
        values: dict[str, Any] = {}
        for name in data.__struct_fields__:
            value = getattr(data, name)
            if isinstance(value, list):
                value = [{f: getattr(item, f) for f in item.__struct_fields__} for item in value]
            values[name] = value
        return cls(**values)


def question_problems(values: dict[str, Any]) -> list[FieldError]:
    """Every rule a complete question breaks (not just the first), so an import report is useful. Each rule's words
    are its message template (`N_`), which the pages translate."""
    found: list[FieldError] = []

    def bad(field_name: str, rule: str, template: str, **params: Any) -> None:
        found.append(FieldError(field_name, rule, template % params if params else template, template, params or None))

    code = values.get("code")
    if code is not None and not (isinstance(code, str) and len(code) <= CODE_MAX and re.match(CODE_PATTERN, code)):
        bad("code", "format", N_("The code is 1 to 40 letters, digits, '-', '_' or '.'."))
    if values.get("category") not in QuestionCategory.__members__.values():
        bad("category", "one_of", N_("Choose a category."))
    kind = values.get("type")
    if kind not in QuestionType.__members__.values():
        bad("type", "one_of", N_("Choose a question type."))
    difficulty = values.get("difficulty")
    if (
        not isinstance(difficulty, int)
        or isinstance(difficulty, bool)
        or not DIFFICULTY[0] <= difficulty <= DIFFICULTY[1]
    ):
        bad("difficulty", "range", N_("The difficulty is a whole number from 1 to 5."))
    prompt = values.get("prompt")
    if not isinstance(prompt, str) or not 1 <= len(prompt.strip()) <= PROMPT_MAX:
        bad("prompt", "length", N_("The question needs 1 to 2000 characters."))
    explanation = values.get("explanation", "")
    if not isinstance(explanation, str) or len(explanation) > EXPLANATION_MAX:
        bad("explanation", "length", N_("The explanation may have at most 2000 characters."))
    dialogue = values.get("dialogue") or []
    if not isinstance(dialogue, list) or any(
        not isinstance(t, dict) or t.get("speaker") not in ("buyer", "agent") or not str(t.get("text", "")).strip()
        for t in dialogue
    ):
        bad("dialogue", "format", N_("Each dialogue turn is {speaker: buyer|agent, text}."))
    elif kind == QuestionType.SCENARIO and not 1 <= len(dialogue) <= DIALOGUE_MAX:
        bad("dialogue", "required", N_("A scenario question needs a dialogue of 1 to 12 turns."))
    elif kind != QuestionType.SCENARIO and dialogue:
        bad("dialogue", "scenario_only", N_("Only scenario questions carry a dialogue."))
    elif any(len(str(t["text"])) > TEXT_MAX for t in dialogue):
        bad("dialogue", "length", N_("A dialogue turn has at most %(limit)s characters."), limit=TEXT_MAX)
    options = values.get("options")
    if not isinstance(options, list) or any(
        not isinstance(o, dict) or not str(o.get("text", "")).strip() or not isinstance(o.get("correct"), bool)
        for o in options
    ):
        bad("options", "format", N_("Each option is {key, text, correct: true|false}."))
        return found
    keys = [str(o.get("key", "")) for o in options]
    correct = sum(o["correct"] for o in options)
    if any(len(k) > OPTION_KEY_MAX for k in keys) or any(len(str(o["text"])) > TEXT_MAX for o in options):
        bad(
            "options",
            "length",
            N_("An option's key has at most %(key)s characters and its text at most %(text)s."),
            key=OPTION_KEY_MAX,
            text=TEXT_MAX,
        )
    if len(set(keys)) != len(keys) or any(not k for k in keys):
        bad("options", "unique_keys", N_("Every option needs its own letter."))
    count = N_("A single-answer question has 2 to 6 options; a multiple-answer question 3 to 6.")
    if kind == QuestionType.TRUE_FALSE:
        if sorted(keys) != ["F", "T"] or correct != 1:
            bad("options", "true_false", N_("A true/false question has options T and F, one of them correct."))
    elif kind in (QuestionType.SINGLE, QuestionType.SCENARIO):
        if not OPTIONS_MIN <= len(options) <= OPTIONS_MAX:
            bad("options", "count", count)
        if correct != 1:
            bad("options", "exactly_one_correct", N_("A single-answer question has exactly one correct option."))
    elif kind == QuestionType.MULTIPLE:
        if not 3 <= len(options) <= OPTIONS_MAX:
            bad("options", "count", count)
        if correct < 2:
            bad("options", "at_least_two_correct", N_("A multiple-answer question has at least two correct options."))
    return found


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    content = {k: values.get(k) for k in CONTENT_FIELDS}
    content["category"], content["type"] = QuestionCategory(content["category"]), QuestionType(content["type"])
    content["prompt"] = content["prompt"].strip()
    content["explanation"] = (content.get("explanation") or "").strip()
    content["dialogue"] = [{"speaker": t["speaker"], "text": str(t["text"]).strip()} for t in content["dialogue"] or []]
    content["options"] = [
        {"key": str(o["key"]), "text": str(o["text"]).strip(), "correct": o["correct"]} for o in content["options"]
    ]
    return content


def _raise_first(problems: list[FieldError]) -> None:
    if problems:
        raise InvalidInput(problems[0].message, errors=problems)


def current_questions() -> Select[tuple[Question, QuestionVersion]]:
    return select(Question, QuestionVersion).join(QuestionVersion, IS_CURRENT)


async def access_question(
    session: AsyncSession, actor: Principal, question_id: uuid.UUID
) -> tuple[Question, QuestionVersion]:
    """The question and its current wording for an admin; anyone else, like a missing id, gets the one 404."""
    row = None
    if actor.role == "admin":
        row = (await session.execute(current_questions().where(Question.id == question_id))).first()
    if row is None:
        raise NotFound(N_("No such question."), field="question_id", rule="exists")
    return row[0], row[1]


def _version(
    question: Question, number: int, content: dict[str, Any], actor: Principal, clock: Clock
) -> QuestionVersion:
    return QuestionVersion(
        id=uuid7(),
        question_id=question.id,
        version=number,
        created_at=clock.now(),
        created_by=actor.user_id,
        **content,
    )


async def create_question(
    session: AsyncSession, clock: Clock, actor: Principal, data: QuestionInput
) -> tuple[Question, QuestionVersion]:
    """Writes the question and its version 1. A code taken already is a 409 (checked first; the unique index is
    the last word if two admins race, and the edge's transaction then fails as a whole)."""
    values = {"explanation": "", "dialogue": [], **data.given()}
    _raise_first(question_problems(values))
    code = values.get("code") or f"q-{uuid7().hex[-10:]}"
    if await session.scalar(select(Question.id).where(Question.code == code)):
        raise Conflict(N_("Another question has this code."), field="code", rule="unique")
    now = clock.now()
    question = Question(
        id=uuid7(), code=code, current_version=1, active=values.get("active", True), created_at=now, updated_at=now
    )
    session.add(question)
    await session.flush()
    version = _version(question, 1, _clean(values), actor, clock)
    session.add(version)
    return question, version


async def update_question(
    session: AsyncSession, clock: Clock, actor: Principal, question_id: uuid.UUID, data: QuestionInput
) -> tuple[Question, QuestionVersion]:
    """Changed content writes the next version; retiring or restoring (active) does not. Takes no lock: two admins
    saving at once race on the (question, version) unique index, and the later transaction fails whole."""
    question, current = await access_question(session, actor, question_id)
    changes = data.given()
    if "code" in changes and changes["code"] != question.code:
        raise InvalidInput(N_("A question's code cannot change."), field="code", rule="immutable")
    merged = {**{k: getattr(current, k) for k in CONTENT_FIELDS}, **changes}
    merged["category"], merged["type"] = str(merged["category"]), str(merged["type"])
    _raise_first(question_problems(merged))
    content = _clean(merged)
    old = {k: getattr(current, k) for k in CONTENT_FIELDS}
    old["category"], old["type"] = current.category.value, current.type.value
    if content != old:
        current = _version(question, question.current_version + 1, content, actor, clock)
        session.add(current)
        question.current_version += 1
    if "active" in changes:
        question.active = changes["active"]
    question.updated_at = clock.now()
    return question, current


@dataclass
class QuestionFilter:
    category: str | None = None
    type: str | None = None
    active: bool | None = None
    search: str | None = None
    limit: int = 50
    offset: int = 0


async def list_questions(
    session: AsyncSession, filters: QuestionFilter
) -> tuple[list[tuple[Question, QuestionVersion]], int]:
    if filters.category is not None and filters.category not in QuestionCategory.__members__.values():
        raise InvalidInput(N_("Unknown category."), field="category", rule="one_of")
    if filters.type is not None and filters.type not in QuestionType.__members__.values():
        raise InvalidInput(N_("Unknown question type."), field="type", rule="one_of")
    if not 1 <= filters.limit <= PAGE_LIMIT_MAX:
        raise InvalidInput("limit is 1 to %(max)s.", field="limit", rule="range", params={"max": PAGE_LIMIT_MAX})
    if not 0 <= filters.offset <= OFFSET_MAX:
        raise InvalidInput("offset is 0 to %(max)s.", field="offset", rule="range", params={"max": OFFSET_MAX})
    query = current_questions()
    if filters.category:
        query = query.where(QuestionVersion.category == filters.category)
    if filters.type:
        query = query.where(QuestionVersion.type == filters.type)
    if filters.active is not None:
        query = query.where(Question.active.is_(filters.active))
    if filters.search and filters.search.strip():
        needle = f"%{filters.search.strip()}%"
        query = query.where(
            or_(
                QuestionVersion.prompt.ilike(needle),
                Question.code.ilike(needle),
                QuestionVersion.explanation.ilike(needle),
            )
        )
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.execute(query.order_by(Question.code).limit(filters.limit).offset(filters.offset))
    return [(q, v) for q, v in rows.all()], total or 0


async def question_versions(session: AsyncSession, actor: Principal, question_id: uuid.UUID) -> list[QuestionVersion]:
    """Every wording the question has had, oldest first."""
    await access_question(session, actor, question_id)
    return list(
        await session.scalars(
            select(QuestionVersion).where(QuestionVersion.question_id == question_id).order_by(QuestionVersion.version)
        )
    )


async def active_counts(session: AsyncSession) -> dict[str, int]:
    """How many questions in use each category holds: what a blueprint can draw from."""
    rows = await session.execute(
        select(QuestionVersion.category, func.count())
        .join(Question, IS_CURRENT)
        .where(Question.active.is_(True))
        .group_by(QuestionVersion.category)
    )
    return {category.value: n for category, n in rows.all()}
