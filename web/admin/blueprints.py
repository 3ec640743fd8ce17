"""Exam blueprints' pages: the list, and the editor (create, then edit; a saved blueprint keeps its round and track).

The editor's inputs are read into the API's own Structs (`BlueprintIn`, `BlueprintPatch`) with their limits; the
counts per category come from one number input each. Every other rule is the service's answer.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from exams import service
from gigplatform.db import DbSession
from gigplatform.errors import FieldError, InvalidInput
from gigplatform.security import CurrentPrincipal, Kit, Principal
from recruitment import service as recruitment
from web.exam_labels import CATEGORY_LABELS
from web.forms import form_page, read_form
from web.i18n import N_
from web.rendering import Form, general_errors, notice, page

CATEGORIES = [c.value for c in service.QuestionCategory]
TRACKS = [t.value for t in recruitment.Track]
NOTICES: dict[str, str] = {
    "blueprint_created": N_("The exam blueprint is saved."),
    "blueprint_saved": N_("The exam blueprint is saved."),
}
BLUEPRINT_FIELDS = (
    "title",
    "round_id",
    "track",
    "per_category",
    "shuffle_options",
    "time_limit_minutes",
    "pass_mark",
    "attempts_allowed",
    "cooldown_hours",
    "show_answers",
    "partial_credit",
)
BLUEPRINT_NUMBERS = tuple(service.BLUEPRINT_RANGES)
NUMBER_LABELS = {
    "time_limit_minutes": N_("Time limit (minutes)"),
    "pass_mark": N_("Pass mark (percent of the points)"),
    "attempts_allowed": N_("Attempts allowed"),
    "cooldown_hours": N_("Cool-down between attempts (hours)"),
}
BLUEPRINT_SWITCHES = ("shuffle_options", "show_answers", "partial_credit")
WHOLE_NUMBER = N_("Enter a whole number.")


def _blueprint_values(blueprint: service.Blueprint | None) -> dict[str, Any]:
    """What the editor shows for a saved blueprint, or the service's defaults for a new one."""
    source: dict[str, Any] = (
        dict(service.BLUEPRINT_DEFAULTS)
        if blueprint is None
        else {name: getattr(blueprint, name) for name in service.BLUEPRINT_DEFAULTS}
    )
    per_category = {} if blueprint is None else blueprint.per_category
    return {
        "title": "" if blueprint is None else blueprint.title,
        "round_id": "" if blueprint is None or blueprint.round_id is None else str(blueprint.round_id),
        "track": "" if blueprint is None else blueprint.track or "",
        "per_category": {c: str(per_category.get(c, 0)) for c in CATEGORIES},
        **{name: str(source[name]) for name in BLUEPRINT_NUMBERS},
        **{name: bool(source[name]) for name in BLUEPRINT_SWITCHES},
    }


def _posted_values(form: dict[str, str], creating: bool) -> dict[str, Any]:
    """The editor's inputs as posted, to show again as they were typed (round and track only when creating)."""
    values: dict[str, Any] = {"title": form.get("title", "")}
    if creating:
        values["round_id"] = form.get("round_id", "").strip()
        values["track"] = form.get("track", "").strip()
    values["per_category"] = {c: form.get(f"count_{c}", "").strip() for c in CATEGORIES}
    values.update({name: form.get(name, "").strip() for name in BLUEPRINT_NUMBERS})
    values.update({name: form.get(name) == "1" for name in BLUEPRINT_SWITCHES})
    return values


def _blueprint_input(form: dict[str, str], creating: bool) -> service.BlueprintInput:
    """The form as the API's Struct, every input's error at once. Round and track are read only when creating: a
    saved blueprint keeps them, as the API's PATCH does. An empty count draws no question of that category."""
    errors: list[FieldError] = []
    per_category: dict[str, int] = {}
    for category in CATEGORIES:
        try:
            per_category[category] = int(form.get(f"count_{category}", "").strip() or 0)
        except ValueError:
            errors = [FieldError("per_category", "integer", WHOLE_NUMBER, WHOLE_NUMBER)]
    struct: type[service.BlueprintIn | service.BlueprintPatch] = (
        service.BlueprintIn if creating else service.BlueprintPatch
    )
    only = ("title", "round_id", "track", *BLUEPRINT_NUMBERS) if creating else ("title", *BLUEPRINT_NUMBERS)
    switches = {name: form.get(name) == "1" for name in BLUEPRINT_SWITCHES}
    try:
        data = read_form(form, struct, only=only, per_category=per_category, **switches)
    except InvalidInput as exc:  # a setting out of its range is said with its range, as the service says it
        errors += [
            service.out_of_range(e.field) if e.field in BLUEPRINT_NUMBERS and e.rule == "range" else e
            for e in exc.errors
        ]
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)
    return service.BlueprintInput.of(data)


@get("/admin/exams", operation_id="page_admin_blueprints")
async def admin_blueprints(
    request: Request[Any, Any, Any], db_session: DbSession, notice_code: FromQuery[str | None] = None
) -> Response[Any]:
    rounds = {r.id: r for r in await recruitment.list_rounds(db_session)}
    return page(
        "admin/blueprints.html",
        request,
        blueprints=await service.list_blueprints(db_session),
        rounds=rounds,
        categories=CATEGORY_LABELS,
        counts=await service.active_counts(db_session),
        notice=notice(notice_code, NOTICES),
    )


async def _blueprint_editor(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    blueprint: service.Blueprint | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
    notice_text: str | None = None,
) -> Template:
    errors = errors or {}
    rounds = await recruitment.list_rounds(db_session)
    return page(
        "admin/blueprint_edit.html",
        request,
        status,
        blueprint=blueprint,
        round=next((r for r in rounds if blueprint is not None and r.id == blueprint.round_id), None),
        rounds=rounds,
        tracks=TRACKS,
        categories=CATEGORY_LABELS,
        counts=await service.active_counts(db_session),
        numbers=[(name, NUMBER_LABELS[name], service.BLUEPRINT_RANGES[name]) for name in BLUEPRINT_NUMBERS],
        values=values,
        errors=errors,
        general_errors=general_errors(errors, BLUEPRINT_FIELDS),
        notice=notice_text,
    )


@get("/admin/exams/new", operation_id="page_admin_blueprint_new")
async def admin_blueprint_new(request: Request[Any, Any, Any], db_session: DbSession) -> Response[Any]:
    return await _blueprint_editor(request, db_session, None, _blueprint_values(None))


@post("/admin/exams/new", operation_id="page_admin_blueprint_create")
async def admin_blueprint_create(
    request: Request[Any, Any, Any], data: Form, db_session: DbSession, kit: Kit
) -> Response[Any]:
    async def create() -> service.Blueprint:
        return await service.create_blueprint(db_session, kit.clock, _blueprint_input(data, creating=True))

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        return await _blueprint_editor(request, db_session, None, _posted_values(data, True), errors, status)

    return await form_page(
        db_session,
        create,
        done=lambda blueprint: Redirect(path=f"/admin/exams/{blueprint.id}?notice_code=blueprint_created"),
        again=again,
    )


@get("/admin/exams/{blueprint_id:uuid}", operation_id="page_admin_blueprint")
async def admin_blueprint(
    request: Request[Any, Any, Any],
    blueprint_id: FromPath[uuid.UUID],
    db_session: DbSession,
    principal: CurrentPrincipal,
    notice_code: FromQuery[str | None] = None,
) -> Response[Any]:
    blueprint = await service.access_blueprint(db_session, principal, blueprint_id)
    return await _blueprint_editor(
        request, db_session, blueprint, _blueprint_values(blueprint), notice_text=notice(notice_code, NOTICES)
    )


async def _saved_blueprint_again(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    principal: Principal,
    blueprint_id: uuid.UUID,
    posted: dict[str, Any],
    errors: dict[str, str],
    status: int,
) -> Response[Any]:
    """The editor of a saved blueprint shown again: the blueprint read again (the refusal's rollback expired it),
    what was typed over its values."""
    blueprint = await service.access_blueprint(db_session, principal, blueprint_id)
    return await _blueprint_editor(
        request, db_session, blueprint, {**_blueprint_values(blueprint), **posted}, errors, status
    )


@post("/admin/exams/{blueprint_id:uuid}", operation_id="page_admin_blueprint_update")
async def admin_blueprint_update(
    request: Request[Any, Any, Any],
    blueprint_id: FromPath[uuid.UUID],
    data: Form,
    db_session: DbSession,
    kit: Kit,
    principal: CurrentPrincipal,
) -> Response[Any]:
    await service.access_blueprint(db_session, principal, blueprint_id)
    posted = _posted_values(data, creating=False)

    async def save() -> service.Blueprint:
        changes = _blueprint_input(data, creating=False)
        return await service.update_blueprint(db_session, kit.clock, principal, blueprint_id, changes)

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        return await _saved_blueprint_again(request, db_session, principal, blueprint_id, posted, errors, status)

    return await form_page(
        db_session,
        save,
        done=lambda _saved: Redirect(path=f"/admin/exams/{blueprint_id}?notice_code=blueprint_saved"),
        again=again,
    )


ROUTES = [
    admin_blueprints,
    admin_blueprint_new,
    admin_blueprint_create,
    admin_blueprint,
    admin_blueprint_update,
]
