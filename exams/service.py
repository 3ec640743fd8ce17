"""The question bank: validated questions kept in versions, searched, retired, imported and exported.

Editing a question's content writes its next version and leaves the old one untouched, so an attempt that holds
a version id keeps exactly what it was asked. Import takes every valid row and reports each rejected one with the
field and rule it broke; nothing of a rejected row is written.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from exams.models import (
    AttemptItem,
    AttemptStatus,
    Blueprint,
    ExamAttempt,
    Question,
    QuestionCategory,
    QuestionType,
    QuestionVersion,
    SubmittedBy,
)
from gigplatform.db import uuid7
from gigplatform.errors import Conflict, DomainError, FieldError, InvalidInput, NotFound, PermissionDenied
from gigplatform.security import Principal, SecurityKit
from recruitment import service as recruitment

BANK_FORMAT = "gigplatform-question-bank"
CONTENT_FIELDS = ("category", "type", "difficulty", "prompt", "dialogue", "options", "explanation")
OPTION_KEYS = "ABCDEF"
CSV_OPTIONS = 6
CSV_COLUMNS = (
    "code",
    "category",
    "type",
    "difficulty",
    "prompt",
    "dialogue",
    "option_a",
    "option_b",
    "option_c",
    "option_d",
    "option_e",
    "option_f",
    "correct",
    "explanation",
    "active",
)
IMPORT_MAX_ROWS = 2000
# A question joined with the wording it is asked in now.
IS_CURRENT = and_(QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.current_version)
IMPORT_MAX_BYTES = 5 * 1024 * 1024


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


def _problems(values: dict[str, Any]) -> list[FieldError]:
    """Every rule a complete question breaks (not just the first), so an import report is useful."""
    found: list[FieldError] = []

    def bad(field_name: str, rule: str, message: str) -> None:
        found.append(FieldError(field_name, rule, message))

    code = values.get("code")
    if code is not None and not (1 <= len(code) <= 40 and all(c.isalnum() or c in "-_." for c in code)):
        bad("code", "format", "The code is 1 to 40 letters, digits, '-', '_' or '.'.")
    if values.get("category") not in QuestionCategory.__members__.values():
        bad("category", "one_of", "The category is platform_rules, service_skills or scenario.")
    kind = values.get("type")
    if kind not in QuestionType.__members__.values():
        bad("type", "one_of", "The type is single, multiple, true_false or scenario.")
    difficulty = values.get("difficulty")
    if not isinstance(difficulty, int) or isinstance(difficulty, bool) or not 1 <= difficulty <= 5:
        bad("difficulty", "range", "The difficulty is a whole number from 1 to 5.")
    prompt = values.get("prompt")
    if not isinstance(prompt, str) or not 1 <= len(prompt.strip()) <= 2000:
        bad("prompt", "length", "The question needs 1 to 2000 characters.")
    explanation = values.get("explanation", "")
    if not isinstance(explanation, str) or len(explanation) > 2000:
        bad("explanation", "max_length", "The explanation may have at most 2000 characters.")
    dialogue = values.get("dialogue") or []
    if not isinstance(dialogue, list) or any(
        not isinstance(t, dict) or t.get("speaker") not in ("buyer", "agent") or not str(t.get("text", "")).strip()
        for t in dialogue
    ):
        bad("dialogue", "format", "Each dialogue turn is {speaker: buyer|agent, text}.")
    elif kind == QuestionType.SCENARIO and not 1 <= len(dialogue) <= 12:
        bad("dialogue", "required", "A scenario question needs a dialogue of 1 to 12 turns.")
    elif kind != QuestionType.SCENARIO and dialogue:
        bad("dialogue", "scenario_only", "Only scenario questions carry a dialogue.")
    options = values.get("options")
    if not isinstance(options, list) or any(
        not isinstance(o, dict) or not str(o.get("text", "")).strip() or not isinstance(o.get("correct"), bool)
        for o in options
    ):
        bad("options", "format", "Each option is {key, text, correct: true|false}.")
        return found
    keys = [str(o.get("key", "")) for o in options]
    correct = sum(o["correct"] for o in options)
    if len(set(keys)) != len(keys) or any(not k for k in keys):
        bad("options", "unique_keys", "Every option needs its own key.")
    if kind == QuestionType.TRUE_FALSE:
        if sorted(keys) != ["F", "T"] or correct != 1:
            bad("options", "true_false", "A true/false question has options T and F, one of them correct.")
    elif kind in (QuestionType.SINGLE, QuestionType.SCENARIO):
        if not 2 <= len(options) <= 6:
            bad("options", "count", "A single-answer question has 2 to 6 options.")
        if correct != 1:
            bad("options", "exactly_one_correct", "A single-answer question has exactly one correct option.")
    elif kind == QuestionType.MULTIPLE:
        if not 3 <= len(options) <= 6:
            bad("options", "count", "A multiple-answer question has 3 to 6 options.")
        if correct < 2:
            bad("options", "at_least_two_correct", "A multiple-answer question has at least two correct options.")
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


def _current() -> Select[tuple[Question, QuestionVersion]]:
    return select(Question, QuestionVersion).join(QuestionVersion, IS_CURRENT)


async def access_question(session: AsyncSession, question_id: uuid.UUID) -> tuple[Question, QuestionVersion]:
    row = (await session.execute(_current().where(Question.id == question_id))).first()
    if row is None:
        raise NotFound("No such question.", field="question_id", rule="exists")
    return row[0], row[1]


def _version(
    question: Question, number: int, content: dict[str, Any], principal: Principal | None, kit: SecurityKit
) -> QuestionVersion:
    return QuestionVersion(
        id=uuid7(),
        question_id=question.id,
        version=number,
        created_at=kit.clock.now(),
        created_by=principal.user_id if principal else None,
        **content,
    )


async def create_question(
    session: AsyncSession, kit: SecurityKit, principal: Principal | None, data: QuestionInput, *, commit: bool = True
) -> tuple[Question, QuestionVersion]:
    values = {"explanation": "", "dialogue": [], **data.given()}
    _raise_first(_problems(values))
    code = values.get("code") or f"q-{uuid7().hex[-10:]}"
    if await session.scalar(select(Question.id).where(Question.code == code)):
        raise Conflict("Another question has this code.", field="code", rule="unique")
    now = kit.clock.now()
    question = Question(
        id=uuid7(), code=code, current_version=1, active=values.get("active", True), created_at=now, updated_at=now
    )
    session.add(question)
    await session.flush()
    version = _version(question, 1, _clean(values), principal, kit)
    session.add(version)
    if commit:
        await session.commit()
    return question, version


async def update_question(
    session: AsyncSession,
    kit: SecurityKit,
    principal: Principal | None,
    question_id: uuid.UUID,
    data: QuestionInput,
    *,
    commit: bool = True,
) -> tuple[Question, QuestionVersion]:
    """Changed content writes the next version; retiring or restoring (active) does not."""
    question, current = await access_question(session, question_id)
    changes = data.given()
    if "code" in changes and changes["code"] != question.code:
        raise InvalidInput("A question's code cannot change.", field="code", rule="immutable")
    merged = {**{k: getattr(current, k) for k in CONTENT_FIELDS}, **changes}
    merged["category"], merged["type"] = str(merged["category"]), str(merged["type"])
    _raise_first(_problems(merged))
    content = _clean(merged)
    old = {k: getattr(current, k) for k in CONTENT_FIELDS}
    old["category"], old["type"] = current.category.value, current.type.value
    if content != old:
        current = _version(question, question.current_version + 1, content, principal, kit)
        session.add(current)
        question.current_version += 1
    if "active" in changes:
        question.active = changes["active"]
    question.updated_at = kit.clock.now()
    if commit:
        await session.commit()
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
        raise InvalidInput("Unknown category.", field="category", rule="one_of")
    if filters.type is not None and filters.type not in QuestionType.__members__.values():
        raise InvalidInput("Unknown type.", field="type", rule="one_of")
    if not 1 <= filters.limit <= 500:
        raise InvalidInput("limit is 1 to 500.", field="limit", rule="range")
    if filters.offset < 0:
        raise InvalidInput("offset is at least 0.", field="offset", rule="range")
    query = _current()
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


async def question_versions(session: AsyncSession, question_id: uuid.UUID) -> list[QuestionVersion]:
    await access_question(session, question_id)
    return list(
        await session.scalars(
            select(QuestionVersion).where(QuestionVersion.question_id == question_id).order_by(QuestionVersion.version)
        )
    )


# --- import and export ---------------------------------------------------------------------------------------------


@dataclass
class RejectedRow:
    row: int  # 1-based: the n-th question of the file (for CSV, the n-th data line)
    code: str | None
    errors: list[FieldError]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)


def _row_input(raw: Any) -> tuple[QuestionInput | None, list[FieldError]]:
    if not isinstance(raw, dict):
        return None, [FieldError("row", "format", "Each question is a JSON object.")]
    known = {k: raw[k] for k in ("code", *CONTENT_FIELDS, "active") if k in raw}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        return None, [FieldError(unknown[0], "unknown_field", f"Unknown field {unknown[0]!r}.")]
    if not isinstance(known.get("code"), str) or not known["code"].strip():
        return None, [FieldError("code", "required", "Every imported question needs a code, to match it again.")]
    if "active" in known and not isinstance(known["active"], bool):
        return None, [FieldError("active", "type", "active is true or false.")]
    return QuestionInput(**known), []


def parse_json_bank(body: bytes) -> list[Any]:
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"The file is not valid JSON: {exc}", field="body", rule="json") from exc
    if (
        isinstance(document, dict)
        and document.get("format") == BANK_FORMAT
        and isinstance(document.get("questions"), list)
    ):
        return document["questions"]
    if isinstance(document, list):
        return document
    raise InvalidInput(f'Expected {{"format": "{BANK_FORMAT}", "questions": [...]}}.', field="body", rule="format")


def parse_csv_bank(body: bytes) -> list[Any]:
    """CSV rows in the export's columns; options in option_a.., the correct keys in `correct` ("A" or "A,C")."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("The CSV file must be UTF-8.", field="body", rule="encoding") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("code", "category", "type", "prompt", "correct") if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(f"The CSV header lacks {missing[0]}.", field="body", rule="columns")
    rows: list[Any] = []
    for line in reader:
        correct = {k.strip().upper() for k in (line.get("correct") or "").split(",") if k.strip()}
        kind = (line.get("type") or "").strip()
        if kind == QuestionType.TRUE_FALSE:
            options = [
                {"key": "T", "text": "正确", "correct": "T" in correct},
                {"key": "F", "text": "错误", "correct": "F" in correct},
            ]
        else:
            options = [
                {"key": key, "text": (line.get(f"option_{key.lower()}") or "").strip(), "correct": key in correct}
                for key in OPTION_KEYS[:CSV_OPTIONS]
                if (line.get(f"option_{key.lower()}") or "").strip()
            ]
        dialogue = []
        for turn in (line.get("dialogue") or "").splitlines():
            speaker, _, said = turn.partition(":")
            dialogue.append({"speaker": speaker.strip(), "text": said.strip()})
        difficulty_raw = (line.get("difficulty") or "").strip()
        row: dict[str, Any] = {
            "code": (line.get("code") or "").strip(),
            "category": (line.get("category") or "").strip(),
            "type": kind,
            "difficulty": int(difficulty_raw) if difficulty_raw.isdigit() else difficulty_raw,
            "prompt": line.get("prompt") or "",
            "dialogue": dialogue,
            "options": options,
            "explanation": line.get("explanation") or "",
        }
        active = (line.get("active") or "").strip().lower()
        if active:
            row["active"] = active in ("1", "true", "yes", "是")
        rows.append(row)
    return rows


def parse_bank(body: bytes, kind: str) -> list[Any]:
    """A bank file as rows to import: within the size limit, then read as "csv" or "json"."""
    if len(body) > IMPORT_MAX_BYTES:
        raise InvalidInput(
            f"The file may be at most {IMPORT_MAX_BYTES // (1024 * 1024)} MB.", field="body", rule="too_large"
        )
    return parse_csv_bank(body) if kind == "csv" else parse_json_bank(body)


async def import_questions(
    session: AsyncSession, kit: SecurityKit, principal: Principal | None, rows: list[Any]
) -> ImportReport:
    """Creates new codes, versions changed ones, skips identical ones; each rejected row is reported, not written."""
    if len(rows) > IMPORT_MAX_ROWS:
        raise InvalidInput(f"At most {IMPORT_MAX_ROWS} questions per import.", field="body", rule="too_many")
    report = ImportReport()
    seen: set[str] = set()
    for n, raw in enumerate(rows, start=1):
        data, problems = _row_input(raw)
        code = data.code.strip() if data and data.code else (raw.get("code") if isinstance(raw, dict) else None)
        if data is not None and code in seen:
            problems = [FieldError("code", "duplicate_in_file", "This code appears earlier in the file.")]
        if data is not None and not problems:
            data.code = code
            values = {"explanation": "", "dialogue": [], **data.given()}
            problems = _problems(values)
        if problems:
            report.rejected.append(RejectedRow(n, code if isinstance(code, str) else None, problems))
            continue
        assert data is not None and code is not None
        seen.add(code)
        existing = await session.scalar(select(Question).where(Question.code == code))
        if existing is None:
            await create_question(session, kit, principal, data, commit=False)
            report.created += 1
        else:
            before = existing.current_version
            await update_question(session, kit, principal, existing.id, data, commit=False)
            if existing.current_version != before:
                report.updated += 1
            else:
                report.unchanged += 1
    await session.commit()
    return report


def question_document(question: Question, version: QuestionVersion) -> dict[str, Any]:
    return {
        "code": question.code,
        "category": version.category.value,
        "type": version.type.value,
        "difficulty": version.difficulty,
        "prompt": version.prompt,
        "dialogue": version.dialogue,
        "options": version.options,
        "explanation": version.explanation,
        "active": question.active,
    }


async def _all_current(session: AsyncSession) -> list[tuple[Question, QuestionVersion]]:
    return [(q, v) for q, v in await session.execute(_current().order_by(Question.code))]


async def export_json(session: AsyncSession) -> str:
    questions = [question_document(q, v) for q, v in await _all_current(session)]
    return json.dumps({"format": BANK_FORMAT, "version": 1, "questions": questions}, ensure_ascii=False, indent=2)


async def export_csv(session: AsyncSession) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for question, version in await _all_current(session):
        options = {o["key"]: o["text"] for o in version.options}
        correct = ",".join(o["key"] for o in version.options if o["correct"])
        choice_columns = (
            ["" for _ in range(CSV_OPTIONS)]
            if version.type == QuestionType.TRUE_FALSE
            else [options.get(key, "") for key in OPTION_KEYS[:CSV_OPTIONS]]
        )
        writer.writerow(
            [
                question.code,
                version.category.value,
                version.type.value,
                version.difficulty,
                version.prompt,
                "\n".join(f"{t['speaker']}: {t['text']}" for t in version.dialogue),
                *choice_columns,
                correct,
                version.explanation,
                "true" if question.active else "false",
            ]
        )
    return out.getvalue()


# --- blueprints ----------------------------------------------------------------------------------------------------


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


BLUEPRINT_DEFAULTS: dict[str, Any] = {
    "shuffle_options": True,
    "time_limit_minutes": 30,
    "pass_mark": 80,
    "attempts_allowed": 3,
    "cooldown_hours": 24,
    "show_answers": False,
    "partial_credit": False,
}
BLUEPRINT_RANGES = {
    "time_limit_minutes": (1, 240),
    "pass_mark": (1, 100),
    "attempts_allowed": (1, 10),
    "cooldown_hours": (0, 720),
}


async def active_counts(session: AsyncSession) -> dict[str, int]:
    """How many questions in use each category holds: what a blueprint can draw from."""
    rows = await session.execute(
        select(QuestionVersion.category, func.count())
        .join(Question, IS_CURRENT)
        .where(Question.active.is_(True))
        .group_by(QuestionVersion.category)
    )
    return {category.value: n for category, n in rows.all()}


async def _check_blueprint(session: AsyncSession, values: dict[str, Any], blueprint_id: uuid.UUID | None) -> None:
    title = values.get("title")
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= 120:
        raise InvalidInput("The title needs 1 to 120 characters.", field="title", rule="length")
    for name, (low, high) in BLUEPRINT_RANGES.items():
        if not low <= values[name] <= high:
            raise InvalidInput(f"{name} must be between {low} and {high}.", field=name, rule="range")
    per_category = values.get("per_category") or {}
    unknown = sorted(set(per_category) - set(QuestionCategory.__members__.values()))
    if unknown:
        raise InvalidInput(f"Unknown category {unknown[0]}.", field="per_category", rule="one_of")
    if any(not isinstance(n, int) or n < 0 or n > 200 for n in per_category.values()):
        raise InvalidInput("Each category draws 0 to 200 questions.", field="per_category", rule="range")
    if sum(per_category.values()) < 1:
        raise InvalidInput("An exam draws at least one question.", field="per_category", rule="not_empty")
    available = await active_counts(session)
    short = [c for c, n in sorted(per_category.items()) if n > available.get(c, 0)]
    if short:
        raise InvalidInput(
            f"The bank has {available.get(short[0], 0)} active {short[0]} questions; the blueprint asks for "
            f"{per_category[short[0]]}.",
            field="per_category",
            rule="not_enough_questions",
        )
    round_id, track = values.get("round_id"), values.get("track")
    if track is not None and round_id is None:
        raise InvalidInput("A track-specific blueprint belongs to a round.", field="round_id", rule="required")
    if round_id is not None:
        round_ = await recruitment.round_by_id(session, round_id)
        if track is not None and track not in round_.tracks:
            raise InvalidInput("The round does not offer this track.", field="track", rule="offered")
        same_place = select(Blueprint.id).where(
            Blueprint.round_id == round_id, Blueprint.track.is_(None) if track is None else Blueprint.track == track
        )
        if blueprint_id is not None:
            same_place = same_place.where(Blueprint.id != blueprint_id)
        clash = await session.scalar(same_place)
        if clash is not None:
            raise Conflict("This round (and track) already has a blueprint.", field="round_id", rule="unique")


async def create_blueprint(session: AsyncSession, kit: SecurityKit, data: BlueprintInput) -> Blueprint:
    values = {**BLUEPRINT_DEFAULTS, **data.given()}
    await _check_blueprint(session, values, None)
    now = kit.clock.now()
    blueprint = Blueprint(id=uuid7(), created_at=now, updated_at=now, **{**values, "title": values["title"].strip()})
    session.add(blueprint)
    await session.commit()
    return blueprint


async def access_blueprint(session: AsyncSession, blueprint_id: uuid.UUID) -> Blueprint:
    blueprint = await session.get(Blueprint, blueprint_id)
    if blueprint is None:
        raise NotFound("No such exam blueprint.", field="blueprint_id", rule="exists")
    return blueprint


async def update_blueprint(
    session: AsyncSession, kit: SecurityKit, blueprint_id: uuid.UUID, data: BlueprintInput
) -> Blueprint:
    blueprint = await access_blueprint(session, blueprint_id)
    current = {name: getattr(blueprint, name) for name in BlueprintInput.__dataclass_fields__}
    values = {**current, **data.given()}
    await _check_blueprint(session, values, blueprint.id)
    for name, value in data.given().items():
        setattr(blueprint, name, value.strip() if name == "title" else value)
    blueprint.updated_at = kit.clock.now()
    await session.commit()
    return blueprint


async def list_blueprints(session: AsyncSession, round_id: uuid.UUID | None = None) -> list[Blueprint]:
    query = select(Blueprint).order_by(Blueprint.created_at, Blueprint.id)
    if round_id is not None:
        query = query.where(Blueprint.round_id == round_id)
    return list(await session.scalars(query))


# --- attempts ------------------------------------------------------------------------------------------------------

CATEGORY_ORDER = [c.value for c in QuestionCategory]
_draw = random.SystemRandom()  # candidates must not predict their questions or option order


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
            return Conflict("This exam is already passed.", field="blueprint", rule="already_passed")
        if self.active is not None:
            return _one_active(self.active)
        if not self.attempts_left:
            return Conflict(
                f"All {self.blueprint.attempts_allowed} attempts of this exam are used.",
                field="attempts",
                rule="none_left",
            )
        retry_at = self.next_attempt_at
        if retry_at is not None and retry_at > self.now:
            seconds = math.ceil((retry_at - self.now).total_seconds())
            return Conflict(
                f"The next attempt opens after the cool-down, at {retry_at.isoformat()}.",
                field="attempts",
                rule="cooldown",
                headers={"Retry-After": str(seconds)},
                extra={"retry_at": retry_at.isoformat()},
            )
        return None


def _one_active(active: ExamAttempt) -> Conflict:
    return Conflict(
        "You already have an exam running; finish it first.",
        field="attempt",
        rule="one_active",
        extra={"attempt_id": str(active.id)},
    )


async def exam_standings(
    session: AsyncSession, kit: SecurityKit, principal: Principal, application_id: uuid.UUID
) -> tuple[recruitment.Application, list[ExamStanding]]:
    """The application's exams and the caller's attempts at each, overdue attempts submitted first."""
    application = await recruitment.access_application(session, principal, application_id)
    await _submit_overdue_of(session, kit, application.user_id)
    return application, await _standings(session, application, kit.clock.now())


async def _standings(
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
        choices.append(ExamChoice(await access_blueprint(session, include.blueprint_id), list(include.tracks)))
    held = frozenset(application.passed_tracks or [])
    return [
        ExamStanding(choice, [a for a in attempts if a.blueprint_id == choice.blueprint.id], now, held)
        for choice in choices
    ]


async def start_attempt(
    session: AsyncSession, kit: SecurityKit, principal: Principal, application_id: uuid.UUID, track: str | None = None
) -> AttemptView:
    """Draws a fresh exam per the blueprint and starts the server's clock on it; returns it as the candidate sees
    it, from what the start already holds."""
    application, standings = await exam_standings(session, kit, principal, application_id)
    if application.user_id != principal.user_id:
        raise PermissionDenied("Only the applicant takes their exam.", field="application_id", rule="applicant_only")
    if application.status not in recruitment.EXAM_STAGES:
        # An application the exam itself ended says so; any other is simply not at the exam.
        exhausted = [s.refusal() for s in standings if s.attempts]
        raise next((e for e in exhausted if e is not None), None) or Conflict(
            f"The exam is not open for a {application.status.value} application.", field="status", rule="not_at_exam"
        )
    if not standings:
        raise Conflict("No exam is set up for this round yet.", field="blueprint", rule="missing")
    if track is not None:
        if track not in application.tracks:
            raise InvalidInput("Choose one of the tracks you applied for.", field="track", rule="one_of")
        standings = [s for s in standings if track in s.choice.tracks]
        if not standings:
            raise Conflict("No exam is set up for this track yet.", field="blueprint", rule="missing")
    elif len(standings) > 1:
        unpassed = [s for s in standings if not s.passed]
        if len(unpassed) != 1:
            raise InvalidInput("Say which track's exam to take.", field="track", rule="required")
        standings = unpassed
    standing = standings[0]
    refusal = standing.refusal()
    if refusal is not None:
        raise refusal
    running = await session.scalar(select(ExamAttempt).where(ExamAttempt.active_user_id == principal.user_id))
    if running is not None:
        raise _one_active(running)
    blueprint, now = standing.blueprint, kit.clock.now()
    drawn = await _draw_questions(session, blueprint)
    attempt = ExamAttempt(
        id=uuid7(),
        application_id=application.id,
        user_id=application.user_id,
        active_user_id=application.user_id,
        blueprint_id=blueprint.id,
        tracks=standing.choice.tracks,
        number=len(standing.attempts) + 1,
        status=AttemptStatus.ACTIVE,
        started_at=now,
        deadline=now + timedelta(minutes=blueprint.time_limit_minutes),
        pass_mark=blueprint.pass_mark,
        partial_credit=blueprint.partial_credit,
        show_answers=blueprint.show_answers,
    )
    session.add(attempt)
    try:
        await session.flush()  # the attempt row first: its items refer to it
    except IntegrityError as exc:  # a second start at the same moment: the unique active_user_id (or number) won
        await session.rollback()
        raise await _started_elsewhere(session, principal.user_id) from exc
    questions = []
    for position, version in enumerate(drawn, start=1):
        keys = [o["key"] for o in version.options]
        if blueprint.shuffle_options and version.type != QuestionType.TRUE_FALSE:
            _draw.shuffle(keys)
        item = AttemptItem(
            id=uuid7(),
            attempt_id=attempt.id,
            position=position,
            question_id=version.question_id,
            question_version_id=version.id,
            option_order=keys,
        )
        session.add(item)
        questions.append(AttemptQuestion(item, version))
    await session.commit()
    standing = ExamStanding(standing.choice, [*standing.attempts, attempt], now, standing.passed_tracks)
    return AttemptView(attempt, questions, standing, application.status.value)


async def _started_elsewhere(session: AsyncSession, user_id: uuid.UUID) -> Conflict:
    running = await session.scalar(select(ExamAttempt).where(ExamAttempt.active_user_id == user_id))
    if running is not None:
        return _one_active(running)
    return Conflict("Another attempt started a moment ago; reload.", field="attempt", rule="one_active")


async def _draw_questions(session: AsyncSession, blueprint: Blueprint) -> list[QuestionVersion]:
    """N current versions of active questions per category, at random; categories in the bank's order."""
    rows = await session.execute(
        select(QuestionVersion.id, QuestionVersion.category).join(Question, IS_CURRENT).where(Question.active.is_(True))
    )
    pools: dict[str, list[uuid.UUID]] = {}
    for version_id, category in rows.all():
        pools.setdefault(category.value, []).append(version_id)
    chosen: list[uuid.UUID] = []
    for category in CATEGORY_ORDER:
        wanted = blueprint.per_category.get(category, 0)
        pool = pools.get(category, [])
        if wanted > len(pool):
            raise Conflict(
                f"The bank has {len(pool)} active {category} questions; the exam needs {wanted}. Tell an admin.",
                field="blueprint",
                rule="not_enough_questions",
            )
        picked = _draw.sample(pool, wanted)
        chosen += picked
    versions = {v.id: v for v in await session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(chosen)))}
    return [versions[i] for i in chosen]


async def access_attempt(session: AsyncSession, principal: Principal, attempt_id: uuid.UUID) -> ExamAttempt:
    """The attempt if the caller took it or is an admin; anyone else gets 404."""
    attempt = await session.get(ExamAttempt, attempt_id)
    if attempt is None or (principal.role != "admin" and attempt.user_id != principal.user_id):
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


@dataclass(frozen=True)
class SavedAnswer:
    question_id: uuid.UUID
    choice_ids: list[str]
    saved_at: datetime
    deadline: datetime


async def save_answer(
    session: AsyncSession,
    kit: SecurityKit,
    principal: Principal,
    attempt_id: uuid.UUID,
    question_id: uuid.UUID,
    choice_ids: list[str],
) -> SavedAnswer:
    """Keeps the answer as given, while the attempt runs. The attempt row is locked for the write, so a submission
    at the same moment grades either before this answer or after it, never half of it. Every click of every
    candidate comes here: one SELECT (the locked attempt with the question asked) and one UPDATE."""
    row = (
        await session.execute(
            select(ExamAttempt, AttemptItem, QuestionVersion)
            .outerjoin(
                AttemptItem, and_(AttemptItem.attempt_id == ExamAttempt.id, AttemptItem.question_id == question_id)
            )
            .outerjoin(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
            .where(ExamAttempt.id == attempt_id)
            .with_for_update(of=ExamAttempt)
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None or (principal.role != "admin" and row[0].user_id != principal.user_id):
        raise NotFound("No such exam attempt.", field="attempt_id", rule="exists")
    locked = row[0]
    if locked.user_id != principal.user_id:
        raise PermissionDenied("Only the candidate answers.", field="attempt_id", rule="candidate_only")
    now = kit.clock.now()
    if locked.status == AttemptStatus.SUBMITTED:
        raise Conflict("This attempt is already submitted.", field="status", rule="submitted")
    if now >= locked.deadline:
        await _submit(session, locked, now)
        await session.commit()
        raise Conflict("Time is up: answers after the deadline are not taken.", field="deadline", rule="passed")
    if row[1] is None:
        raise NotFound("This question is not part of the attempt.", field="question_id", rule="exists")
    _attempt, item, version = row
    keys = {o["key"] for o in version.options}
    if any(c not in keys for c in choice_ids):
        raise InvalidInput("Choose among the question's options.", field="choice_ids", rule="one_of")
    if len(set(choice_ids)) != len(choice_ids):
        raise InvalidInput("A choice is given twice.", field="choice_ids", rule="unique")
    if version.type != QuestionType.MULTIPLE and len(choice_ids) > 1:
        raise InvalidInput("This question takes one answer.", field="choice_ids", rule="single_answer")
    item.choice_ids = [k for k in item.option_order if k in choice_ids]
    item.answered_at = now
    saved = SavedAnswer(question_id, list(item.choice_ids), now, locked.deadline)
    await session.commit()
    return saved


async def _submit(session: AsyncSession, attempt: ExamAttempt, now: datetime) -> AttemptView | None:
    """Grades and closes the attempt, and lets the application know. Claimed by a conditional UPDATE, so a candidate's
    submit, a late read and the scheduled job never grade it twice. Past the deadline it counts as submitted by the
    deadline, at the deadline. Returns the graded view when this call submitted it, else None. The caller commits."""
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
    attempt.correct_count = sum(1 for q in questions if q.item.credit_bp == 10000)
    attempt.passed = n > 0 and total >= attempt.pass_mark * n * 100  # exact: 79.996 % does not pass 80
    application = await recruitment.application_by_id(session, attempt.application_id)
    standings = await _standings(session, application, at, include=attempt)
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
    return AttemptView(attempt, questions, mine, application.status.value)


def format_score(score_bp: float | None) -> str:
    """82.5 %, 80 %: the score as people write it ("" for none yet)."""
    if score_bp is None:
        return ""
    return f"{round(score_bp) / 100:.2f}".rstrip("0").rstrip(".") + "%"


async def submit_attempt(
    session: AsyncSession, kit: SecurityKit, principal: Principal, attempt_id: uuid.UUID
) -> AttemptView:
    """The candidate hands the attempt in; handing it in again returns the same result."""
    attempt = await access_attempt(session, principal, attempt_id)
    if attempt.user_id != principal.user_id:
        raise PermissionDenied("Only the candidate submits.", field="attempt_id", rule="candidate_only")
    return await _submitted_view(session, kit, attempt, attempt.status == AttemptStatus.ACTIVE)


async def read_attempt(
    session: AsyncSession, kit: SecurityKit, principal: Principal, attempt_id: uuid.UUID
) -> AttemptView:
    """The attempt, submitted first if its time ran out while nobody was looking."""
    attempt = await access_attempt(session, principal, attempt_id)
    overdue = attempt.status == AttemptStatus.ACTIVE and kit.clock.now() >= attempt.deadline
    return await _submitted_view(session, kit, attempt, overdue)


async def _submitted_view(session: AsyncSession, kit: SecurityKit, attempt: ExamAttempt, submit: bool) -> AttemptView:
    """The attempt's view, handing it in first when asked; grading already gathered what the view shows."""
    view = await _submit(session, attempt, kit.clock.now()) if submit else None
    if submit:
        await session.commit()
    return view or await attempt_view(session, kit, attempt)


async def _submit_overdue_of(session: AsyncSession, kit: SecurityKit, user_id: uuid.UUID) -> None:
    now = kit.clock.now()
    overdue = await session.scalar(
        select(ExamAttempt).where(ExamAttempt.active_user_id == user_id, ExamAttempt.deadline <= now)
    )
    if overdue is not None:
        await _submit(session, overdue, now)
        await session.commit()


async def submit_overdue_attempts(session: AsyncSession, kit: SecurityKit, batch: int = 200) -> int:
    """The scheduled job: submits every attempt whose time ran out. Each is claimed on its own, so two instances
    running the job at once never grade one twice."""
    submitted = 0
    while True:
        now = kit.clock.now()
        overdue = list(
            await session.scalars(
                select(ExamAttempt)
                .where(ExamAttempt.status == AttemptStatus.ACTIVE, ExamAttempt.deadline <= now)
                .order_by(ExamAttempt.deadline)
                .limit(batch)
            )
        )
        if not overdue:
            return submitted
        for attempt in overdue:
            if await _submit(session, attempt, now):
                submitted += 1
            await session.commit()
        if len(overdue) < batch:
            return submitted


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


async def attempt_view(session: AsyncSession, kit: SecurityKit, attempt: ExamAttempt) -> AttemptView:
    application = await recruitment.application_by_id(session, attempt.application_id)
    standings = await _standings(session, application, kit.clock.now(), include=attempt)
    standing = next(s for s in standings if s.blueprint.id == attempt.blueprint_id)
    return AttemptView(attempt, await attempt_questions(session, attempt), standing, application.status.value)


# --- item statistics -----------------------------------------------------------------------------------------------

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


async def item_stats(session: AsyncSession, blueprint_id: uuid.UUID) -> ItemStats:
    """Per question over the blueprint's submitted attempts: how often it is answered right (p), and the
    correlation of its credit with the candidate's score on the other questions (corrected point-biserial).
    Sums are taken by the database, so the cost does not grow with the rows sent to Python."""
    blueprint = await access_blueprint(session, blueprint_id)
    submitted = and_(ExamAttempt.blueprint_id == blueprint.id, ExamAttempt.status == AttemptStatus.SUBMITTED)
    attempts, mean = (
        await session.execute(select(func.count(), func.avg(ExamAttempt.score_bp)).where(submitted))
    ).one()
    totals = (
        select(AttemptItem.attempt_id, func.sum(AttemptItem.credit_bp).label("total"))
        .join(ExamAttempt, ExamAttempt.id == AttemptItem.attempt_id)
        .where(submitted)
        .group_by(AttemptItem.attempt_id)
        .subquery()
    )
    x = AttemptItem.credit_bp
    y = totals.c.total - AttemptItem.credit_bp  # the rest of the exam
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
        .join(totals, totals.c.attempt_id == AttemptItem.attempt_id)
        .group_by(AttemptItem.question_id)
    )
    sums = {row[0]: [int(v or 0) for v in row[1:]] for row in rows.all()}
    current = {}
    if sums:
        for question, version in await session.execute(_current().where(Question.id.in_(list(sums)))):
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
