"""JSON API of the question bank (admins): create, edit into new versions, retire, search, import, export."""

from __future__ import annotations

import math
import uuid
from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, get, patch, post, put
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from exams import service
from exams.schemas import (
    AnswerIn,
    AnswerOut,
    ApplicationExamsOut,
    AttemptOut,
    AttemptQuestionOut,
    AttemptSummaryOut,
    BlueprintIn,
    BlueprintOut,
    BlueprintPatch,
    ChoiceOut,
    ExamStandingOut,
    ImportReportOut,
    ItemStatOut,
    ItemStatsOut,
    Option,
    QuestionIn,
    QuestionOut,
    QuestionPage,
    QuestionPatch,
    RejectedError,
    RejectedRowOut,
    ReviewItemOut,
    StartAttemptIn,
    Turn,
    VersionOut,
)
from exams.service import AttemptStatus, Blueprint, Question, QuestionVersion
from gigplatform.db import DbSession
from gigplatform.errors import InvalidInput
from gigplatform.security import CurrentPrincipal, Kit, admin_only, authenticated
from recruitment import service as recruitment


def question_out(question: Question, version: QuestionVersion) -> QuestionOut:
    return QuestionOut(
        question.id,
        question.code,
        version.version,
        version.id,
        question.active,
        version.category.value,
        version.type.value,
        version.difficulty,
        version.prompt,
        [Turn(**t) for t in version.dialogue],
        [Option(**o) for o in version.options],
        version.explanation,
        question.created_at,
        question.updated_at,
    )


def _input(data: QuestionIn | QuestionPatch) -> service.QuestionInput:
    values: dict[str, Any] = {}
    for name in data.__struct_fields__:
        value = getattr(data, name)
        if isinstance(value, list):
            value = [{f: getattr(item, f) for f in item.__struct_fields__} for item in value]
        values[name] = value
    return service.QuestionInput(**values)


class QuestionController(Controller):
    path = "/api/admin/questions"
    tags = ["exams: question bank"]
    guards = [admin_only]

    @post("/", operation_id="createQuestion")
    async def create(
        self, data: JSONBody[QuestionIn], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> QuestionOut:
        return question_out(*await service.create_question(db_session, kit.clock, principal, _input(data)))

    @get("/", operation_id="listQuestions")
    async def list_questions(
        self,
        db_session: DbSession,
        category: FromQuery[str | None] = None,
        type: FromQuery[str | None] = None,
        active: FromQuery[bool | None] = None,
        q: FromQuery[str | None] = None,
        limit: FromQuery[int] = 50,
        offset: FromQuery[int] = 0,
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
        return [
            VersionOut(
                v.id,
                v.version,
                v.category.value,
                v.type.value,
                v.difficulty,
                v.prompt,
                [Turn(**t) for t in v.dialogue],
                [Option(**o) for o in v.options],
                v.explanation,
                v.created_at,
            )
            for v in await service.question_versions(db_session, principal, question_id)
        ]

    @patch("/{question_id:uuid}", operation_id="updateQuestion")
    async def update(
        self,
        question_id: FromPath[uuid.UUID],
        data: JSONBody[QuestionPatch],
        db_session: DbSession,
        kit: Kit,
        principal: CurrentPrincipal,
    ) -> QuestionOut:
        return question_out(*await service.update_question(db_session, kit.clock, principal, question_id, _input(data)))

    @post("/import", operation_id="importQuestions", status_code=HTTP_200_OK)
    async def import_bank(
        self, request: Request[Any, Any, Any], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> ImportReportOut:
        """The body is the bank itself: JSON (application/json) or CSV (text/csv), as the export writes them."""
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in ("text/csv", "application/json", ""):
            raise InvalidInput("Send application/json or text/csv.", field="content-type", rule="one_of")
        rows = service.parse_bank(await request.body(), "csv" if media == "text/csv" else "json")
        report = await service.import_questions(db_session, kit.clock, principal, rows)
        return ImportReportOut(
            report.created,
            report.updated,
            report.unchanged,
            [
                RejectedRowOut(r.row, r.code, [RejectedError(e.field, e.rule, e.message) for e in r.errors])
                for r in report.rejected
            ],
        )

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


def blueprint_out(b: Blueprint) -> BlueprintOut:
    return BlueprintOut(
        b.id,
        b.title,
        b.round_id,
        b.track,
        dict(b.per_category),
        sum(b.per_category.values()),
        b.shuffle_options,
        b.time_limit_minutes,
        b.pass_mark,
        b.attempts_allowed,
        b.cooldown_hours,
        b.show_answers,
        b.partial_credit,
        b.created_at,
        b.updated_at,
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
        stats = await service.item_stats(db_session, principal, blueprint_id)
        return ItemStatsOut(
            stats.blueprint.id,
            stats.attempts,
            _score(stats.mean_score_bp),
            [
                ItemStatOut(
                    s.question.id,
                    s.question.code,
                    s.version.prompt,
                    s.version.category.value,
                    s.version.type.value,
                    s.question.active,
                    s.answered,
                    None if s.p_value is None else round(s.p_value, 4),
                    None if s.point_biserial is None else round(s.point_biserial, 4),
                    s.flag,
                )
                for s in stats.items
            ],
        )

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


def _score(score_bp: int | float | None) -> float | None:
    return None if score_bp is None else round(score_bp / 100, 2)


def _seconds_left(deadline: datetime, now: datetime) -> int:
    return max(0, math.ceil((deadline - now).total_seconds()))


def attempt_out(view: service.AttemptView, now: datetime) -> AttemptOut:
    a = view.attempt
    active = a.status == AttemptStatus.ACTIVE
    standing = view.standing
    return AttemptOut(
        a.id,
        a.application_id,
        a.blueprint_id,
        view.blueprint_title,
        list(a.tracks),
        a.number,
        a.status.value,
        a.submitted_by.value if a.submitted_by else None,
        a.started_at,
        a.deadline,
        a.submitted_at,
        now,
        _seconds_left(a.deadline, now) if active else 0,
        round((a.deadline - a.started_at).total_seconds() / 60),
        [
            AttemptQuestionOut(
                q.item.question_id,
                q.item.position,
                q.version.category.value,
                q.version.type.value,
                q.version.prompt,
                [Turn(**t) for t in q.version.dialogue],
                [ChoiceOut(o["key"], o["text"]) for o in q.options],
                list(q.item.choice_ids or []),
            )
            for q in view.questions
        ],
        _score(a.score_bp),
        a.correct_count,
        len(view.questions),
        a.pass_mark,
        a.passed,
        standing.blueprint.attempts_allowed,
        standing.attempts_left,
        standing.next_attempt_at,
        view.application_status,
        [
            ReviewItemOut(
                q.item.question_id,
                list(q.item.choice_ids or []),
                q.correct_keys,
                (q.item.credit_bp or 0) / 10000,
                q.version.explanation,
            )
            for q in view.questions
        ]
        if view.review_allowed
        else None,
    )


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
        standings = await service.exam_standings(db_session, kit.clock, application)
        attempts = sorted((a for s in standings for a in s.attempts), key=lambda a: (a.started_at, a.id))
        return ApplicationExamsOut(
            [
                ExamStandingOut(
                    s.blueprint.id,
                    s.blueprint.title,
                    s.choice.tracks,
                    s.blueprint.attempts_allowed,
                    len(s.attempts),
                    s.passed,
                    _score(s.best_score_bp),
                    s.active.id if s.active else None,
                    s.next_attempt_at,
                    application.status in recruitment.EXAM_STAGES and s.refusal() is None,
                )
                for s in standings
            ],
            [
                AttemptSummaryOut(
                    a.id,
                    a.blueprint_id,
                    a.number,
                    a.status.value,
                    a.started_at,
                    a.submitted_at,
                    _score(a.score_bp),
                    a.passed,
                )
                for a in attempts
            ],
        )

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
            saved.question_id, saved.choice_ids, saved.saved_at, _seconds_left(saved.deadline, saved.saved_at)
        )

    @post("/api/exam-attempts/{attempt_id:uuid}/submit", operation_id="submitExamAttempt", status_code=HTTP_200_OK)
    async def submit(
        self, attempt_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> AttemptOut:
        return attempt_out(await service.submit_attempt(db_session, kit.clock, principal, attempt_id), kit.clock.now())


CONTROLLERS = [QuestionController, BlueprintController, AttemptController]
