"""Freelancers applying: the rounds taking applications, the application form, an application's page (status,
timeline, training, exams, certifications) and withdrawing.

The rounds list and an application's page are also read by other signed-in roles (an admin follows the review's
link to an application), so those two sit in `SIGNED_IN`, a Router that only asks for a signed-in visitor; the
rest is the worker audience's `ROUTES`.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from exams import service as exams
from gigplatform.accounts import service as accounts
from gigplatform.clock import business_today
from gigplatform.db import DbSession, unit_of_work
from gigplatform.security import CurrentPrincipal, Kit
from recruitment import service as recruitment
from web.audience import page_router
from web.forms import CHECKED, CurrentVisit, Visit, read_form
from web.i18n import N_, _
from web.recruitment_words import NOTICES, reason_text
from web.rendering import general_errors, notice, page

S = recruitment.ApplicationStatus
# The stepper's steps, each with the statuses that stand on it (a waitlisted applicant passed and waits for a place).
STEPS: tuple[tuple[str, frozenset[recruitment.ApplicationStatus]], ...] = (
    (N_("Real-name check"), frozenset({S.SUBMITTED, S.IDENTITY_PENDING})),
    (N_("Typing test"), frozenset({S.TYPING})),
    (N_("Training"), frozenset({S.TRAINING})),
    (N_("Exam"), frozenset({S.EXAM})),
    (N_("Certified"), frozenset({S.WAITLISTED, S.CERTIFIED})),
)
STOPPED = frozenset({S.SCREENING_FAILED, S.REJECTED, S.WITHDRAWN})
STUDENT_REQUIRED = N_("Tell us whether you are a student.")  # the form's yes/no choice; the API takes a boolean
EXAM_VISIBLE = {"exam", "certified", "waitlisted", "rejected"}  # statuses whose page shows the exam section
APPLY_FIELDS = ("legal_name", "id_number", "phone", "is_student", "tracks", "consent")


def stepper(
    status: recruitment.ApplicationStatus, reached: list[recruitment.ApplicationStatus]
) -> list[tuple[str, str]]:
    """(step label, state) for the application's progress: the steps before where it stands are "done"; the step
    it stands on is "current", or "stopped" when it was rejected, withdrawn or failed the real-name check there
    (the step it was on, read from `reached`, the timeline's statuses in order); later steps are "todo". A
    certified application has every step done."""
    if status == S.CERTIFIED:
        return [(label, "done") for label, _statuses in STEPS]
    standing = status
    if status in STOPPED:
        standing = next((s for s in reversed(reached) if s not in STOPPED), S.SUBMITTED)
    at = next(n for n, (_label, statuses) in enumerate(STEPS) if standing in statuses)
    here = "stopped" if status in STOPPED else "current"
    return [(label, "done" if n < at else here if n == at else "todo") for n, (label, _statuses) in enumerate(STEPS)]


@get("/rounds", operation_id="page_rounds")
async def open_rounds(
    request: Request[Any, Any, Any], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
) -> Template:
    rounds = await recruitment.list_open_rounds(db_session, kit.clock)
    modules = await recruitment.round_module_ids(db_session, [r.id for r in rounds])
    mine = {}
    if principal.role == "worker":
        mine = {r.id: a for a, r in await recruitment.my_applications(db_session, principal)}
    counts = {k: len(v) for k, v in modules.items()}
    return page("worker/rounds.html", request, rounds=rounds, module_counts=counts, mine=mine)


def _masked_typed(raw: str) -> str:
    """What the applicant typed as the ID number, shown again masked like every stored number is."""
    typed = "".join((raw or "").split())
    return typed[:4] + "*" * (len(typed) - 8) + typed[-4:] if len(typed) > 8 else "*" * len(typed)


async def _apply_form(
    visit: Visit,
    round_: recruitment.Round,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    errors = dict(errors or {})
    kit = visit.kit
    taking = any(r.id == round_.id for r in await recruitment.list_open_rounds(visit.db_session, kit.clock))
    if not taking:
        errors.pop("round_id", None)  # the page says so in its own words
    return page(
        "worker/apply.html",
        visit.request,
        status,
        round=round_,
        values=values,
        errors=errors,
        general_errors=general_errors(errors, APPLY_FIELDS),
        taking=taking,
        today=business_today(kit.clock).isoformat(),
    )


@get("/rounds/{round_id:uuid}/apply", operation_id="page_apply")
async def apply_form(round_id: FromPath[uuid.UUID], visit: CurrentVisit) -> Response[Any]:
    db_session, principal = visit.db_session, visit.principal
    round_ = await recruitment.access_round(db_session, principal, round_id)
    for application, applied_round in await recruitment.my_applications(db_session, principal):
        if applied_round.id == round_.id:
            return Redirect(path=f"/applications/{application.id}")
    user = await accounts.get_user(db_session, principal.user_id)
    values = {"legal_name": "", "id_number": "", "phone": accounts.normalize_phone(user.login) or "", "tracks": []}
    return await _apply_form(visit, round_, values)


@post("/rounds/{round_id:uuid}/apply", operation_id="page_apply_submit")
async def apply_submit(round_id: FromPath[uuid.UUID], visit: CurrentVisit) -> Response[Any]:
    db_session, kit, principal = visit.db_session, visit.kit, visit.principal
    round_ = await recruitment.access_round(db_session, principal, round_id)
    form = await visit.request.form()
    # What the form shows again after a refusal: the ID number only masked (the applicant retypes it).
    values: dict[str, Any] = {
        "legal_name": form.get("legal_name", ""),
        "id_number_typed": _masked_typed(form.get("id_number", "")),
        "phone": form.get("phone", ""),
        "is_student": form.get("is_student", ""),
        "tracks": [t for t in form.getall("tracks", []) if t],
        "consent": form.get("consent", "") in CHECKED,
    }
    if values["is_student"] not in ("yes", "no"):  # a yes/no choice, not a checkbox: `read_form` cannot tell
        problems = {"is_student": _(STUDENT_REQUIRED)}
        return await _apply_form(visit, round_, values, problems, 422)
    state = visit.request.app.state

    async def apply() -> recruitment.Application:
        """Two units of work with the identity provider asked in between, outside any transaction."""
        posted = read_form(form, recruitment.ApplicationIn, is_student=values["is_student"] == "yes")
        data = recruitment.ApplicationInput.of(posted)
        async with unit_of_work(state.sessionmaker) as session:
            check = await recruitment.submit_application(session, kit.clock, kit.cipher, principal, round_id, data)
        answer = await recruitment.ask_identity_provider(state.identity_provider, check)
        async with unit_of_work(state.sessionmaker) as session:
            minutes = kit.settings.identity_recheck_minutes
            return await recruitment.record_identity_answer(session, kit.clock, minutes, answer)

    async def again(errors: dict[str, str], status: int) -> Template:
        fresh = await recruitment.access_round(db_session, principal, round_id)
        return await _apply_form(visit, fresh, values, errors, status)

    return await visit.act(
        apply,
        done=lambda application: Redirect(path=f"/applications/{application.id}?notice_code=applied"),
        again=again,
    )


async def application_page(
    visit: Visit,
    application_id: uuid.UUID,
    *,
    notice_text: str | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    """An application as its applicant or an admin reads it; `errors` are a refused action's (withdrawing,
    starting the exam), shown beside that action."""
    db_session, kit, principal = visit.db_session, visit.kit, visit.principal
    application = await recruitment.access_application(db_session, principal, application_id)
    round_ = await recruitment.round_by_id(db_session, application.round_id)
    own = application.user_id == principal.user_id
    training = []
    if own:
        required = (await recruitment.round_module_ids(db_session, [round_.id]))[round_.id]
        progress = {p.module.id: p for p in await recruitment.my_training(db_session, kit.clock, principal)}
        training = [progress[m] for m in required if m in progress]
    exam_standings: list[exams.ExamStanding] = []
    if application.status.value in EXAM_VISIBLE:
        exam_standings = await exams.exam_standings(db_session, kit.clock, application)
    events = await recruitment.timeline(db_session, application.id)
    return page(
        "worker/application.html",
        visit.request,
        status,
        application=application,
        id_number_masked=recruitment.shown_id_number(kit.cipher, application),
        round=round_,
        events=events,
        steps=stepper(application.status, [e.to_status for e in events]),
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


@get("/applications/{application_id:uuid}", operation_id="page_application")
async def application_detail(
    application_id: FromPath[uuid.UUID], visit: CurrentVisit, notice_code: FromQuery[str | None] = None
) -> Template:
    # The one write a read may do, before anything is read: an exam whose time ran out is handed in (and graded,
    # which may certify or reject the application), so the page shows where the application really stands.
    application = await recruitment.access_application(visit.db_session, visit.principal, application_id)
    await exams.settle_overdue_attempts(visit.db_session, visit.kit.clock, application.user_id)
    return await application_page(visit, application_id, notice_text=notice(notice_code, NOTICES))


@post("/applications/{application_id:uuid}/withdraw", operation_id="page_withdraw")
async def application_withdraw(application_id: FromPath[uuid.UUID], visit: CurrentVisit) -> Response[Any]:
    form = await visit.request.form()

    async def withdraw() -> recruitment.Application:
        data = read_form(form, recruitment.WithdrawIn)
        return await recruitment.withdraw_application(
            visit.db_session, visit.kit.clock, visit.principal, application_id, data.reason
        )

    return await visit.act(
        withdraw,
        done=lambda _application: Redirect(path=f"/applications/{application_id}?notice_code=withdrawn"),
        again=lambda errors, status: application_page(visit, application_id, errors=errors, status=status),
    )


ROUTES = [apply_form, apply_submit, application_withdraw]
SIGNED_IN = page_router("signed_in", [open_rounds, application_detail])
"""The two pages every signed-in role may read (an application's page answers 404 to anyone but its applicant and
admins); `web.pages` mounts this Router beside the audiences'."""
