"""The price of a coverage package, line by line: a pure function of the package's prices, the dates asked for and
the options, so a quote can be recomputed and tested without a database.

- daily: the chosen dates; the base and the night option are charged per date.
- monthly: one calendar month from the start date (the same day next month, the 31st clamped to the month's last
  day, exclusive); the base and the night option are charged once.
- volume: a pack of conversations valid for the package's number of days from the start date; charged once.

The holiday option covers statutory holidays (see `gigplatform.china_calendar`), and each statutory holiday date in
the covered period is one line of its own, named, so the seller sees what the surcharge is for. A makeup workday is
an ordinary day. Without the option a statutory holiday is simply not covered; a daily package asked for on one is
refused, so nobody pays a day's base for a day they will not get. Holiday lines of a year whose arrangement the
State Council has not published are marked provisional.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from gigplatform import china_calendar
from gigplatform.errors import N_, InvalidInput

MAX_DAILY_DATES = 62
MAX_VOLUME_DAYS = 366


class PackageKind(StrEnum):
    DAILY = "daily"
    MONTHLY = "monthly"
    VOLUME = "volume"


class LineKind(StrEnum):
    BASE = "base"
    NIGHT = "night"
    HOLIDAY = "holiday"


@dataclass(frozen=True)
class PackagePrices:
    """What a package costs, copied into every quote so a later edit of the catalogue changes no quote."""

    kind: PackageKind
    base_fen: int
    night_surcharge_fen: int = 0
    holiday_surcharge_fen: int = 0
    validity_days: int | None = None  # volume packs only


@dataclass(frozen=True)
class Line:
    kind: LineKind
    quantity: int
    unit_fen: int
    amount_fen: int
    day: date | None = None
    holiday: str | None = None  # the holiday's English name, translated on the page
    provisional: bool = False


@dataclass(frozen=True)
class Price:
    starts_on: date
    ends_on: date  # inclusive
    covered_days: tuple[date, ...]
    lines: tuple[Line, ...] = field(default_factory=tuple)

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)

    @property
    def provisional(self) -> bool:
        return any(line.provisional for line in self.lines)


def add_month(day: date) -> date:
    """The same day next month, the 29th–31st clamped to that month's last day."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _period(prices: PackagePrices, start: date, dates: Sequence[date]) -> list[date]:
    if prices.kind is PackageKind.DAILY:
        if not dates:
            raise InvalidInput(N_("Choose at least one date."), field="dates", rule="required")
        chosen = sorted(set(dates))
        if len(chosen) > MAX_DAILY_DATES:
            raise InvalidInput(
                N_("Choose at most %(limit)s dates."),
                field="dates",
                rule="length",
                params={"limit": MAX_DAILY_DATES},
            )
        if chosen[0] < start:
            raise InvalidInput(N_("A date is before the start date."), field="dates", rule="after_start")
        return chosen
    if prices.kind is PackageKind.MONTHLY:
        end = add_month(start)
    else:
        days = prices.validity_days or 0
        if not 1 <= days <= MAX_VOLUME_DAYS:
            raise InvalidInput(N_("A volume pack is valid for 1 to 366 days."), field="validity_days", rule="range")
        end = start + timedelta(days=days)
    return [start + timedelta(days=n) for n in range((end - start).days)]


def price(prices: PackagePrices, *, start: date, dates: Sequence[date] = (), night: bool, holidays: bool) -> Price:
    """The lines and total of `prices` for the period from `start` (or the chosen `dates`) with the options."""
    period = _period(prices, start, dates)
    statutory = [day for day in period if china_calendar.is_statutory_holiday(day)]
    if prices.kind is PackageKind.DAILY and statutory and not holidays:
        raise InvalidInput(
            N_("%(day)s is a statutory holiday: add the holiday option or choose another date."),
            field="dates",
            rule="holiday_needs_option",
            params={"day": statutory[0].isoformat()},
        )
    covered = [day for day in period if holidays or day not in statutory]
    per_date = prices.kind is PackageKind.DAILY
    quantity = len(period) if per_date else 1
    lines = [Line(LineKind.BASE, quantity, prices.base_fen, quantity * prices.base_fen)]
    if night:
        lines.append(Line(LineKind.NIGHT, quantity, prices.night_surcharge_fen, quantity * prices.night_surcharge_fen))
    if holidays:
        for day in statutory:
            names = china_calendar.statutory_holidays(day.year)
            lines.append(
                Line(
                    LineKind.HOLIDAY,
                    1,
                    prices.holiday_surcharge_fen,
                    prices.holiday_surcharge_fen,
                    day=day,
                    holiday=names[day],
                    provisional=not china_calendar.is_official(day.year),
                )
            )
    return Price(period[0], period[-1], tuple(covered), tuple(lines))
