"""Core column types: UUIDv7 ids sort by creation, UTC datetimes refuse naive values and come back aware."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gigplatform.db import UTCDateTime, uuid7


def test_uuid7_is_version_7_unique_and_increasing_within_a_millisecond() -> None:
    ids = [uuid7() for _ in range(20_000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {i.version for i in ids} == {7} and ids[0].variant == "specified in RFC 4122"


def test_utc_datetime_refuses_naive_values() -> None:
    column = UTCDateTime()

    class Dialect:
        name = "sqlite"

    with pytest.raises(ValueError, match="naive"):
        column.process_bind_param(datetime(2026, 3, 2, 9, 0), Dialect())  # type: ignore[arg-type]
    stored = column.process_bind_param(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), Dialect())  # type: ignore[arg-type]
    assert column.process_result_value(stored, Dialect()) == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # type: ignore[arg-type]
