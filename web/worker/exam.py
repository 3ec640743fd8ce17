"""Exam pages for freelancers: starting the exam from the application, the timed exam itself, and its result.

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
from gigplatform.db import DbSession, discard
from gigplatform.errors import DomainError
from gigplatform.security import CurrentPrincipal, Kit
from web.exam_labels import CATEGORY_LABELS, TYPE_LABELS
from web.forms import CurrentVisit, Visit
from web.i18n import _
from web.rendering import form_errors
from web.worker.applications import application_page

FINISHED = ("passed", "submitted")  # the rules that say the attempt is over: the page reloads to its result


@post("/applications/{application_id:uuid}/exam", operation_id="page_exam_start")
async def exam_start(application_id: FromPath[uuid.UUID], visit: CurrentVisit) -> Response[Any]:
    form = await visit.request.form()
    db_session, principal = visit.db_session, visit.principal

    async def start() -> exams.AttemptView:
        track = form.get("track") or None
        return await exams.start_attempt(db_session, visit.kit.clock, principal, application_id, track)

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        running = await exams.running_attempt(db_session, principal.user_id) if "attempt" in errors else None
        if running is not None:  # an exam already runs: that is where the candidate belongs
            return Redirect(path=f"/exam-attempts/{running.id}")
        return await application_page(visit, application_id, errors=errors, status=status)

    return await visit.act(
        start,
        done=lambda view: Redirect(path=f"/exam-attempts/{view.attempt.id}"),
        again=again,
    )


async def _attempt_page(
    visit: Visit, attempt_id: uuid.UUID, errors: dict[str, str] | None = None, status: int = 200
) -> Template:
    """The running exam or its result, as read now."""
    clock = visit.kit.clock
    attempt = await exams.access_attempt(visit.db_session, visit.principal, attempt_id)
    view = await exams.attempt_view(visit.db_session, clock, attempt)
    attempt = view.attempt
    seconds_left = max(0, math.floor((attempt.deadline - clock.now()).total_seconds()))
    return visit.show(
        "worker/exam.html" if attempt.status == exams.AttemptStatus.ACTIVE else "worker/exam_result.html",
        status,
        errors,
        view=view,
        attempt=attempt,
        own=attempt.user_id == visit.principal.user_id,
        seconds_left=seconds_left,
        answered=sum(1 for q in view.questions if q.item.choice_ids),
        score=exams.format_score(attempt.score_bp),
        categories=CATEGORY_LABELS,
        types=TYPE_LABELS,
    )


@get("/exam-attempts/{attempt_id:uuid}", operation_id="page_exam_attempt")
async def exam_attempt(
    attempt_id: FromPath[uuid.UUID], visit: CurrentVisit, notice_code: FromQuery[str | None] = None
) -> Response[Any]:
    """The exam, or its result: an attempt whose time ran out is handed in first."""
    attempt = await exams.access_attempt(visit.db_session, visit.principal, attempt_id)
    await exams.settle_overdue_attempts(visit.db_session, visit.kit.clock, attempt.user_id)
    errors = {"deadline": _(exams.DEADLINE_PASSED)} if notice_code == "late" else None
    return await _attempt_page(visit, attempt_id, errors)


@post("/exam-attempts/{attempt_id:uuid}/answers/{question_id:uuid}", operation_id="page_exam_answer", status_code=200)
async def exam_answer(
    request: Request[Any, Any, Any],
    attempt_id: FromPath[uuid.UUID],
    question_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
    principal: CurrentPrincipal,
) -> Response[dict[str, Any]]:
    """The exam page's script saves one answer here as it is clicked; the reply re-synchronises its countdown. It
    answers the script in JSON, not with a page, so a refusal is said in the reply (the late hand-in it caused is
    kept)."""
    form = await request.form()
    choices = [str(c) for c in form.getall("choice", [])]
    try:
        saved = await exams.save_answer(db_session, kit.clock, principal, attempt_id, question_id, choices)
    except DomainError as exc:
        if exc.status == 404:
            raise
        await discard(db_session, exc)
        finished = any(e.rule in FINISHED for e in exc.errors)
        message = next(iter(form_errors(exc).values()), exc.detail)
        return Response({"saved": False, "reload": finished, "message": message}, status_code=exc.status)
    seconds_left = max(0, math.floor((saved.deadline - saved.saved_at).total_seconds()))
    return Response({"saved": True, "choice_ids": saved.choice_ids, "seconds_left": seconds_left})


@post("/exam-attempts/{attempt_id:uuid}/submit", operation_id="page_exam_submit")
async def exam_submit(attempt_id: FromPath[uuid.UUID], visit: CurrentVisit) -> Response[Any]:
    """Hands the exam in with the answers the form carries (all of them, so it works without the script)."""
    db_session, kit, principal = visit.db_session, visit.kit, visit.principal
    attempt = await exams.access_attempt(db_session, principal, attempt_id)
    form = await visit.request.form()
    result_url = f"/exam-attempts/{attempt_id}"

    async def hand_in() -> None:
        if attempt.status == exams.AttemptStatus.ACTIVE and form.get("with_answers"):
            for question in await exams.attempt_questions(db_session, attempt):
                chosen = [str(c) for c in form.getall(f"q-{question.item.question_id}", [])]
                if chosen != list(question.item.choice_ids or []):
                    await exams.save_answer(
                        db_session, kit.clock, principal, attempt_id, question.item.question_id, chosen
                    )
        await exams.submit_attempt(db_session, kit.clock, principal, attempt_id)

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        if "deadline" in errors or "status" in errors:  # too late: the clock handed it in
            return Redirect(path=f"{result_url}?notice_code=late")
        return await _attempt_page(visit, attempt_id, errors, status)

    return await visit.act(hand_in, done=lambda _none: Redirect(path=result_url), again=again)


ROUTES = [exam_start, exam_attempt, exam_answer, exam_submit]
