"""The no-show rule: three no-shows in 30 days restrict booking for 7 days; a second restriction within 90 days of
the last one lasts 30 days. And its undoing: when an accepted dispute leaves a restriction resting on fewer than
three no-shows, the restriction is lifted and the standing it replaced comes back.

A restriction is imposed in the unit of work of the sweep that records the no-show, through
`accounts.change_standing` with no actor (the platform's own rule), so it is audited and the person is told with
the no-show itself. Each restriction keeps the no-shows it rests on (`basis`): a no-show counts towards one
restriction only, so the same three are not punished twice once the first restriction ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts import service as accounts
from gigplatform.db import uuid7
from gigplatform.security import Principal
from shifts.models import ShiftBooking, ShiftRestriction
from shifts.reliability import WINDOW_DAYS, counted_no_show

NO_SHOW_LIMIT = 3
FIRST_DAYS = 7
REPEAT_DAYS = 30
REPEAT_WITHIN = timedelta(days=90)
RESTRICTED_REASON = "30 天内 3 次缺席 · 3 no-shows in 30 days"
LIFTED_REASON = "申诉被接受，限制不再成立 · A dispute was accepted; the restriction no longer holds"
UNBOOKABLE = (accounts.Standing.RESTRICTED, accounts.Standing.BANNED)


async def restrict_after_no_shows(
    session: AsyncSession, now: datetime, user_ids: Iterable[uuid.UUID]
) -> list[ShiftRestriction]:
    """Restricts each of `user_ids` (people just marked no-show) whose uncounted no-shows of the last 30 days
    reach three. Someone already restricted or banned is left as they are. Never commits."""
    made = []
    for user_id in sorted(set(user_ids)):
        # Two sweeps settling different no-shows of one person take turns here, so the second sees the first's
        # restriction (and its basis) instead of restricting again.
        await accounts.lock_person(session, user_id)
        standing, _ = await accounts.standing_of(session, user_id, now)
        if standing in UNBOOKABLE:
            continue
        held = await _held_restrictions(session, user_id, now - max(REPEAT_WITHIN, timedelta(days=WINDOW_DAYS)))
        used = {booking_id for r in held for booking_id in r.basis}
        since = now - timedelta(days=WINDOW_DAYS)
        no_shows = [
            str(booking_id)
            for booking_id in await session.scalars(
                select(ShiftBooking.id)
                .where(
                    ShiftBooking.user_id == user_id,
                    counted_no_show(),
                    ShiftBooking.starts_at >= since,
                    ShiftBooking.starts_at < now,
                )
                .order_by(ShiftBooking.starts_at)
            )
            if str(booking_id) not in used
        ]
        if len(no_shows) < NO_SHOW_LIMIT:
            continue
        repeat = any(r.started_at > now - REPEAT_WITHIN for r in held)
        days = REPEAT_DAYS if repeat else FIRST_DAYS
        until = now + timedelta(days=days)
        user = await accounts.get_user(session, user_id)
        data = accounts.StandingIn(standing="restricted", reason=RESTRICTED_REASON, until=until)
        await accounts.change_standing(session, None, user, data, now)
        restriction = ShiftRestriction(
            id=uuid7(),
            user_id=user_id,
            started_at=now,
            until=until,
            days=days,
            basis=no_shows,
            previous_standing=standing.value,
            lifted_at=None,
        )
        session.add(restriction)
        made.append(restriction)
    return made


async def _held_restrictions(session: AsyncSession, user_id: uuid.UUID, since: datetime) -> list[ShiftRestriction]:
    """The person's restrictions begun since `since` that were not lifted, latest first."""
    rows = await session.scalars(
        select(ShiftRestriction)
        .where(
            ShiftRestriction.user_id == user_id,
            ShiftRestriction.lifted_at.is_(None),
            ShiftRestriction.started_at >= since,
        )
        .order_by(ShiftRestriction.started_at.desc())
    )
    return list(rows)


async def lift_unfounded(
    session: AsyncSession, now: datetime, actor: Principal, user_id: uuid.UUID, booking_id: uuid.UUID
) -> ShiftRestriction | None:
    """After `actor` accepted the dispute of `booking_id`: a restriction still running that rested on it and now
    rests on fewer than three counted no-shows is lifted, and the standing it replaced restored (audited with the
    admin as actor, the person told). A standing an admin has changed since is left alone."""
    for restriction in await _held_restrictions(session, user_id, now - timedelta(days=REPEAT_DAYS)):
        if restriction.until <= now or str(booking_id) not in restriction.basis:
            continue
        ids = [uuid.UUID(b) for b in restriction.basis]
        remaining = await session.scalar(
            select(func.count()).select_from(ShiftBooking).where(ShiftBooking.id.in_(ids), counted_no_show())
        )
        if (remaining or 0) >= NO_SHOW_LIMIT:
            return None
        restriction.lifted_at = now
        standing, until = await accounts.standing_of(session, user_id, now)
        if standing == accounts.Standing.RESTRICTED and until == restriction.until:
            user = await accounts.get_user(session, user_id)
            data = accounts.StandingIn(standing=restriction.previous_standing, reason=LIFTED_REASON)
            await accounts.change_standing(session, actor, user, data, now)
        return restriction
    return None
