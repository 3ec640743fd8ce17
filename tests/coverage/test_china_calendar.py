"""China's calendar on real dates: the 2026 arrangement is the State Council's notice of November 2025
(国办发明电〔2025〕7号, gov.cn/gongbao 2025 issue 12406); 2027's has not been published."""

from __future__ import annotations

from datetime import date

import pytest

from gigplatform import china_calendar as cal


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # 元旦
        date(2026, 2, 16),  # 除夕, statutory since the 2024 revision
        date(2026, 2, 17),  # 春节
        date(2026, 2, 19),
        date(2026, 10, 1),  # 国庆节
        date(2026, 10, 3),
    ],
)
def test_statutory_holidays_in_2026(day: date) -> None:
    assert cal.is_statutory_holiday(day)
    assert not cal.is_makeup_workday(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 2, 20),  # a rest day moved from Saturday 14 February: paid rest, not statutory
        date(2026, 2, 23),
        date(2026, 10, 6),
        date(2026, 10, 7),
        date(2026, 4, 6),  # the Monday after 清明 on a Sunday is not a statutory date
        date(2026, 3, 10),  # an ordinary Tuesday
    ],
)
def test_moved_rest_days_and_ordinary_days_are_not_statutory(day: date) -> None:
    assert not cal.is_statutory_holiday(day)


@pytest.mark.parametrize("day", [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20)])
def test_makeup_workdays_of_2026(day: date) -> None:
    assert day.weekday() >= 5  # a weekend date
    assert cal.is_makeup_workday(day)
    assert not cal.is_statutory_holiday(day)


def test_a_year_with_an_arrangement_is_official_and_one_without_is_provisional() -> None:
    assert cal.is_official(2026)
    assert not cal.is_official(2027)
    # the library still projects 2027's holidays, which a quote may price as provisional
    assert date(2027, 10, 1) in cal.statutory_holidays(2027)
