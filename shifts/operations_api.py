"""JSON API of what admins watch while shifts run: each slot's fill over a range of days, and who is on shift now."""

from __future__ import annotations

from datetime import timedelta

from litestar import Controller, get
from litestar.params import FromQuery

from gigplatform.clock import business_today
from gigplatform.db import DbSession
from gigplatform.openapi import problem
from gigplatform.security import Kit, admin_only
from recruitment.service import Track
from shifts import service
from shifts.schemas import (
    FirstDay,
    LastDay,
    OnShiftOut,
    OnShiftPage,
    OnShiftTrackOut,
    SlotFillOut,
    SlotFillPage,
    TrackName,
)


def fill_out(fill: service.SlotFill) -> SlotFillOut:
    return SlotFillOut(
        fill.slot_id,
        fill.track,
        fill.starts_at,
        fill.day,
        fill.status,
        fill.capacity,
        fill.booked,
        fill.waitlisted,
        fill.checked_in,
        fill.pay_fen,
        fill.percent,
    )


class AdminShiftOperationsController(Controller):
    path = "/api/admin"
    tags = ["shifts: admin"]
    guards = [admin_only]

    @get(
        "/slots/fill",
        operation_id="slotFill",
        responses=problem(422, "`to` before `from`, or a range longer than 31 days."),
    )
    async def fill(
        self,
        db_session: DbSession,
        kit: Kit,
        start: FirstDay = None,
        end: LastDay = None,
        track: FromQuery[TrackName | None] = None,
    ) -> SlotFillPage:
        """Per slot: capacity, booked, waitlisted, checked in (on time, late or completed) and the fill in percent."""
        start = start or business_today(kit.clock)
        end = end or start + timedelta(days=6)
        return SlotFillPage([fill_out(f) for f in await service.slot_fill(db_session, start, end, track)])

    @get("/on-shift", operation_id="onShift")
    async def on_shift(self, db_session: DbSession, kit: Kit) -> OnShiftPage:
        """Who holds a seat on a slot running now, checked in or not (a no-show is shown as such), per track."""
        now = kit.clock.now()
        people = await service.on_shift(db_session, now)
        return OnShiftPage(
            now,
            [
                OnShiftTrackOut(
                    str(track),
                    [
                        OnShiftOut(
                            p.booking_id, p.user_id, p.display_name, p.slot_id, p.starts_at, p.status, p.checked_in_at
                        )
                        for p in people
                        if p.track == track
                    ],
                )
                for track in Track
            ],
        )
