"""The bulk publisher: dates × hours × tracks × capacity × pay (in yuan on the form, stored in fen), previewed before
it is applied. The rules are `shifts.publish_slots`'s, as in the API: the preview is the same call with `preview`
set, so what the page shows is what applying would do, and a refusal (below what is booked) names the slot."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Redirect

from gigplatform.clock import business_today
from gigplatform.db import DbSession
from gigplatform.errors import N_, DomainError, FieldError, InvalidInput
from gigplatform.security import Kit
from recruitment.service import Track
from shifts import service
from shifts.schemas import PublishIn
from web.forms import form_page, read_form
from web.i18n import _
from web.rendering import beijing, form_errors, general_errors, page

PUBLISH_FIELDS = ("dates", "hours", "tracks", "capacity", "pay_yuan")
DAYS_OFFERED = 14
REFUSALS = {
    "below_booked": N_(
        "The %(track)s slot at %(starts_at)s already has %(booked)s bookings; its capacity cannot go below that."
    ),
    "cancelled": N_("The %(track)s slot at %(starts_at)s was cancelled; it cannot be published again."),
}
"""A refusal that names a slot, worded with its track and Beijing time rather than its id."""
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
ACTION_WORDS = {"create": N_("New"), "update": N_("Changed"), "unchanged": N_("Unchanged")}


def yuan(fen: int | None) -> str:
    """Fen shown as yuan with two decimals (¥12.50)."""
    return "" if fen is None else f"{Decimal(fen) / 100:.2f}"


def fen_of(raw: str) -> int:
    """The pay typed in yuan (at most two decimals) as whole fen; refuses anything else naming `pay_yuan`."""
    try:
        value = Decimal((raw or "").strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        words = N_("Enter an amount in yuan with at most two decimals.")
        raise InvalidInput(words, errors=[FieldError("pay_yuan", "format", words, words)])
    return int(value * 100)


def _values(data: Any) -> dict[str, Any]:
    """What the visitor sent, to show the form again as they left it."""
    if data is None:
        return {"dates": [], "hours": [], "tracks": [t.value for t in Track], "capacity": "", "pay_yuan": ""}
    return {
        "dates": data.getall("dates", []),
        "hours": data.getall("hours", []),
        "tracks": data.getall("tracks", []),
        "capacity": data.get("capacity", ""),
        "pay_yuan": data.get("pay_yuan", ""),
    }


def _publisher(
    request: Request[Any, Any, Any],
    kit: Kit,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    result: service.PublishResult | None = None,
    status: int = 200,
) -> Response[Any]:
    today = business_today(kit.clock)
    errors = errors or {}
    return page(
        "admin/slot_publish.html",
        request,
        status,
        values=values,
        errors=errors,
        general_errors=general_errors(errors, (*PUBLISH_FIELDS, "pay_fen")),
        days=[today + timedelta(days=n) for n in range(DAYS_OFFERED)],
        hours=range(24),
        tracks=[t.value for t in Track],
        result=result,
        counts={a: sum(1 for i in result.items if i.action == a) for a in ACTION_WORDS} if result else {},
        action_words=ACTION_WORDS,
        weekdays=WEEKDAYS,
        yuan=yuan,
    )


@get("/admin/shifts/publish", operation_id="page_admin_publish_slots")
async def publish_form(request: Request[Any, Any, Any], kit: Kit) -> Response[Any]:
    return _publisher(request, kit, values=_values(None))


@post("/admin/shifts/publish", operation_id="page_admin_publish_slots_submit")
async def publish_submit(request: Request[Any, Any, Any], db_session: DbSession, kit: Kit) -> Response[Any]:
    """`step=preview` shows what would be made or changed and writes nothing; `step=apply` publishes."""
    data = await request.form()
    applying = data.get("step") == "apply"
    refused: list[DomainError] = []

    async def publish() -> service.PublishResult:
        form: dict[str, Any] = {k: data.getall(k, []) for k in ("dates", "hours", "tracks")}
        form["capacity"] = data.get("capacity", "")
        try:
            pay_fen, pay_errors = fen_of(str(data.get("pay_yuan", ""))), []
        except InvalidInput as exc:
            pay_fen, pay_errors = 0, exc.errors
        try:
            fields = read_form({**form, "pay_fen": str(pay_fen)}, PublishIn, preview=not applying)
        except InvalidInput as exc:
            raise InvalidInput(exc.detail, errors=[*exc.errors, *pay_errors]) from exc
        if pay_errors:
            raise InvalidInput(pay_errors[0].message, errors=pay_errors)
        values = {f: getattr(fields, f) for f in fields.__struct_fields__}
        return await service.publish_slots(db_session, kit.clock.now(), service.PublishInput(**values))

    def explain(exc: DomainError) -> dict[str, str]:
        refused.append(exc)
        errors = form_errors(exc)
        if "pay_fen" in errors:
            errors["pay_yuan"] = errors.pop("pay_fen")
        return errors

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        exc = refused[0] if refused else None
        if exc is not None and exc.extra.get("slot_id") and exc.errors and exc.errors[0].rule in REFUSALS:
            rule = exc.errors[0].rule
            slot = await service.access_slot(db_session, uuid.UUID(str(exc.extra["slot_id"])))
            named = {"track": _(str(slot.track)), "starts_at": beijing(slot.starts_at), "booked": slot.booked}
            errors[exc.errors[0].field] = _(REFUSALS[rule]) % named
        return _publisher(request, kit, values=_values(data), errors=errors, status=status)

    def done(result: service.PublishResult) -> Response[Any]:
        if applying:
            first = min((i.starts_at for i in result.items), default=None)
            start = beijing(first, "%Y-%m-%d") if first else business_today(kit.clock).isoformat()
            return Redirect(path=f"/admin/shifts?from={start}&notice_code=published")
        return _publisher(request, kit, values=_values(data), result=result)

    return await form_page(db_session, publish, done=done, again=again, explain=explain)


ROUTES = [publish_form, publish_submit]
