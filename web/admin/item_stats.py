"""An exam's item statistics: which questions tell strong candidates from weak ones, so the bank's poor ones can be
retired from here."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from exams import service
from gigplatform.db import DbSession
from gigplatform.security import CurrentPrincipal
from web.exam_labels import CATEGORY_LABELS, TYPE_LABELS
from web.i18n import N_
from web.rendering import page

FLAG_LABELS = {
    "too_easy": N_("Too easy"),
    "too_hard": N_("Too hard"),
    "weak_discrimination": N_("Does not separate strong from weak"),
}


@get("/admin/exams/{blueprint_id:uuid}/stats", operation_id="page_admin_item_stats")
async def admin_item_stats(
    request: Request[Any, Any, Any],
    blueprint_id: FromPath[uuid.UUID],
    db_session: DbSession,
    principal: CurrentPrincipal,
) -> Response[Any]:
    stats = await service.item_stats(db_session, principal, blueprint_id)
    return page(
        "admin/item_stats.html",
        request,
        stats=stats,
        categories=CATEGORY_LABELS,
        types=TYPE_LABELS,
        flags=FLAG_LABELS,
        min_answered=service.FLAG_MIN_ANSWERED,
        mean=service.format_score(stats.mean_score_bp),
    )


ROUTES = [admin_item_stats]
