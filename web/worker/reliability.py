"""The freelancer's reliability: the score and its formula in words, every event of the last 30 days that counts,
the dispute form beside each no-show or late mark still open to dispute, and the disputes with their state. The
rules are `shifts.file_dispute`'s, as in the API."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from gigplatform.errors import N_
from shifts import service as shifts
from web.forms import CurrentVisit, Visit, read_form
from web.reliability_words import DISPUTE_WORDS, EVENT_WORDS
from web.rendering import Form, notice

NOTICES = {"dispute_filed": N_("Your dispute was sent; an admin will decide it, and you will be told.")}


async def _page(
    visit: Visit,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    notice_text: str | None = None,
) -> Template:
    report = await shifts.my_reliability(visit.db_session, visit.kit.clock.now(), visit.principal.user_id)
    values = values or {}
    errors = errors or {}
    on_form = {k: v for k, v in errors.items() if k == "reason"}
    return visit.show(
        "worker/reliability.html",
        status,
        {k: v for k, v in errors.items() if k not in on_form},
        report=report,
        event_words=EVENT_WORDS,
        dispute_words=DISPUTE_WORDS,
        values=values,
        form_errors=on_form,
        notice=notice_text,
    )


@get("/reliability", operation_id="page_my_reliability")
async def my_reliability(visit: CurrentVisit, notice_code: FromQuery[str | None] = None) -> Template:
    return await _page(visit, notice_text=notice(notice_code, NOTICES))


@post("/reliability/disputes", operation_id="page_my_reliability_dispute")
async def dispute(data: Form, visit: CurrentVisit) -> Response[Any]:
    async def file() -> shifts.ShiftDispute:
        form = read_form(data, shifts.DisputeIn)
        return await shifts.file_dispute(visit.db_session, visit.kit.clock.now(), visit.principal, form)

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        return await _page(visit, values=dict(data), errors=errors, status=status)

    def done(_: shifts.ShiftDispute) -> Response[Any]:
        return Redirect(path="/reliability?notice_code=dispute_filed")

    return await visit.act(file, done=done, again=again)


ROUTES = [my_reliability, dispute]
