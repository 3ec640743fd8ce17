"""Admins reviewing a round's applications: filters and sorting, counts by status, bulk advance or reject, and the
CSV export of what the filters select."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from gigplatform.db import DbSession
from gigplatform.errors import InvalidInput, NotFound
from gigplatform.security import CurrentPrincipal, Kit, Principal
from recruitment import service as recruitment
from web.forms import form_page
from web.recruitment_words import SORT_LABELS, STATUSES, TRACKS, reason_text
from web.rendering import ListQuery, error_words, form_errors, page

REVIEW_PAGE_SIZE = 20
LAST_PAGE = recruitment.OFFSET_MAX // REVIEW_PAGE_SIZE + 1


@dataclass(frozen=True)
class ReviewQuery(ListQuery):
    """The review filters as the page's query string carries them (empty means any)."""

    status: str = ""
    track: str = ""
    student: str = ""
    sort: str = ""
    page: int = 1

    def service_filter(self) -> recruitment.ApplicationFilter:
        return recruitment.ApplicationFilter(
            status=self.status or None,
            track=self.track or None,
            is_student={"yes": True, "no": False}.get(self.student),
            sort=self.sort or None,
            limit=REVIEW_PAGE_SIZE,
            offset=(max(1, self.page) - 1) * REVIEW_PAGE_SIZE,
        )


@dataclass(frozen=True)
class BulkSummary:
    action: str
    succeeded: int
    failures: list[tuple[str, str]]


async def _review_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    kit: Kit,
    principal: Principal,
    round_id: uuid.UUID,
    query: ReviewQuery,
    *,
    summary: BulkSummary | None = None,
    errors: dict[str, str] | None = None,
    reason: str = "",
    selected: frozenset[str] = frozenset(),
    status: int = 200,
) -> Template:
    round_ = await recruitment.access_round(db_session, principal, round_id)
    errors = dict(errors or {})
    rows: list[recruitment.Application] = []
    total = 0
    try:
        rows, total = await recruitment.review_applications(db_session, round_id, query.service_filter())
    except InvalidInput as exc:  # a filter typed into the address bar: shown beside the (empty) list
        errors.update(form_errors(exc))
        status = 422
    by_status = await recruitment.count_by_status(db_session, round_id)
    counts = {"": sum(by_status.values()), **{value: by_status.get(value, 0) for value in STATUSES}}
    return page(
        "admin/review.html",
        request,
        status,
        round=round_,
        rows=[(a, a.age_at_application, recruitment.shown_id_number(kit.cipher, a)) for a in rows],
        total=total,
        pages=max(1, math.ceil(total / REVIEW_PAGE_SIZE)),
        q=query,
        counts=counts,
        statuses=STATUSES,
        tracks=TRACKS,
        sorts=SORT_LABELS,
        summary=summary,
        errors=errors,
        reason=reason,
        selected=selected,
        reason_text=reason_text,
    )


def _review_query(
    status: str | None, track: str | None, student: str | None, sort: str | None, page_: int
) -> ReviewQuery:
    # a page number past the last possible one (a hand-typed 99999999999999999999) is clamped, not an error
    return ReviewQuery(status or "", track or "", student or "", sort or "", min(max(1, page_), LAST_PAGE))


@get("/admin/rounds/{round_id:uuid}/applications", operation_id="page_admin_review")
async def admin_review(
    request: Request[Any, Any, Any],
    round_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
    principal: CurrentPrincipal,
    status: FromQuery[str | None] = None,
    track: FromQuery[str | None] = None,
    student: FromQuery[str | None] = None,
    sort: FromQuery[str | None] = None,
    page_number: FromQuery[int] = 1,
) -> Template:
    query = _review_query(status, track, student, sort, page_number)
    return await _review_page(request, db_session, kit, principal, round_id, query)


@post("/admin/rounds/{round_id:uuid}/applications", operation_id="page_admin_bulk_review")
async def admin_bulk_review(
    request: Request[Any, Any, Any],
    round_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
    principal: CurrentPrincipal,
) -> Response[Any]:
    form = await request.form()
    try:
        page_number = int(form.get("page_number") or 1)
    except ValueError:
        page_number = 1
    query = _review_query(form.get("status"), form.get("track"), form.get("student"), form.get("sort"), page_number)
    action = form.get("action") or ""
    reason = form.get("reason") or ""
    try:
        ids = [uuid.UUID(raw) for raw in form.getall("ids", [])]
    except ValueError:
        ids = []  # the service answers that nothing is selected

    async def bulk() -> Template:
        results = await recruitment.bulk_review(db_session, kit.clock, principal, ids, action, reason)
        failures = []
        for result in results:
            if result.ok:
                continue
            try:
                name = (await recruitment.access_application(db_session, principal, result.id)).legal_name
            except NotFound:
                name = str(result.id)
            failures.append((name, error_words(result.error) if result.error else (result.detail or "")))
        summary = BulkSummary(action, sum(r.ok for r in results), failures)
        return await _review_page(request, db_session, kit, principal, round_id, query, summary=summary)

    async def again(errors: dict[str, str], status: int) -> Template:
        """The refused form again, with its boxes still ticked (the admin only adds the missing reason)."""
        ticked = frozenset(str(i) for i in ids)
        return await _review_page(
            request,
            db_session,
            kit,
            principal,
            round_id,
            query,
            errors=errors,
            reason=reason,
            selected=ticked,
            status=status,
        )

    return await form_page(db_session, bulk, done=lambda shown: shown, again=again)


@get("/admin/rounds/{round_id:uuid}/applications.csv", operation_id="page_admin_export")
async def admin_export(
    round_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
    status: FromQuery[str | None] = None,
    track: FromQuery[str | None] = None,
    student: FromQuery[str | None] = None,
    sort: FromQuery[str | None] = None,
) -> Response[Any]:
    filters = _review_query(status, track, student, sort, 1).service_filter()
    body = await recruitment.export_csv(db_session, kit.cipher, round_id, filters)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="applications-{round_id}.csv"'},
    )


ROUTES = [admin_review, admin_bulk_review, admin_export]
