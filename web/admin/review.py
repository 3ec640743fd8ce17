"""Admins reviewing a round's applications: filters and sorting, counts by status, bulk advance or reject, and the
CSV export of what the filters select."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery
from litestar.response import Stream, Template

from gigplatform.clock import business_today
from gigplatform.db import DbSession, streamed
from gigplatform.errors import InvalidInput, NotFound
from gigplatform.headers import attachment
from gigplatform.security import CurrentPrincipal, Kit, Principal
from recruitment import service as recruitment
from web import i18n
from web.forms import form_page
from web.i18n import N_, _
from web.recruitment_words import SORT_LABELS, STATUSES, TRACKS, reason_text
from web.rendering import ListQuery, beijing, error_words, form_errors, page

REVIEW_PAGE_SIZE = 20


@dataclass(frozen=True)
class ReviewQuery(ListQuery):
    """The review filters as the page's query string carries them (empty means any)."""

    status: str = ""
    track: str = ""
    student: str = ""
    sort: str = ""
    cursor: str = ""  # where the page starts (the list's own next/previous links); empty for the first page

    def service_filter(self) -> recruitment.ApplicationFilter:
        return recruitment.ApplicationFilter(
            status=self.status or None,
            track=self.track or None,
            is_student={"yes": True, "no": False}.get(self.student),
            sort=self.sort or None,
            limit=REVIEW_PAGE_SIZE,
            cursor=self.cursor or None,
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
    by_status = await recruitment.count_by_status(db_session, round_id)
    most = recruitment.COUNT_MAX
    counts = {value: min(by_status.get(value, 0), most) for value in STATUSES}
    shown = {value: _count_shown(n, by_status.get(value, 0) > most) for value, n in counts.items()}
    shown[""] = _count_shown(sum(counts.values()), any(n > most for n in by_status.values()))
    listed = recruitment.ReviewPage([], 0)
    # the status chips' counts already hold the total, unless a track or student filter narrows it
    narrowed = bool(query.track or query.student)
    try:
        listed = await recruitment.review_applications(
            db_session, round_id, query.service_filter(), with_total=narrowed
        )
    except InvalidInput as exc:  # a filter typed into the address bar: shown beside the (empty) list
        errors.update(form_errors(exc))
        status = 422
    return page(
        "admin/review.html",
        request,
        status,
        round=round_,
        rows=listed.rows,
        total=shown.get(query.status, "0") if not narrowed else _total_shown(listed),
        listed=listed,
        q=query,
        counts=counts,
        shown=shown,
        statuses=STATUSES,
        tracks=TRACKS,
        sorts=SORT_LABELS,
        summary=summary,
        errors=errors,
        reason=reason,
        selected=selected,
        reason_text=reason_text,
    )


def _total_shown(listed: recruitment.ReviewPage) -> str:
    """A narrowed list's total, or nothing where counting it would read the whole round (a track filter)."""
    return "" if listed.total is None else _count_shown(listed.total, not listed.total_exact)


def _count_shown(n: int, more: bool) -> str:
    """A count as the page shows it; one the database stopped counting (see `recruitment.COUNT_MAX`) reads
    "1,000+"."""
    return f"{n:,}+" if more else f"{n:,}"


def _review_query(
    status: str | None, track: str | None, student: str | None, sort: str | None, cursor: str | None
) -> ReviewQuery:
    return ReviewQuery(status or "", track or "", student or "", sort or "", cursor or "")


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
    cursor: FromQuery[str | None] = None,
) -> Template:
    query = _review_query(status, track, student, sort, cursor)
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
    query = _review_query(
        form.get("status"), form.get("track"), form.get("student"), form.get("sort"), form.get("cursor")
    )
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


# The export's header row, in `recruitment.CSV_COLUMNS` order, in the admin's language.
CSV_HEADERS = (
    N_("Application ID"),
    N_("Legal name"),
    N_("Age"),
    N_("Phone"),
    N_("Student"),
    N_("Tracks"),
    N_("Status"),
    N_("Status reason"),
    N_("Applied at"),
)
CSV_WORDS = {"yes": N_("Yes"), "no": N_("No")}
CSV_NAME = N_("Application review")  # the file: 报名审核-<round>-<day>.csv


def csv_words() -> recruitment.CsvWords:
    """The export's words in the current language: headers, yes/no, statuses and tracks, reasons as the page
    shows them, and Beijing time to the minute."""
    return recruitment.CsvWords(
        headers=tuple(_(h) for h in CSV_HEADERS),
        word=lambda code: _(CSV_WORDS.get(code, code)),
        reason=reason_text,
        when=beijing,
    )


async def _in_language(language: str, pieces: AsyncIterator[str]) -> AsyncIterator[str]:
    # the reply is streamed after the handler returns; its words stay in the language the request asked for
    i18n.current_language.set(language)
    async for piece in pieces:
        yield piece


@get("/admin/rounds/{round_id:uuid}/applications.csv", operation_id="page_admin_export")
async def admin_export(
    round_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
    state: State,
    status: FromQuery[str | None] = None,
    track: FromQuery[str | None] = None,
    student: FromQuery[str | None] = None,
    sort: FromQuery[str | None] = None,
) -> Stream:
    """The filtered list as a CSV file named after the round and the day (报名审核-<round>-20261201.csv)."""
    filters = _review_query(status, track, student, sort, None).service_filter()
    round_ = await recruitment.check_export(db_session, round_id, filters)
    words, language = csv_words(), i18n.current_language.get()
    day = f"{business_today(kit.clock):%Y%m%d}"
    pieces = streamed(state.sessionmaker, lambda session: recruitment.export_csv(session, round_id, filters, words))
    return Stream(
        _in_language(language, pieces),
        media_type="text/csv; charset=utf-8",
        headers=attachment(f"{_(CSV_NAME)}-{round_.title}-{day}.csv", f"applications-{day}.csv"),
    )


ROUTES = [admin_review, admin_bulk_review, admin_export]
