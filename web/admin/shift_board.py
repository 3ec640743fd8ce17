"""Admins' shift board: the fill-rate grid (days × hours, one table per track, each cell its numbers and a colour
that only repeats them), who is on shift now, and cancelling a slot from the grid after a confirmation. The numbers
are `shifts.slot_fill`'s and `shifts.on_shift`'s, as in the API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect

from gigplatform.clock import business_today
from gigplatform.db import DbSession
from gigplatform.errors import N_
from gigplatform.security import Kit
from recruitment.service import Track
from shifts import service
from web.admin.slot_publisher import WEEKDAYS, yuan
from web.forms import form_page
from web.rendering import beijing, notice, page

GRID_DAYS = 7
NOTICES = {
    "published": N_("The slots were published."),
    "cancelled": N_("The slot was cancelled, and everyone booked on it was told."),
}
STATUS_WORDS = {
    "booked": N_("Not checked in"),
    "checked_in": N_("Checked in"),
    "late": N_("Checked in late"),
    "no_show": N_("No-show"),
}


@dataclass(frozen=True)
class TrackGrid:
    track: str
    hours: list[int]
    cells: dict[tuple[date, int], service.SlotFill]


def fill_band(fill: service.SlotFill) -> str:
    """The colour band of a cell; the page always prints the numbers too, so colour is never the only sign."""
    if fill.status == "cancelled":
        return "cancelled"
    if fill.booked >= fill.capacity:
        return "full"
    if fill.percent >= 50:
        return "high"
    return "low" if fill.booked else "empty"


def _grids(fills: list[service.SlotFill]) -> list[TrackGrid]:
    grids = []
    for track in Track:
        mine = [f for f in fills if f.track == track.value]
        cells = {(f.day, int(beijing(f.starts_at, "%H"))): f for f in mine}
        grids.append(TrackGrid(track.value, sorted({h for _, h in cells}), cells))
    return grids


@get("/admin/shifts", operation_id="page_admin_shifts")
async def shift_grid(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    kit: Kit,
    start: Annotated[date | None, QueryParameter(name="from", description="First day; today by default.")] = None,
    notice_code: FromQuery[str | None] = None,
) -> Response[Any]:
    """A week of slots from `from` (today by default), one grid per track."""
    first = start or business_today(kit.clock)
    days = [first + timedelta(days=n) for n in range(GRID_DAYS)]
    fills = await service.slot_fill(db_session, days[0], days[-1])
    return page(
        "admin/shifts.html",
        request,
        days=days,
        grids=_grids(fills),
        band=fill_band,
        weekdays=WEEKDAYS,
        previous=(first - timedelta(days=GRID_DAYS)).isoformat(),
        following=(first + timedelta(days=GRID_DAYS)).isoformat(),
        now=kit.clock.now(),
        notice=notice(notice_code, NOTICES),
        yuan=yuan,
    )


@get("/admin/shifts/on-shift", operation_id="page_admin_on_shift")
async def on_shift_page(request: Request[Any, Any, Any], db_session: DbSession, kit: Kit) -> Response[Any]:
    """Who holds a seat on a slot running now, per track, checked in or not."""
    now = kit.clock.now()
    people = await service.on_shift(db_session, now)
    by_track = {t.value: [p for p in people if p.track == t.value] for t in Track}
    return page("admin/on_shift.html", request, now=now, by_track=by_track, status_words=STATUS_WORDS)


async def _slot_fill(db_session: DbSession, slot_id: uuid.UUID) -> service.SlotFill:
    slot = await service.access_slot(db_session, slot_id)
    (fill,) = [f for f in await service.slot_fill(db_session, slot.day, slot.day) if f.slot_id == slot_id]
    return fill


@get("/admin/shifts/slots/{slot_id:uuid}/cancel", operation_id="page_admin_cancel_slot")
async def cancel_confirm(
    request: Request[Any, Any, Any], db_session: DbSession, slot_id: FromPath[uuid.UUID]
) -> Response[Any]:
    """Asks before cancelling: the slot, and how many people booked on it will be told."""
    fill = await _slot_fill(db_session, slot_id)
    return page("admin/slot_cancel.html", request, fill=fill, errors={}, yuan=yuan)


@post("/admin/shifts/slots/{slot_id:uuid}/cancel", operation_id="page_admin_cancel_slot_submit")
async def cancel_submit(
    request: Request[Any, Any, Any], db_session: DbSession, kit: Kit, slot_id: FromPath[uuid.UUID]
) -> Response[Any]:
    async def cancel() -> service.ShiftSlot:
        return await service.cancel_slot(db_session, kit.clock.now(), slot_id)

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        fill = await _slot_fill(db_session, slot_id)
        return page("admin/slot_cancel.html", request, status, fill=fill, errors=errors, yuan=yuan)

    def done(slot: service.ShiftSlot) -> Response[Any]:
        return Redirect(path=f"/admin/shifts?from={slot.day.isoformat()}&notice_code=cancelled")

    return await form_page(db_session, cancel, done=done, again=again)


ROUTES = [shift_grid, on_shift_page, cancel_confirm, cancel_submit]
