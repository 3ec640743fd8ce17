"""Recruitment's timed jobs. Each is an edge: it opens its own units of work, one per piece of work where a piece
calls out to the identity provider in between."""

from __future__ import annotations

from datetime import timedelta

from litestar.datastructures import State

from gigplatform.db import unit_of_work
from gigplatform.timed import Job
from recruitment import applying, rounds


async def retry_identity_checks(state: State, limit: int = 50) -> int:
    """Re-asks the provider for applications waiting in identity_pending whose retry time has come: each one is
    claimed in a unit of work of its own (a lease two instances cannot both take), the provider is asked with no
    transaction open, and the answer is recorded in a third. Returns how many were checked."""
    kit, minutes = state.kit, state.kit.settings.identity_recheck_minutes
    async with unit_of_work(state.sessionmaker) as session:
        due = await applying.due_identity_checks(session, kit.clock, limit)
    checked = 0
    for application_id in due:
        async with unit_of_work(state.sessionmaker) as session:
            check = await applying.claim_identity_check(session, kit.clock, kit.cipher, minutes, application_id)
        if check is None:
            continue
        answer = await applying.ask_identity_provider(state.identity_provider, check)
        async with unit_of_work(state.sessionmaker) as session:
            await applying.record_identity_answer(session, kit.clock, minutes, answer)
        checked += 1
    return checked


async def close_expired_rounds(state: State) -> int:
    async with unit_of_work(state.sessionmaker) as session:
        return await rounds.close_expired_rounds(session, state.kit.clock)


JOBS = (
    Job("retry_identity_checks", timedelta(minutes=1), retry_identity_checks),
    Job("close_expired_rounds", timedelta(minutes=1), close_expired_rounds),
)
