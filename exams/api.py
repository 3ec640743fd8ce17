"""JSON API of the exams: the question bank and blueprints (admins), and a candidate's attempts. Thin: each handler
parses, calls the service and shapes the reply (`replies.py`); the request's unit of work commits."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from litestar import Controller, Request, Response, get, patch, post, put
from litestar.di import Provide
from litestar.openapi.spec import Schema
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from exams import service
from exams.replies import (
    attempt_out,
    blueprint_out,
    exam_overview_out,
    import_report_out,
    item_stats_out,
    question_out,
    seconds_left,
    version_out,
)
from exams.schemas import (
    AnswerIn,
    AnswerOut,
    ApplicationExamsOut,
    AttemptOut,
    BlueprintIn,
    BlueprintOut,
    BlueprintPatch,
    ImportReportOut,
    ItemStatsOut,
    Limit,
    Offset,
    QuestionIn,
    QuestionOut,
    QuestionPage,
    QuestionPatch,
    Search,
    StartAttemptIn,
    VersionOut,
)
from gigplatform.db import DbSession
from gigplatform.errors import UnsupportedMediaType
from gigplatform.listing import WINDOW, Page, Paged, page_of
from gigplatform.openapi import Content, conflict, forbidden
from gigplatform.security import CurrentPrincipal, Kit, admin_only, authenticated
from recruitment import service as recruitment


def _object(required: list[str] | None = None, **properties: Schema) -> Schema:
    return Schema(type="object", properties=properties, required=required)


_TEXT, _INT, _BOOL = Schema(type="string"), Schema(type="integer"), Schema(type="boolean")
BANK_QUESTION = _object(
    ["code", "category", "type", "difficulty", "prompt", "dialogue", "options", "explanation", "active"],
    code=_TEXT,
    category=Schema(type="string", enum=["platform_rules", "service_skills", "scenario"]),
    type=Schema(type="string", enum=["single", "multiple", "true_false", "scenario"]),
    difficulty=_INT,
    prompt=_TEXT,
    dialogue=Schema(type="array", items=_object(["speaker", "text"], speaker=_TEXT, text=_TEXT)),
    options=Schema(type="array", items=_object(["key", "text", "correct"], key=_TEXT, text=_TEXT, correct=_BOOL)),
    explanation=_TEXT,
    active=_BOOL,
)
CSV = Schema(type="string", description="UTF-8 with a byte-order mark; one question a row, in the export's columns.")
BANK_EXPORT = Content(
    {
        "application/json": _object(
            ["format", "version", "questions"],
            format=Schema(const=service.BANK_FORMAT),
            version=_INT,
            questions=Schema(type="array", items=BANK_QUESTION),
        ),
        "text/csv": CSV,
    },
    "The whole bank as a file: JSON (`format=json`) or CSV (`format=csv`).",
)
_ROWS = Schema(
    type="array",
    max_items=service.IMPORT_MAX_ROWS,
    items=Schema(description="A question as the export writes it; a row breaking a rule is reported, not refused."),
)
BANK_IMPORT = Content(
    {
        "application/json": Schema(
            one_of=[_object(["format", "questions"], format=Schema(const=service.BANK_FORMAT), questions=_ROWS), _ROWS]
        ),
        "text/csv": CSV,
    },
    "A bank file as the export writes it (or just its list of questions). Each row is checked on its own: the reply "
    "reports the rows created, updated, unchanged and rejected (with each rejected row's field and rule).",
)


class QuestionController(Controller):
    path = "/api/admin/questions"
    tags = ["exams: question bank"]
    guards = [admin_only]

    @post("/", operation_id="createQuestion", responses=conflict("unique"))
    async def create(
        self, data: JSONBody[QuestionIn], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> QuestionOut:
        return question_out(
            *await service.create_question(db_session, kit.clock, principal, service.QuestionInput.of(data))
        )

    @get("/", operation_id="listQuestions")
    async def list_questions(
        self,
        db_session: DbSession,
        category: FromQuery[str | None] = None,
        type: FromQuery[str | None] = None,
        active: FromQuery[bool | None] = None,
        q: Search = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> QuestionPage:
        filters = service.QuestionFilter(category, type, active, q, limit, offset)
        rows, total = await service.list_questions(db_session, filters)
        return QuestionPage([question_out(qn, v) for qn, v in rows], total, limit, offset)

    @get("/{question_id:uuid}", operation_id="getQuestion")
    async def show(
        self, question_id: FromPath[uuid.UUID], db_session: DbSession, principal: CurrentPrincipal
    ) -> QuestionOut:
        return question_out(*await service.access_question(db_session, principal, question_id))

    @get("/{question_id:uuid}/versions", operation_id="listQuestionVersions", dependencies=WINDOW)
    async def versions(
        self, question_id: FromPath[uuid.UUID], db_session: DbSession, principal: CurrentPrincipal, window: Paged
    ) -> Page[VersionOut]:
        found = await service.question_versions(db_session, principal, question_id)
        return page_of([version_out(v) for v in found], window)

    @patch("/{question_id:uuid}", operation_id="updateQuestion")
    async def update(
        self,
        question_id: FromPath[uuid.UUID],
        data: JSONBody[QuestionPatch],
        db_session: DbSession,
        kit: Kit,
        principal: CurrentPrincipal,
    ) -> QuestionOut:
        return question_out(
            *await service.update_question(
                db_session, kit.clock, principal, question_id, service.QuestionInput.of(data)
            )
        )

    @post("/import", operation_id="importQuestions", status_code=HTTP_200_OK, opt={"request_body": BANK_IMPORT})
    async def import_bank(
        self, request: Request[Any, Any, Any], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> ImportReportOut:
        """The body is the bank itself: JSON (application/json) or CSV (text/csv), as the export writes them."""
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in ("text/csv", "application/json", ""):
            raise UnsupportedMediaType("Send application/json or text/csv.", field="content-type", rule="media_type")
        rows = service.parse_bank(await request.body(), "csv" if media == "text/csv" else "json")
        return import_report_out(await service.import_questions(db_session, kit.clock, principal, rows))

    @get("/export", operation_id="exportQuestions", opt={"reply": BANK_EXPORT})
    async def export(self, db_session: DbSession, format: FromQuery[Literal["json", "csv"]] = "json") -> Response[str]:
        if format == "csv":
            return Response(
                await service.export_csv(db_session),
                media_type="text/csv",
                headers={"Content-Disposition": 'attachment; filename="question-bank.csv"'},
            )
        return Response(
            await service.export_json(db_session),
            media_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="question-bank.json"'},
        )


class BlueprintController(Controller):
    """Exam blueprints: how many questions of each category, and how the exam runs."""

    path = "/api/admin/exams"
    tags = ["exams: blueprints"]
    guards = [admin_only]

    @post("/", operation_id="createBlueprint", responses=conflict("unique"))
    async def create(self, data: JSONBody[BlueprintIn], db_session: DbSession, kit: Kit) -> BlueprintOut:
        return blueprint_out(await service.create_blueprint(db_session, kit.clock, service.BlueprintInput.of(data)))

    @get("/", operation_id="listBlueprints", dependencies=WINDOW)
    async def list_blueprints(
        self, db_session: DbSession, window: Paged, round_id: FromQuery[uuid.UUID | None] = None
    ) -> Page[BlueprintOut]:
        return page_of([blueprint_out(b) for b in await service.list_blueprints(db_session, round_id)], window)

    @get(
        "/{blueprint_id:uuid}",
        operation_id="getBlueprint",
        dependencies={"blueprint": Provide(service.provide_blueprint)},
    )
    async def show(self, blueprint: service.AccessedBlueprint) -> BlueprintOut:
        return blueprint_out(blueprint)

    @get("/{blueprint_id:uuid}/item-stats", operation_id="blueprintItemStats")
    async def item_stats(
        self, blueprint_id: FromPath[uuid.UUID], db_session: DbSession, principal: CurrentPrincipal
    ) -> ItemStatsOut:
        """Which questions tell strong candidates from weak ones, and which are too easy or too hard."""
        return item_stats_out(await service.item_stats(db_session, principal, blueprint_id))

    @patch("/{blueprint_id:uuid}", operation_id="updateBlueprint")
    async def update(
        self,
        blueprint_id: FromPath[uuid.UUID],
        data: JSONBody[BlueprintPatch],
        db_session: DbSession,
        kit: Kit,
        principal: CurrentPrincipal,
    ) -> BlueprintOut:
        changes = service.BlueprintInput.of(data)
        return blueprint_out(await service.update_blueprint(db_session, kit.clock, principal, blueprint_id, changes))


class AttemptController(Controller):
    """A candidate's exam: start it from the application, answer as they go, hand it in, read the result."""

    tags = ["exams: attempts"]
    guards = [authenticated]

    @post(
        "/api/applications/{application_id:uuid}/exam-attempts",
        operation_id="startExamAttempt",
        responses={
            **forbidden("Only the applicant takes their exam."),
            **conflict(
                "not_at_exam",
                "missing",
                "one_active",
                "not_enough_questions",
                "already_passed",
                "none_left",
                "cooldown",
                retry_at=datetime,
                attempt_id=uuid.UUID,
            ),
        },
    )
    async def start(
        self,
        application_id: FromPath[uuid.UUID],
        db_session: DbSession,
        kit: Kit,
        principal: CurrentPrincipal,
        data: JSONBody[StartAttemptIn | None] = None,
    ) -> Response[AttemptOut]:
        view = await service.start_attempt(
            db_session, kit.clock, principal, application_id, data.track if data is not None else None
        )
        return Response(attempt_out(view, kit.clock.now()), status_code=HTTP_201_CREATED)

    @get("/api/applications/{application_id:uuid}/exam-attempts", operation_id="listExamAttempts")
    async def overview(
        self, application_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> ApplicationExamsOut:
        """An overdue attempt is handed in first, then the exams are read."""
        application = await recruitment.access_application(db_session, principal, application_id)
        await service.settle_overdue_attempts(db_session, kit.clock, application.user_id)
        return exam_overview_out(application, await service.exam_standings(db_session, kit.clock, application))

    @get(
        "/api/exam-attempts/{attempt_id:uuid}",
        operation_id="getExamAttempt",
        dependencies={"attempt": Provide(service.provide_attempt)},
    )
    async def show(self, attempt: service.AccessedAttempt, db_session: DbSession, kit: Kit) -> AttemptOut:
        """The attempt, handed in first if its time ran out while nobody was looking."""
        await service.settle_overdue_attempts(db_session, kit.clock, attempt.user_id)
        return attempt_out(await service.attempt_view(db_session, kit.clock, attempt), kit.clock.now())

    @put(
        "/api/exam-attempts/{attempt_id:uuid}/answers/{question_id:uuid}",
        operation_id="saveExamAnswer",
        responses={**forbidden("Only the candidate answers."), **conflict("submitted", "passed")},
    )
    async def answer(
        self,
        attempt_id: FromPath[uuid.UUID],
        question_id: FromPath[uuid.UUID],
        data: JSONBody[AnswerIn],
        db_session: DbSession,
        kit: Kit,
        principal: CurrentPrincipal,
    ) -> AnswerOut:
        saved = await service.save_answer(db_session, kit.clock, principal, attempt_id, question_id, data.choice_ids)
        return AnswerOut(
            saved.question_id, saved.choice_ids, saved.saved_at, seconds_left(saved.deadline, saved.saved_at)
        )

    @post(
        "/api/exam-attempts/{attempt_id:uuid}/submit",
        operation_id="submitExamAttempt",
        status_code=HTTP_200_OK,
        responses=forbidden("Only the candidate submits."),
    )
    async def submit(
        self, attempt_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> AttemptOut:
        return attempt_out(await service.submit_attempt(db_session, kit.clock, principal, attempt_id), kit.clock.now())


CONTROLLERS = [QuestionController, BlueprintController, AttemptController]
