"""Exam pages for freelancers: the exam section of an application, the timed exam itself, and its result.

The pages call `exams.service` as the JSON API does. The exam page saves each answer as it is clicked (a small
script posts it here, with the form's CSRF token) and also carries every answer in its own form, so handing it in
works without a script too. The countdown shows the server's seconds left; the server's deadline decides.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from exams import service as exams
from gigplatform.db import DbSession
from gigplatform.errors import DomainError
from gigplatform.security import Kit, SecurityKit, current_principal
from web.i18n import N_, _
from web.rendering import form_errors, page, sign_in_redirect, worker_visitor
from web.worker.applications import application_page

# What the exam services can say, in the visitor's language.
EXAM_MESSAGES: dict[tuple[str, str], str] = {
    ("status", "not_at_exam"): N_("The exam is not open for this application now."),
    ("blueprint", "missing"): N_("No exam is set up for this round yet. Please check again later."),
    ("blueprint", "already_passed"): N_("You have already passed this exam."),
    ("blueprint", "not_enough_questions"): N_("The exam cannot be drawn right now. Please tell an administrator."),
    ("attempts", "none_left"): N_("No exam attempts are left."),
    ("attempts", "cooldown"): N_("The next attempt opens after the cool-down."),
    ("attempt", "one_active"): N_("You already have an exam running; finish it first."),
    ("track", "required"): N_("Choose which track's exam to take."),
    ("track", "one_of"): N_("Choose one of the tracks you applied for."),
    ("application_id", "applicant_only"): N_("Only the applicant takes their exam."),
    ("deadline", "passed"): N_("Time is up: answers after the deadline are not taken."),
    ("status", "submitted"): N_("This attempt is already submitted."),
    ("choice_ids", "one_of"): N_("Choose among the question's options."),
    ("choice_ids", "single_answer"): N_("This question takes one answer."),
}
CATEGORY_LABELS = {
    "platform_rules": N_("Platform rules"),
    "service_skills": N_("Customer-service skills"),
    "scenario": N_("Scenario simulation"),
}
TYPE_LABELS = {
    "single": N_("Single choice"),
    "multiple": N_("Multiple choice"),
    "true_false": N_("True or false"),
    "scenario": N_("Scenario (dialogue)"),
}


@post("/applications/{application_id:uuid}/exam", operation_id="page_exam_start", include_in_schema=False)
async def exam_start(
    request: Request[Any, Any, Any], application_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit
) -> Response[Any]:
    principal = worker_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    form = await request.form()
    track = form.get("track") or None
    try:
        view = await exams.start_attempt(db_session, kit, principal, application_id, track)
    except DomainError as exc:
        if exc.status == 404:
            raise
        await db_session.rollback()
        running = exc.extra.get("attempt_id")
        if running:
            return Redirect(path=f"/exam-attempts/{running}")
        return await application_page(
            request,
            db_session,
            kit,
            principal,
            application_id,
            errors=form_errors(exc, EXAM_MESSAGES),
            status=409 if exc.status == 409 else 422,
        )
    return Redirect(path=f"/exam-attempts/{view.attempt.id}")


async def _attempt_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    kit: SecurityKit,
    attempt_id: uuid.UUID,
    errors: dict[str, str] | None = None,
    status: int = 200,
    *,
    view: exams.AttemptView | None = None,
) -> Template:
    """The running exam or its result; `view` when the caller already has it, else the attempt is read again."""
    if view is None:
        view = await exams.attempt_view(
            db_session, kit, await exams.access_attempt(db_session, current_principal(request), attempt_id)
        )
    attempt = view.attempt
    now = kit.clock.now()
    seconds_left = max(0, math.floor((attempt.deadline - now).total_seconds()))
    own = attempt.user_id == current_principal(request).user_id  # type: ignore[union-attr]
    return page(
        "exam.html" if attempt.status == exams.AttemptStatus.ACTIVE else "exam_result.html",
        request,
        status,
        view=view,
        attempt=attempt,
        own=own,
        seconds_left=seconds_left,
        score=exams.format_score(attempt.score_bp),
        categories=CATEGORY_LABELS,
        types=TYPE_LABELS,
        general_errors=list((errors or {}).values()),
    )


@get("/exam-attempts/{attempt_id:uuid}", operation_id="page_exam_attempt", include_in_schema=False)
async def exam_attempt(
    request: Request[Any, Any, Any],
    attempt_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
    notice_code: FromQuery[str | None] = None,
) -> Response[Any]:
    principal = worker_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    view = await exams.read_attempt(db_session, kit, principal, attempt_id)
    errors = {"deadline": _(EXAM_MESSAGES[("deadline", "passed")])} if notice_code == "late" else None
    return await _attempt_page(request, db_session, kit, attempt_id, errors, view=view)


@post(
    "/exam-attempts/{attempt_id:uuid}/answers/{question_id:uuid}",
    operation_id="page_exam_answer",
    include_in_schema=False,
    status_code=200,
)
async def exam_answer(
    request: Request[Any, Any, Any],
    attempt_id: FromPath[uuid.UUID],
    question_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
) -> Response[dict[str, Any]]:
    """The exam page's script saves one answer here as it is clicked; the reply re-synchronises its countdown."""
    principal = worker_visitor(request)
    if principal is None:
        return Response({"saved": False, "reload": True}, status_code=401)
    form = await request.form()
    try:
        saved = await exams.save_answer(
            db_session, kit, principal, attempt_id, question_id, [str(c) for c in form.getall("choice", [])]
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        finished = any(e.rule in ("passed", "submitted") for e in exc.errors)
        message = next(iter(form_errors(exc, EXAM_MESSAGES).values()), exc.detail)
        return Response({"saved": False, "reload": finished, "message": message}, status_code=exc.status)
    seconds_left = max(0, math.floor((saved.deadline - saved.saved_at).total_seconds()))
    return Response({"saved": True, "choice_ids": saved.choice_ids, "seconds_left": seconds_left})


@post("/exam-attempts/{attempt_id:uuid}/submit", operation_id="page_exam_submit", include_in_schema=False)
async def exam_submit(
    request: Request[Any, Any, Any], attempt_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit
) -> Response[Any]:
    """Hands the exam in with the answers the form carries (all of them, so it works without the script)."""
    principal = worker_visitor(request)
    if principal is None:
        return sign_in_redirect(request)
    attempt = await exams.access_attempt(db_session, principal, attempt_id)
    form = await request.form()
    result_url = f"/exam-attempts/{attempt_id}"
    if attempt.status == exams.AttemptStatus.ACTIVE and form.get("with_answers"):
        for question in await exams.attempt_questions(db_session, attempt):
            chosen = [str(c) for c in form.getall(f"q-{question.item.question_id}", [])]
            if chosen == list(question.item.choice_ids or []):
                continue
            try:
                await exams.save_answer(db_session, kit, principal, attempt_id, question.item.question_id, chosen)
            except DomainError as exc:
                await db_session.rollback()
                if any(e.rule in ("passed", "submitted") for e in exc.errors):
                    return Redirect(path=f"{result_url}?notice_code=late")
                return await _attempt_page(
                    request, db_session, kit, attempt_id, form_errors(exc, EXAM_MESSAGES), status=exc.status
                )
    try:
        await exams.submit_attempt(db_session, kit, principal, attempt_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        await db_session.rollback()
        return await _attempt_page(request, db_session, kit, attempt_id, form_errors(exc, EXAM_MESSAGES), exc.status)
    return Redirect(path=result_url)


ROUTES = [exam_start, exam_attempt, exam_answer, exam_submit]
