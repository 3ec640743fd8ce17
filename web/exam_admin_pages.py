"""Exam admin pages: the question bank (list, editor with its version history, import, export) and exam blueprints.

Every page calls the same `exams.service` functions as the JSON API and holds no rule of its own: what a question or
a blueprint may hold is the service's answer, shown next to its field in the visitor's language. What the pages do
themselves is only the web's part: turning the editor's inputs (option rows A–F or the true/false choice, one
dialogue turn per line, numbers) into the service's input, and putting the service's (field, rule) into words.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery, MultipartBody
from litestar.response import Redirect, Template

from exams import service
from exams.models import Blueprint, Question, QuestionCategory, QuestionType, QuestionVersion
from gigplatform.db import DbSession
from gigplatform.errors import DomainError, FieldError, InvalidInput
from gigplatform.security import Kit
from recruitment import service as recruitment
from recruitment.models import Round
from web import i18n
from web.exam_pages import CATEGORY_LABELS, TYPE_LABELS
from web.i18n import N_, _
from web.recruitment_words import TRACKS
from web.rendering import (
    Form,
    ListQuery,
    admin_visitor,
    error_status,
    form_errors,
    general_errors,
    notice,
    page,
    sign_in_redirect,
)

BANK_PAGE_SIZE = 20
CATEGORIES = [c.value for c in QuestionCategory]
TYPES = [t.value for t in QuestionType]
OPTION_KEYS = service.OPTION_KEYS
TRUE_FALSE_TEXTS = {"T": "正确", "F": "错误"}  # the option texts the CSV import writes too

# What a dialogue line may start with, in either language; the editor writes them back in the visitor's.
SPEAKER_WORDS = {"买家": "buyer", "buyer": "buyer", "客服": "agent", "agent": "agent"}
SPEAKER_NAMES = {"zh": {"buyer": "买家", "agent": "客服"}, "en": {"buyer": "buyer", "agent": "agent"}}
TURN = re.compile(r"^\s*([^:：]*?)\s*[:：]\s*(.*?)\s*$")

# --- the words for what the services say --------------------------------------------------------------------------

QUESTION_MESSAGES: dict[tuple[str, str], str] = {
    ("code", "format"): N_("The code is 1 to 40 letters, digits, '-', '_' or '.'."),
    ("code", "unique"): N_("Another question has this code."),
    ("code", "immutable"): N_("A question's code cannot change."),
    ("code", "required"): N_("Every imported question needs a code, to match it again."),
    ("code", "duplicate_in_file"): N_("This code appears earlier in the file."),
    ("category", "one_of"): N_("Choose a category."),
    ("type", "one_of"): N_("Choose a question type."),
    ("difficulty", "range"): N_("The difficulty is a whole number from 1 to 5."),
    ("prompt", "length"): N_("The question needs 1 to 2000 characters."),
    ("explanation", "max_length"): N_("The explanation may have at most 2000 characters."),
    ("dialogue", "format"): N_("Write one turn per line, starting with 买家: or 客服: (buyer: or agent:)."),
    ("dialogue", "required"): N_("A scenario question needs a dialogue of 1 to 12 turns."),
    ("dialogue", "scenario_only"): N_("Only scenario questions carry a dialogue."),
    ("options", "format"): N_("Every option needs a text."),
    ("options", "unique_keys"): N_("Every option needs its own letter."),
    ("options", "true_false"): N_("Choose whether the statement is true or false."),
    ("options", "count"): N_("A single-answer question has 2 to 6 options; a multiple-answer question 3 to 6."),
    ("options", "exactly_one_correct"): N_("A single-answer question has exactly one correct option."),
    ("options", "at_least_two_correct"): N_("A multiple-answer question has at least two correct options."),
    ("active", "type"): N_("active is true or false."),
    ("row", "format"): N_("Each question is a JSON object."),
    ("question_id", "exists"): N_("No such question."),
    ("*", "unknown_field"): N_("This field is unknown."),
    ("*", "integer"): N_("Enter a whole number."),
}
FILTER_MESSAGES: dict[tuple[str, str], str] = {
    ("category", "one_of"): N_("Unknown category."),
    ("type", "one_of"): N_("Unknown question type."),
    ("limit", "range"): N_("There is no such page."),
    ("offset", "range"): N_("There is no such page."),
}
IMPORT_MESSAGES: dict[tuple[str, str], str] = {
    ("file", "required"): N_("Choose a .json or .csv file to import."),
    ("file", "kind"): N_("Only .json and .csv files can be imported."),
    ("body", "too_large"): N_("The file may be at most 5 MB."),
    ("body", "json"): N_("The file is not valid JSON."),
    ("body", "format"): N_('A JSON bank is {"format": "gigplatform-question-bank", "questions": [...]} or a list.'),
    ("body", "encoding"): N_("The CSV file must be UTF-8."),
    ("body", "columns"): N_("The CSV header lacks a required column: code, category, type, prompt and correct."),
    ("body", "too_many"): N_("At most 2000 questions per import."),
}
BLUEPRINT_MESSAGES: dict[tuple[str, str], str] = {
    ("title", "length"): N_("The title needs 1 to 120 characters."),
    ("per_category", "one_of"): N_("Unknown category."),
    ("per_category", "range"): N_("Each category draws 0 to 200 questions."),
    ("per_category", "not_empty"): N_("An exam draws at least one question."),
    ("per_category", "not_enough_questions"): N_(
        "The bank has fewer active questions in a category than asked for: see the counts next to each number."
    ),
    ("round_id", "required"): N_("An exam for one track belongs to a round: choose the round."),
    ("round_id", "unique"): N_("This round (and track) already has an exam blueprint."),
    ("round_id", "exists"): N_("No such recruitment round."),
    ("track", "offered"): N_("The round does not offer this track."),
    ("blueprint_id", "exists"): N_("No such exam blueprint."),
    ("*", "integer"): N_("Enter a whole number."),
}
# The service's ranges, in words; the numbers come from `service.BLUEPRINT_RANGES`.
RANGE_MESSAGES = {
    "time_limit_minutes": N_("The time limit is %(low)s to %(high)s minutes."),
    "pass_mark": N_("The pass mark is %(low)s to %(high)s percent."),
    "attempts_allowed": N_("Attempts allowed are %(low)s to %(high)s."),
    "cooldown_hours": N_("The cool-down is %(low)s to %(high)s hours."),
}

# Notices shown after a redirect: only these fixed codes travel in the URL, never text.
NOTICES: dict[str, str] = {
    "question_created": N_("The question is saved as version 1."),
    "question_versioned": N_("Saved as a new version. Attempts already given keep the version they were asked."),
    "question_unchanged": N_("Nothing in the question changed, so no new version was written."),
    "question_retired": N_("The question is retired: new exams no longer draw it."),
    "question_restored": N_("The question is in use again."),
    "blueprint_created": N_("The exam blueprint is saved."),
    "blueprint_saved": N_("The exam blueprint is saved."),
}


def said(error: FieldError, messages: dict[tuple[str, str], str]) -> str:
    """One broken rule in the visitor's language (the service's own sentence where the table has none)."""
    return form_errors(InvalidInput(error.message, errors=[error]), messages)[error.field]


def all_errors(exc: DomainError, messages: dict[tuple[str, str], str]) -> dict[str, str]:
    """As `form_errors`, but a field that breaks several rules shows them all (the bank reports every rule)."""
    found: dict[str, list[str]] = {}
    for error in exc.errors:
        message = said(error, messages)
        if message not in found.setdefault(error.field, []):
            found[error.field].append(message)
    return {name: " ".join(words) for name, words in found.items()} or form_errors(exc, messages)


# --- the bank -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BankQuery(ListQuery):
    """The bank's search and filters as the query string carries them (empty means any)."""

    q: str = ""
    category: str = ""
    type: str = ""
    active: str = ""  # "", "yes" or "no"
    page: int = 1

    def service_filter(self) -> service.QuestionFilter:
        return service.QuestionFilter(
            category=self.category or None,
            type=self.type or None,
            active={"yes": True, "no": False}.get(self.active),
            search=self.q or None,
            limit=BANK_PAGE_SIZE,
            offset=(max(1, self.page) - 1) * BANK_PAGE_SIZE,
        )


@get("/admin/questions", operation_id="page_admin_questions", include_in_schema=False)
async def admin_questions(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    q: FromQuery[str | None] = None,
    category: FromQuery[str | None] = None,
    type: FromQuery[str | None] = None,
    active: FromQuery[str | None] = None,
    page_number: FromQuery[int] = 1,
) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    query = BankQuery((q or "").strip(), category or "", type or "", active or "", max(1, page_number))
    errors: dict[str, str] = {}
    rows: list[tuple[Question, QuestionVersion]] = []
    total = 0
    try:
        rows, total = await service.list_questions(db_session, query.service_filter())
    except InvalidInput as exc:
        errors = form_errors(exc, FILTER_MESSAGES)
    return page(
        "admin_questions.html",
        request,
        422 if errors else 200,
        rows=rows,
        total=total,
        pages=max(1, math.ceil(total / BANK_PAGE_SIZE)),
        q=query,
        categories=CATEGORY_LABELS,
        types=TYPE_LABELS,
        general_errors=list(errors.values()),
    )


@get("/admin/questions/export", operation_id="page_admin_questions_export", include_in_schema=False)
async def admin_questions_export(
    request: Request[Any, Any, Any], db_session: DbSession, format: FromQuery[str] = "json"
) -> Response[Any]:
    """The whole bank in the import's own formats, so a file exported here imports again unchanged."""
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    if format == "csv":
        body, media = await service.export_csv(db_session), "text/csv; charset=utf-8"
    elif format == "json":
        body, media = await service.export_json(db_session), "application/json; charset=utf-8"
    else:
        raise InvalidInput("format is json or csv.", field="format", rule="one_of")
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="question-bank.{format}"'}
    )


# --- the question editor ------------------------------------------------------------------------------------------

QUESTION_FIELDS = ("code", "category", "type", "difficulty", "prompt", "dialogue", "options", "explanation", "active")


def _dialogue_text(turns: list[dict[str, Any]]) -> str:
    names = SPEAKER_NAMES.get(i18n.current_language.get(), SPEAKER_NAMES["en"])
    return "\n".join(f"{names.get(t['speaker'], t['speaker'])}: {t['text']}" for t in turns)


def parse_dialogue(text: str) -> list[dict[str, str]]:
    """One turn per non-empty line, "买家: ..." or "agent: ..."; a line the service can't read is passed on as it is,
    so the service names the rule it breaks."""
    turns = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = TURN.match(line)
        if match is None:
            turns.append({"speaker": "", "text": line.strip()})
            continue
        speaker, said = match.groups()
        turns.append({"speaker": SPEAKER_WORDS.get(speaker.lower(), speaker), "text": said})
    return turns


def _question_values(question: Question | None, version: QuestionVersion | None) -> dict[str, Any]:
    """What the editor shows for a saved question, or an empty single-choice question."""
    if question is None or version is None:
        return {
            "code": "",
            "category": CATEGORIES[0],
            "type": QuestionType.SINGLE.value,
            "difficulty": "1",
            "prompt": "",
            "dialogue": "",
            "options": {key: {"text": "", "correct": False} for key in OPTION_KEYS},
            "true_false": "",
            "explanation": "",
            "active": True,
        }
    by_key = {o["key"]: o for o in version.options}
    is_true_false = version.type == QuestionType.TRUE_FALSE
    return {
        "code": question.code,
        "category": version.category.value,
        "type": version.type.value,
        "difficulty": str(version.difficulty),
        "prompt": version.prompt,
        "dialogue": _dialogue_text(version.dialogue),
        "options": {
            key: {
                "text": "" if is_true_false else by_key.get(key, {}).get("text", ""),
                "correct": not is_true_false and bool(by_key.get(key, {}).get("correct")),
            }
            for key in OPTION_KEYS
        },
        "true_false": next((o["key"] for o in version.options if o["correct"]), "") if is_true_false else "",
        "explanation": version.explanation,
        "active": question.active,
    }


def _read_question_form(
    form: dict[str, str], current: QuestionVersion | None
) -> tuple[service.QuestionInput, dict[str, Any], dict[str, str]]:
    """(the service's input, the values to show again, the inputs that are not even numbers).

    The type chooses which inputs count: the option rows A–F, or the true/false choice. So the form works without
    the script that hides the other ones.
    """
    values: dict[str, Any] = {
        "code": form.get("code", "").strip(),
        "category": form.get("category", ""),
        "type": form.get("type", ""),
        "difficulty": form.get("difficulty", "").strip(),
        "prompt": form.get("prompt", ""),
        "dialogue": form.get("dialogue", ""),
        "options": {
            key: {"text": form.get(f"option_{key}", ""), "correct": form.get(f"correct_{key}") == "1"}
            for key in OPTION_KEYS
        },
        "true_false": form.get("true_false", ""),
        "explanation": form.get("explanation", ""),
        "active": form.get("active") == "1",
    }
    problems: dict[str, str] = {}
    difficulty: int | None = None
    try:
        difficulty = int(values["difficulty"])
    except ValueError:
        problems["difficulty"] = _(QUESTION_MESSAGES[("*", "integer")])
    if values["type"] == QuestionType.TRUE_FALSE:
        # keep the wording a saved true/false question already has ("对"/"错" from an import, say)
        texts = (
            {o["key"]: o["text"] for o in current.options}
            if current is not None and current.type == QuestionType.TRUE_FALSE
            else {}
        )
        options = [
            {"key": key, "text": texts.get(key, text), "correct": values["true_false"] == key}
            for key, text in TRUE_FALSE_TEXTS.items()
        ]
    else:
        options = [
            {"key": key, "text": row["text"], "correct": row["correct"]}
            for key, row in values["options"].items()
            if row["text"].strip() or row["correct"]
        ]
    data = service.QuestionInput(
        code=(values["code"] or None) if current is None else None,  # a saved question keeps its code
        category=values["category"],
        type=values["type"],
        difficulty=difficulty,
        prompt=values["prompt"],
        dialogue=parse_dialogue(values["dialogue"]),
        options=options,
        explanation=values["explanation"],
        active=values["active"],
    )
    return data, values, problems


async def _question_editor(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    question_id: uuid.UUID | None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    notice_text: str | None = None,
) -> Template:
    question = version = None
    versions: list[QuestionVersion] = []
    if question_id is not None:
        question, version = await service.access_question(db_session, question_id)
        versions = list(reversed(await service.question_versions(db_session, question_id)))
    errors = errors or {}
    return page(
        "admin_question_edit.html",
        request,
        status,
        question=question,
        version=version,
        versions=versions,
        values=values or _question_values(question, version),
        errors=errors,
        general_errors=general_errors(errors, QUESTION_FIELDS),
        categories=CATEGORY_LABELS,
        types=TYPE_LABELS,
        option_keys=OPTION_KEYS,
        dialogue_text=_dialogue_text,
        notice=notice_text,
    )


@get("/admin/questions/new", operation_id="page_admin_question_new", include_in_schema=False)
async def admin_question_new(request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    return await _question_editor(request, db_session, None)


@post("/admin/questions/new", operation_id="page_admin_question_create", include_in_schema=False)
async def admin_question_create(
    request: Request[Any, Any, Any], data: Form, db_session: DbSession, kit: Kit
) -> Response[Any]:
    principal = admin_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    question_input, values, problems = _read_question_form(data, None)
    if problems:
        return await _question_editor(request, db_session, None, values, problems, 422)
    try:
        question, _version = await service.create_question(db_session, kit, principal, question_input)
    except DomainError as exc:
        await db_session.rollback()
        errors = all_errors(exc, QUESTION_MESSAGES)
        return await _question_editor(request, db_session, None, values, errors, error_status(exc))
    return Redirect(path=f"/admin/questions/{question.id}?notice_code=question_created")


@get("/admin/questions/{question_id:uuid}", operation_id="page_admin_question", include_in_schema=False)
async def admin_question(
    request: Request[Any, Any, Any],
    question_id: FromPath[uuid.UUID],
    db_session: DbSession,
    notice_code: FromQuery[str | None] = None,
) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    return await _question_editor(request, db_session, question_id, notice_text=notice(notice_code, NOTICES))


@post("/admin/questions/{question_id:uuid}", operation_id="page_admin_question_update", include_in_schema=False)
async def admin_question_update(
    request: Request[Any, Any, Any], question_id: FromPath[uuid.UUID], data: Form, db_session: DbSession, kit: Kit
) -> Response[Any]:
    """Saves the editor (a changed content is the next version), or retires or restores the question alone."""
    principal = admin_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    question, current = await service.access_question(db_session, question_id)
    before_version, before_active = question.current_version, question.active
    action = data.get("action", "save")
    values = None
    if action in ("retire", "restore"):
        question_input = service.QuestionInput(active=action == "restore")
    else:
        question_input, values, problems = _read_question_form(data, current)
        if problems:
            return await _question_editor(request, db_session, question_id, values, problems, 422)
    try:
        question, _version = await service.update_question(db_session, kit, principal, question_id, question_input)
    except DomainError as exc:
        if exc.status == 404:
            raise
        await db_session.rollback()  # expires what was loaded, so the question is read again
        errors = all_errors(exc, QUESTION_MESSAGES)
        return await _question_editor(request, db_session, question_id, values, errors, error_status(exc))
    if question.current_version != before_version:
        code = "question_versioned"
    elif question.active != before_active:
        code = "question_restored" if question.active else "question_retired"
    else:
        code = "question_unchanged"
    return Redirect(path=f"/admin/questions/{question_id}?notice_code={code}")


# --- import -------------------------------------------------------------------------------------------------------


@dataclass
class ImportUpload:
    file: UploadFile | None = None


@dataclass(frozen=True)
class RejectedLine:
    """One broken rule of one rejected row, as the report's table shows it."""

    row: int
    code: str | None
    field: str
    rule: str
    message: str


def _file_kind(upload: UploadFile) -> str | None:
    """ "json" or "csv", by the file's name first and then by the type the browser gave it."""
    name = (upload.filename or "").lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".json"):
        return "json"
    media = (upload.content_type or "").split(";")[0].strip().lower()
    if media in ("text/csv", "application/csv", "application/vnd.ms-excel"):
        return "csv"
    if media == "application/json":
        return "json"
    return None


def _import_page(
    request: Request[Any, Any, Any],
    *,
    report: service.ImportReport | None = None,
    filename: str = "",
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    rejected = [
        RejectedLine(
            row.row,
            row.code,
            error.field,
            error.rule,
            said(error, QUESTION_MESSAGES),
        )
        for row in (report.rejected if report else [])
        for error in row.errors
    ]
    return page(
        "admin_question_import.html",
        request,
        status,
        report=report,
        rejected=rejected,
        rejected_rows=len(report.rejected) if report else 0,
        filename=filename,
        errors=errors or {},
        max_megabytes=service.IMPORT_MAX_BYTES // (1024 * 1024),
        columns=service.CSV_COLUMNS,
    )


@get("/admin/questions/import", operation_id="page_admin_questions_import_form", include_in_schema=False)
async def admin_questions_import_form(request: Request[Any, Any, Any]) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    return _import_page(request)


@post("/admin/questions/import", operation_id="page_admin_questions_import", include_in_schema=False)
async def admin_questions_import(
    request: Request[Any, Any, Any], data: MultipartBody[ImportUpload], db_session: DbSession, kit: Kit
) -> Response[Any]:
    principal = admin_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    upload = data.file
    if upload is None:
        return _import_page(request, errors={"file": _(IMPORT_MESSAGES[("file", "required")])}, status=422)
    filename = upload.filename or ""
    try:
        body = await upload.read(service.IMPORT_MAX_BYTES + 1)
    finally:
        await upload.close()
    try:
        kind = _file_kind(upload)
        if kind is None and len(body) <= service.IMPORT_MAX_BYTES:
            raise InvalidInput("Send a .json or .csv file.", field="file", rule="kind")
        rows = service.parse_bank(body, kind or "json")
        report = await service.import_questions(db_session, kit, principal, rows)
    except DomainError as exc:
        await db_session.rollback()
        errors = {"file": " ".join(dict.fromkeys(form_errors(exc, IMPORT_MESSAGES).values()))}
        return _import_page(request, filename=filename, errors=errors, status=error_status(exc))
    return _import_page(request, report=report, filename=filename)


# --- blueprints ---------------------------------------------------------------------------------------------------

BLUEPRINT_FIELDS = (
    "title",
    "round_id",
    "track",
    "per_category",
    "shuffle_options",
    "time_limit_minutes",
    "pass_mark",
    "attempts_allowed",
    "cooldown_hours",
    "show_answers",
    "partial_credit",
)
BLUEPRINT_NUMBERS = tuple(service.BLUEPRINT_RANGES)
NUMBER_LABELS = {
    "time_limit_minutes": N_("Time limit (minutes)"),
    "pass_mark": N_("Pass mark (percent of the points)"),
    "attempts_allowed": N_("Attempts allowed"),
    "cooldown_hours": N_("Cool-down between attempts (hours)"),
}
BLUEPRINT_SWITCHES = ("shuffle_options", "show_answers", "partial_credit")


def blueprint_errors(exc: DomainError) -> dict[str, str]:
    """The service's words for a blueprint, with each setting's range filled in from the service's own numbers."""
    errors = form_errors(exc, BLUEPRINT_MESSAGES)
    for error in exc.errors:
        if error.rule == "range" and error.field in RANGE_MESSAGES:
            low, high = service.BLUEPRINT_RANGES[error.field]
            errors[error.field] = _(RANGE_MESSAGES[error.field]) % {"low": low, "high": high}
    return errors


@get("/admin/exams", operation_id="page_admin_blueprints", include_in_schema=False)
async def admin_blueprints(
    request: Request[Any, Any, Any], db_session: DbSession, notice_code: FromQuery[str | None] = None
) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    rounds = {r.id: r for r in await recruitment.list_rounds(db_session)}
    return page(
        "admin_blueprints.html",
        request,
        blueprints=await service.list_blueprints(db_session),
        rounds=rounds,
        categories=CATEGORY_LABELS,
        counts=await service.active_counts(db_session),
        notice=notice(notice_code, NOTICES),
    )


def _blueprint_values(blueprint: Blueprint | None) -> dict[str, Any]:
    """What the editor shows for a saved blueprint, or the service's defaults for a new one."""
    source: dict[str, Any] = (
        dict(service.BLUEPRINT_DEFAULTS)
        if blueprint is None
        else {name: getattr(blueprint, name) for name in service.BLUEPRINT_DEFAULTS}
    )
    per_category = {} if blueprint is None else blueprint.per_category
    return {
        "title": "" if blueprint is None else blueprint.title,
        "round_id": "" if blueprint is None or blueprint.round_id is None else str(blueprint.round_id),
        "track": "" if blueprint is None else blueprint.track or "",
        "per_category": {c: str(per_category.get(c, 0)) for c in CATEGORIES},
        **{name: str(source[name]) for name in BLUEPRINT_NUMBERS},
        **{name: bool(source[name]) for name in BLUEPRINT_SWITCHES},
    }


def _read_blueprint_form(
    form: dict[str, str], creating: bool
) -> tuple[service.BlueprintInput, dict[str, Any], dict[str, str]]:
    """(the service's input, the values to show again, the inputs that are not even numbers).

    Round and track are read only when creating: a saved blueprint keeps them, as the API's PATCH does.
    An empty count draws no question of that category.
    """
    values: dict[str, Any] = {"title": form.get("title", "")}
    given: dict[str, Any] = {"title": values["title"]}
    problems: dict[str, str] = {}
    if creating:
        values["round_id"] = raw_round = form.get("round_id", "").strip()
        values["track"] = form.get("track", "").strip()
        if raw_round:
            try:
                given["round_id"] = uuid.UUID(raw_round)
            except ValueError:
                problems["round_id"] = _(BLUEPRINT_MESSAGES[("round_id", "exists")])
        given["track"] = values["track"] or None
    values["per_category"] = {c: form.get(f"count_{c}", "").strip() for c in CATEGORIES}
    try:
        given["per_category"] = {c: int(raw or 0) for c, raw in values["per_category"].items()}
    except ValueError:
        problems["per_category"] = _(BLUEPRINT_MESSAGES[("*", "integer")])
    for name in BLUEPRINT_NUMBERS:
        values[name] = raw = form.get(name, "").strip()
        try:
            given[name] = int(raw)
        except ValueError:
            problems[name] = _(BLUEPRINT_MESSAGES[("*", "integer")])
    for name in BLUEPRINT_SWITCHES:
        values[name] = given[name] = form.get(name) == "1"
    return service.BlueprintInput(**given), values, problems


async def _blueprint_editor(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    blueprint: Blueprint | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
    notice_text: str | None = None,
) -> Template:
    errors = errors or {}
    rounds: list[Round] = await recruitment.list_rounds(db_session)
    return page(
        "admin_blueprint_edit.html",
        request,
        status,
        blueprint=blueprint,
        round=next((r for r in rounds if blueprint is not None and r.id == blueprint.round_id), None),
        rounds=rounds,
        tracks=TRACKS,
        categories=CATEGORY_LABELS,
        counts=await service.active_counts(db_session),
        numbers=[(name, NUMBER_LABELS[name], service.BLUEPRINT_RANGES[name]) for name in BLUEPRINT_NUMBERS],
        values=values,
        errors=errors,
        general_errors=general_errors(errors, BLUEPRINT_FIELDS),
        notice=notice_text,
    )


@get("/admin/exams/new", operation_id="page_admin_blueprint_new", include_in_schema=False)
async def admin_blueprint_new(request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    return await _blueprint_editor(request, db_session, None, _blueprint_values(None))


@post("/admin/exams/new", operation_id="page_admin_blueprint_create", include_in_schema=False)
async def admin_blueprint_create(
    request: Request[Any, Any, Any], data: Form, db_session: DbSession, kit: Kit
) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    blueprint_input, values, problems = _read_blueprint_form(data, creating=True)
    if problems:
        return await _blueprint_editor(request, db_session, None, values, problems, 422)
    try:
        blueprint = await service.create_blueprint(db_session, kit, blueprint_input)
    except DomainError as exc:
        await db_session.rollback()
        return await _blueprint_editor(request, db_session, None, values, blueprint_errors(exc), error_status(exc))
    return Redirect(path=f"/admin/exams/{blueprint.id}?notice_code=blueprint_created")


@get("/admin/exams/{blueprint_id:uuid}", operation_id="page_admin_blueprint", include_in_schema=False)
async def admin_blueprint(
    request: Request[Any, Any, Any],
    blueprint_id: FromPath[uuid.UUID],
    db_session: DbSession,
    notice_code: FromQuery[str | None] = None,
) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    blueprint = await service.access_blueprint(db_session, blueprint_id)
    return await _blueprint_editor(
        request, db_session, blueprint, _blueprint_values(blueprint), notice_text=notice(notice_code, NOTICES)
    )


@post("/admin/exams/{blueprint_id:uuid}", operation_id="page_admin_blueprint_update", include_in_schema=False)
async def admin_blueprint_update(
    request: Request[Any, Any, Any], blueprint_id: FromPath[uuid.UUID], data: Form, db_session: DbSession, kit: Kit
) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    blueprint = await service.access_blueprint(db_session, blueprint_id)
    blueprint_input, values, problems = _read_blueprint_form(data, creating=False)
    shown = {**_blueprint_values(blueprint), **values}
    if problems:
        return await _blueprint_editor(request, db_session, blueprint, shown, problems, 422)
    try:
        await service.update_blueprint(db_session, kit, blueprint_id, blueprint_input)
    except DomainError as exc:
        if exc.status == 404:
            raise
        await db_session.rollback()  # expires what was loaded, so the blueprint is read again
        blueprint = await service.access_blueprint(db_session, blueprint_id)
        return await _blueprint_editor(request, db_session, blueprint, shown, blueprint_errors(exc), error_status(exc))
    return Redirect(path=f"/admin/exams/{blueprint_id}?notice_code=blueprint_saved")


FLAG_LABELS = {
    "too_easy": N_("Too easy"),
    "too_hard": N_("Too hard"),
    "weak_discrimination": N_("Does not separate strong from weak"),
}


@get("/admin/exams/{blueprint_id:uuid}/stats", operation_id="page_admin_item_stats", include_in_schema=False)
async def admin_item_stats(
    request: Request[Any, Any, Any], blueprint_id: FromPath[uuid.UUID], db_session: DbSession
) -> Response[Any]:
    """Which questions tell strong candidates from weak ones, so the bank's poor ones can be retired from here."""
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    stats = await service.item_stats(db_session, blueprint_id)
    return page(
        "admin_item_stats.html",
        request,
        stats=stats,
        categories=CATEGORY_LABELS,
        types=TYPE_LABELS,
        flags=FLAG_LABELS,
        min_answered=service.FLAG_MIN_ANSWERED,
        mean=service.format_score(stats.mean_score_bp),
    )


ROUTES = [
    admin_item_stats,
    admin_questions,
    admin_questions_export,
    admin_questions_import_form,
    admin_questions_import,
    admin_question_new,
    admin_question_create,
    admin_question,
    admin_question_update,
    admin_blueprints,
    admin_blueprint_new,
    admin_blueprint_create,
    admin_blueprint,
    admin_blueprint_update,
]
