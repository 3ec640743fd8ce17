"""Admins' recruitment rounds: the list, the editor (new and saved rounds), opening and closing.

The page's own part is reading the form (Beijing date-times, numbers, the chosen modules in their order) and
choosing which inputs an open round still lets the admin edit (the service's `EDITABLE_WHILE_OPEN`); every rule is
the service's.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gigplatform.db import DbSession
from gigplatform.security import CurrentPrincipal, Kit
from recruitment import service as recruitment
from web.forms import form_page
from web.i18n import _
from web.recruitment_words import NOTICES, ROUND_MESSAGES, TRACKS
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


def _read_round_form(
    form: FormMultiDict, editable: frozenset[str]
) -> tuple[recruitment.RoundInput, dict[str, Any], dict[str, str]]:
    """(the service's input, the values to show again, the fields that are not even numbers or dates)."""
    values: dict[str, Any] = {}
    given: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name in ("title", "description"):
        if name in editable:
            values[name] = form.get(name, "")
            given[name] = values[name]
    if "tracks" in editable:
        values["tracks"] = [t for t in form.getall("tracks", []) if t]
        given["tracks"] = values["tracks"]
    for name in ("opens_at", "closes_at"):
        if name in editable:
            values[name] = raw = (form.get(name) or "").strip()
            if raw:
                parsed = parse_beijing(raw)
                if parsed is None:
                    problems[name] = _(ROUND_MESSAGES[("*", "datetime")])
                given[name] = parsed
    for name in ROUND_NUMBERS:
        if name in editable:
            values[name] = raw = (form.get(name) or "").strip()
            if raw:
                try:
                    given[name] = int(raw)
                except ValueError:
                    problems[name] = _(ROUND_MESSAGES[("*", "integer")])
    if "student_preferred" in editable:
        values["student_preferred"] = given["student_preferred"] = form.get("student_preferred") == "1"
    if "training_module_ids" in editable:
        chosen: list[tuple[float, int, str]] = []
        for index, raw_id in enumerate(form.getall("modules", [])):
            try:
                order = float(form.get(f"order-{raw_id}") or math.inf)
            except ValueError:
                order = math.inf
            chosen.append((order, index, raw_id))
        ordered = [raw_id for _o, _i, raw_id in sorted(chosen)]
        values["modules"] = ordered
        try:
            given["training_module_ids"] = [uuid.UUID(m) for m in ordered]
        except ValueError:
            problems["training_module_ids"] = _(ROUND_MESSAGES[("training_module_ids", "exists")])
    return recruitment.RoundInput(**given), values, problems


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
    data, values, problems = _read_round_form(await request.form(), _editable(None))
    if problems:
        return await _round_editor(request, db_session, None, values, problems, 422)
    return await form_page(
        db_session,
        lambda: recruitment.create_round(db_session, kit.clock, principal, data),
        done=lambda round_: Redirect(path=f"/admin/rounds/{round_.id}?notice_code=round_created"),
        again=lambda errors, status: _round_editor(request, db_session, None, values, errors, status),
        messages=ROUND_MESSAGES,
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
    data, values, problems = _read_round_form(await request.form(), _editable(round_))
    shown.update(values)
    if problems:
        return await _round_editor(request, db_session, round_, shown, problems, 422)

    async def again(errors: dict[str, str], status: int) -> Template:
        fresh = await recruitment.access_round(db_session, principal, round_id)  # the refusal expired what was read
        return await _round_editor(request, db_session, fresh, shown, errors, status)

    return await form_page(
        db_session,
        lambda: recruitment.update_round(db_session, kit.clock, round_id, data),
        done=lambda _round: Redirect(path=f"/admin/rounds/{round_id}?notice_code=round_saved"),
        again=again,
        messages=ROUND_MESSAGES,
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
        messages=ROUND_MESSAGES,
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
