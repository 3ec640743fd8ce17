"""JSON API of the exams: the question bank and blueprints (admins), and a candidate's attempts. Thin: each handler
parses, calls the service and shapes the reply (`replies.py`); the request's unit of work commits."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, patch, post, put
from litestar.di import Provide
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
from gigplatform.errors import InvalidInput
from gigplatform.security import CurrentPrincipal, Kit, admin_only, authenticated
from recruitment import service as recruitment


class QuestionController(Controller):
    path = "/api/admin/questions"
    tags = ["exams: question bank"]
    guards = [admin_only]

    @post("/", operation_id="createQuestion")
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

    @get("/{question_id:uuid}/versions", operation_id="listQuestionVersions")
    async def versions(
        self, question_id: FromPath[uuid.UUID], db_session: DbSession, principal: CurrentPrincipal
    ) -> list[VersionOut]:
        return [version_out(v) for v in await service.question_versions(db_session, principal, question_id)]

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

    @post("/import", operation_id="importQuestions", status_code=HTTP_200_OK)
    async def import_bank(
        self, request: Request[Any, Any, Any], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> ImportReportOut:
        """The body is the bank itself: JSON (application/json) or CSV (text/csv), as the export writes them."""
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in ("text/csv", "application/json", ""):
            raise InvalidInput("Send application/json or text/csv.", field="content-type", rule="one_of")
        rows = service.parse_bank(await request.body(), "csv" if media == "text/csv" else "json")
        return import_report_out(await service.import_questions(db_session, kit.clock, principal, rows))

    @get("/export", operation_id="exportQuestions")
    async def export(self, db_session: DbSession, format: FromQuery[str] = "json") -> Response[str]:
        if format == "csv":
            return Response(
                await service.export_csv(db_session),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="question-bank.csv"'},
            )
        if format != "json":
            raise InvalidInput("format is json or csv.", field="format", rule="one_of")
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

    @post("/", operation_id="createBlueprint")
    async def create(self, data: JSONBody[BlueprintIn], db_session: DbSession, kit: Kit) -> BlueprintOut:
        return blueprint_out(await service.create_blueprint(db_session, kit.clock, service.BlueprintInput.of(data)))

    @get("/", operation_id="listBlueprints")
    async def list_blueprints(
        self, db_session: DbSession, round_id: FromQuery[uuid.UUID | None] = None
    ) -> list[BlueprintOut]:
        return [blueprint_out(b) for b in await service.list_blueprints(db_session, round_id)]

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

    @post("/api/applications/{application_id:uuid}/exam-attempts", operation_id="startExamAttempt")
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

    @put("/api/exam-attempts/{attempt_id:uuid}/answers/{question_id:uuid}", operation_id="saveExamAnswer")
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

    @post("/api/exam-attempts/{attempt_id:uuid}/submit", operation_id="submitExamAttempt", status_code=HTTP_200_OK)
    async def submit(
        self, attempt_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> AttemptOut:
        return attempt_out(await service.submit_attempt(db_session, kit.clock, principal, attempt_id), kit.clock.now())


CONTROLLERS = [QuestionController, BlueprintController, AttemptController]
