"""The typing test as a freelancer takes it: the introduction, the running test (timed by the server) and its
result."""

from __future__ import annotations

import math
import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gigplatform.db import DbSession
from gigplatform.errors import DomainError, NotFound
from gigplatform.security import CurrentPrincipal, Kit, Principal
from recruitment import service as recruitment
from web.forms import form_page, read_form
from web.recruitment_words import NOTICES
from web.rendering import notice, page


async def _typing_intro(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    principal: Principal,
    application_id: uuid.UUID,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    application = await recruitment.access_application(db_session, principal, application_id)
    round_ = await recruitment.round_by_id(db_session, application.round_id)
    return page(
        "worker/typing_intro.html",
        request,
        status,
        application=application,
        round=round_,
        attempts_left=recruitment.typing_attempts_left(application, round_),
        minutes=int(recruitment.TYPING_TIME_LIMIT.total_seconds() // 60),
        general_errors=list((errors or {}).values()),
    )


@get("/applications/{application_id:uuid}/typing", operation_id="page_typing")
async def typing_intro(
    request: Request[Any, Any, Any],
    application_id: FromPath[uuid.UUID],
    db_session: DbSession,
    principal: CurrentPrincipal,
) -> Template:
    return await _typing_intro(request, db_session, principal, application_id)


@post("/applications/{application_id:uuid}/typing", operation_id="page_typing_start")
async def typing_start(
    request: Request[Any, Any, Any],
    application_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
    principal: CurrentPrincipal,
) -> Response[Any]:
    return await form_page(
        db_session,
        lambda: recruitment.start_typing_test(db_session, kit.clock, principal, application_id),
        done=lambda outcome: Redirect(path=f"/applications/{application_id}/typing/{outcome.test.id}"),
        again=lambda errors, status: _typing_intro(request, db_session, principal, application_id, errors, status),
    )


async def _typing_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    kit: Kit,
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
    round_ = await recruitment.round_by_id(db_session, application.round_id)
    seconds_left = max(0, math.floor((test.deadline - kit.clock.now()).total_seconds()))
    return page(
        "worker/typing.html",
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


@get("/applications/{application_id:uuid}/typing/{test_id:uuid}", operation_id="page_typing_test")
async def typing_test(
    request: Request[Any, Any, Any],
    application_id: FromPath[uuid.UUID],
    test_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
    principal: CurrentPrincipal,
    notice_code: FromQuery[str | None] = None,
) -> Template:
    shown = notice(notice_code, NOTICES)
    return await _typing_page(request, db_session, kit, principal, application_id, test_id, notice_text=shown)


@post("/applications/{application_id:uuid}/typing/{test_id:uuid}", operation_id="page_typing_submit")
async def typing_submit(
    request: Request[Any, Any, Any],
    application_id: FromPath[uuid.UUID],
    test_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
    principal: CurrentPrincipal,
) -> Response[Any]:
    form = await request.form()
    text = form.get("text") or ""
    result_url = f"/applications/{application_id}/typing/{test_id}"

    async def submit() -> str:
        """The result page's address; a late or repeated submission is not an error of the form but a result
        (the late one's failed attempt is recorded, so it is answered here and committed)."""
        data = read_form({"text": text}, recruitment.TypingSubmitIn)
        try:
            await recruitment.submit_typing_test(
                db_session, kit.clock, principal, test_id, data.text, kit.settings.typing_max_cpm
            )
        except DomainError as exc:
            rules = {(e.field, e.rule) for e in exc.errors}
            if ("test_id", "deadline") in rules:
                return f"{result_url}?notice_code=typing_late"
            if ("test_id", "already_submitted") in rules:
                return result_url
            raise
        return result_url

    async def again(errors: dict[str, str], _status: int) -> Template:
        return await _typing_page(
            request, db_session, kit, principal, application_id, test_id, errors=errors, typed=text, status=422
        )

    return await form_page(db_session, submit, done=lambda target: Redirect(path=target), again=again)


ROUTES = [typing_intro, typing_start, typing_test, typing_submit]
