"""The question bank's pages: the list with search and filters, the export, and the editor with its version history.

Every page calls the same `exams.service` functions as the JSON API and holds no rule of its own: what a question
may hold is the service's answer, shown next to its field in the visitor's language (every rule a field breaks,
as the API reports them all).
"""

from __future__ import annotations

import dataclasses
import math
import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from exams import service
from gigplatform.db import DbSession
from gigplatform.errors import DomainError, FieldError, InvalidInput
from gigplatform.security import CurrentPrincipal, Kit, Principal
from web.admin.question_form import (
    OPTION_KEYS,
    QUESTION_FIELDS,
    dialogue_text,
    posted_values,
    question_input,
    question_values,
)
from web.exam_labels import CATEGORY_LABELS, TYPE_LABELS
from web.forms import form_page
from web.i18n import N_
from web.rendering import Form, ListQuery, form_errors, general_errors, notice, page

BANK_PAGE_SIZE = 20
LAST_PAGE = service.OFFSET_MAX // BANK_PAGE_SIZE  # a page past this has an offset no database takes

# --- the words for what the services say --------------------------------------------------------------------------

# Every rule's words are the service's own message (`N_` where the rule lives), translated. Only these three say
# something else here: the editor's inputs are lines, option rows and a true/false choice, not the JSON shape that
# the API's and the bank files' words describe.
FORM_WORDS: dict[tuple[str, str], str] = {
    ("dialogue", "format"): N_("Write one turn per line, starting with 买家: or 客服: (buyer: or agent:)."),
    ("options", "format"): N_("Every option needs a text."),
    ("options", "true_false"): N_("Choose whether the statement is true or false."),
}
# Notices shown after a redirect: only these fixed codes travel in the URL, never text.
NOTICES: dict[str, str] = {
    "question_created": N_("The question is saved as version 1."),
    "question_versioned": N_("Saved as a new version. Attempts already given keep the version they were asked."),
    "question_unchanged": N_("Nothing in the question changed, so no new version was written."),
    "question_retired": N_("The question is retired: new exams no longer draw it."),
    "question_restored": N_("The question is in use again."),
}


def said(error: FieldError, messages: dict[tuple[str, str], str] = FORM_WORDS) -> str:
    """One broken rule in the visitor's language: the service's own sentence, or the form's words for it."""
    return form_errors(InvalidInput(error.message, errors=[error]), messages)[error.field]


def all_errors(exc: DomainError, messages: dict[tuple[str, str], str] = FORM_WORDS) -> dict[str, str]:
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
            offset=(self.page - 1) * BANK_PAGE_SIZE,
        )


def page_of(raw: str | None) -> int:
    """The page a link asks for, whatever it says: not a number is the first page, a huge one the last there is."""
    digits = (raw or "").strip()
    if not digits.isdecimal():  # "-5", "abc", "²": the first page
        return 1
    if len(digits) > len(str(LAST_PAGE)):  # no page is that far (and int() refuses thousands of digits)
        return LAST_PAGE
    return max(1, min(int(digits), LAST_PAGE))


@get("/admin/questions", operation_id="page_admin_questions")
async def admin_questions(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    q: FromQuery[str | None] = None,
    category: FromQuery[str | None] = None,
    type: FromQuery[str | None] = None,
    active: FromQuery[str | None] = None,
    page_number: FromQuery[str | None] = None,
) -> Response[Any]:
    query = BankQuery((q or "").strip(), category or "", type or "", active or "", page_of(page_number))
    errors: dict[str, str] = {}
    rows: list[tuple[service.Question, service.QuestionVersion]] = []
    total = 0
    try:  # a filter the service does not know is shown above an empty list, not as an error page
        rows, total = await service.list_questions(db_session, query.service_filter())
        last = max(1, math.ceil(total / BANK_PAGE_SIZE))
        if query.page > last:  # past the end: the last page
            query = dataclasses.replace(query, page=last)
            rows, total = await service.list_questions(db_session, query.service_filter())
    except InvalidInput as exc:
        errors = form_errors(exc)
    return page(
        "admin/questions.html",
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


@get("/admin/questions/export", operation_id="page_admin_questions_export")
async def admin_questions_export(db_session: DbSession, format: FromQuery[str] = "json") -> Response[Any]:
    """The whole bank in the import's own formats, so a file exported here imports again unchanged."""
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


async def _question_editor(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    principal: Principal,
    question_id: uuid.UUID | None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    notice_text: str | None = None,
) -> Template:
    question = version = None
    versions: list[service.QuestionVersion] = []
    if question_id is not None:
        question, version = await service.access_question(db_session, principal, question_id)
        versions = list(reversed(await service.question_versions(db_session, principal, question_id)))
    errors = errors or {}
    return page(
        "admin/question_edit.html",
        request,
        status,
        question=question,
        version=version,
        versions=versions,
        values=values or question_values(question, version),
        errors=errors,
        general_errors=general_errors(errors, QUESTION_FIELDS),
        categories=CATEGORY_LABELS,
        types=TYPE_LABELS,
        option_keys=OPTION_KEYS,
        dialogue_text=dialogue_text,
        notice=notice_text,
    )


@get("/admin/questions/new", operation_id="page_admin_question_new")
async def admin_question_new(
    request: Request[Any, Any, Any], db_session: DbSession, principal: CurrentPrincipal
) -> Response[Any]:
    return await _question_editor(request, db_session, principal, None)


@post("/admin/questions/new", operation_id="page_admin_question_create")
async def admin_question_create(
    request: Request[Any, Any, Any], data: Form, db_session: DbSession, kit: Kit, principal: CurrentPrincipal
) -> Response[Any]:
    values = posted_values(data)

    async def create() -> service.Question:
        question, _version = await service.create_question(
            db_session, kit.clock, principal, question_input(data, values, None)
        )
        return question

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        return await _question_editor(request, db_session, principal, None, values, errors, status)

    return await form_page(
        db_session,
        create,
        done=lambda question: Redirect(path=f"/admin/questions/{question.id}?notice_code=question_created"),
        again=again,
        explain=all_errors,
    )


@get("/admin/questions/{question_id:uuid}", operation_id="page_admin_question")
async def admin_question(
    request: Request[Any, Any, Any],
    question_id: FromPath[uuid.UUID],
    db_session: DbSession,
    principal: CurrentPrincipal,
    notice_code: FromQuery[str | None] = None,
) -> Response[Any]:
    return await _question_editor(request, db_session, principal, question_id, notice_text=notice(notice_code, NOTICES))


@post("/admin/questions/{question_id:uuid}", operation_id="page_admin_question_update")
async def admin_question_update(
    request: Request[Any, Any, Any],
    question_id: FromPath[uuid.UUID],
    data: Form,
    db_session: DbSession,
    kit: Kit,
    principal: CurrentPrincipal,
) -> Response[Any]:
    """Saves the editor (a changed content is the next version), or retires or restores the question alone."""
    question, current = await service.access_question(db_session, principal, question_id)
    before_version, before_active = question.current_version, question.active
    action = data.get("action", "save")
    values = None if action in ("retire", "restore") else posted_values(data)

    async def save() -> service.Question:
        changes = (
            service.QuestionInput(active=action == "restore")
            if values is None
            else question_input(data, values, current)
        )
        saved, _version = await service.update_question(db_session, kit.clock, principal, question_id, changes)
        return saved

    def done(saved: service.Question) -> Response[Any]:
        if saved.current_version != before_version:
            code = "question_versioned"
        elif saved.active != before_active:
            code = "question_restored" if saved.active else "question_retired"
        else:
            code = "question_unchanged"
        return Redirect(path=f"/admin/questions/{question_id}?notice_code={code}")

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        return await _question_editor(request, db_session, principal, question_id, values, errors, status)

    return await form_page(db_session, save, done=done, again=again, explain=all_errors)


ROUTES = [
    admin_questions,
    admin_questions_export,
    admin_question_new,
    admin_question_create,
    admin_question,
    admin_question_update,
]
