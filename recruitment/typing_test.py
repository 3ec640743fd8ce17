"""The typing test: a passage issued and timed by the server, scored on the server's clock; passing moves the
application on to training, the last failed attempt rejects it."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from rapidfuzz.distance import Levenshtein
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.clock import Clock
from gigplatform.db import uuid7
from gigplatform.errors import N_, Conflict, InvalidInput, NotFound, PermissionDenied
from gigplatform.limits import checked
from gigplatform.security import Principal
from recruitment.models import Actor, Application, Round, TypingTest
from recruitment.passages import PASSAGES
from recruitment.pipeline import S, _enter_training, _system_move, access_application, because
from recruitment.rounds import round_by_id
from recruitment.schemas import TypedText

TYPING_TIME_LIMIT = timedelta(minutes=5)
MAX_CPM = 300  # the policy cap's default (settings: GIG_TYPING_MAX_CPM)


async def access_typing_test(
    session: AsyncSession, principal: Principal, test_id: uuid.UUID
) -> tuple[TypingTest, Application]:
    """The applicant's own typing test with its application, in one read; anyone else gets 404."""
    row = (
        await session.execute(
            select(TypingTest, Application)
            .join(Application, Application.id == TypingTest.application_id)
            .where(TypingTest.id == test_id)
        )
    ).first()
    if row is None or row[1].user_id != principal.user_id:
        raise NotFound("No such typing test.", field="test_id", rule="exists")
    return row[0], row[1]


def score_typing(passage: str, typed: str, seconds: float) -> tuple[int, int]:
    """(characters per minute, accuracy in basis points), computed from the server's own timing.

    Whitespace is ignored on both sides. Accuracy is 1 - edit distance / passage length, so skipping half the
    passage costs half the accuracy; speed counts only the correct characters (passage length - distance).
    """
    want = "".join(passage.split())
    got = "".join(typed.split())
    distance = Levenshtein.distance(want, got)
    correct = max(0, len(want) - distance)
    accuracy_bp = max(0, round(10000 * correct / len(want))) if want else 0
    cpm = round(correct * 60 / max(seconds, 1.0))
    return cpm, accuracy_bp


@dataclass(frozen=True)
class TypingOutcome:
    test: TypingTest
    application: Application
    attempts_left: int


def typing_attempts_left(application: Application, round_: Round) -> int:
    return max(0, round_.typing_attempts - application.typing_attempts_used)


async def start_typing_test(
    session: AsyncSession, clock: Clock, principal: Principal, application_id: uuid.UUID
) -> TypingOutcome:
    """Issues a passage and starts the server's clock. An unfinished test still in time is handed back as it is,
    so reloading the page does not cost an attempt; starting a new one uses an attempt, claimed by a conditional
    UPDATE on the count read, so of two starts at once only one uses it. A late unfinished test is failed first;
    when that was the last attempt the refusal is `.recorded()`, so the failure stands.
    """
    application = await access_application(session, principal, application_id)
    if application.user_id != principal.user_id:
        raise PermissionDenied(
            "Only the applicant takes the typing test.", field="application_id", rule="applicant_only"
        )
    if application.status != S.TYPING:
        raise Conflict(
            N_("The typing test is not open for this application now."),
            field="status",
            rule="not_typing",
        )
    round_ = await round_by_id(session, application.round_id)
    now = clock.now()
    running = await session.scalar(
        select(TypingTest).where(TypingTest.application_id == application.id, TypingTest.submitted_at.is_(None))
    )
    if running is not None and running.deadline > now:
        return TypingOutcome(running, application, typing_attempts_left(application, round_))
    if running is not None:
        await _fail_late_test(session, clock, running, application, round_)
        if application.status != S.TYPING:  # that late test was the last attempt: its failure stands
            raise Conflict(
                N_("The typing test is not open for this application now."), field="status", rule="not_typing"
            ).recorded()
    claimed = (
        await session.execute(
            update(Application)
            .where(
                Application.id == application.id,
                Application.status == S.TYPING,
                # the count read above: of two starts at once (a double click), only one uses an attempt
                Application.typing_attempts_used == application.typing_attempts_used,
                Application.typing_attempts_used < round_.typing_attempts,
            )
            .values(typing_attempts_used=Application.typing_attempts_used + 1, updated_at=now)
            .returning(Application.typing_attempts_used)
        )
    ).first()
    if claimed is None:
        # another start won the race: hand back the test it started (this statement sees it committed)
        running = await session.scalar(
            select(TypingTest).where(
                TypingTest.application_id == application.id,
                TypingTest.submitted_at.is_(None),
                TypingTest.deadline > now,
            )
        )
        if running is not None:
            await session.refresh(application)
            return TypingOutcome(running, application, typing_attempts_left(application, round_))
        raise Conflict(N_("No typing attempts are left."), field="application_id", rule="no_attempts_left")
    test = TypingTest(
        id=uuid7(),
        application_id=application.id,
        passage=random.choice(PASSAGES),  # noqa: S311 - a passage, not a secret
        started_at=now,
        deadline=now + TYPING_TIME_LIMIT,
    )
    session.add(test)
    await session.flush()
    await session.refresh(application)
    return TypingOutcome(test, application, typing_attempts_left(application, round_))


async def _fail_late_test(
    session: AsyncSession, clock: Clock, test: TypingTest, application: Application, round_: Round
) -> None:
    now = clock.now()
    test.submitted_at = now
    test.typed_chars, test.cpm, test.accuracy_bp, test.passed = 0, 0, 0, False
    _reject_when_out_of_attempts(session, application, round_, now)


def _reject_when_out_of_attempts(session: AsyncSession, application: Application, round_: Round, at: datetime) -> None:
    """After a failed typing attempt: the last one allowed rejects the application, if it is still at the typing
    step (one withdrawn or rejected while the test ran stays as it is)."""
    if application.status == S.TYPING and application.typing_attempts_used >= round_.typing_attempts:
        _system_move(session, application, S.REJECTED, at, "typing_failed_out", attempts=round_.typing_attempts)


def typed_too_fast(typed: str, seconds: float, max_cpm: int) -> dict[str, int] | None:
    """The values of a "too_fast" failure when `typed` (whitespace aside) could not have been typed in `seconds` at
    `max_cpm`, a speed no person reaches (a pasted or scripted answer); None when it could."""
    chars = len("".join(typed.split()))
    least_seconds = chars * 60 / max_cpm
    if chars == 0 or seconds >= least_seconds:
        return None
    return {"cpm": round(chars * 60 / max(seconds, 0.001)), "max_cpm": max_cpm, "seconds": int(seconds)}


async def submit_typing_test(
    session: AsyncSession,
    clock: Clock,
    principal: Principal,
    test_id: uuid.UUID,
    text: str,
    max_cpm: int = MAX_CPM,
) -> TypingOutcome:
    """Scores the text on the server's clock; passing moves on to training, the last failure rejects. The test is
    claimed by a conditional UPDATE (a double submit scores once); a late submission counts as a failed attempt
    and its refusal is `.recorded()`, so that failure stands.

    Text typed faster than `max_cpm` since the server started the test (the typed characters could not have been
    typed in the time that passed) is a failed attempt with the reason "too_fast" and its values, answered like
    any other failed attempt, not a refusal that would leave the attempt unused."""
    checked(text, TypedText, "text")
    test, application = await access_typing_test(session, principal, test_id)
    round_ = await round_by_id(session, application.round_id)
    now = clock.now()
    claimed = (
        await session.execute(
            update(TypingTest)
            .where(TypingTest.id == test.id, TypingTest.submitted_at.is_(None))
            .values(submitted_at=now)
            .returning(TypingTest.id)
        )
    ).first()
    if claimed is None:
        raise Conflict(N_("This typing test was already submitted."), field="test_id", rule="already_submitted")
    await session.refresh(test)
    if now > test.deadline:
        await _fail_late_test(session, clock, test, application, round_)
        raise InvalidInput(
            N_("The time for this typing test is over; it counts as a failed attempt."),
            field="test_id",
            rule="deadline",
        ).recorded()
    seconds = (now - test.started_at).total_seconds()
    cpm, accuracy_bp = score_typing(test.passage, text, seconds)
    too_fast = typed_too_fast(text, seconds, max_cpm)
    if too_fast is not None:
        cpm = too_fast["cpm"]
        test.failure_code, test.failure_params = "too_fast", too_fast
    passed = too_fast is None and cpm >= round_.min_typing_cpm and accuracy_bp >= round_.min_typing_accuracy * 100
    test.typed_chars, test.cpm, test.accuracy_bp, test.passed = len(text), cpm, accuracy_bp, passed
    if passed and application.status == S.TYPING:
        await _enter_training(
            session,
            application,
            at=now,
            actor=Actor.SYSTEM,
            actor_id=None,
            reason=because("typing_passed", cpm=cpm, accuracy=f"{accuracy_bp / 100:.1f}"),
        )
    elif not passed:
        _reject_when_out_of_attempts(session, application, round_, now)
    return TypingOutcome(test, application, typing_attempts_left(application, round_))
