"""Demo question bank: exams/demo_bank.json (drawn from ../shared/seeds), imported through the bank's own import,
and the open demo round's exam blueprint."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from exams.bank_files import import_questions, parse_json_bank
from exams.blueprints import BlueprintInput, create_blueprint, list_blueprints
from gigplatform.clock import Clock
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
