"""Importing a bank file: the upload form, and the report of what was created, versioned, unchanged or rejected
(each rejected row with the field and rule it broke, in the visitor's language)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import MultipartBody
from litestar.response import Template

from exams import service
from gigplatform.db import DbSession
from gigplatform.errors import DomainError, InvalidInput
from gigplatform.security import CurrentPrincipal, Kit
from web.admin.questions import said
from web.forms import form_page
from web.i18n import N_
from web.rendering import form_errors, page


@dataclass
class ImportUpload:
    file: UploadFile | None = None


@dataclass(frozen=True)
class RejectedLine:
    """One broken rule of one rejected row, as the report's table shows it."""

    row: int
    code: str | None
    field: str
    rule: str
    message: str


def _file_kind(upload: UploadFile) -> str | None:
    """ "json" or "csv", by the file's name first and then by the type the browser gave it."""
    name = (upload.filename or "").lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".json"):
        return "json"
    media = (upload.content_type or "").split(";")[0].strip().lower()
    if media in ("text/csv", "application/csv", "application/vnd.ms-excel"):
        return "csv"
    if media == "application/json":
        return "json"
    return None


def _import_page(
    request: Request[Any, Any, Any],
    *,
    report: service.ImportReport | None = None,
    filename: str = "",
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    rejected = [
        RejectedLine(row.row, row.code, error.field, error.rule, said(error))
        for row in (report.rejected if report else [])
        for error in row.errors
    ]
    return page(
        "admin/question_import.html",
        request,
        status,
        report=report,
        rejected=rejected,
        rejected_rows=len(report.rejected) if report else 0,
        filename=filename,
        errors=errors or {},
        max_megabytes=service.IMPORT_MAX_BYTES // (1024 * 1024),
        columns=service.CSV_COLUMNS,
    )


def _file_errors(exc: DomainError) -> dict[str, str]:
    """Whatever is wrong with the file is said next to the file input."""
    return {"file": " ".join(dict.fromkeys(form_errors(exc).values()))}


@get("/admin/questions/import", operation_id="page_admin_questions_import_form")
async def admin_questions_import_form(request: Request[Any, Any, Any]) -> Response[Any]:
    return _import_page(request)


@post("/admin/questions/import", operation_id="page_admin_questions_import")
async def admin_questions_import(
    request: Request[Any, Any, Any],
    data: MultipartBody[ImportUpload],
    db_session: DbSession,
    kit: Kit,
    principal: CurrentPrincipal,
) -> Response[Any]:
    upload = data.file
    filename = (upload.filename or "") if upload is not None else ""

    async def import_file() -> service.ImportReport:
        if upload is None:
            raise InvalidInput(N_("Choose a .json or .csv file to import."), field="file", rule="required")
        try:
            body = await upload.read(service.IMPORT_MAX_BYTES + 1)
        finally:
            await upload.close()
        kind = _file_kind(upload)
        if kind is None and len(body) <= service.IMPORT_MAX_BYTES:
            raise InvalidInput(N_("Only .json and .csv files can be imported."), field="file", rule="kind")
        rows = service.parse_bank(body, kind or "json")
        return await service.import_questions(db_session, kit.clock, principal, rows)

    async def again(errors: dict[str, str], status: int) -> Response[Any]:
        return _import_page(request, filename=filename, errors=errors, status=status)

    return await form_page(
        db_session,
        import_file,
        done=lambda report: _import_page(request, report=report, filename=filename),
        again=again,
        explain=_file_errors,
    )


ROUTES = [admin_questions_import_form, admin_questions_import]
