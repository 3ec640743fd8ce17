"""My shifts (我的班次): the caller's upcoming and past bookings with their status; cancelling one (the page says
whether it is free or a late cancellation before the person confirms) and checking in while its window is open.

Whether a cancellation is free and when check-in opens are the service's rules (`is_free_cancellation`,
`CHECK_IN_OPENS`, `LATE_UNTIL`); the page asks them, and the verbs decide again when the form is posted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from shifts import service as shifts
from web.forms import CurrentVisit, Visit
from web.i18n import N_
from web.rendering import notice
from web.worker.shifts import Notes, Verb, local, on_click, yuan

PAGE_SIZE = 50
MAX_PAGE = 100_000
LIVE = (shifts.BookingStatus.BOOKED, shifts.BookingStatus.CHECKED_IN, shifts.BookingStatus.LATE)
STATUS_WORDS = {
    "booked": N_("Booked"),
    "checked_in": N_("Checked in"),
    "late": N_("Checked in late"),
    "completed": N_("Completed"),
    "no_show": N_("No-show"),
    "cancelled": N_("Cancelled"),
    "late_cancelled": N_("Cancelled late"),
    "slot_cancelled": N_("Shift cancelled by the platform"),
}
NOTICES = {
    "cancelled": N_("The shift is cancelled, free of charge."),
    "late_cancelled": N_("The shift is cancelled. It was a late cancellation, which counts in your reliability."),
    "checked_in": N_("You are checked in. Have a good shift."),
    "late": N_("You are checked in, late; a late check-in counts in your reliability."),
}


@dataclass(frozen=True)
class Row:
    """A booking as the list shows it, with what the caller may do with it now."""

    booking: shifts.ShiftBooking
    slot: shifts.ShiftSlot
    upcoming: bool  # still to be worked (or being worked); the rest is history
    can_cancel: bool
    free_cancel: bool
    check_in_opens: datetime
    can_check_in: bool
    check_in_late: bool
    note: str = ""

    @property
    def status(self) -> str:
        return str(self.booking.status)


def row_of(
    booking: shifts.ShiftBooking, slot: shifts.ShiftSlot, now: datetime, policy: shifts.Policy, note: str = ""
) -> Row:
    booked = booking.status == shifts.BookingStatus.BOOKED
    opens = booking.starts_at - shifts.CHECK_IN_OPENS
    return Row(
        booking,
        slot,
        upcoming=booking.status in LIVE and now < booking.starts_at + shifts.SHIFT_LENGTH,
        can_cancel=booked and now < booking.starts_at,
        free_cancel=shifts.is_free_cancellation(booking, now, policy.free_cancel_minutes, policy.cancel_cutoff_minutes),
        check_in_opens=opens,
        can_check_in=booked and opens <= now <= booking.starts_at + shifts.LATE_UNTIL,
        check_in_late=now > booking.starts_at + shifts.ON_TIME_UNTIL,
        note=note,
    )


def calendar_link(request: Request[Any, Any, Any]) -> str | None:
    """The calendar feed's page, once it exists (it is built apart): the first worker page whose path names the
    calendar. Until then the page keeps its place empty."""
    for route in request.app.routes:
        path = route.path
        if "calendar" in path and not path.startswith("/api") and "{" not in path and not path.endswith(".ics"):
            return path
    return None


async def show_mine(
    visit: Visit, page_number: int = 1, status: int = 200, notes: Notes | None = None, **extra: Any
) -> Template:
    session, now = visit.db_session, visit.kit.clock.now()
    page_number = min(max(page_number, 1), MAX_PAGE)  # a number past any history stays a small offset
    found, total = await shifts.my_bookings(
        session, visit.principal.user_id, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
    )
    policy = await shifts.load_policy(session)
    notes = notes or {}
    rows = [row_of(b, s, now, policy, notes.get(b.id, "")) for b, s in found]
    elsewhere = {str(k): v for k, v in notes.items() if k not in {r.booking.id for r in rows}}
    return visit.show(
        "worker/my_shifts.html",
        status,
        elsewhere,
        upcoming=sorted((r for r in rows if r.upcoming), key=lambda r: r.booking.starts_at),
        past=[r for r in rows if not r.upcoming],
        page_number=page_number,
        more=total > page_number * PAGE_SIZE,
        status_words=STATUS_WORDS,
        calendar=calendar_link(visit.request),
        yuan=yuan,
        local=local,
        **extra,
    )


@get("/my-shifts", operation_id="page_my_shifts")
async def my_shifts(
    visit: CurrentVisit, page_number: FromQuery[int] = 1, notice_code: FromQuery[str | None] = None
) -> Template:
    return await show_mine(visit, page_number, notice=notice(notice_code, NOTICES))


@get("/my-shifts/{booking_id:uuid}/cancel", operation_id="page_my_shift_cancel_confirm")
async def cancel_confirm(booking_id: FromPath[uuid.UUID], visit: CurrentVisit) -> Template:
    """Says what cancelling would count as, now, before the person confirms."""
    booking = await shifts.access_booking(visit.db_session, visit.principal, booking_id)
    slot = await shifts.access_slot(visit.db_session, booking.slot_id)
    row = row_of(booking, slot, visit.kit.clock.now(), await shifts.load_policy(visit.db_session))
    return visit.show("worker/my_shift_cancel.html", row=row, yuan=yuan, local=local)


async def _click(visit: Visit, booking_id: uuid.UUID, verb: Verb) -> Response[Any]:
    """Back to my shifts with what happened, or my shifts with the reason beside the booking."""

    async def again(notes: Notes, status: int) -> Response[Any]:
        return await show_mine(visit, 1, status, notes)

    def done(booking: shifts.ShiftBooking) -> Response[Any]:
        return Redirect(path=f"/my-shifts?notice_code={booking.status}#booking-{booking_id}")

    return await on_click(visit, verb, booking_id, done=done, again=again)


@post("/my-shifts/{booking_id:uuid}/cancel", operation_id="page_my_shift_cancel")
async def cancel(booking_id: FromPath[uuid.UUID], visit: CurrentVisit) -> Response[Any]:
    return await _click(visit, booking_id, shifts.cancel_booking)


@post("/my-shifts/{booking_id:uuid}/check-in", operation_id="page_my_shift_check_in")
async def check_in(booking_id: FromPath[uuid.UUID], visit: CurrentVisit) -> Response[Any]:
    return await _click(visit, booking_id, shifts.check_in)


ROUTES = [my_shifts, cancel_confirm, cancel, check_in]
