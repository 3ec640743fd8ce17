"""Admins' payroll: every freelancer's completed shifts and pay for an Asia/Shanghai month, on the page and as the
CSV download (BOM, formula-safe). The figures are `shifts.service`'s, as in the API."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.params import Parameter
from litestar.response import Template

from gigplatform.db import DbSession
from gigplatform.errors import DomainError
from gigplatform.security import Kit
from shifts import service as shifts
from web.rendering import form_errors, page

MonthQuery = Annotated[str | None, Parameter(max_length=16)]


@get("/admin/payroll", operation_id="page_admin_payroll")
async def admin_payroll(
    request: Request[Any, Any, Any], db_session: DbSession, kit: Kit, month: MonthQuery = None
) -> Template:
    errors: dict[str, str] = {}
    try:
        chosen = shifts.month_or_this(month, kit.clock)
    except DomainError as exc:
        errors = form_errors(exc)
        chosen = shifts.month_or_this(None, kit.clock)
    lines = await shifts.payroll(db_session, chosen)
    return page(
        "admin/payroll.html",
        request,
        422 if errors else 200,
        month=shifts.month_text(chosen),
        lines=lines,
        total_fen=sum(line.total_fen for line in lines),
        hours=sum(line.shifts for line in lines),
        yuan=shifts.yuan,
        general_errors=list(errors.values()),
    )


@get("/admin/payroll.csv", operation_id="page_admin_payroll_csv")
async def admin_payroll_csv(db_session: DbSession, kit: Kit, month: MonthQuery = None) -> Response[Any]:
    chosen = shifts.month_or_this(month, kit.clock)
    name = f"payroll-{shifts.month_text(chosen)}.csv"
    return Response(
        shifts.payroll_csv(await shifts.payroll(db_session, chosen)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


ROUTES = [admin_payroll, admin_payroll_csv]
