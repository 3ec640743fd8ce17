"""China's statutory holidays and the State Council's adjusted working days (调休), from the `holidays` library.

Pricing needs three answers the library gives, read here in one place:
- which dates are statutory holidays (法定节假日: 元旦, 春节 from 除夕, 清明, 劳动节, 端午, 中秋, 国庆).
  Only these carry a holiday surcharge; the extra rest days the State Council moves around them ("Day off,
  substituted from …") and the library's observed Mondays are not statutory, and are left out.
- which weekend dates are makeup workdays (调休上班): ordinary working days, with no surcharge.
- whether a year's arrangement is official. The State Council publishes the next year's arrangement in November or
  December; until the library carries it, the library only projects the holidays, and a year with no makeup
  workdays known is treated as provisional, so a quote can say its holiday lines may still change.

The library's names are not relied on except to tell a moved rest day from a holiday; the tests pin real 2026 dates.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

_MOVED_REST_DAY = "Day off"


@lru_cache(maxsize=32)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year, observed=False, language="en_US")


@lru_cache(maxsize=32)
def statutory_holidays(year: int) -> dict[date, str]:
    """The statutory holiday dates of `year` with their English names (the pages translate them)."""
    return {day: name for day, name in sorted(_calendar(year).items()) if not name.startswith(_MOVED_REST_DAY)}


@lru_cache(maxsize=32)
def makeup_workdays(year: int) -> frozenset[date]:
    """Weekend dates of `year` the State Council made working days (调休上班)."""
    return frozenset(day for day in _calendar(year).weekend_workdays if day.year == year)


def is_statutory_holiday(day: date) -> bool:
    return day in statutory_holidays(day.year)


def is_makeup_workday(day: date) -> bool:
    return day in makeup_workdays(day.year)


def is_official(year: int) -> bool:
    """True once the library carries the State Council's arrangement for `year` (its makeup workdays)."""
    return bool(makeup_workdays(year))
