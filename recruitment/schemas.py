"""Request and response shapes of the recruitment API. Every limit (a number's range, a text's or a list's length)
is written once, here, in `msgspec.Meta`: the OpenAPI document states it, the API refuses what breaks it before the
service runs, and the verbs check the same types (`gigplatform.limits.check_fields`) for their other callers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from gigplatform.errors import N_
from gigplatform.limits import NOT_BLANK, REQUIRED, text
from gigplatform.listing import CursorPage

TrackName = Literal["pre_sales", "after_sales", "complaints"]
AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]
Quota = Annotated[int, msgspec.Meta(ge=1, le=100_000)]
MinAge = Annotated[int, msgspec.Meta(ge=16, le=100)]
MinTypingCpm = Annotated[int, msgspec.Meta(ge=0, le=600)]
MinTypingAccuracy = Annotated[int, msgspec.Meta(ge=0, le=100)]
TypingAttempts = Annotated[int, msgspec.Meta(ge=1, le=10)]
ReadingSeconds = Annotated[int, msgspec.Meta(ge=0, le=7200)]
ModuleBody = Annotated[str, msgspec.Meta(min_length=1, max_length=100_000)]

TITLE_MAX = 120
DESCRIPTION_MAX = 5000
REASON_MAX = 500
TYPED_TEXT_MAX = 5000
BULK_MAX = 500
MODULES_PER_ROUND_MAX = 50
NAME_MIN, NAME_MAX = 2, 30
ID_NUMBER_TYPED_MAX = 40  # 18 characters, typed in groups with spaces
PHONE_TYPED_MAX = 24  # +86 and 11 digits, with spaces or dashes

Title = Annotated[str, text(TITLE_MAX, pattern=NOT_BLANK)]
Description = Annotated[str, text(DESCRIPTION_MAX)]
Reason = Annotated[str, text(REASON_MAX)]
RequiredReason = Annotated[str, text(REASON_MAX, pattern=REQUIRED)]
Tracks = Annotated[list[TrackName], msgspec.Meta(min_length=1, max_length=3, extra_json_schema={"uniqueItems": True})]
ModuleIds = Annotated[
    list[uuid.UUID], msgspec.Meta(max_length=MODULES_PER_ROUND_MAX, extra_json_schema={"uniqueItems": True})
]
LegalName = Annotated[
    str,
    text(
        NAME_MAX,
        min_length=NAME_MIN,
        pattern=r"^[^\d<>{}\[\]@#$%^&*=+|\\/]*$",
        rule="format",
        message=N_("The legal name may not contain digits or symbols."),
    ),
]
IdNumber = Annotated[str, text(ID_NUMBER_TYPED_MAX, min_length=1)]
Phone = Annotated[str, text(PHONE_TYPED_MAX, min_length=1)]
BulkIds = Annotated[
    list[uuid.UUID], msgspec.Meta(min_length=1, max_length=BULK_MAX, extra_json_schema={"uniqueItems": True})
]
TypedText = Annotated[str, text(TYPED_TEXT_MAX)]


class RoundIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Title
    tracks: Tracks
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    quota: Quota
    description: Description = ""
    min_age: MinAge = 18
    min_typing_cpm: MinTypingCpm = 40
    min_typing_accuracy: MinTypingAccuracy = 90
    typing_attempts: TypingAttempts = 3
    student_preferred: bool = False
    training_module_ids: ModuleIds = msgspec.field(default_factory=list)


class RoundPatch(msgspec.Struct, forbid_unknown_fields=True):
    title: Title | None = None
    description: Description | None = None
    tracks: Tracks | None = None
    opens_at: AwareDatetime | None = None
    closes_at: AwareDatetime | None = None
    quota: Quota | None = None
    min_age: MinAge | None = None
    min_typing_cpm: MinTypingCpm | None = None
    min_typing_accuracy: MinTypingAccuracy | None = None
    typing_attempts: TypingAttempts | None = None
    student_preferred: bool | None = None
    training_module_ids: ModuleIds | None = None


class RoundOut(msgspec.Struct):
    id: uuid.UUID
    title: str
    description: str
    tracks: list[str]
    opens_at: datetime
    closes_at: datetime
    quota: int
    certified_count: int
    min_age: int
    min_typing_cpm: int
    min_typing_accuracy: int
    typing_attempts: int
    student_preferred: bool
    training_module_ids: list[uuid.UUID]
    status: str
    created_at: datetime


class ApplicationIn(msgspec.Struct):
    legal_name: LegalName
    id_number: IdNumber
    phone: Phone
    is_student: bool
    tracks: Tracks
    # The applicant's explicit consent to the processing of their ID number (sensitive personal information under
    # PIPL), given before it is collected: must be true; the time it was given is recorded on the application.
    consent: bool


class EventOut(msgspec.Struct):
    at: datetime
    from_status: str | None
    to_status: str
    actor: str
    reason: str
    reason_code: str | None = None
    reason_params: dict[str, Any] | None = None


class ApplicationOut(msgspec.Struct):
    id: uuid.UUID
    round_id: uuid.UUID
    round_title: str
    status: str
    status_reason: str
    status_reason_code: str | None
    status_reason_params: dict[str, Any] | None
    legal_name: str
    id_number_masked: str
    phone: str
    is_student: bool
    tracks: list[str]
    passed_tracks: list[str]
    typing_attempts_left: int
    identity_retry_at: datetime | None
    created_at: datetime
    updated_at: datetime
    timeline: list[EventOut] | None = None


class ApplicationAdminOut(msgspec.Struct):
    id: uuid.UUID
    round_id: uuid.UUID
    user_id: uuid.UUID
    legal_name: str
    age: int
    phone: str
    is_student: bool
    tracks: list[str]
    status: str
    status_reason: str
    created_at: datetime
    updated_at: datetime


ApplicationPage = CursorPage[ApplicationAdminOut]


class RejectIn(msgspec.Struct):
    reason: RequiredReason


class WithdrawIn(msgspec.Struct):
    reason: Reason = ""


class BulkIn(msgspec.Struct):
    ids: BulkIds
    action: Literal["advance", "reject"]
    reason: Reason = ""


class BulkItemOut(msgspec.Struct):
    id: uuid.UUID
    ok: bool
    status: str | None = None
    rule: str | None = None
    detail: str | None = None


class BulkOut(msgspec.Struct):
    results: list[BulkItemOut]
    succeeded: int
    failed: int


class TypingTestOut(msgspec.Struct):
    test_id: uuid.UUID
    passage: str
    started_at: datetime
    deadline: datetime
    time_limit_seconds: int
    attempts_left: int


class TypingSubmitIn(msgspec.Struct):
    text: TypedText


class TypingResultOut(msgspec.Struct, omit_defaults=True):
    cpm: int
    accuracy: float
    passed: bool
    min_cpm: int
    min_accuracy: int
    application_status: str
    attempts_left: int
    # why a failed attempt failed beyond speed and accuracy: "too_fast" with {cpm, max_cpm, seconds}
    failure_code: str | None = None
    failure_params: dict[str, Any] | None = None


class ModuleIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Title
    body_markdown: ModuleBody
    min_reading_seconds: ReadingSeconds
    active: bool = True


class ModulePatch(msgspec.Struct, forbid_unknown_fields=True):
    title: Title | None = None
    body_markdown: ModuleBody | None = None
    min_reading_seconds: ReadingSeconds | None = None
    active: bool | None = None


class ModuleAdminOut(msgspec.Struct):
    id: uuid.UUID
    title: str
    body_markdown: str
    min_reading_seconds: int
    active: bool
    created_at: datetime
    updated_at: datetime


class ModuleOut(msgspec.Struct):
    id: uuid.UUID
    title: str
    min_reading_seconds: int
    started_at: datetime | None
    completed_at: datetime | None
    seconds_left: int
    body_html: str | None = None


class ModuleCompletedOut(msgspec.Struct):
    module: ModuleOut
    applications_unlocked: list[uuid.UUID]


class CertificationOut(msgspec.Struct):
    track: str
    since: datetime
    round_id: uuid.UUID
    application_id: uuid.UUID
