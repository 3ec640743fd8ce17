"""Erlang C against published cases.

Source of the figures: "Erlang C Formula – Made Simple with an Easy Worked Example", Call Centre Helper
(callcentrehelper.com), which works 100 calls in 30 minutes with a 180 s average handling time (10 Erlangs) and a
target of 80 % answered in 20 s: 11 agents give P_wait 0.6821 and a service level of 38.96 %; 14 agents give
P_wait 0.1741, a service level of 88.84 % and an average speed of answer of 7.84 s, the fewest that reach 80 %
(13 give 79.7 %); with 30 % shrinkage the 14 agents become 20 scheduled.
"""

from __future__ import annotations

import math

import pytest

from gigplatform.coverage import erlang


def test_traffic_of_the_worked_example_is_ten_erlangs() -> None:
    assert erlang.traffic_erlangs(100, 30 * 60, 180) == pytest.approx(10.0)


def test_fourteen_agents_for_ten_erlangs() -> None:
    result = erlang.staffing(10.0, 14, target_seconds=20, handling_seconds=180)
    assert result.wait_probability == pytest.approx(0.1741, abs=5e-5)
    assert result.service_level == pytest.approx(0.8884, abs=5e-5)
    assert result.average_speed_of_answer == pytest.approx(7.84, abs=5e-3)
    assert result.occupancy == pytest.approx(10 / 14)


def test_eleven_agents_for_ten_erlangs() -> None:
    result = erlang.staffing(10.0, 11, target_seconds=20, handling_seconds=180)
    assert result.wait_probability == pytest.approx(0.6821, abs=5e-5)
    assert result.service_level == pytest.approx(0.3896, abs=5e-5)


def test_fewest_agents_for_eighty_percent_in_twenty_seconds() -> None:
    result = erlang.agents_needed(10.0, handling_seconds=180, target_share=0.8, target_seconds=20)
    assert result.agents == 14
    assert erlang.staffing(10.0, 13, 20, 180).service_level < 0.8
    assert erlang.with_shrinkage(result.agents, 0.30) == 20


def test_occupancy_cap_can_ask_for_more_agents_than_the_service_level() -> None:
    result = erlang.agents_needed(10.0, handling_seconds=180, target_share=0.8, target_seconds=20, max_occupancy=0.7)
    assert result.agents == 15  # 10/14 = 0.714 is above 0.7
    assert result.occupancy <= 0.7


def test_no_traffic_needs_nobody_and_too_few_agents_always_wait() -> None:
    assert erlang.agents_needed(0.0, handling_seconds=180, target_share=0.8, target_seconds=20).agents == 0
    overloaded = erlang.staffing(10.0, 10, 20, 180)
    assert overloaded.wait_probability == 1.0
    assert overloaded.service_level == 0.0
    assert math.isinf(overloaded.average_speed_of_answer)


def test_hundreds_of_agents_do_not_overflow() -> None:
    result = erlang.agents_needed(400.0, handling_seconds=180, target_share=0.8, target_seconds=30)
    assert 400 < result.agents < 440


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: erlang.agents_needed(10.0, handling_seconds=180, target_share=1.2, target_seconds=20), "target_share"),
        (
            lambda: erlang.agents_needed(
                10.0, handling_seconds=180, target_share=0.8, target_seconds=20, max_occupancy=0
            ),
            "max_occupancy",
        ),
        (lambda: erlang.with_shrinkage(10, 1.0), "shrinkage"),
        (lambda: erlang.staffing(10.0, 11, 20, 0), "handling_seconds"),
        (lambda: erlang.wait_probability(-1.0, 3), "negative"),
    ],
)
def test_bad_parameters_are_refused(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
