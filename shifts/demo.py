"""Demo shifts for the demo's certified freelancers (certified by the demo loader, the way anyone is): slots for
the coming 7 days on every track, and two weeks of past shifts (completed, one late, one no-show) and upcoming
bookings, so the admin's grid, the freelancer's reliability and earnings show real content.

Past shifts are made through the same verbs with the time they would have happened at (every shifts verb takes
`now`), then settled by the same sweeps the timed job runs. Each part checks on its own whether it is there, so a
second run changes nothing and a database from before this part existed gets it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gigplatform.clock import BUSINESS_TZ, SystemClock
from gigplatform.db import unit_of_work
from gigplatform.security import Principal
from recruitment import service as recruitment
from shifts import service as shifts

PAY_FEN = {"pre_sales": 2500, "after_sales": 2800, "complaints": 3200}
HOURS = tuple(range(9, 22))
CAPACITY = 5
PAST_DAYS = 14
COMING_DAYS = 7


def _start(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), BUSINESS_TZ).astimezone(UTC)


async def load(sessionmaker: async_sessionmaker[AsyncSession], people: list[Principal]) -> bool:
    """Makes whatever part of the demo shifts is missing for `people` (certified beforehand by the demo loader),
    each part in a unit of work of its own; returns whether anything was made."""
    now = SystemClock().now()
    async with unit_of_work(sessionmaker) as session:
        created = await _history(session, now, people)
    async with unit_of_work(sessionmaker) as session:
        created |= await _coming_week(session, now, people)
    return created


async def _publish(session: AsyncSession, now: datetime, days: Sequence[date], hours: Sequence[int]) -> dict:
    """Publishes days × hours on every track at its demo pay; returns the slot ids by (track, start)."""
    slots = {}
    for track, pay in PAY_FEN.items():
        result = await shifts.publish_slots(
            session, now, shifts.PublishInput(list(days), list(hours), [track], CAPACITY, pay)
        )
        slots |= {(i.track, i.starts_at): (i.slot_id, i.action) for i in result.items}
    return slots


async def _tracks(session: AsyncSession, person: Principal) -> list[str]:
    return sorted(c.track for c in await recruitment.certifications(session, person.user_id))


async def _history(session: AsyncSession, now: datetime, people: list[Principal]) -> bool:
    """Two weeks of past shifts: each freelancer booked six, completed four (one checked in late), missed one."""
    for person in people:
        if (await shifts.my_bookings(session, person.user_id, limit=1, offset=0))[1]:
            return False
    today = now.astimezone(BUSINESS_TZ).date()
    days = [today - timedelta(days=n) for n in range(PAST_DAYS, 0, -1)]
    slots = await _publish(session, _start(days[0], 0) - timedelta(days=3), days, HOURS)
    made: list[tuple[Principal, shifts.Booked, int]] = []
    for n, person in enumerate(people):
        tracks = await _tracks(session, person)
        if not tracks:
            continue
        for k in range(6):
            day, hour, track = days[1 + 2 * k + n % 2], 10 + n + k % 3, tracks[k % len(tracks)]
            slot_id, _ = slots[(track, _start(day, hour))]
            booked = await shifts.book_slot(session, _start(day, hour) - timedelta(days=1), person, slot_id)
            made.append((person, booked, k))
    for person, booked, k in made:
        if k == 3:
            continue  # a no-show
        late = k == 1
        at = booked.starts_at + (timedelta(minutes=8) if late else -timedelta(minutes=5))
        await shifts.check_in(session, at, person, booked.id)
    await shifts.mark_no_shows(session, now, 1000)
    await shifts.complete_shifts(session, now, 1000)
    return bool(made)


async def _coming_week(session: AsyncSession, now: datetime, people: list[Principal]) -> bool:
    """Slots for the coming 7 days on every track (the hours of today not yet started), and two bookings each on
    tomorrow, whose window is open."""
    today = now.astimezone(BUSINESS_TZ).date()
    later_today = [h for h in HOURS if _start(today, h) > now]
    slots = await _publish(session, now, [today], later_today) if later_today else {}
    following = [today + timedelta(days=n) for n in range(1, COMING_DAYS)]
    slots |= await _publish(session, now, following, HOURS)
    made = any(action == "create" for _, action in slots.values())
    tomorrow = following[0]
    for n, person in enumerate(people):
        tracks = await _tracks(session, person)
        mine = await shifts.my_bookings(session, person.user_id, limit=50, offset=0)
        if not tracks or any(b.starts_at > now for b, _ in mine[0]):
            continue
        for k, hour in enumerate((9 + n, 14 + n)):
            slot_id, _ = slots[(tracks[k % len(tracks)], _start(tomorrow, hour))]
            await shifts.book_slot(session, now, person, slot_id)
            made = True
    return made
