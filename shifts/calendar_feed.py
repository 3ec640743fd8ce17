"""The private calendar feed: each freelancer may hold one unguessable link (only its hash is stored) that lists
their bookings as iCalendar, for calendar apps that subscribe to it.

One event per booking, its UID the booking's id so it never changes; SEQUENCE is the booking's own counter, raised
by every change the marketplace makes to it; DTSTAMP its last change. Cancelled bookings stay in the feed as
`STATUS:CANCELLED` for 7 days after the cancellation, so subscribed calendars remove them, and then drop out.
Times are UTC. Reading the feed writes nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import icalendar
from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.errors import NotFound
from gigplatform.security import hash_token, new_opaque_token
from shifts.earnings import yuan
from shifts.models import ACTIVE_STATUSES, BookingStatus, CalendarToken, ShiftBooking, ShiftSlot

CANCELLED_KEPT = timedelta(days=7)
HISTORY = timedelta(days=90)
"""Bookings that started longer ago than this are left out, to keep the feed small."""
REFRESH = timedelta(hours=1)
UID_DOMAIN = "shifts.gigplatform"
TRACK_WORDS = {"pre_sales": "售前", "after_sales": "售后", "complaints": "投诉纠纷"}
STATUS_WORDS = {
    BookingStatus.BOOKED: "已预约",
    BookingStatus.CHECKED_IN: "已签到",
    BookingStatus.LATE: "迟到签到",
    BookingStatus.COMPLETED: "已完成",
    BookingStatus.NO_SHOW: "缺勤",
    BookingStatus.CANCELLED: "已取消",
    BookingStatus.LATE_CANCELLED: "已取消（晚取消）",
    BookingStatus.SLOT_CANCELLED: "班次被平台取消",
}


async def issue_calendar_token(session: AsyncSession, now: datetime, user_id: uuid.UUID) -> str:
    """Makes the caller a new private feed token, replacing (and so revoking) any earlier one. The token itself is
    returned once; only its hash is kept."""
    token = new_opaque_token()
    await session.execute(delete(CalendarToken).where(CalendarToken.user_id == user_id))
    session.add(CalendarToken(user_id=user_id, token_hash=hash_token(token), created_at=now))
    await session.flush()
    return token


async def revoke_calendar_token(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Revokes the caller's feed link; revoking when there is none is no error."""
    await session.execute(delete(CalendarToken).where(CalendarToken.user_id == user_id))


async def has_calendar_token(session: AsyncSession, user_id: uuid.UUID) -> bool:
    return await session.get(CalendarToken, user_id) is not None


def _summary(track: str, pay_fen: int, status: BookingStatus) -> str:
    summary = f"{TRACK_WORDS.get(track, track)}班次 · {yuan(pay_fen)}元/小时"
    return summary if status in ACTIVE_STATUSES else f"已取消：{summary}"


async def calendar_feed(session: AsyncSession, now: datetime, token: str) -> bytes:
    """The feed of the token's owner, as iCalendar bytes; an unknown or revoked token is a 404."""
    owner = await session.scalar(select(CalendarToken.user_id).where(CalendarToken.token_hash == hash_token(token)))
    if owner is None:
        raise NotFound("No such calendar.", field="token", rule="exists")
    rows = await session.execute(
        select(ShiftBooking, ShiftSlot.track)
        .join(ShiftSlot, ShiftSlot.id == ShiftBooking.slot_id)
        .where(
            ShiftBooking.user_id == owner,
            ShiftBooking.starts_at >= now - HISTORY,
            or_(ShiftBooking.status.in_(ACTIVE_STATUSES), ShiftBooking.cancelled_at > now - CANCELLED_KEPT),
        )
        .order_by(ShiftBooking.starts_at, ShiftBooking.id)
    )
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//gigplatform//shifts//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "我的班次 · My shifts")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for booking, track in rows:
        event = icalendar.Event()
        event.add("uid", f"{booking.id}@{UID_DOMAIN}")
        event.add("dtstamp", booking.updated_at)
        event.add("last-modified", booking.updated_at)
        event.add("sequence", booking.sequence)
        event.add("dtstart", booking.starts_at)
        event.add("dtend", booking.starts_at + timedelta(hours=1))
        event.add("summary", _summary(str(track), booking.pay_fen, booking.status))
        event.add("description", STATUS_WORDS[booking.status])
        event.add("status", "CONFIRMED" if booking.status in ACTIVE_STATUSES else "CANCELLED")
        calendar.add_component(event)
    return calendar.to_ical()
