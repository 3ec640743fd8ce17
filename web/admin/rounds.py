"""Admins' recruitment rounds: the list, the editor (new and saved rounds), opening and closing.

The page's own part is reading the form (Beijing date-times, numbers, the chosen modules in their order) and
choosing which inputs an open round still lets the admin edit (the service's `EDITABLE_WHILE_OPEN`); every rule is
the service's.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gigplatform.db import DbSession
from gigplatform.security import CurrentPrincipal, Kit
from recruitment import service as recruitment
from web.forms import form_page, read_form
from web.recruitment_words import NOTICES, TRACKS
from web.rendering import beijing_input, general_errors, notice, page, parse_beijing, safe_next

Round = recruitment.Round
ROUND_FIELDS = (
    "title",
    "description",
    "tracks",
    "opens_at",
    "closes_at",
    "quota",
    "min_age",
    "min_typing_cpm",
    "min_typing_accuracy",
    "typing_attempts",
    "student_preferred",
    "training_module_ids",
)
ROUND_NUMBERS = ("quota", "min_age", "min_typing_cpm", "min_typing_accuracy", "typing_attempts")


@get("/admin/rounds", operation_id="page_admin_rounds")
async def admin_rounds(
    request: Request[Any, Any, Any], db_session: DbSession, notice_code: FromQuery[str | None] = None
) -> Template:
    return await _rounds_list(request, db_session, notice=notice(notice_code, NOTICES))


async def _rounds_list(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    *,
    notice: str | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> Template:
    rounds = await recruitment.list_rounds(db_session)
    return page("admin/rounds.html", request, status, rounds=rounds, notice=notice, general_errors=errors or [])


def _editable(round_: Round | None) -> frozenset[str]:
    """Which inputs the editor offers: all for a new or draft round, what the service lets change while open."""
    if round_ is None or round_.status == recruitment.RoundStatus.DRAFT:
        return frozenset(ROUND_FIELDS)
    if round_.status == recruitment.RoundStatus.OPEN:
        return frozenset(recruitment.EDITABLE_WHILE_OPEN)
    return frozenset()


def _round_values(round_: Round | None, module_ids: list[uuid.UUID]) -> dict[str, Any]:
    """What the editor shows for a saved round, or the service's defaults for a new one."""
    if round_ is None:
        defaults = recruitment.ROUND_DEFAULTS
        return {
            "title": "",
            "description": "",
            "tracks": [],
            "opens_at": "",
            "closes_at": "",
            "quota": "",
            **{k: str(defaults[k]) for k in ROUND_NUMBERS if k in defaults},
            "student_preferred": defaults["student_preferred"],
            "modules": [],
        }
    return {
        "title": round_.title,
        "description": round_.description,
        "tracks": list(round_.tracks),
        "opens_at": beijing_input(round_.opens_at),
        "closes_at": beijing_input(round_.closes_at),
        **{k: str(getattr(round_, k)) for k in ROUND_NUMBERS},
        "student_preferred": round_.student_preferred,
        "modules": [str(m) for m in module_ids],
    }


def _chosen_modules(form: FormMultiDict) -> list[str]:
    """The ticked modules in the order the admin numbered them (unnumbered ones last, as ticked)."""
    chosen: list[tuple[float, int, str]] = []
    for index, raw_id in enumerate(form.getall("modules", [])):
        try:
            order = float(form.get(f"order-{raw_id}") or math.inf)
        except ValueError:
            order = math.inf
        chosen.append((order, index, raw_id))
    return [raw_id for _o, _i, raw_id in sorted(chosen)]


def _shown_values(form: FormMultiDict, editable: frozenset[str]) -> dict[str, Any]:
    """What the editor shows again after a refusal: the editable inputs as typed."""
    values: dict[str, Any] = {}
    for name in ("title", "description"):
        if name in editable:
            values[name] = form.get(name, "")
    if "tracks" in editable:
        values["tracks"] = [t for t in form.getall("tracks", []) if t]
    for name in ("opens_at", "closes_at", *ROUND_NUMBERS):
        if name in editable:
            values[name] = (form.get(name) or "").strip()
    if "student_preferred" in editable:
        values["student_preferred"] = form.get("student_preferred") == "1"
    if "training_module_ids" in editable:
        values["modules"] = _chosen_modules(form)
    return values


def _read_round_form(form: FormMultiDict, editable: frozenset[str], new: bool, now: datetime) -> recruitment.RoundInput:
    """The editor's form as the verb's input, through the API's `RoundIn` (a new round) or `RoundPatch` (only the
    inputs the round still lets change), so its limits are written once and every field's error shows at once.

    The page's own part: Beijing date-times become instants, the modules come in their numbered order, the
    preference box is given explicitly (unticked means "not preferred", not "unchanged"), and an emptied title
    is given as typed, so the service refuses it rather than keeping the old one."""
    raw: dict[str, Any] = {name: form.get(name, "") for name in ("title", "description", *ROUND_NUMBERS)}
    raw["tracks"] = [t for t in form.getall("tracks", []) if t]
    for name in ("opens_at", "closes_at"):
        typed = (form.get(name) or "").strip()
        raw[name] = parse_beijing(typed) or typed  # what is not a date and time stays text, and is refused
    raw["training_module_ids"] = _chosen_modules(form)
    fixed: dict[str, Any] = {}
    if "student_preferred" in editable:
        fixed["student_preferred"] = form.get("student_preferred") == "1"
    if "title" in editable and not raw["title"].strip():
        fixed["title"] = raw["title"]
    struct = recruitment.RoundIn if new else recruitment.RoundPatch
    posted = read_form(raw, struct, only=editable, also=lambda read: recruitment.check_round(read, now), **fixed)
    fields = msgspec.structs.asdict(posted)
    return recruitment.RoundInput(**{k: v for k, v in fields.items() if k in editable})


@dataclass(frozen=True)
class ModuleRow:
    module: recruitment.TrainingModule
    chosen: bool
    order: int | None


def _module_rows(modules: list[recruitment.TrainingModule], chosen: list[str]) -> list[ModuleRow]:
    """Required modules first, in their order; then the other active ones to choose from."""
    by_id = {str(m.id): m for m in modules}
    rows = [ModuleRow(by_id[m], True, i + 1) for i, m in enumerate(chosen) if m in by_id]
    rows += [ModuleRow(m, False, None) for m in modules if str(m.id) not in chosen and m.active]
    return rows


async def _round_editor(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    round_: Round | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
    notice_text: str | None = None,
) -> Template:
    errors = errors or {}
    modules = await recruitment.list_modules(db_session)
    return page(
        "admin/round_edit.html",
        request,
        status,
        round=round_,
        values=values,
        errors=errors,
        general_errors=general_errors(errors, ROUND_FIELDS),
        editable=_editable(round_),
        tracks=TRACKS,
        module_rows=_module_rows(modules, values.get("modules", [])),
        notice=notice_text,
    )


@get("/admin/rounds/new", operation_id="page_admin_round_new")
async def admin_round_new(request: Request[Any, Any, Any], db_session: DbSession) -> Template:
    return await _round_editor(request, db_session, None, _round_values(None, []))


@post("/admin/rounds/new", operation_id="page_admin_round_create")
async def admin_round_create(
    request: Request[Any, Any, Any], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
) -> Response[Any]:
    form = await request.form()
    values = _shown_values(form, _editable(None))

    async def create() -> Round:
        data = _read_round_form(form, _editable(None), new=True, now=kit.clock.now())
        return await recruitment.create_round(db_session, kit.clock, principal, data)

    return await form_page(
        db_session,
        create,
        done=lambda round_: Redirect(path=f"/admin/rounds/{round_.id}?notice_code=round_created"),
        again=lambda errors, status: _round_editor(request, db_session, None, values, errors, status),
    )


async def _module_ids(db_session: DbSession, round_id: uuid.UUID) -> list[uuid.UUID]:
    return (await recruitment.round_module_ids(db_session, [round_id]))[round_id]


@get("/admin/rounds/{round_id:uuid}", operation_id="page_admin_round")
async def admin_round(
    request: Request[Any, Any, Any],
    round_id: FromPath[uuid.UUID],
    db_session: DbSession,
    principal: CurrentPrincipal,
    notice_code: FromQuery[str | None] = None,
) -> Template:
    round_ = await recruitment.access_round(db_session, principal, round_id)
    values = _round_values(round_, await _module_ids(db_session, round_id))
    return await _round_editor(request, db_session, round_, values, notice_text=notice(notice_code, NOTICES))


@post("/admin/rounds/{round_id:uuid}", operation_id="page_admin_round_update")
async def admin_round_update(
    request: Request[Any, Any, Any],
    round_id: FromPath[uuid.UUID],
    db_session: DbSession,
    kit: Kit,
    principal: CurrentPrincipal,
) -> Response[Any]:
    round_ = await recruitment.access_round(db_session, principal, round_id)
    shown = _round_values(round_, await _module_ids(db_session, round_id))
    form = await request.form()
    editable = _editable(round_)
    shown.update(_shown_values(form, editable))

    async def update() -> Round:
        return await recruitment.update_round(
            db_session, kit.clock, round_id, _read_round_form(form, editable, new=False, now=kit.clock.now())
        )

    async def again(errors: dict[str, str], status: int) -> Template:
        fresh = await recruitment.access_round(db_session, principal, round_id)  # the refusal expired what was read
        return await _round_editor(request, db_session, fresh, shown, errors, status)

    return await form_page(
        db_session,
        update,
        done=lambda _round: Redirect(path=f"/admin/rounds/{round_id}?notice_code=round_saved"),
        again=again,
    )


async def _switch_round(
    request: Request[Any, Any, Any], db_session: DbSession, kit: Kit, round_id: uuid.UUID, opening: bool
) -> Response[Any]:
    form = await request.form()
    target = safe_next(form.get("next") or "/admin/rounds")
    separator = "&" if "?" in target else "?"
    code = "round_opened" if opening else "round_closed"
    switch = recruitment.open_round if opening else recruitment.close_round
    return await form_page(
        db_session,
        lambda: switch(db_session, kit.clock, round_id),
        done=lambda _round: Redirect(path=f"{target}{separator}notice_code={code}"),
        again=lambda errors, status: _rounds_list(request, db_session, errors=list(errors.values()), status=status),
    )


@post("/admin/rounds/{round_id:uuid}/open", operation_id="page_admin_round_open")
async def admin_round_open(
    request: Request[Any, Any, Any], round_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit
) -> Response[Any]:
    return await _switch_round(request, db_session, kit, round_id, opening=True)


@post("/admin/rounds/{round_id:uuid}/close", operation_id="page_admin_round_close")
async def admin_round_close(
    request: Request[Any, Any, Any], round_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit
) -> Response[Any]:
    return await _switch_round(request, db_session, kit, round_id, opening=False)


ROUTES = [
    admin_rounds,
    admin_round_new,
    admin_round_create,
    admin_round,
    admin_round_update,
    admin_round_open,
    admin_round_close,
]
