"""The exams domain's one door: the question bank, exam blueprints, attempts and their grading, item statistics.

Everything outside the domain (the API, the pages, other domains, the shell's jobs and demo) imports from here,
never from the inner modules:
  bank         questions kept in versions, searched and retired
  bank_files   the bank exported as JSON or CSV, and such a file imported
  blueprints   how an exam is drawn and run
  standings    how a person stands with an application's exams; an attempt as its candidate sees it (pure reads)
  attempts     starting an attempt, saving answers, handing it in
  grading      grading and closing an attempt; the settling step before a read; the overdue sweep's steps
  statistics   item statistics of an exam's questions
  jobs         the timed job (`JOBS`)

Verbs take the session, the clock and the actor; they never commit (the edge's unit of work does). Reads never
write, save `settle_overdue_attempts`, which the edge calls before reading an application's exams or an attempt.
"""

from __future__ import annotations

import uuid

from litestar.di import NamedDependency
from litestar.params import FromPath

from exams.attempts import DEADLINE_PASSED, SavedAnswer, save_answer, start_attempt, submit_attempt
from exams.bank import (
    OPTION_KEYS,
    QuestionFilter,
    QuestionInput,
    access_question,
    active_counts,
    create_question,
    list_questions,
    question_versions,
    update_question,
)
from exams.bank_files import (
    BANK_FORMAT,
    CSV_COLUMNS,
    IMPORT_MAX_BYTES,
    IMPORT_MAX_ROWS,
    ImportReport,
    RejectedRow,
    export_csv,
    export_json,
    import_questions,
    parse_bank,
    parse_csv_bank,
    parse_json_bank,
)
from exams.blueprints import (
    BLUEPRINT_DEFAULTS,
    BLUEPRINT_RANGES,
    BlueprintInput,
    access_blueprint,
    create_blueprint,
    list_blueprints,
    out_of_range,
    update_blueprint,
)
from exams.grading import grade, settle_overdue_attempts
from exams.jobs import JOBS, submit_overdue_attempts
from exams.models import (
    AttemptStatus,
    Blueprint,
    ExamAttempt,
    Question,
    QuestionCategory,
    QuestionType,
    QuestionVersion,
    SubmittedBy,
)
from exams.schemas import OFFSET_MAX, BlueprintIn, BlueprintPatch, Option, QuestionIn, Turn
from exams.standings import (
    AttemptQuestion,
    AttemptView,
    ExamChoice,
    ExamStanding,
    access_attempt,
    attempt_questions,
    attempt_view,
    exam_standings,
    format_score,
    running_attempt,
)
from exams.statistics import FLAG_MIN_ANSWERED, ItemStat, ItemStats, item_stats
from gigplatform.db import DbSession
from gigplatform.security import CurrentPrincipal

AccessedAttempt = NamedDependency[ExamAttempt]
"""A handler parameter `attempt: AccessedAttempt`, with `dependencies={"attempt": Provide(provide_attempt)}`."""
AccessedBlueprint = NamedDependency[Blueprint]
"""A handler parameter `blueprint: AccessedBlueprint`, with `dependencies={"blueprint": Provide(provide_blueprint)}`."""


async def provide_attempt(
    attempt_id: FromPath[uuid.UUID], db_session: DbSession, principal: CurrentPrincipal
) -> ExamAttempt:
    """Dependency for handlers with an `{attempt_id}` path: the caller's attempt, or the one 404."""
    return await access_attempt(db_session, principal, attempt_id)


async def provide_blueprint(
    blueprint_id: FromPath[uuid.UUID], db_session: DbSession, principal: CurrentPrincipal
) -> Blueprint:
    """Dependency for handlers with a `{blueprint_id}` path: the blueprint (admins), or the one 404."""
    return await access_blueprint(db_session, principal, blueprint_id)


__all__ = [
    "BANK_FORMAT",
    "BLUEPRINT_DEFAULTS",
    "BLUEPRINT_RANGES",
    "CSV_COLUMNS",
    "DEADLINE_PASSED",
    "FLAG_MIN_ANSWERED",
    "IMPORT_MAX_BYTES",
    "IMPORT_MAX_ROWS",
    "JOBS",
    "OFFSET_MAX",
    "OPTION_KEYS",
    "AccessedAttempt",
    "AccessedBlueprint",
    "AttemptQuestion",
    "AttemptStatus",
    "AttemptView",
    "Blueprint",
    "BlueprintIn",
    "BlueprintInput",
    "BlueprintPatch",
    "ExamAttempt",
    "ExamChoice",
    "ExamStanding",
    "ImportReport",
    "ItemStat",
    "ItemStats",
    "Option",
    "Question",
    "QuestionCategory",
    "QuestionFilter",
    "QuestionIn",
    "QuestionInput",
    "QuestionType",
    "QuestionVersion",
    "RejectedRow",
    "SavedAnswer",
    "SubmittedBy",
    "Turn",
    "access_attempt",
    "access_blueprint",
    "access_question",
    "active_counts",
    "attempt_questions",
    "attempt_view",
    "create_blueprint",
    "create_question",
    "exam_standings",
    "export_csv",
    "export_json",
    "format_score",
    "grade",
    "import_questions",
    "item_stats",
    "list_blueprints",
    "list_questions",
    "out_of_range",
    "parse_bank",
    "parse_csv_bank",
    "parse_json_bank",
    "provide_attempt",
    "provide_blueprint",
    "question_versions",
    "running_attempt",
    "save_answer",
    "settle_overdue_attempts",
    "start_attempt",
    "submit_attempt",
    "submit_overdue_attempts",
    "update_blueprint",
    "update_question",
]
