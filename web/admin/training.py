"""Admins' training modules: the list and the editor, with a preview of the Markdown as freelancers will read it."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gigplatform.db import DbSession
from gigplatform.security import Kit
from recruitment import service as recruitment
from web.forms import form_page, read_form
from web.recruitment_words import NOTICES
from web.rendering import general_errors, notice, page

MODULE_FIELDS = ("title", "body_markdown", "min_reading_seconds", "active")


@get("/admin/training", operation_id="page_admin_training")
async def admin_training(
    request: Request[Any, Any, Any], db_session: DbSession, notice_code: FromQuery[str | None] = None
) -> Template:
    modules = await recruitment.list_modules(db_session)
    return page("admin/training.html", request, modules=modules, notice=notice(notice_code, NOTICES))


def _module_editor(
    request: Request[Any, Any, Any],
    module: recruitment.TrainingModule | None,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    preview: str | None = None,
    status: int = 200,
    notice_text: str | None = None,
) -> Template:
    errors = errors or {}
    return page(
        "admin/module_edit.html",
        request,
        status,
        module=module,
        values=values,
        errors=errors,
        general_errors=general_errors(errors, MODULE_FIELDS),
        preview=preview,
        notice=notice_text,
    )


def _module_values(form: FormMultiDict) -> dict[str, Any]:
    """What the editor shows again after a preview or a refusal."""
    return {
        "title": form.get("title", ""),
        "body_markdown": form.get("body_markdown", ""),
        "min_reading_seconds": (form.get("min_reading_seconds") or "").strip(),
        "active": form.get("active") == "1",
    }


def _read_module_form(form: FormMultiDict) -> recruitment.ModuleInput:
    """The editor's form as the verb's input, through the API's `ModuleIn` (its limits written once there). The
    active box is given explicitly: unticked means deactivate, not "keep the default"."""
    posted = read_form(form, recruitment.ModuleIn, active=form.get("active") == "1")
    return recruitment.ModuleInput(**msgspec.structs.asdict(posted))


async def _save_module(
    request: Request[Any, Any, Any], db_session: DbSession, kit: Kit, module_id: uuid.UUID | None
) -> Response[Any]:
    module = None if module_id is None else await recruitment.access_module(db_session, module_id, active_only=False)
    form = await request.form()
    values = _module_values(form)
    if form.get("action") == "preview":
        return _module_editor(request, module, values, preview=recruitment.render_markdown(values["body_markdown"]))

    async def save() -> tuple[recruitment.TrainingModule, str]:
        data = _read_module_form(form)
        if module_id is None:
            return await recruitment.create_module(db_session, kit.clock, data), "module_created"
        return await recruitment.update_module(db_session, kit.clock, module_id, data), "module_saved"

    async def again(errors: dict[str, str], status: int) -> Template:
        fresh = None  # the refusal expired what was read: read the module again
        if module_id is not None:
            fresh = await recruitment.access_module(db_session, module_id, active_only=False)
        return _module_editor(request, fresh, values, errors=errors, status=status)

    return await form_page(
        db_session,
        save,
        done=lambda saved: Redirect(path=f"/admin/training/{saved[0].id}?notice_code={saved[1]}"),
        again=again,
    )


@get("/admin/training/new", operation_id="page_admin_module_new")
async def admin_module_new(request: Request[Any, Any, Any]) -> Template:
    values = {"title": "", "body_markdown": "", "min_reading_seconds": "60", "active": True}
    return _module_editor(request, None, values)


@post("/admin/training/new", operation_id="page_admin_module_create")
async def admin_module_create(request: Request[Any, Any, Any], db_session: DbSession, kit: Kit) -> Response[Any]:
    return await _save_module(request, db_session, kit, None)


@get("/admin/training/{module_id:uuid}", operation_id="page_admin_module")
async def admin_module(
    request: Request[Any, Any, Any],
    module_id: FromPath[uuid.UUID],
    db_session: DbSession,
    notice_code: FromQuery[str | None] = None,
) -> Template:
    module = await recruitment.access_module(db_session, module_id, active_only=False)
    values = {
        "title": module.title,
        "body_markdown": module.body_markdown,
        "min_reading_seconds": str(module.min_reading_seconds),
        "active": module.active,
    }
    preview = recruitment.render_markdown(module.body_markdown)
    return _module_editor(request, module, values, preview=preview, notice_text=notice(notice_code, NOTICES))


@post("/admin/training/{module_id:uuid}", operation_id="page_admin_module_update")
async def admin_module_update(
    request: Request[Any, Any, Any], module_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit
) -> Response[Any]:
    return await _save_module(request, db_session, kit, module_id)


ROUTES = [admin_training, admin_module_new, admin_module_create, admin_module, admin_module_update]
