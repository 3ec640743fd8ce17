"""JSON API of reliability: a freelancer's score with the events that count and their disputes; admins' list of
disputes and their decision on one."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from gigplatform.db import DbSession
from gigplatform.listing import WINDOW, Page, Paged
from gigplatform.openapi import conflict, problem
from gigplatform.security import CurrentPrincipal, Kit, admin_only, worker_only
from shifts import service
from shifts.schemas import (
    DisputeDecisionIn,
    DisputeIn,
    DisputeOut,
    ReliabilityCountsOut,
    ReliabilityEventOut,
    ReliabilityOut,
)

DisputeStatusName = Literal["open", "accepted", "rejected"]


def dispute_out(dispute: service.ShiftDispute, starts_at: datetime) -> DisputeOut:
    return DisputeOut(
        dispute.id,
        dispute.booking_id,
        dispute.user_id,
        str(dispute.kind),
        dispute.reason,
        str(dispute.status),
        dispute.created_at,
        starts_at,
        dispute.decided_at,
        dispute.note,
    )


def reliability_out(report: service.Reliability) -> ReliabilityOut:
    counts = report.counts
    return ReliabilityOut(
        report.score,
        service.FORMULA,
        report.window_from,
        report.window_to,
        ReliabilityCountsOut(counts.completed, counts.late_check_ins, counts.late_cancellations, counts.no_shows),
        [
            ReliabilityEventOut(e.booking_id, e.kind, e.starts_at, e.counts, e.dispute_status, e.disputable_until)
            for e in report.events
        ],
        report.standing,
        report.standing_until,
        [dispute_out(d, s) for d, s in report.disputes],
    )


class MyReliabilityController(Controller):
    path = "/api/me/reliability"
    tags = ["shifts: reliability"]
    guards = [worker_only]

    @get("/", operation_id="getMyReliability")
    async def mine(self, db_session: DbSession, kit: Kit, principal: CurrentPrincipal) -> ReliabilityOut:
        """The score of the last 30 days by the documented formula, every event that counts with its date (and
        until when it may be disputed), the caller's disputes, and their standing with its end."""
        return reliability_out(await service.my_reliability(db_session, kit.clock.now(), principal.user_id))

    @post(
        "/disputes",
        operation_id="disputeReliabilityEvent",
        status_code=HTTP_201_CREATED,
        responses={
            **conflict("not_disputable", "too_late", "already_disputed", deadline=str),
            **problem(404, "No such booking of the caller's."),
        },
    )
    async def dispute(
        self, data: JSONBody[DisputeIn], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> DisputeOut:
        """Disputes a no-show or a late mark of the caller's, within 48 hours of it, once per event."""
        now = kit.clock.now()
        dispute = await service.file_dispute(db_session, now, principal, data)
        booking = await service.access_booking(db_session, principal, dispute.booking_id)
        return dispute_out(dispute, booking.starts_at)


class AdminDisputeController(Controller):
    path = "/api/admin/disputes"
    tags = ["shifts: admin"]
    guards = [admin_only]

    @get("/", operation_id="listDisputes", dependencies=WINDOW)
    async def list_disputes(
        self, db_session: DbSession, window: Paged, status: FromQuery[DisputeStatusName | None] = None
    ) -> Page[DisputeOut]:
        """Disputes, optionally of one status: open ones oldest first (the queue), otherwise newest first."""
        rows, total = await service.list_disputes(db_session, status=status, limit=window.limit, offset=window.offset)
        return Page([dispute_out(d, s) for d, s in rows], total, window.limit, window.offset)

    @post(
        "/{dispute_id:uuid}",
        operation_id="decideDispute",
        status_code=HTTP_200_OK,
        responses=conflict("decided", description="The dispute was decided already."),
    )
    async def decide(
        self,
        dispute_id: FromPath[uuid.UUID],
        data: JSONBody[DisputeDecisionIn],
        db_session: DbSession,
        kit: Kit,
        principal: CurrentPrincipal,
    ) -> DisputeOut:
        """Accept (the event stops counting; a restriction that no longer holds is lifted) or reject, with a note
        saying why; audited, and the freelancer is told."""
        dispute = await service.decide_dispute(db_session, kit.clock.now(), principal, dispute_id, data)
        booking = await service.access_booking(db_session, principal, dispute.booking_id)
        return dispute_out(dispute, booking.starts_at)


CONTROLLERS = [MyReliabilityController, AdminDisputeController]
