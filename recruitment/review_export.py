"""The review list as a CSV file, streamed: the rows the filters select, in the list's order, read by one query
per status (or student flag) group in batches, so neither the statements nor the memory grow with the round.

The file holds the listed columns only (no ID number, not even masked: a spreadsheet travels further than the
page). It starts with a byte order mark so spreadsheet programs read the Chinese right, and no cell can become a
formula. The edge chooses the words (`CsvWords`): the pages write the admin's language and Beijing time to the
minute; the JSON API writes the stable codes and ISO instants a program reads.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from recruitment.models import Round
from recruitment.review_list import (
    A,
    ApplicationFilter,
    check_filter,
    filtered,
    groups_of,
    key_range,
    ordering_for,
)
from recruitment.rounds import round_by_id

BATCH = 1000
CSV_COLUMNS = ("id", "legal_name", "age", "phone", "is_student", "tracks", "status", "status_reason", "created_at")


@dataclass(frozen=True)
class CsvWords:
    """How the file says things: its header row (one per `CSV_COLUMNS`), a word for a code (a status, a track,
    "yes"/"no"), a status reason from its text, code and params, and an instant."""

    headers: Sequence[str] = CSV_COLUMNS
    word: Callable[[str], str] = str
    reason: Callable[[str, str | None, dict[str, Any] | None], str] = lambda text, _code, _params: text
    when: Callable[[datetime], str] = datetime.isoformat


CODES = CsvWords()


def _csv_safe(value: str) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @ (or a tab or return) is prefixed so it stays
    text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# What the file holds, in CSV_COLUMNS order (the status reason from its text, code and params).
EXPORTED = (
    A.id,
    A.legal_name,
    A.age_at_application,
    A.phone,
    A.is_student,
    A.tracks,
    A.status,
    A.status_reason,
    A.status_reason_code,
    A.status_reason_params,
    A.created_at,
)


def _cells(values: Any, words: CsvWords) -> list[Any]:
    # by position: a row's columns looked up by name cost more than writing the row
    application_id, name, age, phone, student, tracks, status, reason, code, params, created_at = values
    return [
        application_id,
        _csv_safe(name),
        age,
        phone,
        words.word("yes" if student else "no"),
        " ".join(words.word(t) for t in tracks),
        words.word(status.value),
        _csv_safe(words.reason(reason, code, params)),
        words.when(created_at),
    ]


async def check_export(session: AsyncSession, round_id: uuid.UUID, filters: ApplicationFilter) -> Round:
    """The round, once what the export would refuse (an unknown round is a 404, a bad filter a 422) is refused
    before a byte is sent: once a streamed reply has begun, its status cannot change."""
    round_ = await round_by_id(session, round_id)
    check_filter(filters)
    return round_


async def export_csv(
    session: AsyncSession, round_id: uuid.UUID, filters: ApplicationFilter, words: CsvWords = CODES
) -> AsyncIterator[str]:
    """The CSV text in pieces of about `BATCH` rows. Run it inside one read transaction (its own unit of work:
    a streamed reply outlives the request's)."""
    round_ = await round_by_id(session, round_id)
    check_filter(filters)
    _name, ordering = ordering_for(round_, filters)
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(words.headers)
    base = filtered(round_id, filters, *EXPORTED)
    parts = [base.where(ordering.group == value) for _n, value in groups_of(ordering, filters)] or [base]
    for part in parts:
        query = key_range(part, ordering, None, not ordering.descending).execution_options(yield_per=BATCH)
        result = await session.stream(query)
        async for batch in result.partitions():
            writer.writerows(_cells(values, words) for values in batch)
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    if out.tell():
        yield out.getvalue()
