"""Standing as other domains and admins see it: the effective standing at an instant, an admin's decision with its
reason (audited, and told to the person), and the end of restrictions whose time has come.

A restriction carries `standing_until`. `standing_of` treats one whose end has passed as good at once, so a booking
never waits for the job; `end_expired_restrictions` then writes the end down, audits it and tells the person, each
restriction claimed by one conditional UPDATE so that instances running it together end each one once.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts.audit import record_audit
from gigplatform.accounts.models import Role, Standing, User
from gigplatform.accounts.schemas import StandingIn
from gigplatform.accounts.users import effective_standing, set_standing
from gigplatform.errors import N_, Conflict, InvalidInput, NotFound
from gigplatform.events import record_event
from gigplatform.notifications import notify
from gigplatform.security import Principal

CHANGED = "standing.changed"
RESTRICTION_ENDED = "standing.restriction_ended"
RESTRICTION_ENDED_KIND = "restriction_ended"


async def standing_of(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> tuple[Standing, datetime | None]:
    """(standing, until) of an account at `now`, for any domain's rule (may this person book?)."""
    row = (await session.execute(select(User.standing, User.standing_until).where(User.id == user_id))).one_or_none()
    if row is None:
        raise NotFound("No such user.", field="user_id", rule="exists")
    return effective_standing(row.standing, row.standing_until, now)


async def access_user(session: AsyncSession, actor: Principal, user_id: uuid.UUID) -> User:
    """The account, for an admin or its owner; one 404 for missing and forbidden alike."""
    user = await session.get(User, user_id)
    if user is None or (actor.role != Role.ADMIN and actor.user_id != user_id):
        raise NotFound("No such user.", field="user_id", rule="exists")
    return user


def check_standing_change(user: User, data: StandingIn, now: datetime) -> tuple[Standing, datetime | None, str]:
    """The decision made whole: the standing, its end (restrictions only, in the future) and the trimmed reason."""
    reason = data.reason.strip()
    if not reason:
        raise InvalidInput(N_("Give the reason for this decision."), field="reason", rule="required")
    standing = Standing(data.standing)
    if standing == Standing.RESTRICTED:
        if data.until is None:
            raise InvalidInput(N_("A restriction needs the time it ends."), field="until", rule="required")
        if data.until <= now:
            raise InvalidInput(N_("A restriction must end in the future."), field="until", rule="future")
    elif data.until is not None:
        raise InvalidInput(N_("Only a restriction has an end time."), field="until", rule="restricted_only")
    if user.role == Role.ADMIN:
        raise Conflict(N_("An admin's standing cannot be changed."), field="user_id", rule="admin")
    return standing, data.until, reason


async def change_standing(
    session: AsyncSession, actor: Principal | None, user: User, data: StandingIn, now: datetime
) -> User:
    """An admin's decision on `user` (from `access_user`), or the platform's own (`actor` None: a rule such as
    three no-shows restricting for 7 days): the standing changes (banning closes the sessions), the audit log
    records who, when, from what to what and why, and the person is told in the inbox. Never commits."""
    standing, until, reason = check_standing_change(user, data, now)
    before, _ = effective_standing(user.standing, user.standing_until, now)
    await set_standing(session, user.id, standing, actor)
    user.standing_until = until
    record_audit(
        session,
        actor,
        CHANGED,
        at=now,
        subject_kind="user",
        subject_id=user.id,
        reason=reason,
        details={"from": before.value, "to": standing.value, "until": until},
    )
    notify(session, user.id, f"standing_{standing.value}", at=now, until=until, reason=reason)
    return user


async def end_expired_restrictions(session: AsyncSession, now: datetime) -> int:
    """Ends every restriction whose time has come, in one conditional UPDATE that claims the rows it changes (a
    concurrent run blocks on those rows, then finds them no longer restricted), and audits and announces each one
    in the same transaction. Returns how many ended."""
    claimed = await session.execute(
        update(User)
        .where(User.standing == Standing.RESTRICTED, User.standing_until <= now)
        .values(standing=Standing.GOOD, standing_until=None)
        .returning(User.id)
        .execution_options(synchronize_session=False)
    )
    ended = list(claimed.scalars())
    for user_id in ended:
        record_audit(
            session,
            None,
            RESTRICTION_ENDED,
            at=now,
            subject_kind="user",
            subject_id=user_id,
            details={"from": Standing.RESTRICTED.value, "to": Standing.GOOD.value},
        )
        notify(session, user_id, RESTRICTION_ENDED_KIND, at=now)
        record_event(session, "account.standing_changed", user_id=user_id, standing=Standing.GOOD.value)
    return len(ended)
