"""CSV files people open in spreadsheet programs: UTF-8 with a byte-order mark (so the Chinese reads right) and
every text cell kept as text (so a value such as `=HYPERLINK(...)` is never run as a formula)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @ (or a tab or carriage return) is prefixed with
    an apostrophe so it stays text."""
    return "'" + value if value[:1] in _FORMULA_STARTS else value


def csv_document(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The rows under `header` as CSV text with a BOM; text cells pass through `csv_safe`, numbers stay numbers."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(cell) if isinstance(cell, str) else cell for cell in row])
    return out.getvalue()
