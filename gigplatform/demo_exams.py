"""Demo question bank: exams/demo_bank.json (drawn from ../shared/seeds), imported through the bank's own import."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

import exams
from exams import service as bank
from gigplatform.security import Principal, SecurityKit

BANK_FILE = Path(exams.__file__).parent / "demo_bank.json"


async def load(session: AsyncSession, kit: SecurityKit, admin: Principal) -> bool:
    """Imports the demo bank; importing it again changes nothing. Returns whether anything was written."""
    report = await bank.import_questions(session, kit, admin, bank.parse_json_bank(BANK_FILE.read_bytes()))
    if report.rejected:
        raise RuntimeError(f"the demo bank has rejected rows: {report.rejected[:3]}")
    return bool(report.created or report.updated)
