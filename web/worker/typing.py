"""The typing test as a freelancer takes it: the introduction, the running test (timed by the server) and its
result."""

from __future__ import annotations

import math
import uuid
from typing import Any

from litestar import Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gigplatform.errors import DomainError, NotFound
from recruitment import service as recruitment
from web.forms import CurrentVisit, Visit, read_form
from web.recruitment_words import NOTICES
from web.rendering import notice


async def _typing_intro(
    visit: Visit, application_id: uuid.UUID, errors: dict[str, str] | None = None, status: int = 200
) -> Template:
    application = await recruitment.access_application(visit.db_session, visit.principal, application_id)
    round_ = await recruitment.round_by_id(visit.db_session, application.round_id)
    return visit.show(
        "worker/typing_intro.html",
        status,
        errors,
        application=application,
        round=round_,
        attempts_left=recruitment.typing_attempts_left(application, round_),
        minutes=int(recruitment.TYPING_TIME_LIMIT.total_seconds() // 60),
    )


@get("/applications/{application_id:uuid}/typing", operation_id="page_typing")
async def typing_intro(application_id: FromPath[uuid.UUID], visit: CurrentVisit) -> Template:
    return await _typing_intro(visit, application_id)


@post("/applications/{application_id:uuid}/typing", operation_id="page_typing_start")
async def typing_start(application_id: FromPath[uuid.UUID], visit: CurrentVisit) -> Response[Any]:
    return await visit.act(
        lambda: recruitment.start_typing_test(visit.db_session, visit.kit.clock, visit.principal, application_id),
        done=lambda outcome: Redirect(path=f"/applications/{application_id}/typing/{outcome.test.id}"),
        again=lambda errors, status: _typing_intro(visit, application_id, errors, status),
    )


async def _typing_page(
    visit: Visit,
    application_id: uuid.UUID,
    test_id: uuid.UUID,
    *,
    notice_text: str | None = None,
    errors: dict[str, str] | None = None,
    typed: str = "",
    status: int = 200,
) -> Template:
    test, application = await recruitment.access_typing_test(visit.db_session, visit.principal, test_id)
    if application.id != application_id:
        raise NotFound("No such typing test.", field="test_id", rule="exists")
    round_ = await recruitment.round_by_id(visit.db_session, application.round_id)
    seconds_left = max(0, math.floor((test.deadline - visit.kit.clock.now()).total_seconds()))
    return visit.show(
        "worker/typing.html",
        status,
        errors,
        application=application,
        round=round_,
        test=test,
        seconds_left=seconds_left,
        attempts_left=recruitment.typing_attempts_left(application, round_),
        accuracy=(test.accuracy_bp or 0) / 100,
        notice=notice_text,
        typed=typed,
    )


@get("/applications/{application_id:uuid}/typing/{test_id:uuid}", operation_id="page_typing_test")
async def typing_test(
    application_id: FromPath[uuid.UUID],
    test_id: FromPath[uuid.UUID],
    visit: CurrentVisit,
    notice_code: FromQuery[str | None] = None,
) -> Template:
    return await _typing_page(visit, application_id, test_id, notice_text=notice(notice_code, NOTICES))


@post("/applications/{application_id:uuid}/typing/{test_id:uuid}", operation_id="page_typing_submit")
async def typing_submit(
    application_id: FromPath[uuid.UUID], test_id: FromPath[uuid.UUID], visit: CurrentVisit
) -> Response[Any]:
    form = await visit.request.form()
    text = form.get("text") or ""
    result_url = f"/applications/{application_id}/typing/{test_id}"

    async def submit() -> str:
        """The result page's address; a late or repeated submission is not an error of the form but a result
        (the late one's failed attempt is recorded, so it is answered here and committed)."""
        data = read_form({"text": text}, recruitment.TypingSubmitIn)
        kit = visit.kit
        try:
            await recruitment.submit_typing_test(
                visit.db_session, kit.clock, visit.principal, test_id, data.text, kit.settings.typing_max_cpm
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
        return await _typing_page(visit, application_id, test_id, errors=errors, typed=text, status=422)

    return await visit.act(submit, done=lambda target: Redirect(path=target), again=again)


ROUTES = [typing_intro, typing_start, typing_test, typing_submit]
