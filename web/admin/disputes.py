"""Admins' disputes page: the disputes (open ones first in line), each with the accept or reject form and its
note. The rules are `shifts.decide_dispute`'s, as in the API: audited, and the freelancer told."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from litestar import Response, get, post
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Redirect, Template

from gigplatform.accounts import service as accounts
from gigplatform.errors import N_
from shifts import service as shifts
from web.forms import CurrentVisit, Visit, read_form
from web.reliability_words import DISPUTE_WORDS, EVENT_WORDS
from web.rendering import Form, notice

PER_PAGE = 50
NOTICES = {"decided": N_("The dispute was decided, and the freelancer was told.")}
Status = Literal["open", "accepted", "rejected", "all"]


async def _page(
    visit: Visit,
    status: str,
    page_number: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    failed: str | None = None,
    code: int = 200,
    notice_text: str | None = None,
) -> Template:
    rows, total = await shifts.list_disputes(
        visit.db_session,
        status=None if status == "all" else status,
        limit=PER_PAGE,
        offset=(page_number - 1) * PER_PAGE,
    )
    names = await accounts.display_names(visit.db_session, [d.user_id for d, _ in rows])
    errors = errors or {}
    on_form = {k: v for k, v in errors.items() if k in ("decision", "note")}
    return visit.show(
        "admin/disputes.html",
        code,
        {k: v for k, v in errors.items() if k not in on_form},
        disputes=rows,
        names=names,
        total=total,
        shown_status=status,
        statuses=("open", "accepted", "rejected", "all"),
        page_number=page_number,
        pages=max(1, -(-total // PER_PAGE)),
        event_words=EVENT_WORDS,
        dispute_words=DISPUTE_WORDS,
        values=values or {},
        form_errors=on_form,
        failed=failed,
        notice=notice_text,
    )


@get("/admin/disputes", operation_id="page_admin_disputes")
async def admin_disputes(
    visit: CurrentVisit,
    status: FromQuery[Status] = "open",
    page_number: Annotated[int, Parameter(ge=1, le=100_000)] = 1,
    notice_code: FromQuery[str | None] = None,
) -> Template:
    return await _page(visit, status, page_number, notice_text=notice(notice_code, NOTICES))


@post("/admin/disputes/{dispute_id:uuid}", operation_id="page_admin_dispute_decide")
async def admin_dispute_decide(dispute_id: FromPath[uuid.UUID], data: Form, visit: CurrentVisit) -> Response[Any]:
    async def decide() -> shifts.ShiftDispute:
        form = read_form(data, shifts.DisputeDecisionIn)
        return await shifts.decide_dispute(visit.db_session, visit.kit.clock.now(), visit.principal, dispute_id, form)

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        return await _page(visit, "open", 1, values=dict(data), errors=errors, failed=str(dispute_id), code=status)

    def done(_: shifts.ShiftDispute) -> Response[Any]:
        return Redirect(path="/admin/disputes?notice_code=decided")

    return await visit.act(decide, done=done, again=again)


ROUTES = [admin_disputes, admin_dispute_decide]
