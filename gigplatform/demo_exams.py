"""Demo question bank: exams/demo_bank.json (drawn from ../shared/seeds), imported through the bank's own import."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

import exams
from exams import service as bank
from gigplatform.security import Principal, SecurityKit
from recruitment import demo as demo_recruitment
from recruitment import service as recruitment

BANK_FILE = Path(exams.__file__).parent / "demo_bank.json"


BLUEPRINT_TITLE = "云客服岗前认证考试"


async def load(session: AsyncSession, kit: SecurityKit, admin: Principal) -> bool:
    """Imports the demo bank and gives the open demo round its blueprint; running it again changes nothing.
    Returns whether anything was written."""
    report = await bank.import_questions(session, kit, admin, bank.parse_json_bank(BANK_FILE.read_bytes()))
    if report.rejected:
        raise RuntimeError(f"the demo bank has rejected rows: {report.rejected[:3]}")
    rounds = [r for r in await recruitment.list_rounds(session, "open") if r.title == demo_recruitment.ROUND_TITLE]
    made_blueprint = False
    if rounds and not await bank.list_blueprints(session, rounds[0].id):
        await bank.create_blueprint(
            session,
            kit,
            bank.BlueprintInput(
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
