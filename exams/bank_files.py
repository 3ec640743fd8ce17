"""Bank files: the whole question bank exported as JSON or CSV, and such a file imported again.

Import takes every valid row and reports each rejected one with the field and rule it broke; nothing of a rejected
row is written. A file exported here imports again unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from exams.bank import (
    CONTENT_FIELDS,
    OPTION_KEYS,
    QuestionInput,
    create_question,
    current_questions,
    question_problems,
    update_question,
)
from exams.models import Question, QuestionType, QuestionVersion
from gigplatform.clock import Clock
from gigplatform.errors import N_, FieldError, InvalidInput
from gigplatform.security import Principal

BANK_FORMAT = "gigplatform-question-bank"
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
# A row's rules, in the words the report shows (translated by the pages).
ROW_FORMAT = N_("Each question is a JSON object.")
UNKNOWN_FIELD = N_("This field is unknown.")
CODE_REQUIRED = N_("Every imported question needs a code, to match it again.")
ACTIVE_TYPE = N_("active is true or false.")
DUPLICATE_CODE = N_("This code appears earlier in the file.")
IMPORT_MAX_BYTES = 5 * 1024 * 1024


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
        return None, [FieldError("row", "format", ROW_FORMAT, ROW_FORMAT)]
    known = {k: raw[k] for k in ("code", *CONTENT_FIELDS, "active") if k in raw}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        return None, [FieldError(unknown[0], "unknown_field", UNKNOWN_FIELD, UNKNOWN_FIELD)]
    if not isinstance(known.get("code"), str) or not known["code"].strip():
        return None, [FieldError("code", "required", CODE_REQUIRED, CODE_REQUIRED)]
    if "active" in known and not isinstance(known["active"], bool):
        return None, [FieldError("active", "type", ACTIVE_TYPE, ACTIVE_TYPE)]
    return QuestionInput(**known), []


def _refuse_nul(texts: Any) -> None:
    """A NUL in any text of the file (PostgreSQL cannot store it): the whole file is refused, naming the body. A
    file uploaded through the page passes no request guard, so the bank's own reading checks it."""
    pending = [texts]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise InvalidInput(
                    N_("The file holds a NUL character, which no text field accepts."),
                    field="body",
                    rule="control_character",
                )
        elif isinstance(value, dict):
            pending += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            pending += value


def parse_json_bank(body: bytes) -> list[Any]:
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(N_("The file is not valid JSON."), field="body", rule="json") from exc
    _refuse_nul(document)
    if (
        isinstance(document, dict)
        and document.get("format") == BANK_FORMAT
        and isinstance(document.get("questions"), list)
    ):
        return document["questions"]
    if isinstance(document, list):
        return document
    raise InvalidInput(
        N_('A JSON bank is {"format": "gigplatform-question-bank", "questions": [...]} or a list.'),
        field="body",
        rule="format",
    )


def decode_csv(body: bytes) -> str:
    """UTF-8 (with or without a BOM), else GB18030: what Excel on Chinese Windows saves as "CSV" (GBK, code page
    936, is a subset of GB18030). Valid UTF-8 is tried first: Chinese text in GBK is almost never valid UTF-8."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(N_("The CSV file must be UTF-8 or GBK (GB18030)."), field="body", rule="encoding")


def parse_csv_bank(body: bytes) -> list[Any]:
    """CSV rows in the export's columns; options in option_a.., the correct keys in `correct` ("A" or "A,C")."""
    text = decode_csv(body)
    _refuse_nul(text)
    try:
        return _csv_rows(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:  # a field past the reader's limit (128 KiB), far past any rule's
        raise InvalidInput(
            N_("The CSV file cannot be read; open it in a spreadsheet and save it as CSV again."),
            field="body",
            rule="csv",
        ) from exc


def _csv_rows(reader: csv.DictReader[str]) -> list[Any]:
    missing = [c for c in ("code", "category", "type", "prompt", "correct") if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(
            N_("The CSV header lacks a required column: code, category, type, prompt and correct."),
            field="body",
            rule="columns",
            extra={"missing": missing},
        )
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
            N_("The file may be at most %(megabytes)s MB."),
            field="body",
            rule="too_large",
            params={"megabytes": IMPORT_MAX_BYTES // (1024 * 1024)},
        )
    return parse_csv_bank(body) if kind == "csv" else parse_json_bank(body)


async def import_questions(session: AsyncSession, clock: Clock, actor: Principal, rows: list[Any]) -> ImportReport:
    """Creates new codes, versions changed ones, skips identical ones; each rejected row is reported, not written.
    Everything valid is written on the caller's transaction, so the import lands whole or not at all."""
    if len(rows) > IMPORT_MAX_ROWS:
        raise InvalidInput(
            N_("At most %(limit)s questions per import."),
            field="body",
            rule="too_many",
            params={"limit": IMPORT_MAX_ROWS},
        )
    report = ImportReport()
    seen: set[str] = set()
    for n, raw in enumerate(rows, start=1):
        data, problems = _row_input(raw)
        code = data.code.strip() if data and data.code else (raw.get("code") if isinstance(raw, dict) else None)
        if data is not None and code in seen:
            problems = [FieldError("code", "duplicate_in_file", DUPLICATE_CODE, DUPLICATE_CODE)]
        if data is not None and not problems:
            data.code = code
            values = {"explanation": "", "dialogue": [], **data.given()}
            problems = question_problems(values)
        if problems:
            report.rejected.append(RejectedRow(n, code if isinstance(code, str) else None, problems))
            continue
        assert data is not None and code is not None
        seen.add(code)
        existing = await session.scalar(select(Question).where(Question.code == code))
        if existing is None:
            await create_question(session, clock, actor, data)
            report.created += 1
        else:
            before = existing.current_version
            await update_question(session, clock, actor, existing.id, data)
            if existing.current_version != before:
                report.updated += 1
            else:
                report.unchanged += 1
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
    return [(q, v) for q, v in await session.execute(current_questions().order_by(Question.code))]


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
