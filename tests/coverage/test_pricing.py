"""Quote lines on real 2026 dates (the State Council's arrangement for 2026) and a provisional 2027 quote."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from gigplatform.coverage.pricing import LineKind, PackageKind, PackagePrices, add_month, price
from gigplatform.errors import InvalidInput

DAY_PASS = PackagePrices(PackageKind.DAILY, base_fen=20_000, night_surcharge_fen=8_000, holiday_surcharge_fen=15_000)
MONTHLY = PackagePrices(PackageKind.MONTHLY, base_fen=300_000, night_surcharge_fen=90_000, holiday_surcharge_fen=15_000)
VOLUME = PackagePrices(PackageKind.VOLUME, base_fen=150_000, holiday_surcharge_fen=5_000, validity_days=90)


def test_spring_festival_days_carry_one_named_surcharge_each_and_the_moved_rest_day_none() -> None:
    days = [date(2026, 2, 16) + timedelta(days=n) for n in range(5)]  # 16th (除夕) to 20th
    quote = price(DAY_PASS, start=days[0], dates=days, night=False, holidays=True)
    base, *holiday_lines = quote.lines
    assert (base.kind, base.quantity, base.amount_fen) == (LineKind.BASE, 5, 100_000)
    assert [line.day for line in holiday_lines] == [date(2026, 2, d) for d in (16, 17, 18, 19)]
    assert all(line.kind is LineKind.HOLIDAY and line.amount_fen == 15_000 for line in holiday_lines)
    assert holiday_lines[0].holiday == "Chinese New Year's Eve"
    assert quote.total_fen == 100_000 + 4 * 15_000
    assert not quote.provisional


def test_a_makeup_workday_is_an_ordinary_day() -> None:
    quote = price(DAY_PASS, start=date(2026, 2, 14), dates=[date(2026, 2, 14)], night=True, holidays=False)
    assert [(line.kind, line.amount_fen) for line in quote.lines] == [(LineKind.BASE, 20_000), (LineKind.NIGHT, 8_000)]
    assert quote.total_fen == 28_000


def test_national_day_month_names_its_three_statutory_days_and_not_the_moved_rest_days() -> None:
    quote = price(MONTHLY, start=date(2026, 9, 15), night=True, holidays=True)
    assert (quote.starts_on, quote.ends_on) == (date(2026, 9, 15), date(2026, 10, 14))
    holidays = [line.day for line in quote.lines if line.kind is LineKind.HOLIDAY]
    # 中秋 25 September and 国庆 1-3 October; the 5th to 7th are moved or observed rest days
    assert holidays == [date(2026, 9, 25), date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 3)]
    assert quote.total_fen == 300_000 + 90_000 + 4 * 15_000
    assert len(quote.covered_days) == 30


def test_without_the_holiday_option_a_month_leaves_its_holidays_uncovered() -> None:
    quote = price(MONTHLY, start=date(2026, 10, 1), night=False, holidays=False)
    assert date(2026, 10, 1) not in quote.covered_days
    assert date(2026, 10, 6) in quote.covered_days  # a moved rest day is an ordinary covered day
    assert quote.total_fen == 300_000


def test_a_daily_pass_on_a_holiday_needs_the_option() -> None:
    with pytest.raises(InvalidInput) as refused:
        price(DAY_PASS, start=date(2026, 10, 1), dates=[date(2026, 10, 1)], night=False, holidays=False)
    assert refused.value.errors[0].field == "dates"
    assert refused.value.errors[0].rule == "holiday_needs_option"


def test_a_2027_quote_is_provisional_on_its_holiday_lines_only() -> None:
    quote = price(VOLUME, start=date(2027, 1, 1), night=False, holidays=True)
    holiday_lines = [line for line in quote.lines if line.kind is LineKind.HOLIDAY]
    assert holiday_lines and all(line.provisional for line in holiday_lines)
    assert quote.provisional
    assert quote.lines[0].kind is LineKind.BASE and not quote.lines[0].provisional
    assert len(quote.covered_days) == 90


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2026, 12, 15), date(2027, 1, 15)),
        (date(2028, 1, 30), date(2028, 2, 29)),
    ],
)
def test_a_month_from_the_31st_ends_on_the_last_day_of_next_month(start: date, expected: date) -> None:
    assert add_month(start) == expected


@pytest.mark.parametrize(
    ("prices", "kwargs", "field", "rule"),
    [
        (DAY_PASS, {"start": date(2026, 3, 2), "dates": []}, "dates", "required"),
        (DAY_PASS, {"start": date(2026, 3, 2), "dates": [date(2026, 3, 1)]}, "dates", "after_start"),
        (
            DAY_PASS,
            {"start": date(2026, 3, 1), "dates": [date(2026, 3, 1) + timedelta(days=n) for n in range(63)]},
            "dates",
            "length",
        ),
        (
            PackagePrices(PackageKind.VOLUME, base_fen=1, validity_days=0),
            {"start": date(2026, 3, 2)},
            "validity_days",
            "range",
        ),
    ],
)
def test_bad_periods_are_refused_naming_the_field(prices, kwargs, field: str, rule: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        price(prices, night=False, holidays=True, **kwargs)
    assert (refused.value.errors[0].field, refused.value.errors[0].rule) == (field, rule)
