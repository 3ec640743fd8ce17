"""Demo question bank: exams/demo_bank.json (drawn from ../shared/seeds), imported through the bank's own import,
and the open demo round's exam blueprint."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from exams.attempts import save_answer, start_attempt, submit_attempt
from exams.bank_files import import_questions, parse_json_bank
from exams.blueprints import BlueprintInput, create_blueprint, list_blueprints
from gigplatform.clock import Clock, FakeClock
from gigplatform.db import unit_of_work
from gigplatform.security import Principal
from recruitment import service as recruitment

BANK_FILE = Path(__file__).parent / "demo_bank.json"
BLUEPRINT_TITLE = "云客服岗前认证考试"


async def load(
    sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, admin: Principal, round_title: str
) -> bool:
    """Imports the demo bank and gives the open round titled `round_title` (the recruitment demo's) its blueprint,
    in one unit of work of its own; running it again changes nothing. Returns whether anything was written."""
    async with unit_of_work(sessionmaker) as session:
        report = await import_questions(session, clock, admin, parse_json_bank(BANK_FILE.read_bytes()))
        if report.rejected:
            raise RuntimeError(f"the demo bank has rejected rows: {report.rejected[:3]}")
        rounds = [r for r in await recruitment.list_rounds(session, "open") if r.title == round_title]
        made_blueprint = False
        if rounds and not await list_blueprints(session, rounds[0].id):
            await create_blueprint(
                session,
                clock,
                BlueprintInput(
                    title=BLUEPRINT_TITLE,
                    round_id=rounds[0].id,
                    per_category={"platform_rules": 10, "service_skills": 6, "scenario": 4},
                    time_limit_minutes=30,
                    pass_mark=80,
                    attempts_allowed=3,
                    cooldown_hours=24,
                    show_answers=True,
                ),
            )
            made_blueprint = True
        return bool(report.created or report.updated or made_blueprint)


async def pass_exam(session: AsyncSession, clock: FakeClock, worker: Principal, application_id: uuid.UUID) -> bool:
    """The worker sits the exam of their application and answers every question rightly, as a well-trained person
    would: the pass certifies the application's tracks through recruitment, as any pass does. Returns the pass."""
    view = await start_attempt(session, clock, worker, application_id)
    for question in view.questions:
        clock.advance(seconds=20)
        right = [o["key"] for o in question.version.options if o.get("correct")]
        await save_answer(session, clock, worker, view.attempt.id, question.item.question_id, right)
    clock.advance(seconds=30)
    return bool((await submit_attempt(session, clock, worker, view.attempt.id)).attempt.passed)
