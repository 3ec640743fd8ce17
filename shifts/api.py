"""JSON API of the shift marketplace: publishing and cancelling slots for admins; the slot list, booking (with an
`Idempotency-Key`), cancelling and the waitlist for freelancers."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from gigplatform.clock import business_today
from gigplatform.db import DbSession
from gigplatform.errors import PROBLEM_MEDIA_TYPE, to_problem
from gigplatform.listing import WINDOW, Page, Paged
from gigplatform.openapi import conflict, problem
from gigplatform.security import CurrentPrincipal, Kit, admin_only, worker_only
from shifts import service
from shifts.schemas import (
    IDEMPOTENCY_KEY_MAX,
    AdminSlotOut,
    BookingOut,
    PublishIn,
    PublishItemOut,
    PublishOut,
    SlotOut,
    TrackName,
    WaitlistOut,
    to_json,
)

HOUR = timedelta(hours=1)
IdempotencyKeyHeader = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        min_length=1,
        max_length=IDEMPOTENCY_KEY_MAX,
        description="A retry with the same key and request gets the first answer again; kept at least 24 hours.",
    ),
]
BOOKING_REFUSALS = conflict(
    *service.REASONS,
    description="The booking is refused; `reason` (also `errors[].rule`) says why: `opens_at` comes with "
    "`not_open`, `until` with `standing`, the waitlist offer with `full`.",
    reason=str,
    opens_at=str,
    until=str,
    waitlist=dict[str, str],
)


def slot_out(view: service.SlotView) -> SlotOut:
    slot = view.slot
    return SlotOut(
        slot.id,
        str(slot.track),
        slot.starts_at,
        slot.starts_at + HOUR,
        str(slot.status),
        slot.capacity,
        view.seats_left,
        slot.pay_fen,
        slot.opens_at,
        view.opens_at_for_me,
        view.can_book,
        view.reason,
        view.my_booking_id,
        view.waitlist_position,
    )


def admin_slot_out(slot: service.ShiftSlot) -> AdminSlotOut:
    return AdminSlotOut(
        slot.id,
        str(slot.track),
        slot.starts_at,
        str(slot.status),
        slot.capacity,
        slot.booked,
        slot.waitlisted,
        slot.pay_fen,
    )


def booked_out(booked: service.Booked) -> BookingOut:
    return BookingOut(
        booked.id,
        booked.slot_id,
        booked.track,
        booked.starts_at,
        booked.starts_at + HOUR,
        booked.status,
        booked.pay_fen,
        booked.booked_at,
    )


def booking_out(booking: service.ShiftBooking, slot: service.ShiftSlot) -> BookingOut:
    return BookingOut(
        booking.id,
        booking.slot_id,
        str(slot.track),
        booking.starts_at,
        booking.starts_at + HOUR,
        str(booking.status),
        booking.pay_fen,
        booking.booked_at,
        booking.cancelled_at,
        booking.checked_in_at,
        booking.late_check_in,
        booking.from_waitlist,
    )


def place_out(place: service.Place) -> WaitlistOut:
    return WaitlistOut(place.entry_id, place.slot_id, place.position, place.joined_at)


class AdminSlotController(Controller):
    path = "/api/admin/slots"
    tags = ["shifts: admin"]
    guards = [admin_only]

    @post(
        "/publish",
        operation_id="publishSlots",
        status_code=HTTP_200_OK,
        responses={
            **conflict("below_booked", "cancelled", slot_id=str, booked=int),
            **problem(422, "An hour that has already started, or a broken limit."),
        },
    )
    async def publish(self, data: JSONBody[PublishIn], db_session: DbSession, kit: Kit) -> PublishOut:
        """Makes or changes the slots of dates × hours × tracks; `preview` only says what would be made or changed."""
        fields = {f: getattr(data, f) for f in data.__struct_fields__}
        result = await service.publish_slots(db_session, kit.clock.now(), service.PublishInput(**fields))
        items = [PublishItemOut(**{f: getattr(i, f) for f in PublishItemOut.__struct_fields__}) for i in result.items]
        return PublishOut(result.preview, items)

    @post(
        "/{slot_id:uuid}/cancel",
        operation_id="cancelSlot",
        status_code=HTTP_200_OK,
        responses=conflict("cancelled", "started"),
    )
    async def cancel(self, slot_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit) -> AdminSlotOut:
        """Cancels the slot; every booked freelancer is told, and it counts against nobody."""
        return admin_slot_out(await service.cancel_slot(db_session, kit.clock.now(), slot_id))


class SlotController(Controller):
    path = "/api/slots"
    tags = ["shifts"]
    guards = [worker_only]

    @get("/", operation_id="listSlots", dependencies=WINDOW)
    async def list_slots(
        self,
        db_session: DbSession,
        kit: Kit,
        principal: CurrentPrincipal,
        window: Paged,
        start: Annotated[
            date | None, QueryParameter(name="from", description="First business day; today by default.")
        ] = None,
        end: Annotated[
            date | None, QueryParameter(name="to", description="Last business day; a week on by default.")
        ] = None,
        track: FromQuery[TrackName | None] = None,
    ) -> Page[SlotOut]:
        """Slots with seats left, when the window opens for the caller, and whether (or why not) they may book."""
        start = start or business_today(kit.clock)
        end = end or start + timedelta(days=6)
        views = await service.list_slots(db_session, kit.clock.now(), principal, start, end, track)
        chosen = views[window.offset : window.offset + window.limit]
        return Page([slot_out(v) for v in chosen], len(views), window.limit, window.offset)

    @post(
        "/{slot_id:uuid}/bookings",
        operation_id="bookSlot",
        status_code=HTTP_201_CREATED,
        responses={**BOOKING_REFUSALS, **problem(422, "The Idempotency-Key was used for another request.")},
    )
    async def book(
        self,
        slot_id: FromPath[uuid.UUID],
        request: Request[Any, Any, Any],
        db_session: DbSession,
        kit: Kit,
        principal: CurrentPrincipal,
        idempotency_key: IdempotencyKeyHeader = None,
    ) -> Response[BookingOut]:
        """First come, first served; a refusal is a 409 whose `reason` says why."""
        now = kit.clock.now()
        if idempotency_key is None:
            return Response(booked_out(await service.book_slot(db_session, now, principal, slot_id)), status_code=201)
        route = f"POST {request.url.path}"
        body_hash = service.fingerprint(route, await request.body())
        refused: service.BookingRefused | None = None
        try:
            answer = service.Answer(
                201, to_json(booked_out(await service.book_slot(db_session, now, principal, slot_id)))
            )
        except service.BookingRefused as exc:
            refused = exc
            answer = service.Answer(409, to_problem(request, exc).body())
        if await service.remember(db_session, principal.user_id, idempotency_key, route, body_hash, answer, now):
            if refused is not None:
                raise refused.recorded()
            return Response(answer.body, status_code=201)  # type: ignore[arg-type]
        # The key was there already (a retry, or a retry racing the first request): nothing of this attempt stays.
        await db_session.rollback()
        kept = await service.first_answer(db_session, principal.user_id, idempotency_key, body_hash)
        assert kept is not None
        media = PROBLEM_MEDIA_TYPE if kept.status >= 400 else "application/json"
        return Response(kept.body, status_code=kept.status, media_type=media)  # type: ignore[arg-type]

    @post(
        "/{slot_id:uuid}/waitlist",
        operation_id="joinWaitlist",
        status_code=HTTP_201_CREATED,
        responses=conflict(
            *(r for r in service.REASONS if r != "full"),
            "already_waiting",
            "not_full",
            reason=str,
            opens_at=str,
            until=str,
        ),
    )
    async def join(
        self, slot_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> WaitlistOut:
        """Joins a full slot's line, while the caller could otherwise book it; the reply shows the position."""
        return place_out(await service.join_waitlist(db_session, kit.clock.now(), principal, slot_id))

    @delete("/{slot_id:uuid}/waitlist", operation_id="leaveWaitlist", status_code=HTTP_204_NO_CONTENT)
    async def leave(
        self, slot_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> None:
        await service.leave_waitlist(db_session, kit.clock.now(), principal, slot_id)


class BookingController(Controller):
    path = "/api/bookings"
    tags = ["shifts"]
    guards = [worker_only]

    @delete(
        "/{booking_id:uuid}",
        operation_id="cancelBooking",
        status_code=HTTP_200_OK,
        responses=conflict("not_active", "started"),
    )
    async def cancel(
        self, booking_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> BookingOut:
        """Free within 5 minutes of booking or until the cut-off; later a late cancellation; refused once started."""
        booking = await service.cancel_booking(db_session, kit.clock.now(), principal, booking_id)
        slot = await service.access_slot(db_session, booking.slot_id)
        return booking_out(booking, slot)

    @post(
        "/{booking_id:uuid}/check-in",
        operation_id="checkIn",
        status_code=HTTP_200_OK,
        responses=conflict("not_booked", "too_early", "too_late", opens_at=str),
    )
    async def check_in(
        self, booking_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> BookingOut:
        """Opens 10 minutes before the start; on time until 5 minutes after, late until 15 minutes after."""
        booking = await service.check_in(db_session, kit.clock.now(), principal, booking_id)
        slot = await service.access_slot(db_session, booking.slot_id)
        return booking_out(booking, slot)


class MyBookingsController(Controller):
    path = "/api/me/bookings"
    tags = ["shifts"]
    guards = [worker_only]

    @get("/", operation_id="listMyBookings", dependencies=WINDOW)
    async def mine(self, db_session: DbSession, principal: CurrentPrincipal, window: Paged) -> Page[BookingOut]:
        rows, total = await service.my_bookings(db_session, principal.user_id, limit=window.limit, offset=window.offset)
        return Page([booking_out(b, s) for b, s in rows], total, window.limit, window.offset)


CONTROLLERS = [AdminSlotController, SlotController, BookingController, MyBookingsController]
