"""JSON and file API of what shifts earn and where they show: a freelancer's monthly earnings (JSON and CSV), the
admins' payroll CSV, the private calendar link and the public iCalendar feed it opens."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.openapi.spec import Schema
from litestar.params import FromPath, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from gigplatform.db import DbSession
from gigplatform.openapi import Content
from gigplatform.security import CurrentPrincipal, Kit, admin_only, worker_only
from shifts import service

MonthParam = Annotated[
    str | None,
    QueryParameter(
        name="month", max_length=16, description="`YYYY-MM`, a calendar month in Asia/Shanghai; this month by default."
    ),
]
ICS = "text/calendar; charset=utf-8"
CSV_TYPE = "text/csv; charset=utf-8"
STATEMENT_CSV = Content(
    {
        "text/csv": Schema(
            type="string",
            description=f"UTF-8 with a BOM; columns {', '.join(service.STATEMENT_COLUMNS)}; "
            "one completed shift a row, then the total.",
        )
    },
    "The month's earnings as CSV.",
)
PAYROLL_CSV = Content(
    {
        "text/csv": Schema(
            type="string",
            description=f"UTF-8 with a BOM; columns {', '.join(service.PAYROLL_COLUMNS)}; "
            "one freelancer a row, money in fen and in yuan.",
        )
    },
    "The month's payroll as CSV.",
)
FEED = Content({"text/calendar": Schema(type="string", description="iCalendar (RFC 5545), times in UTC.")}, "The feed.")


class EarnedShiftOut(msgspec.Struct):
    booking_id: uuid.UUID
    date: date
    hour: int
    starts_at: datetime
    track: str
    pay_fen: int
    total_fen: int
    late_check_in: bool


class EarningsOut(msgspec.Struct):
    month: str
    shifts: list[EarnedShiftOut]
    hours: int
    total_fen: int


class CalendarTokenOut(msgspec.Struct):
    token: str
    url: str


def earnings_out(statement: service.Statement) -> EarningsOut:
    shifts = [
        EarnedShiftOut(s.booking_id, s.day, s.hour, s.starts_at, s.track, s.pay_fen, s.total_fen, s.late)
        for s in statement.shifts
    ]
    return EarningsOut(service.month_text(statement.month), shifts, statement.hours, statement.total_fen)


def csv_reply(body: str, filename: str) -> Response[str]:
    return Response(body, media_type=CSV_TYPE, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def feed_url(request: Request, token: str) -> str:  # type: ignore[type-arg]
    return str(request.base_url).rstrip("/") + f"/calendar/{token}.ics"


class EarningsController(Controller):
    path = "/api/me"
    tags = ["shifts"]
    guards = [worker_only]

    @get("/earnings", operation_id="myEarnings")
    async def earnings(
        self, db_session: DbSession, kit: Kit, principal: CurrentPrincipal, month: MonthParam = None
    ) -> EarningsOut:
        """The month's completed shifts (date, hour, track, pay) and the total, in fen."""
        chosen = service.month_or_this(month, kit.clock)
        return earnings_out(await service.monthly_statement(db_session, principal.user_id, chosen))

    @get("/earnings.csv", operation_id="myEarningsCsv", opt={"reply": STATEMENT_CSV})
    async def earnings_csv(
        self, db_session: DbSession, kit: Kit, principal: CurrentPrincipal, month: MonthParam = None
    ) -> Response[str]:
        chosen = service.month_or_this(month, kit.clock)
        statement = await service.monthly_statement(db_session, principal.user_id, chosen)
        return csv_reply(service.statement_csv(statement), f"earnings-{service.month_text(chosen)}.csv")

    @post("/calendar-token", operation_id="makeCalendarToken", status_code=HTTP_201_CREATED)
    async def make_token(
        self,
        request: Request,
        db_session: DbSession,
        kit: Kit,
        principal: CurrentPrincipal,  # type: ignore[type-arg]
    ) -> CalendarTokenOut:
        """A new private calendar link, replacing any earlier one; shown this once (only its hash is kept)."""
        token = await service.issue_calendar_token(db_session, kit.clock.now(), principal.user_id)
        return CalendarTokenOut(token, feed_url(request, token))

    @delete("/calendar-token", operation_id="revokeCalendarToken", status_code=HTTP_204_NO_CONTENT)
    async def revoke_token(self, db_session: DbSession, principal: CurrentPrincipal) -> None:
        """Revokes the calendar link; its feed answers 404 from now on."""
        await service.revoke_calendar_token(db_session, principal.user_id)


class PayrollController(Controller):
    path = "/api/admin/payroll"
    tags = ["shifts: admin"]
    guards = [admin_only]

    @get("/", operation_id="payroll", opt={"reply": PAYROLL_CSV})
    async def payroll(self, db_session: DbSession, kit: Kit, month: MonthParam = None) -> Response[str]:
        """Every freelancer's completed shifts and pay for the month, as CSV."""
        chosen = service.month_or_this(month, kit.clock)
        lines = await service.payroll(db_session, chosen)
        return csv_reply(service.payroll_csv(lines), f"payroll-{service.month_text(chosen)}.csv")


class CalendarFeedController(Controller):
    path = "/calendar"
    tags = ["shifts"]

    @get("/{name:str}", operation_id="calendarFeed", opt={"reply": FEED})
    async def feed(self, name: FromPath[str], db_session: DbSession, kit: Kit) -> Response[bytes]:
        """A freelancer's bookings as iCalendar, opened by the private link's token (`<token>.ics`); no sign-in."""
        token = name.removesuffix(".ics") if name.endswith(".ics") else ""
        body = await service.calendar_feed(db_session, kit.clock.now(), token)
        return Response(body, media_type=ICS, headers={"Cache-Control": "private, max-age=0"})


CONTROLLERS = [EarningsController, PayrollController, CalendarFeedController]
