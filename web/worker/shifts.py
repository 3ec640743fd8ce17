"""Grabbing shifts (抢班): the week grid of the caller's tracks, booking a slot in one click, and a full slot's
waitlist.

Every action is a plain form POST, so the grid works without JavaScript: success is a redirect with a notice, a
refusal shows the grid again with the service's own reason beside the cell (and, when the slot is full, the offer
to join its waitlist). `static/shift_grid.js` keeps the seat counts live: on a `shift.seats_changed` event for a
slot on the page it fetches `/shifts/grid` (the same grid, rendered alone) and copies the counts over; a cell whose
state changed for the caller (a waitlist promotion) is replaced whole. Buttons do not move under a finger in a
burst: the server's answer to a click is what decides.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from litestar import Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.clock import BUSINESS_TZ, business_today
from gigplatform.errors import DomainError, FieldError
from gigplatform.security import Principal
from recruitment import service as recruitment
from shifts import service as shifts
from web.forms import CurrentVisit, Visit, form_page
from web.i18n import N_, _
from web.rendering import notice, shown_instants

TRACKS = [t.value for t in recruitment.Track]
Notes = dict[uuid.UUID, str]
"""A refused click's answer: the slot's or booking's id to the service's reason in words."""
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
NOTICES = {
    "booked": N_("The shift is yours. See it under My shifts."),
    "waiting": N_("You are on the waitlist; a freed seat goes to the first in line at once."),
    "left": N_("You left the waitlist."),
}
# Short words for a cell the caller cannot book; a click on a bookable one answers with the service's full reason.
BLOCKED = {
    "overlap": N_("Another shift at this hour"),
    "daily_cap": N_("Daily hour cap reached"),
    "weekly_cap": N_("Weekly hour cap reached"),
    "standing": N_("Booking paused"),
    "not_certified": N_("Not certified"),
}


def refusal_words(exc: DomainError) -> str:
    """The service's own reason, in the visitor's language, with instants in Beijing time and codes (a track, a
    standing) in words."""
    return " ".join(_said(e) for e in exc.errors) or exc.detail


def _said(error: FieldError) -> str:
    if not error.template:
        return error.message
    if not error.params:
        return _(error.template)
    values = shown_instants(error.params)
    for key in ("track", "standing"):
        if isinstance(values.get(key), str):
            values[key] = _(values[key])
    return _(error.template) % values


def yuan(fen: int) -> str:
    return f"¥{fen / 100:.2f}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class Cell:
    """One slot as the grid shows it to the caller. `state`: mine, waiting, cancelled, started, not_open, full,
    open, or blocked (then `blocked` holds the short words)."""

    view: shifts.SlotView
    state: str
    blocked: str = ""
    note: str = ""  # the answer to the caller's last click on this cell
    opens_in: int = 0  # seconds until the caller's window opens, for the page to offer the button then

    @property
    def slot(self) -> shifts.ShiftSlot:
        return self.view.slot


def cell_state(view: shifts.SlotView) -> str:
    if view.my_booking_id is not None:
        return "mine"
    if view.waitlist_position is not None:
        return "waiting"
    if view.slot.status == shifts.SlotStatus.CANCELLED:
        return "cancelled"
    if view.can_book:
        return "open"
    if view.reason in ("started", "not_open", "full"):
        return view.reason
    return "blocked"


@dataclass
class TrackGrid:
    track: str
    hours: list[int]
    cells: dict[tuple[date, int], Cell] = field(default_factory=dict)


@dataclass(frozen=True)
class Week:
    monday: date
    today: date

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=n) for n in range(7)]

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=7)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


def local(instant: datetime) -> datetime:
    return instant.astimezone(BUSINESS_TZ)


def build_grids(
    views: Sequence[shifts.SlotView], tracks: Sequence[str], notes: Notes, now: datetime
) -> list[TrackGrid]:
    """Days × hours per track, in the order tracks are listed everywhere; an hour is a row when any day has a slot."""
    grids = []
    for track in tracks:
        grid = TrackGrid(track, [])
        for view in views:
            if str(view.slot.track) != track:
                continue
            start = local(view.slot.starts_at)
            state = cell_state(view)
            words = _(BLOCKED[view.reason]) if state == "blocked" and view.reason in BLOCKED else ""
            opens_in = max(0, int((view.opens_at_for_me - now).total_seconds()))
            grid.cells[(start.date(), start.hour)] = Cell(view, state, words, notes.get(view.slot.id, ""), opens_in)
        grid.hours = sorted({hour for _day, hour in grid.cells})
        grids.append(grid)
    return grids


async def grid_context(visit: Visit, monday: date, notes: Notes | None = None) -> dict[str, Any]:
    """What the week page and its live fragment show: the caller's certified tracks, each a grid of the week."""
    session, now = visit.db_session, visit.kit.clock.now()
    week = Week(monday_of(monday), business_today(visit.kit.clock))
    held = {c.track for c in await recruitment.certifications(session, visit.principal.user_id)}
    tracks = [t for t in TRACKS if t in held]
    views = await shifts.list_slots(session, now, visit.principal, week.monday, week.sunday, None) if tracks else []
    paused = next((v for v in views if v.reason == "standing"), None)
    return {
        "week": week,
        "tracks": tracks,
        "grids": build_grids(views, tracks, notes or {}, now),
        "weekdays": WEEKDAYS,
        "paused": paused is not None,
        "yuan": yuan,
        "local": local,
    }


async def show_week(
    visit: Visit, monday: date, status: int = 200, notes: Notes | None = None, shown: str | None = None
) -> Template:
    context = await grid_context(visit, monday, notes)
    shown_ids = {cell.slot.id for grid in context["grids"] for cell in grid.cells.values()}
    elsewhere = {str(k): v for k, v in (notes or {}).items() if k not in shown_ids}  # a track the grid leaves out
    return visit.show("worker/shifts.html", status, elsewhere, notice=shown, **context)


REACH = timedelta(days=400)  # how far a week link goes either way (no date arithmetic overflows at the calendar's end)


def _week_param(week: date | None, visit: Visit) -> date:
    today = business_today(visit.kit.clock)
    return monday_of(min(max(week or today, today - REACH), today + REACH))


@get("/shifts", operation_id="page_shifts")
async def shifts_week(
    visit: CurrentVisit, week: FromQuery[date | None] = None, notice_code: FromQuery[str | None] = None
) -> Template:
    return await show_week(visit, _week_param(week, visit), shown=notice(notice_code, NOTICES))


@get("/shifts/grid", operation_id="page_shifts_grid")
async def shifts_grid(visit: CurrentVisit, week: FromQuery[date | None] = None) -> Template:
    """The week's grids alone, for the page's script to copy fresh seat counts from."""
    context = await grid_context(visit, _week_param(week, visit))
    return visit.show("worker/_shift_grid.html", **context)


Verb = Callable[[AsyncSession, datetime, Principal, uuid.UUID], Awaitable[Any]]


async def on_click(
    visit: Visit,
    verb: Verb,
    thing_id: uuid.UUID,
    *,
    done: Callable[[Any], Response[Any]],
    again: Callable[[Notes, int], Awaitable[Response[Any]]],
) -> Response[Any]:
    """One button of the shift pages: the service's verb on one slot or booking, for the caller, now. Done, it
    answers `done(result)`; refused, `again(notes, status)` shows the page again with the service's own reason
    beside that slot or booking (`notes`: its id to the words)."""
    return await form_page(
        visit.db_session,
        lambda: verb(visit.db_session, visit.kit.clock.now(), visit.principal, thing_id),
        done=done,
        again=lambda errors, status: again({thing_id: errors["reason"]}, status),
        explain=lambda exc: {"reason": refusal_words(exc)},
    )


async def _click(visit: Visit, slot_id: uuid.UUID, verb: Verb, code: str) -> Response[Any]:
    """A click on a cell: back to the slot's week with a notice, or that week with the reason beside the cell."""
    slot = await shifts.access_slot(visit.db_session, slot_id)
    week = monday_of(local(slot.starts_at).date())

    async def again(notes: Notes, status: int) -> Response[Any]:
        return await show_week(visit, week, status, notes)

    done = Redirect(path=f"/shifts?week={week.isoformat()}&notice_code={code}")
    return await on_click(visit, verb, slot_id, done=lambda _result: done, again=again)


@post("/shifts/{slot_id:uuid}/book", operation_id="page_shift_book")
async def book(slot_id: FromPath[uuid.UUID], visit: CurrentVisit) -> Response[Any]:
    return await _click(visit, slot_id, shifts.book_slot, "booked")


@post("/shifts/{slot_id:uuid}/waitlist", operation_id="page_shift_waitlist_join")
async def join_waitlist(slot_id: FromPath[uuid.UUID], visit: CurrentVisit) -> Response[Any]:
    return await _click(visit, slot_id, shifts.join_waitlist, "waiting")


@post("/shifts/{slot_id:uuid}/waitlist/leave", operation_id="page_shift_waitlist_leave")
async def leave_waitlist(slot_id: FromPath[uuid.UUID], visit: CurrentVisit) -> Response[Any]:
    return await _click(visit, slot_id, shifts.leave_waitlist, "left")


ROUTES = [shifts_week, shifts_grid, book, join_waitlist, leave_waitlist]
