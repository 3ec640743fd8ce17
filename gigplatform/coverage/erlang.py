"""Erlang C: how many people answer a share of contacts within a target time, as contact centres staff.

With contacts arriving at random (Poisson) at rate λ and each taking on average h seconds, the traffic is
A = λ·h Erlangs. With N agents (N > A), the probability that a contact has to wait is

    P_wait = (A^N / N! · N / (N − A)) / (Σ_{k=0}^{N−1} A^k / k!  +  A^N / N! · N / (N − A))

and then

    service level (answered within t seconds) = 1 − P_wait · e^(−(N − A) · t / h)
    average speed of answer                   = P_wait · h / (N − A)
    occupancy                                 = A / N

Sources: A. K. Erlang, "Solution of some problems in the theory of probabilities of significance in automatic
telephone exchanges" (1917); the worked example "Erlang C Formula – Made Simple with an Easy Worked Example",
Call Centre Helper (100 calls per 30 minutes, 180 s handling, 80 % in 20 s), whose figures the tests reproduce.

The sum is computed with the running term A^k/k! (no factorials, no overflow for hundreds of agents). A chat
freelancer handles several conversations at once; the planner divides the handling time by that concurrency
before it calls here, so this function stays the textbook one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Staffing:
    """What `agents` people give for the traffic: the chance of waiting, the share answered in time, the wait."""

    agents: int
    traffic: float
    wait_probability: float
    service_level: float
    average_speed_of_answer: float
    occupancy: float


def traffic_erlangs(contacts: float, period_seconds: float, handling_seconds: float) -> float:
    """A = λ·h: contacts per period times the handling time, over the period's length."""
    if period_seconds <= 0:
        raise ValueError("period_seconds must be positive")
    return contacts * handling_seconds / period_seconds


def wait_probability(traffic: float, agents: int) -> float:
    """Erlang C's P_wait; 1.0 when the agents cannot keep up (N ≤ A) and 0.0 with no traffic."""
    if traffic < 0 or agents < 0:
        raise ValueError("traffic and agents must not be negative")
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    term = 1.0  # A^k / k!, from k = 0
    below = 0.0
    for k in range(agents):
        below += term
        term *= traffic / (k + 1)
    top = term * agents / (agents - traffic)  # A^N / N! · N / (N − A)
    return top / (below + top)


def staffing(traffic: float, agents: int, target_seconds: float, handling_seconds: float) -> Staffing:
    """Erlang C's figures for `agents` people facing `traffic` Erlangs."""
    if handling_seconds <= 0:
        raise ValueError("handling_seconds must be positive")
    p_wait = wait_probability(traffic, agents)
    if agents <= traffic:
        service_level, asa = (0.0, math.inf) if traffic > 0 else (1.0, 0.0)
    else:
        service_level = 1.0 - p_wait * math.exp(-(agents - traffic) * target_seconds / handling_seconds)
        asa = p_wait * handling_seconds / (agents - traffic)
    occupancy = traffic / agents if agents else 0.0
    return Staffing(agents, traffic, p_wait, service_level, asa, occupancy)


def agents_needed(
    traffic: float,
    *,
    handling_seconds: float,
    target_share: float,
    target_seconds: float,
    max_occupancy: float = 1.0,
) -> Staffing:
    """The fewest agents that answer `target_share` within `target_seconds` without passing `max_occupancy`."""
    if not 0 < target_share < 1:
        raise ValueError("target_share must be between 0 and 1")
    if not 0 < max_occupancy <= 1:
        raise ValueError("max_occupancy must be in (0, 1]")
    if traffic <= 0:
        return staffing(0.0, 0, target_seconds, handling_seconds)
    agents = max(1, math.floor(traffic) + 1, math.ceil(traffic / max_occupancy))
    while True:
        result = staffing(traffic, agents, target_seconds, handling_seconds)
        if result.service_level >= target_share and result.occupancy <= max_occupancy:
            return result
        agents += 1


def with_shrinkage(agents: int, shrinkage: float) -> int:
    """People to schedule so that `agents` are answering when a share `shrinkage` is away (breaks, absence)."""
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be in [0, 1)")
    return math.ceil(agents / (1 - shrinkage) - 1e-9)
