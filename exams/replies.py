"""How the exams API shapes its replies: the domain's objects as the response Structs of `schemas.py`."""

from __future__ import annotations

import math
from datetime import datetime

from exams import service
from exams.schemas import (
    ApplicationExamsOut,
    AttemptOut,
    AttemptQuestionOut,
    AttemptSummaryOut,
    BlueprintOut,
    ChoiceOut,
    ExamStandingOut,
    ImportReportOut,
    ItemStatOut,
    ItemStatsOut,
    Option,
    QuestionOut,
    RejectedError,
    RejectedRowOut,
    ReviewItemOut,
    Turn,
    VersionOut,
)
from exams.service import AttemptStatus, Blueprint, Question, QuestionVersion
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


def version_out(v: QuestionVersion) -> VersionOut:
    return VersionOut(
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


def import_report_out(report: service.ImportReport) -> ImportReportOut:
    return ImportReportOut(
        report.created,
        report.updated,
        report.unchanged,
        [
            RejectedRowOut(r.row, r.code, [RejectedError(e.field, e.rule, e.message) for e in r.errors])
            for r in report.rejected
        ],
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


def score(score_bp: int | float | None) -> float | None:
    return None if score_bp is None else round(score_bp / 100, 2)


def seconds_left(deadline: datetime, now: datetime) -> int:
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
        seconds_left(a.deadline, now) if active else 0,
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
        score(a.score_bp),
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


def item_stats_out(stats: service.ItemStats) -> ItemStatsOut:
    return ItemStatsOut(
        stats.blueprint.id,
        stats.attempts,
        score(stats.mean_score_bp),
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


def exam_overview_out(
    application: recruitment.Application, standings: list[service.ExamStanding]
) -> ApplicationExamsOut:
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
                score(s.best_score_bp),
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
                score(a.score_bp),
                a.passed,
            )
            for a in attempts
        ],
    )
