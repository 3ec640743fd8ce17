"""Freelancers' training: the modules their applications require, the reader (opening a module starts its
reading clock) and completing a module, which may unlock the exam."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gigplatform.db import DbSession
from gigplatform.security import CurrentPrincipal, Kit
from recruitment import service as recruitment
from web.forms import CurrentVisit, Visit
from web.recruitment_words import NOTICES
from web.rendering import notice, page

PASSED = frozenset({recruitment.ApplicationStatus.CERTIFIED, recruitment.ApplicationStatus.WAITLISTED})


@get("/training", operation_id="page_training")
async def training(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    kit: Kit,
    principal: CurrentPrincipal,
    notice_code: FromQuery[str | None] = None,
) -> Template:
    modules = await recruitment.my_training(db_session, kit.clock, principal)
    mine = await recruitment.my_applications(db_session, principal)
    applications = [(a, r) for a, r in mine if a.status == recruitment.ApplicationStatus.TRAINING]
    passed = any(a.status in PASSED for a, _r in mine)
    done = sum(1 for m in modules if m.completed_at is not None)
    return page(
        "worker/training.html",
        request,
        modules=modules,
        done=done,
        applications=applications,
        reference=passed and not applications,
        notice=notice(notice_code, NOTICES),
    )


async def _reader(
    visit: Visit, module_id: uuid.UUID, errors: dict[str, str] | None = None, status: int = 200
) -> Template:
    clock = visit.kit.clock
    progress = await recruitment.open_module(visit.db_session, clock, visit.principal, module_id)
    modules = await recruitment.my_training(visit.db_session, clock, visit.principal)
    ids = [m.module.id for m in modules]
    following = [m for m in modules[ids.index(module_id) + 1 :] if m.completed_at is None] if module_id in ids else []
    return visit.show(
        "worker/training_read.html",
        status,
        errors,
        progress=progress,
        next_module=following[0].module if following else None,
        position=(ids.index(module_id) + 1) if module_id in ids else None,
        count=len(ids),
    )


@get("/training/{module_id:uuid}", operation_id="page_training_module")
async def training_module(module_id: FromPath[uuid.UUID], visit: CurrentVisit) -> Template:
    return await _reader(visit, module_id)


def _after_completing(moved: list[recruitment.Application]) -> Response[Any]:
    if moved:
        return Redirect(path=f"/applications/{moved[0].id}?notice_code=exam_unlocked")
    return Redirect(path="/training?notice_code=module_completed")


@post("/training/{module_id:uuid}/complete", operation_id="page_training_complete")
async def training_complete(module_id: FromPath[uuid.UUID], visit: CurrentVisit) -> Response[Any]:
    return await visit.act(
        lambda: recruitment.complete_module(visit.db_session, visit.kit.clock, visit.principal, module_id),
        done=lambda completed: _after_completing(completed[1]),
        again=lambda errors, status: _reader(visit, module_id, errors, status),
    )


ROUTES = [training, training_module, training_complete]
