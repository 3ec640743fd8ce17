"""Recruitment pages: rounds, review and training for admins; applying, the typing test and training for freelancers.

Every page calls the same `recruitment.service` functions as the JSON API and holds no rule of its own: what a form
may hold, who may act and what happens next are the service's answers, shown in the visitor's language. What the
pages do themselves is only the web's part: reading form fields (numbers, Beijing date-times, checkbox lists),
choosing which inputs an open round still lets the admin edit (the service's `EDITABLE_WHILE_OPEN`), and putting
the service's English reasons into words for people.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from exams import service as exams
from gigplatform.accounts import service as accounts
from gigplatform.clock import business_today
from gigplatform.db import DbSession
from gigplatform.errors import DomainError, InvalidInput, NotFound
from gigplatform.security import Kit, Principal, SecurityKit, current_principal
from recruitment import service as recruitment
from recruitment.identity import age_on
from recruitment.models import Application, ApplicationStatus, Round, RoundStatus, Track, TrainingModule
from recruitment.training import render_markdown
from web import i18n
from web.i18n import N_, _
from web.rendering import (
    ListQuery,
    admin_visitor,
    beijing_input,
    error_status,
    form_errors,
    general_errors,
    notice,
    page,
    parse_beijing,
    safe_next,
    sign_in_redirect,
    worker_visitor,
)

S = ApplicationStatus
TRACKS = [t.value for t in Track]
STATUSES = [s.value for s in ApplicationStatus]
REVIEW_PAGE_SIZE = 20
EXAM_VISIBLE = {"exam", "certified", "waitlisted", "rejected"}  # statuses whose page shows the exam section
SORT_LABELS = {
    "created_at": N_("Oldest first"),
    "-created_at": N_("Newest first"),
    "legal_name": N_("Name"),
    "status": N_("Status"),
    "age": N_("Youngest first"),
    "-age": N_("Oldest applicants first"),
}

# --- the words for what the services say --------------------------------------------------------------------------

ROUND_MESSAGES: dict[tuple[str, str], str] = {
    ("title", "required"): N_("Enter a title."),
    ("title", "length"): N_("The title needs 1 to 120 characters."),
    ("description", "max_length"): N_("The description may have at most 5000 characters."),
    ("tracks", "required"): N_("Offer at least one track."),
    ("tracks", "not_empty"): N_("Offer at least one track."),
    ("tracks", "one_of"): N_("Choose tracks from the list."),
    ("tracks", "unique"): N_("A track is listed twice."),
    ("opens_at", "required"): N_("Enter when the round opens."),
    ("closes_at", "required"): N_("Enter when the round closes."),
    ("closes_at", "after_opens_at"): N_("The round must close after it opens."),
    ("closes_at", "future"): N_("The closing time must be in the future."),
    ("quota", "required"): N_("Enter how many people this round certifies."),
    ("quota", "range"): N_("The quota is 1 to 100000."),
    ("quota", "below_certified"): N_("More applicants are already certified than this quota allows."),
    ("min_age", "range"): N_("The minimum age is 16 to 100."),
    ("min_typing_cpm", "range"): N_("The minimum typing speed is 0 to 600 characters a minute."),
    ("min_typing_accuracy", "range"): N_("The minimum accuracy is 0 to 100 percent."),
    ("typing_attempts", "range"): N_("Typing attempts are 1 to 10."),
    ("training_module_ids", "unique"): N_("A training module is listed twice."),
    ("training_module_ids", "exists"): N_("Every required module must exist and be active."),
    ("status", "closed"): N_("A closed round cannot change."),
    ("status", "not_draft"): N_("Only a draft round can be opened."),
    ("status", "not_open"): N_("Only an open round can be closed."),
    ("round_id", "exists"): N_("No such recruitment round."),
    ("*", "frozen_while_open"): N_("This cannot change while the round is open."),
    ("*", "integer"): N_("Enter a whole number."),
    ("*", "datetime"): N_("Enter a date and time."),
    ("*", "timezone"): N_("Enter a date and time."),
}

MODULE_MESSAGES: dict[tuple[str, str], str] = {
    ("title", "required"): N_("Enter a title."),
    ("title", "length"): N_("The title needs 1 to 120 characters."),
    ("body_markdown", "required"): N_("Write the module's content."),
    ("body_markdown", "length"): N_("The content needs 1 to 100000 characters."),
    ("min_reading_seconds", "required"): N_("Enter the minimum reading time."),
    ("min_reading_seconds", "range"): N_("The minimum reading time is 0 to 7200 seconds."),
    ("module_id", "exists"): N_("No such training module."),
    ("*", "integer"): N_("Enter a whole number."),
}

APPLY_MESSAGES: dict[tuple[str, str], str] = {
    ("legal_name", "length"): N_("Enter your legal name as on your ID card (2 to 30 characters)."),
    ("legal_name", "format"): N_("The legal name may not contain digits or symbols."),
    ("id_number", "length"): N_("The ID number must have 18 characters."),
    ("id_number", "format"): N_("The ID number must be 17 digits and a digit or X."),
    ("id_number", "checksum"): N_("The ID number's check digit is wrong. Please check the number."),
    ("id_number", "birth_date"): N_("The birth date in the ID number is not valid."),
    ("id_number", "region"): N_("The region code of the ID number is unknown."),
    ("id_number", "duplicate"): N_("This person has already applied to this round."),
    ("id_number", "another_account"): N_("This ID number is bound to another account."),
    ("id_number", "another_person"): N_("This account is verified as another person."),
    ("phone", "format"): N_("Enter an 11-digit mainland mobile number."),
    ("tracks", "not_empty"): N_("Choose at least one track."),
    ("tracks", "offered"): N_("Choose tracks this round offers."),
    ("is_student", "required"): N_("Tell us whether you are a student."),
    ("round_id", "not_open"): N_("This round is not taking applications."),
    ("round_id", "already_applied"): N_("You have already applied to this round."),
    ("round_id", "exists"): N_("No such recruitment round."),
    ("standing", "good_standing"): N_("Your account is not in good standing, so you cannot apply or book shifts."),
    ("role", "role_required"): N_("Only freelancer accounts can apply."),
}
MIN_AGE_MESSAGE = N_("Applicants must be at least %(age)s years old on the day they apply.")

TYPING_MESSAGES: dict[tuple[str, str], str] = {
    ("status", "not_typing"): N_("The typing test is not open for this application now."),
    ("application_id", "no_attempts_left"): N_("No typing attempts are left."),
    ("text", "max_length"): N_("The text is too long."),
    ("test_id", "already_submitted"): N_("This typing test was already submitted."),
    ("test_id", "deadline"): N_("The time for this typing test is over; it counts as a failed attempt."),
}

TRAINING_MESSAGES: dict[tuple[str, str], str] = {
    ("module_id", "not_started"): N_("Open the module and read it first."),
    ("module_id", "min_reading_time"): N_("Keep reading: the minimum reading time has not passed yet."),
    ("module_id", "exists"): N_("No such training module."),
}

WITHDRAW_MESSAGES: dict[tuple[str, str], str] = {
    ("status", "transition"): N_("This application can no longer be withdrawn."),
}

BULK_MESSAGES: dict[tuple[str, str], str] = {
    ("ids", "length"): N_("Select at least one application (at most 500)."),
    ("ids", "unique"): N_("An application is selected twice."),
    ("action", "one_of"): N_("Choose to advance or to reject."),
    ("reason", "required"): N_("A rejection needs a reason the applicant will read."),
    ("reason", "max_length"): N_("The reason may have at most 500 characters."),
}
FILTER_MESSAGES: dict[tuple[str, str], str] = {
    ("status", "one_of"): N_("Unknown status."),
    ("track", "one_of"): N_("Unknown track."),
    ("sort", "one_of"): N_("Unknown sort order."),
    ("limit", "range"): N_("There is no such page."),
}
BULK_RULES: dict[str, str] = {
    "transition": N_("its current status does not allow this step"),
    "exists": N_("no such application"),
    "another_account": N_("this person is already verified on another account"),
    "required": N_("a rejection needs a reason"),
    "max_length": N_("the reason is too long"),
}

# Notices shown after a redirect: only these fixed codes travel in the URL, never text.
NOTICES: dict[str, str] = {
    "round_created": N_("The round is saved as a draft. Open it when it is ready."),
    "round_saved": N_("The round is saved."),
    "round_opened": N_("The round is open for applications."),
    "round_closed": N_("The round is closed."),
    "module_created": N_("The training module is saved."),
    "module_saved": N_("The training module is saved."),
    "applied": N_("Your application is submitted."),
    "withdrawn": N_("Your application is withdrawn."),
    "module_completed": N_("Module completed."),
    "exam_unlocked": N_("All required training is completed: the exam is unlocked."),
    "typing_late": N_("The time for this typing test is over; it counts as a failed attempt."),
}


def reason_text(text: str, code: str | None = None, params: dict[str, Any] | None = None) -> str:
    """A timeline or status reason in the visitor's language: a system reason through its code's template (with
    an outside detail, such as the identity service's own words, kept as given); a person's words as typed."""
    template = recruitment.REASONS.get(code or "")
    if template is None:
        return text
    values = dict(params or {})
    detail = values.pop("detail", "")
    if code == "identity_unavailable":
        detail = ""  # the transport's own words ("timed out") help the logs, not the applicant
    if (status := values.get("status")) is not None:
        values["status"] = _(status)  # a status word such as "typing"
    translated = _(template) % values if values else _(template)
    return (
        f"{translated}（{detail}）"
        if detail and i18n.current_language.get() == "zh"
        else (f"{translated} ({detail})" if detail else translated)
    )


# --- admin: rounds ------------------------------------------------------------------------------------------------


@get("/admin/rounds", operation_id="page_admin_rounds", include_in_schema=False)
async def admin_rounds(
    request: Request[Any, Any, Any], db_session: DbSession, notice_code: FromQuery[str | None] = None
) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    return await _rounds_list(request, db_session, notice=notice(notice_code, NOTICES))


async def _rounds_list(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    *,
    notice: str | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> Template:
    rounds = await recruitment.list_rounds(db_session)
    return page("admin_rounds.html", request, status, rounds=rounds, notice=notice, general_errors=errors or [])


ROUND_FIELDS = (
    "title",
    "description",
    "tracks",
    "opens_at",
    "closes_at",
    "quota",
    "min_age",
    "min_typing_cpm",
    "min_typing_accuracy",
    "typing_attempts",
    "student_preferred",
    "training_module_ids",
)
ROUND_NUMBERS = ("quota", "min_age", "min_typing_cpm", "min_typing_accuracy", "typing_attempts")


def _editable(round_: Round | None) -> frozenset[str]:
    """Which inputs the editor offers: all for a new or draft round, what the service lets change while open."""
    if round_ is None or round_.status == RoundStatus.DRAFT:
        return frozenset(ROUND_FIELDS)
    if round_.status == RoundStatus.OPEN:
        return frozenset(recruitment.EDITABLE_WHILE_OPEN)
    return frozenset()


def _round_values(round_: Round | None, module_ids: list[uuid.UUID]) -> dict[str, Any]:
    """What the editor shows for a saved round, or the service's defaults for a new one."""
    if round_ is None:
        defaults = recruitment.ROUND_DEFAULTS
        return {
            "title": "",
            "description": "",
            "tracks": [],
            "opens_at": "",
            "closes_at": "",
            "quota": "",
            **{k: str(defaults[k]) for k in ROUND_NUMBERS if k in defaults},
            "student_preferred": defaults["student_preferred"],
            "modules": [],
        }
    return {
        "title": round_.title,
        "description": round_.description,
        "tracks": list(round_.tracks),
        "opens_at": beijing_input(round_.opens_at),
        "closes_at": beijing_input(round_.closes_at),
        **{k: str(getattr(round_, k)) for k in ROUND_NUMBERS},
        "student_preferred": round_.student_preferred,
        "modules": [str(m) for m in module_ids],
    }


def _read_round_form(
    form: FormMultiDict, editable: frozenset[str]
) -> tuple[recruitment.RoundInput, dict[str, Any], dict[str, str]]:
    """(the service's input, the values to show again, the fields that are not even numbers or dates)."""
    values: dict[str, Any] = {}
    given: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name in ("title", "description"):
        if name in editable:
            values[name] = form.get(name, "")
            given[name] = values[name]
    if "tracks" in editable:
        values["tracks"] = [t for t in form.getall("tracks", []) if t]
        given["tracks"] = values["tracks"]
    for name in ("opens_at", "closes_at"):
        if name in editable:
            values[name] = raw = (form.get(name) or "").strip()
            if raw:
                parsed = parse_beijing(raw)
                if parsed is None:
                    problems[name] = _(ROUND_MESSAGES[("*", "datetime")])
                given[name] = parsed
    for name in ROUND_NUMBERS:
        if name in editable:
            values[name] = raw = (form.get(name) or "").strip()
            if raw:
                try:
                    given[name] = int(raw)
                except ValueError:
                    problems[name] = _(ROUND_MESSAGES[("*", "integer")])
    if "student_preferred" in editable:
        values["student_preferred"] = given["student_preferred"] = form.get("student_preferred") == "1"
    if "training_module_ids" in editable:
        chosen: list[tuple[float, int, str]] = []
        for index, raw_id in enumerate(form.getall("modules", [])):
            try:
                order = float(form.get(f"order-{raw_id}") or math.inf)
            except ValueError:
                order = math.inf
            chosen.append((order, index, raw_id))
        ordered = [raw_id for _o, _i, raw_id in sorted(chosen)]
        values["modules"] = ordered
        try:
            given["training_module_ids"] = [uuid.UUID(m) for m in ordered]
        except ValueError:
            problems["training_module_ids"] = _(ROUND_MESSAGES[("training_module_ids", "exists")])
    return recruitment.RoundInput(**given), values, problems


@dataclass(frozen=True)
class ModuleRow:
    module: TrainingModule
    chosen: bool
    order: int | None


def _module_rows(modules: list[TrainingModule], chosen: list[str]) -> list[ModuleRow]:
    """Required modules first, in their order; then the other active ones to choose from."""
    by_id = {str(m.id): m for m in modules}
    rows = [ModuleRow(by_id[m], True, i + 1) for i, m in enumerate(chosen) if m in by_id]
    rows += [ModuleRow(m, False, None) for m in modules if str(m.id) not in chosen and m.active]
    return rows


async def _round_editor(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    round_: Round | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
    notice_text: str | None = None,
) -> Template:
    errors = errors or {}
    modules = await recruitment.list_modules(db_session)
    return page(
        "admin_round_edit.html",
        request,
        status,
        round=round_,
        values=values,
        errors=errors,
        general_errors=general_errors(errors, ROUND_FIELDS),
        editable=_editable(round_),
        tracks=TRACKS,
        module_rows=_module_rows(modules, values.get("modules", [])),
        notice=notice_text,
    )


@get("/admin/rounds/new", operation_id="page_admin_round_new", include_in_schema=False)
async def admin_round_new(request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    return await _round_editor(request, db_session, None, _round_values(None, []))


@post("/admin/rounds/new", operation_id="page_admin_round_create", include_in_schema=False)
async def admin_round_create(request: Request[Any, Any, Any], db_session: DbSession, kit: Kit) -> Response[Any]:
    principal = admin_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    data, values, problems = _read_round_form(await request.form(), _editable(None))
    if problems:
        return await _round_editor(request, db_session, None, values, problems, 422)
    try:
        round_ = await recruitment.create_round(db_session, kit, principal, data)
    except DomainError as exc:
        if exc.status == 404:
            raise
        await db_session.rollback()
        return await _round_editor(
            request, db_session, None, values, form_errors(exc, ROUND_MESSAGES), error_status(exc)
        )
    return Redirect(path=f"/admin/rounds/{round_.id}?notice_code=round_created")


@get("/admin/rounds/{round_id:uuid}", operation_id="page_admin_round", include_in_schema=False)
async def admin_round(
    request: Request[Any, Any, Any],
    round_id: FromPath[uuid.UUID],
    db_session: DbSession,
    notice_code: FromQuery[str | None] = None,
) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    round_ = await recruitment.access_round(db_session, round_id)
    module_ids = (await recruitment.round_module_ids(db_session, [round_.id]))[round_.id]
    return await _round_editor(
        request, db_session, round_, _round_values(round_, module_ids), notice_text=notice(notice_code, NOTICES)
    )


@post("/admin/rounds/{round_id:uuid}", operation_id="page_admin_round_update", include_in_schema=False)
async def admin_round_update(
    request: Request[Any, Any, Any], round_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit
) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    round_ = await recruitment.access_round(db_session, round_id)
    module_ids = (await recruitment.round_module_ids(db_session, [round_.id]))[round_.id]
    shown = _round_values(round_, module_ids)
    data, values, problems = _read_round_form(await request.form(), _editable(round_))
    shown.update(values)
    if problems:
        return await _round_editor(request, db_session, round_, shown, problems, 422)
    try:
        await recruitment.update_round(db_session, kit, round_id, data)
    except DomainError as exc:
        if exc.status == 404:
            raise
        await db_session.rollback()
        round_ = await recruitment.access_round(db_session, round_id)
        return await _round_editor(
            request, db_session, round_, shown, form_errors(exc, ROUND_MESSAGES), error_status(exc)
        )
    return Redirect(path=f"/admin/rounds/{round_id}?notice_code=round_saved")


async def _switch_round(
    request: Request[Any, Any, Any], db_session: DbSession, kit: SecurityKit, round_id: uuid.UUID, opening: bool
) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    form = await request.form()
    target = safe_next(form.get("next") or "/admin/rounds")
    try:
        if opening:
            await recruitment.open_round(db_session, kit, round_id)
        else:
            await recruitment.close_round(db_session, kit, round_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        await db_session.rollback()
        messages = list(form_errors(exc, ROUND_MESSAGES).values())
        return await _rounds_list(request, db_session, errors=messages, status=error_status(exc))
    separator = "&" if "?" in target else "?"
    code = "round_opened" if opening else "round_closed"
    return Redirect(path=f"{target}{separator}notice_code={code}")


@post("/admin/rounds/{round_id:uuid}/open", operation_id="page_admin_round_open", include_in_schema=False)
async def admin_round_open(
    request: Request[Any, Any, Any], round_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit
) -> Response[Any]:
    return await _switch_round(request, db_session, kit, round_id, opening=True)


@post("/admin/rounds/{round_id:uuid}/close", operation_id="page_admin_round_close", include_in_schema=False)
async def admin_round_close(
    request: Request[Any, Any, Any], round_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit
) -> Response[Any]:
    return await _switch_round(request, db_session, kit, round_id, opening=False)


# --- admin: review ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewQuery(ListQuery):
    """The review filters as the page's query string carries them (empty means any)."""

    status: str = ""
    track: str = ""
    student: str = ""
    sort: str = ""
    page: int = 1

    def service_filter(self) -> recruitment.ApplicationFilter:
        return recruitment.ApplicationFilter(
            status=self.status or None,
            track=self.track or None,
            is_student={"yes": True, "no": False}.get(self.student),
            sort=self.sort or None,
            limit=REVIEW_PAGE_SIZE,
            offset=(max(1, self.page) - 1) * REVIEW_PAGE_SIZE,
        )


@dataclass(frozen=True)
class BulkSummary:
    action: str
    succeeded: int
    failures: list[tuple[str, str]]


async def _review_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    kit: SecurityKit,
    round_id: uuid.UUID,
    query: ReviewQuery,
    *,
    summary: BulkSummary | None = None,
    errors: dict[str, str] | None = None,
    reason: str = "",
    status: int = 200,
) -> Template:
    round_ = await recruitment.access_round(db_session, round_id)
    errors = dict(errors or {})
    rows: list[Application] = []
    total = 0
    try:
        rows, total = await recruitment.review_applications(db_session, round_id, query.service_filter())
    except InvalidInput as exc:
        errors.update(form_errors(exc, FILTER_MESSAGES))
        status = 422
    by_status = await recruitment.count_by_status(db_session, round_id)
    counts = {"": sum(by_status.values()), **{value: by_status.get(value, 0) for value in STATUSES}}
    today = business_today(kit.clock)
    return page(
        "admin_review.html",
        request,
        status,
        round=round_,
        rows=[(a, age_on(a.birth_date, today)) for a in rows],
        total=total,
        pages=max(1, math.ceil(total / REVIEW_PAGE_SIZE)),
        q=query,
        counts=counts,
        statuses=STATUSES,
        tracks=TRACKS,
        sorts=SORT_LABELS,
        summary=summary,
        errors=errors,
        reason=reason,
        reason_text=reason_text,
    )


def _review_query(
    status: str | None, track: str | None, student: str | None, sort: str | None, page_: int
) -> ReviewQuery:
    return ReviewQuery(status or "", track or "", student or "", sort or "", max(1, page_))


@get("/admin/rounds/{round_id:uuid}/applications", operation_id="page_admin_review", include_in_schema=False)
async def admin_review(
    request: Request[Any, Any, Any],
    round_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
    status: FromQuery[str | None] = None,
    track: FromQuery[str | None] = None,
    student: FromQuery[str | None] = None,
    sort: FromQuery[str | None] = None,
    page_number: FromQuery[int] = 1,
) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    query = _review_query(status, track, student, sort, page_number)
    return await _review_page(request, db_session, kit, round_id, query)


@post("/admin/rounds/{round_id:uuid}/applications", operation_id="page_admin_bulk_review", include_in_schema=False)
async def admin_bulk_review(
    request: Request[Any, Any, Any], round_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit
) -> Response[Any]:
    principal = admin_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    form = await request.form()
    try:
        page_number = int(form.get("page_number") or 1)
    except ValueError:
        page_number = 1
    query = _review_query(form.get("status"), form.get("track"), form.get("student"), form.get("sort"), page_number)
    action = form.get("action") or ""
    reason = form.get("reason") or ""
    try:
        ids = [uuid.UUID(raw) for raw in form.getall("ids", [])]
    except ValueError:
        ids = []
    try:
        results = await recruitment.bulk_review(db_session, kit, principal, ids, action, reason)
    except DomainError as exc:
        await db_session.rollback()
        return await _review_page(
            request,
            db_session,
            kit,
            round_id,
            query,
            errors=form_errors(exc, BULK_MESSAGES),
            reason=reason,
            status=error_status(exc),
        )
    failures = []
    for result in results:
        if result.ok:
            continue
        try:
            name = (await recruitment.access_application(db_session, principal, result.id)).legal_name
        except NotFound:
            name = str(result.id)
        why = BULK_RULES.get(result.rule or "")
        failures.append((name, _(why) if why else (result.detail or "")))
    summary = BulkSummary(action, sum(r.ok for r in results), failures)
    return await _review_page(request, db_session, kit, round_id, query, summary=summary)


@get("/admin/rounds/{round_id:uuid}/applications.csv", operation_id="page_admin_export", include_in_schema=False)
async def admin_export(
    request: Request[Any, Any, Any],
    round_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
    status: FromQuery[str | None] = None,
    track: FromQuery[str | None] = None,
    student: FromQuery[str | None] = None,
    sort: FromQuery[str | None] = None,
) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    filters = _review_query(status, track, student, sort, 1).service_filter()
    body = await recruitment.export_csv(db_session, kit, round_id, filters)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="applications-{round_id}.csv"'},
    )


# --- admin: training modules --------------------------------------------------------------------------------------

MODULE_FIELDS = ("title", "body_markdown", "min_reading_seconds", "active")


@get("/admin/training", operation_id="page_admin_training", include_in_schema=False)
async def admin_training(
    request: Request[Any, Any, Any], db_session: DbSession, notice_code: FromQuery[str | None] = None
) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    modules = await recruitment.list_modules(db_session)
    return page("admin_training.html", request, modules=modules, notice=notice(notice_code, NOTICES))


def _module_editor(
    request: Request[Any, Any, Any],
    module: TrainingModule | None,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    preview: str | None = None,
    status: int = 200,
    notice_text: str | None = None,
) -> Template:
    errors = errors or {}
    return page(
        "admin_module_edit.html",
        request,
        status,
        module=module,
        values=values,
        errors=errors,
        general_errors=general_errors(errors, MODULE_FIELDS),
        preview=preview,
        notice=notice_text,
    )


def _read_module_form(form: FormMultiDict) -> tuple[recruitment.ModuleInput, dict[str, Any], dict[str, str]]:
    values = {
        "title": form.get("title", ""),
        "body_markdown": form.get("body_markdown", ""),
        "min_reading_seconds": (form.get("min_reading_seconds") or "").strip(),
        "active": form.get("active") == "1",
    }
    problems: dict[str, str] = {}
    seconds: int | None = None
    if values["min_reading_seconds"]:
        try:
            seconds = int(values["min_reading_seconds"])
        except ValueError:
            problems["min_reading_seconds"] = _(MODULE_MESSAGES[("*", "integer")])
    data = recruitment.ModuleInput(
        title=values["title"],
        body_markdown=values["body_markdown"],
        min_reading_seconds=seconds,
        active=values["active"],
    )
    return data, values, problems


async def _save_module(
    request: Request[Any, Any, Any], db_session: DbSession, kit: SecurityKit, module_id: uuid.UUID | None
) -> Response[Any]:
    module = None if module_id is None else await recruitment.access_module(db_session, module_id, active_only=False)
    form = await request.form()
    data, values, problems = _read_module_form(form)
    if form.get("action") == "preview" or problems:
        preview = render_markdown(values["body_markdown"])
        return _module_editor(
            request, module, values, errors=problems, preview=preview, status=422 if problems else 200
        )
    try:
        if module is None:
            module = await recruitment.create_module(db_session, kit, data)
            code = "module_created"
        else:
            module = await recruitment.update_module(db_session, kit, module.id, data)
            code = "module_saved"
    except DomainError as exc:
        if exc.status == 404:
            raise
        await db_session.rollback()  # expires what was loaded, so the module is read again
        if module_id is not None:
            module = await recruitment.access_module(db_session, module_id, active_only=False)
        return _module_editor(
            request, module, values, errors=form_errors(exc, MODULE_MESSAGES), status=error_status(exc)
        )
    return Redirect(path=f"/admin/training/{module.id}?notice_code={code}")


@get("/admin/training/new", operation_id="page_admin_module_new", include_in_schema=False)
async def admin_module_new(request: Request[Any, Any, Any]) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    values = {"title": "", "body_markdown": "", "min_reading_seconds": "60", "active": True}
    return _module_editor(request, None, values)


@post("/admin/training/new", operation_id="page_admin_module_create", include_in_schema=False)
async def admin_module_create(request: Request[Any, Any, Any], db_session: DbSession, kit: Kit) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    return await _save_module(request, db_session, kit, None)


@get("/admin/training/{module_id:uuid}", operation_id="page_admin_module", include_in_schema=False)
async def admin_module(
    request: Request[Any, Any, Any],
    module_id: FromPath[uuid.UUID],
    db_session: DbSession,
    notice_code: FromQuery[str | None] = None,
) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    module = await recruitment.access_module(db_session, module_id, active_only=False)
    values = {
        "title": module.title,
        "body_markdown": module.body_markdown,
        "min_reading_seconds": str(module.min_reading_seconds),
        "active": module.active,
    }
    return _module_editor(
        request, module, values, preview=render_markdown(module.body_markdown), notice_text=notice(notice_code, NOTICES)
    )


@post("/admin/training/{module_id:uuid}", operation_id="page_admin_module_update", include_in_schema=False)
async def admin_module_update(
    request: Request[Any, Any, Any], module_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit
) -> Response[Any]:
    if admin_visitor(request) is None:
        return sign_in_redirect(request)
    return await _save_module(request, db_session, kit, module_id)


# --- freelancers: rounds and applying -----------------------------------------------------------------------------


@get("/rounds", operation_id="page_rounds", include_in_schema=False)
async def open_rounds(request: Request[Any, Any, Any], db_session: DbSession, kit: Kit) -> Response[Any]:
    principal = current_principal(request)
    if principal is None:
        return sign_in_redirect(request)
    rounds = await recruitment.list_open_rounds(db_session, kit)
    modules = await recruitment.round_module_ids(db_session, [r.id for r in rounds])
    mine = {}
    if principal.role == "worker":
        mine = {r.id: a for a, r in await recruitment.my_applications(db_session, principal)}
    return page("rounds.html", request, rounds=rounds, module_counts={k: len(v) for k, v in modules.items()}, mine=mine)


APPLY_FIELDS = ("legal_name", "id_number", "phone", "is_student", "tracks")


async def _apply_form(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    kit: SecurityKit,
    round_: Round,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    errors = dict(errors or {})
    taking = any(r.id == round_.id for r in await recruitment.list_open_rounds(db_session, kit))
    if not taking:
        errors.pop("round_id", None)  # the page says so in its own words
    return page(
        "apply.html",
        request,
        status,
        round=round_,
        values=values,
        errors=errors,
        general_errors=general_errors(errors, APPLY_FIELDS),
        taking=taking,
        today=business_today(kit.clock).isoformat(),
    )


@get("/rounds/{round_id:uuid}/apply", operation_id="page_apply", include_in_schema=False)
async def apply_form(
    request: Request[Any, Any, Any], round_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit
) -> Response[Any]:
    principal = worker_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    round_ = await recruitment.access_round(db_session, round_id)
    for application, applied_round in await recruitment.my_applications(db_session, principal):
        if applied_round.id == round_.id:
            return Redirect(path=f"/applications/{application.id}")
    user = await accounts.get_user(db_session, principal.user_id)
    values = {"legal_name": "", "id_number": "", "phone": accounts.normalize_phone(user.login) or "", "tracks": []}
    return await _apply_form(request, db_session, kit, round_, values)


@post("/rounds/{round_id:uuid}/apply", operation_id="page_apply_submit", include_in_schema=False)
async def apply_submit(
    request: Request[Any, Any, Any], round_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit
) -> Response[Any]:
    principal = worker_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    round_ = await recruitment.access_round(db_session, round_id)
    form = await request.form()
    values: dict[str, Any] = {
        "legal_name": form.get("legal_name", ""),
        "id_number": form.get("id_number", ""),
        "phone": form.get("phone", ""),
        "is_student": form.get("is_student", ""),
        "tracks": [t for t in form.getall("tracks", []) if t],
    }
    if values["is_student"] not in ("yes", "no"):
        problems = {"is_student": _(APPLY_MESSAGES[("is_student", "required")])}
        return await _apply_form(request, db_session, kit, round_, values, problems, 422)
    data = recruitment.ApplicationInput(
        legal_name=values["legal_name"],
        id_number=values["id_number"],
        phone=values["phone"],
        is_student=values["is_student"] == "yes",
        tracks=values["tracks"],
    )
    provider = request.app.state.identity_provider
    try:
        application = await recruitment.submit_application(db_session, kit, provider, principal, round_id, data)
    except DomainError as exc:
        if exc.status == 404:
            raise
        await db_session.rollback()  # expires what was loaded, so the round is read again
        round_ = await recruitment.access_round(db_session, round_id)
        errors = form_errors(exc, APPLY_MESSAGES)
        if any(e.field == "id_number" and e.rule == "min_age" for e in exc.errors):
            errors["id_number"] = _(MIN_AGE_MESSAGE) % {"age": round_.min_age}
        return await _apply_form(request, db_session, kit, round_, values, errors, error_status(exc))
    return Redirect(path=f"/applications/{application.id}?notice_code=applied")


# --- freelancers: an application ----------------------------------------------------------------------------------


async def application_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    kit: SecurityKit,
    principal: Principal,
    application_id: uuid.UUID,
    *,
    notice_text: str | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    application = await recruitment.access_application(db_session, principal, application_id)
    # the one settling step before reading: an overdue exam is handed in first, which may move the application
    await exams.settle_overdue_attempts(db_session, kit.clock, application.user_id)
    round_ = await recruitment.access_round(db_session, application.round_id)
    own = application.user_id == principal.user_id
    training = []
    if own:
        required = (await recruitment.round_module_ids(db_session, [round_.id]))[round_.id]
        progress = {p.module.id: p for p in await recruitment.my_training(db_session, kit, principal)}
        training = [progress[m] for m in required if m in progress]
    exam_standings: list[exams.ExamStanding] = []
    if application.status.value in EXAM_VISIBLE:
        exam_standings = await exams.exam_standings(db_session, kit.clock, application)
    events = await recruitment.timeline(db_session, application.id)
    return page(
        "application.html",
        request,
        status,
        application=application,
        round=round_,
        events=events,
        own=own,
        attempts_left=recruitment.typing_attempts_left(application, round_),
        training=training,
        exams=exam_standings,
        exam_open=application.status in recruitment.EXAM_STAGES,
        score_text=exams.format_score,
        certifications=await recruitment.certifications(db_session, application.user_id) if own else [],
        can_withdraw=own and S.WITHDRAWN in recruitment.TRANSITIONS.get(application.status, frozenset()),
        reason_text=reason_text,
        notice=notice_text,
        errors=errors or {},
    )


@get("/applications/{application_id:uuid}", operation_id="page_application", include_in_schema=False)
async def application_detail(
    request: Request[Any, Any, Any],
    application_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
    notice_code: FromQuery[str | None] = None,
) -> Response[Any]:
    principal = current_principal(request)
    if principal is None:
        return sign_in_redirect(request)
    shown = notice(notice_code, NOTICES)
    return await application_page(request, db_session, kit, principal, application_id, notice_text=shown)


@post("/applications/{application_id:uuid}/withdraw", operation_id="page_withdraw", include_in_schema=False)
async def application_withdraw(
    request: Request[Any, Any, Any], application_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit
) -> Response[Any]:
    principal = worker_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    form = await request.form()
    try:
        await recruitment.withdraw_application(db_session, kit, principal, application_id, form.get("reason") or "")
    except DomainError as exc:
        if exc.status == 404:
            raise
        await db_session.rollback()
        errors = form_errors(exc, WITHDRAW_MESSAGES)
        return await application_page(
            request, db_session, kit, principal, application_id, errors=errors, status=error_status(exc)
        )
    return Redirect(path=f"/applications/{application_id}?notice_code=withdrawn")


# --- freelancers: the typing test ---------------------------------------------------------------------------------


async def _typing_intro(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    principal: Principal,
    application_id: uuid.UUID,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response[Any]:
    application = await recruitment.access_application(db_session, principal, application_id)
    round_ = await recruitment.access_round(db_session, application.round_id)
    return page(
        "typing_intro.html",
        request,
        status,
        application=application,
        round=round_,
        attempts_left=recruitment.typing_attempts_left(application, round_),
        minutes=int(recruitment.TYPING_TIME_LIMIT.total_seconds() // 60),
        general_errors=list((errors or {}).values()),
    )


@get("/applications/{application_id:uuid}/typing", operation_id="page_typing", include_in_schema=False)
async def typing_intro(
    request: Request[Any, Any, Any], application_id: FromPath[uuid.UUID], db_session: DbSession
) -> Response[Any]:
    principal = worker_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    return await _typing_intro(request, db_session, principal, application_id)


@post("/applications/{application_id:uuid}/typing", operation_id="page_typing_start", include_in_schema=False)
async def typing_start(
    request: Request[Any, Any, Any], application_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit
) -> Response[Any]:
    principal = worker_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    try:
        outcome = await recruitment.start_typing_test(db_session, kit, principal, application_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        await db_session.rollback()
        errors = form_errors(exc, TYPING_MESSAGES)
        return await _typing_intro(request, db_session, principal, application_id, errors, error_status(exc))
    return Redirect(path=f"/applications/{application_id}/typing/{outcome.test.id}")


@get(
    "/applications/{application_id:uuid}/typing/{test_id:uuid}",
    operation_id="page_typing_test",
    include_in_schema=False,
)
async def typing_test(
    request: Request[Any, Any, Any],
    application_id: FromPath[uuid.UUID],
    test_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
    notice_code: FromQuery[str | None] = None,
) -> Response[Any]:
    principal = worker_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    return await _typing_page(
        request, db_session, kit, principal, application_id, test_id, notice_text=notice(notice_code, NOTICES)
    )


async def _typing_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    kit: SecurityKit,
    principal: Principal,
    application_id: uuid.UUID,
    test_id: uuid.UUID,
    *,
    notice_text: str | None = None,
    errors: dict[str, str] | None = None,
    typed: str = "",
    status: int = 200,
) -> Template:
    test, application = await recruitment.access_typing_test(db_session, principal, test_id)
    if application.id != application_id:
        raise NotFound("No such typing test.", field="test_id", rule="exists")
    round_ = await recruitment.access_round(db_session, application.round_id)
    seconds_left = max(0, math.floor((test.deadline - kit.clock.now()).total_seconds()))
    return page(
        "typing.html",
        request,
        status,
        application=application,
        round=round_,
        test=test,
        seconds_left=seconds_left,
        attempts_left=recruitment.typing_attempts_left(application, round_),
        accuracy=(test.accuracy_bp or 0) / 100,
        notice=notice_text,
        general_errors=list((errors or {}).values()),
        typed=typed,
    )


@post(
    "/applications/{application_id:uuid}/typing/{test_id:uuid}",
    operation_id="page_typing_submit",
    include_in_schema=False,
)
async def typing_submit(
    request: Request[Any, Any, Any],
    application_id: FromPath[uuid.UUID],
    test_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
) -> Response[Any]:
    principal = worker_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    form = await request.form()
    text = form.get("text") or ""
    result_url = f"/applications/{application_id}/typing/{test_id}"
    try:
        await recruitment.submit_typing_test(db_session, kit, principal, test_id, text)
    except DomainError as exc:
        if exc.status == 404:
            raise
        await db_session.rollback()
        rules = {(e.field, e.rule) for e in exc.errors}
        if ("test_id", "deadline") in rules:
            return Redirect(path=f"{result_url}?notice_code=typing_late")
        if ("test_id", "already_submitted") in rules:
            return Redirect(path=result_url)
        errors = form_errors(exc, TYPING_MESSAGES)
        return await _typing_page(
            request, db_session, kit, principal, application_id, test_id, errors=errors, typed=text, status=422
        )
    return Redirect(path=result_url)


# --- freelancers: training ----------------------------------------------------------------------------------------


@get("/training", operation_id="page_training", include_in_schema=False)
async def training(
    request: Request[Any, Any, Any], db_session: DbSession, kit: Kit, notice_code: FromQuery[str | None] = None
) -> Response[Any]:
    principal = worker_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    modules = await recruitment.my_training(db_session, kit, principal)
    applications = [
        (a, r) for a, r in await recruitment.my_applications(db_session, principal) if a.status == S.TRAINING
    ]
    done = sum(1 for m in modules if m.completed_at is not None)
    return page(
        "training.html",
        request,
        modules=modules,
        done=done,
        applications=applications,
        notice=notice(notice_code, NOTICES),
    )


async def _reader(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    kit: SecurityKit,
    principal: Principal,
    module_id: uuid.UUID,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    progress = await recruitment.open_module(db_session, kit, principal, module_id)
    modules = await recruitment.my_training(db_session, kit, principal)
    ids = [m.module.id for m in modules]
    following = [m for m in modules[ids.index(module_id) + 1 :] if m.completed_at is None] if module_id in ids else []
    return page(
        "training_read.html",
        request,
        status,
        progress=progress,
        next_module=following[0].module if following else None,
        position=(ids.index(module_id) + 1) if module_id in ids else None,
        count=len(ids),
        general_errors=list((errors or {}).values()),
    )


@get("/training/{module_id:uuid}", operation_id="page_training_module", include_in_schema=False)
async def training_module(
    request: Request[Any, Any, Any], module_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit
) -> Response[Any]:
    principal = worker_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    return await _reader(request, db_session, kit, principal, module_id)


@post("/training/{module_id:uuid}/complete", operation_id="page_training_complete", include_in_schema=False)
async def training_complete(
    request: Request[Any, Any, Any], module_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit
) -> Response[Any]:
    principal = worker_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    try:
        _progress, moved = await recruitment.complete_module(db_session, kit, principal, module_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        await db_session.rollback()
        errors = form_errors(exc, TRAINING_MESSAGES)
        return await _reader(request, db_session, kit, principal, module_id, errors, error_status(exc))
    if moved:
        return Redirect(path=f"/applications/{moved[0].id}?notice_code=exam_unlocked")
    return Redirect(path="/training?notice_code=module_completed")


ROUTES = [
    admin_rounds,
    admin_round_new,
    admin_round_create,
    admin_round,
    admin_round_update,
    admin_round_open,
    admin_round_close,
    admin_review,
    admin_bulk_review,
    admin_export,
    admin_training,
    admin_module_new,
    admin_module_create,
    admin_module,
    admin_module_update,
    open_rounds,
    apply_form,
    apply_submit,
    application_detail,
    application_withdraw,
    typing_intro,
    typing_start,
    typing_test,
    typing_submit,
    training,
    training_module,
    training_complete,
]
