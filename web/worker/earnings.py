"""Freelancers' earnings by Asia/Shanghai month (with the CSV), and their private calendar link: made or replaced
(the link is shown once, since only its hash is kept), or revoked. The rules are `shifts.service`'s, as in the API."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template

from gigplatform.errors import N_, DomainError
from shifts import service as shifts
from web.forms import CurrentVisit, Visit
from web.rendering import form_errors, notice

MonthQuery = Annotated[str | None, Parameter(max_length=16)]
NOTICES = {"calendar_revoked": N_("The calendar link was revoked; calendars subscribed to it stop updating.")}


async def _earnings_page(
    visit: Visit, month: str | None, *, link: str | None = None, notice_text: str | None = None
) -> Template:
    errors: dict[str, str] = {}
    status = 200
    try:
        chosen = shifts.month_or_this(month, visit.kit.clock)
    except DomainError as exc:
        errors, status = form_errors(exc), 422
        chosen = shifts.month_or_this(None, visit.kit.clock)
    statement = await shifts.monthly_statement(visit.db_session, visit.principal.user_id, chosen)
    return visit.show(
        "worker/earnings.html",
        status,
        errors,
        month=shifts.month_text(chosen),
        statement=statement,
        yuan=shifts.yuan,
        has_link=await shifts.has_calendar_token(visit.db_session, visit.principal.user_id),
        link=link,
        notice=notice_text,
    )


@get("/earnings", operation_id="page_earnings")
async def earnings(
    visit: CurrentVisit, month: MonthQuery = None, notice_code: Annotated[str | None, Parameter(max_length=64)] = None
) -> Template:
    return await _earnings_page(visit, month, notice_text=notice(notice_code, NOTICES))


@get("/earnings.csv", operation_id="page_earnings_csv")
async def earnings_csv(visit: CurrentVisit, month: MonthQuery = None) -> Response[Any]:
    chosen = shifts.month_or_this(month, visit.kit.clock)
    statement = await shifts.monthly_statement(visit.db_session, visit.principal.user_id, chosen)
    return Response(
        shifts.statement_csv(statement),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="earnings-{shifts.month_text(chosen)}.csv"'},
    )


@post("/earnings/calendar-link", operation_id="page_calendar_link", status_code=200)
async def make_calendar_link(visit: CurrentVisit) -> Template:
    """Makes (or replaces) the link and shows it this once, in the page itself rather than in a URL."""
    token = await shifts.issue_calendar_token(visit.db_session, visit.kit.clock.now(), visit.principal.user_id)
    link = str(visit.request.base_url).rstrip("/") + f"/calendar/{token}.ics"
    return await _earnings_page(visit, None, link=link)


@post("/earnings/calendar-link/revoke", operation_id="page_calendar_link_revoke")
async def revoke_calendar_link(visit: CurrentVisit) -> Response[Any]:
    await shifts.revoke_calendar_token(visit.db_session, visit.principal.user_id)
    return Redirect(path="/earnings?notice_code=calendar_revoked")


ROUTES = [earnings, earnings_csv, make_calendar_link, revoke_calendar_link]
