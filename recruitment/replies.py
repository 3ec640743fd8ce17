"""How the recruitment API shapes its replies: the domain's objects as the response Structs of `schemas.py`."""

from __future__ import annotations

import uuid

from gigplatform.db import DbSession
from gigplatform.security import FieldCipher
from recruitment import service
from recruitment.schemas import (
    ApplicationAdminOut,
    ApplicationOut,
    BulkItemOut,
    BulkOut,
    EventOut,
    ModuleAdminOut,
    ModuleOut,
    RoundOut,
    TypingResultOut,
    TypingTestOut,
)
from recruitment.service import Application, ApplicationEvent, Round, TrainingModule


def round_out(round_: Round, module_ids: list[uuid.UUID]) -> RoundOut:
    return RoundOut(
        round_.id,
        round_.title,
        round_.description,
        list(round_.tracks),
        round_.opens_at,
        round_.closes_at,
        round_.quota,
        round_.certified_count,
        round_.min_age,
        round_.min_typing_cpm,
        round_.min_typing_accuracy,
        round_.typing_attempts,
        round_.student_preferred,
        module_ids,
        round_.status.value,
        round_.created_at,
    )


async def rounds_out(session: DbSession, rounds: list[Round]) -> list[RoundOut]:
    modules = await service.round_module_ids(session, [r.id for r in rounds])
    return [round_out(r, modules[r.id]) for r in rounds]


def application_out(
    application: Application, round_: Round, cipher: FieldCipher, events: list[ApplicationEvent] | None = None
) -> ApplicationOut:
    return ApplicationOut(
        id=application.id,
        round_id=round_.id,
        round_title=round_.title,
        status=application.status.value,
        status_reason=application.status_reason,
        status_reason_code=application.status_reason_code,
        status_reason_params=application.status_reason_params,
        legal_name=application.legal_name,
        id_number_masked=service.shown_id_number(cipher, application),
        phone=application.phone,
        is_student=application.is_student,
        tracks=list(application.tracks),
        passed_tracks=list(application.passed_tracks or []),
        typing_attempts_left=service.typing_attempts_left(application, round_),
        identity_retry_at=application.identity_retry_at,
        created_at=application.created_at,
        updated_at=application.updated_at,
        timeline=None
        if events is None
        else [
            EventOut(
                e.at,
                e.from_status.value if e.from_status else None,
                e.to_status.value,
                e.actor.value,
                e.reason,
                e.reason_code,
                e.reason_params,
            )
            for e in events
        ],
    )


def admin_application_out(application: service.ReviewRow) -> ApplicationAdminOut:
    return ApplicationAdminOut(
        application.id,
        application.round_id,
        application.user_id,
        application.legal_name,
        application.age_at_application,
        application.phone,
        application.is_student,
        list(application.tracks),
        application.status.value,
        application.status_reason,
        application.created_at,
        application.updated_at,
    )


def module_admin_out(module: TrainingModule) -> ModuleAdminOut:
    return ModuleAdminOut(
        module.id,
        module.title,
        module.body_markdown,
        module.min_reading_seconds,
        module.active,
        module.created_at,
        module.updated_at,
    )


def module_out(progress: service.ModuleProgress, with_body: bool = False) -> ModuleOut:
    return ModuleOut(
        progress.module.id,
        progress.module.title,
        progress.module.min_reading_seconds,
        progress.started_at,
        progress.completed_at,
        progress.seconds_left,
        progress.body_html if with_body else None,
    )


def typing_test_out(outcome: service.TypingOutcome) -> TypingTestOut:
    test = outcome.test
    return TypingTestOut(
        test.id,
        test.passage,
        test.started_at,
        test.deadline,
        int(service.TYPING_TIME_LIMIT.total_seconds()),
        outcome.attempts_left,
    )


def typing_result_out(outcome: service.TypingOutcome, round_: Round) -> TypingResultOut:
    test = outcome.test
    return TypingResultOut(
        test.cpm or 0,
        (test.accuracy_bp or 0) / 100,
        bool(test.passed),
        round_.min_typing_cpm,
        round_.min_typing_accuracy,
        outcome.application.status.value,
        outcome.attempts_left,
        test.failure_code,
        test.failure_params,
    )


def bulk_out(results: list[service.BulkResult]) -> BulkOut:
    items = [BulkItemOut(r.id, r.ok, r.status, r.rule, r.detail) for r in results]
    ok = sum(r.ok for r in results)
    return BulkOut(items, ok, len(results) - ok)
