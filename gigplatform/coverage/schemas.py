"""Request and reply shapes of the coverage API; limits written once, in `msgspec.Meta`."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from gigplatform.coverage.pricing import MAX_DAILY_DATES
from gigplatform.limits import VISIBLE, text

TrackName = Literal["pre_sales", "after_sales", "complaints"]
KindName = Literal["daily", "monthly", "volume"]
Fen = Annotated[int, msgspec.Meta(ge=0, le=1_000_000_000)]
PackageName = Annotated[str, text(60, min_length=1, pattern=VISIBLE)]
FirstHour = Annotated[int, msgspec.Meta(ge=0, le=23)]
LastHour = Annotated[int, msgspec.Meta(ge=1, le=24)]
Tracks = Annotated[list[TrackName], msgspec.Meta(min_length=1, max_length=3, extra_json_schema={"uniqueItems": True})]
Conversations = Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]
ValidityDays = Annotated[int, msgspec.Meta(ge=1, le=366)]
MAX_QUOTE_DATES = MAX_DAILY_DATES  # the pricing's own limit, so the document and the rule cannot drift


class PackageIn(msgspec.Struct, forbid_unknown_fields=True):
    name: PackageName
    kind: KindName
    first_hour: FirstHour
    last_hour: LastHour
    tracks: Tracks
    base_fen: Fen
    night_surcharge_fen: Fen | None = None
    holiday_surcharge_fen: Fen | None = None
    conversations: Conversations | None = None
    validity_days: ValidityDays | None = None
    active: bool = True


class PackagePatch(msgspec.Struct, forbid_unknown_fields=True):
    """What an admin may change; the kind stays (a quote or order made from the package keeps its own copy)."""

    name: PackageName | msgspec.UnsetType = msgspec.UNSET
    first_hour: FirstHour | msgspec.UnsetType = msgspec.UNSET
    last_hour: LastHour | msgspec.UnsetType = msgspec.UNSET
    tracks: Tracks | msgspec.UnsetType = msgspec.UNSET
    base_fen: Fen | msgspec.UnsetType = msgspec.UNSET
    night_surcharge_fen: Fen | msgspec.UnsetType | None = msgspec.UNSET
    holiday_surcharge_fen: Fen | msgspec.UnsetType | None = msgspec.UNSET
    conversations: Conversations | msgspec.UnsetType = msgspec.UNSET
    validity_days: ValidityDays | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class PackageOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    kind: str
    first_hour: int
    last_hour: int
    tracks: list[str]
    base_fen: int
    night_surcharge_fen: int | None
    holiday_surcharge_fen: int | None
    conversations: int | None
    validity_days: int | None
    active: bool
    created_at: datetime
    updated_at: datetime


class QuoteOptionsIn(msgspec.Struct, forbid_unknown_fields=True):
    night: bool = False
    holidays: bool = False


class QuoteIn(msgspec.Struct, forbid_unknown_fields=True):
    package_id: uuid.UUID
    start_date: date
    dates: Annotated[list[date], msgspec.Meta(max_length=MAX_QUOTE_DATES)] | None = None
    options: QuoteOptionsIn = msgspec.field(default_factory=QuoteOptionsIn)
    expected_daily_conversations: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] | None = None


class QuoteLineOut(msgspec.Struct):
    kind: str
    quantity: int
    unit_fen: int
    amount_fen: int
    date: date | None = None
    holiday: str | None = None
    provisional: bool = False


class QuoteOut(msgspec.Struct):
    quote_id: uuid.UUID
    shop_id: uuid.UUID
    package_id: uuid.UUID
    package_name: str
    kind: str
    starts_on: date
    ends_on: date
    lines: list[QuoteLineOut]
    total_fen: int
    valid_until: datetime
    provisional: bool
    night: bool
    holidays: bool
