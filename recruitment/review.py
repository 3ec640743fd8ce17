"""Reviewing a round's applications: rejecting and advancing them, one by one or in bulk. The list itself is
`recruitment.review_list`, its CSV `recruitment.review_export`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.clock import Clock
from gigplatform.errors import N_, Conflict, DomainError, FieldError, InvalidInput
from gigplatform.limits import checked
from gigplatform.security import Principal
from recruitment import schemas
from recruitment.certification import certify
from recruitment.models import Actor, Application, PersonIdentity
from recruitment.pipeline import (
    ADVANCE,
    TRANSITIONS,
    S,
    _claim,
    _enter_training,
    _move,
    access_application,
    because,
    bind_person,
    said,
    write_first,
)


async def reject_application(
    session: AsyncSession, clock: Clock, principal: Principal, application_id: uuid.UUID, reason: str
) -> Application:
    """An admin ends an application with words the applicant reads; the application is claimed with a
    conditional UPDATE first, so a rejection racing another step does not overwrite it."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(N_("A rejection needs a reason the applicant will read."), field="reason", rule="required")
    checked(reason, schemas.Reason, "reason")
    application = await access_application(session, principal, application_id)
    if S.REJECTED in TRANSITIONS.get(application.status, frozenset()):
        await _claim(session, application, clock.now())
    _move(
        session,
        application,
        S.REJECTED,
        at=clock.now(),
        actor=Actor.ADMIN,
        actor_id=principal.user_id,
        reason=said(reason),
    )
    return application


async def advance_application(
    session: AsyncSession, clock: Clock, principal: Principal, application_id: uuid.UUID, reason: str = ""
) -> Application:
    """An admin moves an application one step along the happy path (certification still respects the quota).

    Claims the application (and a round's seat when certifying) with conditional UPDATEs; binding the person on
    identity_pending -> typing is flushed in a savepoint, so a concurrent binding becomes a 409 and the caller's
    transaction survives it."""
    application = await access_application(session, principal, application_id)
    target = ADVANCE.get(application.status)
    if target is None:
        raise Conflict(
            N_("The application's current status does not allow this step."), field="status", rule="transition"
        )
    now = clock.now()
    why = said(reason) if (reason or "").strip() else because("advanced", status=target.value)
    if target == S.CERTIFIED:  # claims the round's seat, then the application
        await certify(session, application, at=now, actor=Actor.ADMIN, actor_id=principal.user_id, reason=why)
    elif target == S.TRAINING:
        await _claim(session, application, now)
        await _enter_training(session, application, at=now, actor=Actor.ADMIN, actor_id=principal.user_id, reason=why)
    else:
        await _claim(session, application, now)
        if target == S.TYPING:
            bound = await session.get(PersonIdentity, application.id_hash)
            if bound is not None and bound.user_id != application.user_id:
                raise Conflict(
                    N_("This person is already verified on another account."),
                    field="id_number",
                    rule="another_account",
                )
            if bound is None and not await bind_person(session, application, now):
                # a concurrent binding of this person, or of another person to this account, came first
                if await session.get(PersonIdentity, application.id_hash, populate_existing=True) is not None:
                    raise Conflict(
                        N_("This person is already verified on another account."),
                        field="id_number",
                        rule="another_account",
                    )
                raise Conflict(
                    N_("This account is verified as another person."), field="id_number", rule="another_person"
                )
        _move(session, application, target, at=now, actor=Actor.ADMIN, actor_id=principal.user_id, reason=why)
    return application


@dataclass(frozen=True)
class BulkResult:
    """One application's outcome; a refused one carries the rule's `error`, so a page can say it in its language."""

    id: uuid.UUID
    ok: bool
    status: str | None = None
    rule: str | None = None
    detail: str | None = None
    error: FieldError | None = None


async def bulk_review(
    session: AsyncSession, clock: Clock, principal: Principal, ids: Sequence[uuid.UUID], action: str, reason: str
) -> list[BulkResult]:
    """Advances or rejects each application on its own, each in a savepoint: one that cannot move is reported and
    its writes dropped, the others still move."""
    if action not in ("advance", "reject"):
        raise InvalidInput(N_("Choose to advance or to reject."), field="action", rule="one_of")
    if not ids or len(ids) > schemas.BULK_MAX:  # BulkIds' limits, in the words a page shows
        raise InvalidInput(
            N_("Select at least one application (at most %(most)s)."),
            field="ids",
            rule="length",
            params={"most": schemas.BULK_MAX},
        )
    if len(set(ids)) != len(ids):
        raise InvalidInput(N_("An application is selected twice."), field="ids", rule="unique")
    if action == "reject" and not (reason or "").strip():
        raise InvalidInput(N_("A rejection needs a reason the applicant will read."), field="reason", rule="required")
    results = []
    await write_first(session)  # each item's savepoint reads before it writes
    for application_id in ids:
        try:
            async with session.begin_nested():
                if action == "advance":
                    done = await advance_application(session, clock, principal, application_id, reason)
                else:
                    done = await reject_application(session, clock, principal, application_id, reason)
                await session.flush()
            results.append(BulkResult(application_id, True, done.status.value))
        except DomainError as exc:
            error = exc.errors[0] if exc.errors else None
            results.append(
                BulkResult(application_id, False, None, error.rule if error else exc.slug, exc.detail, error)
            )
    return results
