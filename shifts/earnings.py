"""Earnings: a completed shift earns its hour at the pay it was booked at (a late check-in still completes the
shift; a no-show or a cancelled booking earns nothing). Statements run over Asia/Shanghai calendar months, so a
shift at 23:00 on the last day of a month (15:00 UTC) belongs to that month. Money is integer fen throughout.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts import service as accounts
from gigplatform.clock import BUSINESS_TZ, Clock, business_today
from gigplatform.csvfile import csv_document
from gigplatform.errors import N_, InvalidInput
from shifts.models import BookingStatus, ShiftBooking, ShiftSlot

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
STATEMENT_COLUMNS = ("date", "hour", "track", "pay_fen", "total_fen")
PAYROLL_COLUMNS = ("user_id", "name", "login", "hours", "shifts", "total_fen", "total_yuan")


def parse_month(text: str) -> date:
    """`YYYY-MM` as the first day of that month; anything else is a 422 naming `month`."""
    found = _MONTH.match(text)
    if found is None or not 2000 <= int(found.group(1)) <= 9998:
        raise InvalidInput(N_("The month must be written YYYY-MM."), field="month", rule="format")
    return date(int(found.group(1)), int(found.group(2)), 1)


def month_or_this(text: str | None, clock: Clock) -> date:
    """The month a request names (see `parse_month`), or the business month it is now."""
    return parse_month(text) if text is not None else business_today(clock).replace(day=1)


def month_text(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first and next month's first instant, midnight in Asia/Shanghai, as UTC."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return tuple(datetime.combine(d, time(0), BUSINESS_TZ).astimezone(UTC) for d in (month, following))  # type: ignore[return-value]


def yuan(fen: int) -> str:
    """Fen written as yuan with two decimals, for people (`12345` → `123.45`)."""
    return f"{fen // 100}.{fen % 100:02d}"


@dataclass(frozen=True)
class EarnedShift:
    booking_id: uuid.UUID
    starts_at: datetime
    day: date
    hour: int
    track: str
    pay_fen: int
    late: bool

    @property
    def total_fen(self) -> int:
        return self.pay_fen  # one hour × the hourly pay it was booked at


@dataclass(frozen=True)
class Statement:
    month: date
    shifts: list[EarnedShift]

    @property
    def hours(self) -> int:
        return len(self.shifts)

    @property
    def total_fen(self) -> int:
        return sum(s.total_fen for s in self.shifts)


def _earned_in(month: date) -> list[object]:
    start, end = month_bounds(month)
    return [
        ShiftBooking.status == BookingStatus.COMPLETED,
        ShiftBooking.starts_at >= start,
        ShiftBooking.starts_at < end,
    ]


async def monthly_statement(session: AsyncSession, user_id: uuid.UUID, month: date) -> Statement:
    """The caller's completed shifts of the month, in order, each with what it earned."""
    rows = await session.execute(
        select(ShiftBooking, ShiftSlot.track)
        .join(ShiftSlot, ShiftSlot.id == ShiftBooking.slot_id)
        .where(ShiftBooking.user_id == user_id, *_earned_in(month))
        .order_by(ShiftBooking.starts_at)
    )
    shifts = []
    for booking, track in rows:
        local = booking.starts_at.astimezone(BUSINESS_TZ)
        shifts.append(
            EarnedShift(
                booking.id,
                booking.starts_at,
                local.date(),
                local.hour,
                str(track),
                booking.pay_fen,
                booking.late_check_in,
            )
        )
    return Statement(month, shifts)


def statement_csv(statement: Statement) -> str:
    """The statement as CSV (BOM, formula-safe): one shift a row, then the month's total."""
    rows: list[list[object]] = [
        [s.day.isoformat(), f"{s.hour:02d}:00", s.track, s.pay_fen, s.total_fen] for s in statement.shifts
    ]
    rows.append(["total", statement.hours, "", "", statement.total_fen])
    return csv_document(STATEMENT_COLUMNS, rows)


@dataclass(frozen=True)
class PayrollLine:
    user_id: uuid.UUID
    name: str
    login: str
    shifts: int
    total_fen: int


async def payroll(session: AsyncSession, month: date) -> list[PayrollLine]:
    """Every freelancer who earned in the month: completed shifts and total fen, with the name admins see and the
    login masked."""
    User = accounts.User
    rows = await session.execute(
        select(User.id, User.display_name, User.login, func.count(), func.sum(ShiftBooking.pay_fen))
        .join(User, User.id == ShiftBooking.user_id)
        .where(*_earned_in(month))
        .group_by(User.id, User.display_name, User.login)
    )
    lines = [
        PayrollLine(user_id, name, accounts.mask_login(login), n, int(total)) for user_id, name, login, n, total in rows
    ]
    return sorted(lines, key=lambda line: (line.name, str(line.user_id)))


def payroll_csv(lines: list[PayrollLine]) -> str:
    """The payroll as CSV (BOM, formula-safe): one freelancer a row."""
    return csv_document(
        PAYROLL_COLUMNS,
        ([str(x.user_id), x.name, x.login, x.shifts, x.shifts, x.total_fen, yuan(x.total_fen)] for x in lines),
    )
