"""Request and response shapes of the exams API. Every limit is written once, here, in `msgspec.Meta` (so the
OpenAPI document states it); the bank checks an imported row, which brings no Struct, with the same numbers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar.params import Parameter

from gigplatform.errors import N_
from gigplatform.limits import NOT_BLANK, text

Category = Literal["platform_rules", "service_skills", "scenario"]
Kind = Literal["single", "multiple", "true_false", "scenario"]


PAGE_LIMIT_MAX = 500
OFFSET_MAX = 2**31 - 1
"""A list's page size and how far it may skip: far past any bank, and inside every database's integer (a larger
OFFSET is a 500 on PostgreSQL and SQLite alike), so a hostile number is a 422 naming the parameter."""
SEARCH_MAX = 200  # longer than any code, and a prompt is searched by a phrase of it

# Query parameters with their bounds (Litestar reads a query parameter's limits from its `Parameter`).
Limit = Annotated[int, Parameter(ge=1, le=PAGE_LIMIT_MAX)]
Offset = Annotated[int, Parameter(ge=0, le=OFFSET_MAX)]
Search = Annotated[str | None, Parameter(max_length=SEARCH_MAX)]


OPTIONS_MIN, OPTIONS_MAX = 2, 6
OPTION_KEY_MAX = 8
TEXT_MAX = 500  # an option's or a dialogue turn's text
PROMPT_MAX = 2000
EXPLANATION_MAX = 2000
DIALOGUE_MAX = 12
CODE_MAX = 40
DIFFICULTY = (1, 5)
CODE_PATTERN = r"^[\w.-]+$"  # letters (any script), digits, '_', '-' and '.'

Code = Annotated[
    str,
    text(
        CODE_MAX,
        min_length=1,
        pattern=CODE_PATTERN,
        rule="format",
        message=N_("The code is 1 to 40 letters, digits, '-', '_' or '.'."),
    ),
]
Prompt = Annotated[str, text(PROMPT_MAX)]  # a blank one is the bank's rule, reported with the others
Explanation = Annotated[str, text(EXPLANATION_MAX)]
TurnText = Annotated[str, text(TEXT_MAX)]  # a blank one breaks the bank's rule "format"
Difficulty = Annotated[int, msgspec.Meta(ge=DIFFICULTY[0], le=DIFFICULTY[1])]


class Turn(msgspec.Struct, forbid_unknown_fields=True):
    speaker: Literal["buyer", "agent"]
    text: TurnText


class Option(msgspec.Struct, forbid_unknown_fields=True):
    key: Annotated[str, text(OPTION_KEY_MAX, min_length=1)]
    text: TurnText
    correct: bool


Options = Annotated[list[Option], msgspec.Meta(max_length=OPTIONS_MAX)]  # how few depends on the type: "count"
Dialogue = Annotated[list[Turn], msgspec.Meta(max_length=DIALOGUE_MAX)]


class QuestionIn(msgspec.Struct, forbid_unknown_fields=True):
    category: Category
    type: Kind
    difficulty: Difficulty
    prompt: Prompt
    options: Options
    code: Code | None = None
    dialogue: Dialogue = msgspec.field(default_factory=list)
    explanation: Explanation = ""
    active: bool = True


class QuestionPatch(msgspec.Struct, forbid_unknown_fields=True):
    category: Category | None = None
    type: Kind | None = None
    difficulty: Difficulty | None = None
    prompt: Prompt | None = None
    options: Options | None = None
    dialogue: Dialogue | None = None
    explanation: Explanation | None = None
    active: bool | None = None


class QuestionOut(msgspec.Struct):
    id: uuid.UUID
    code: str
    version: int
    version_id: uuid.UUID
    active: bool
    category: str
    type: str
    difficulty: int
    prompt: str
    dialogue: list[Turn]
    options: list[Option]
    explanation: str
    created_at: datetime
    updated_at: datetime


class QuestionPage(msgspec.Struct):
    items: list[QuestionOut]
    total: int
    limit: int
    offset: int


class VersionOut(msgspec.Struct):
    id: uuid.UUID
    version: int
    category: str
    type: str
    difficulty: int
    prompt: str
    dialogue: list[Turn]
    options: list[Option]
    explanation: str
    created_at: datetime


class RejectedError(msgspec.Struct):
    field: str
    rule: str
    message: str


class RejectedRowOut(msgspec.Struct):
    row: int
    code: str | None
    errors: list[RejectedError]


class ImportReportOut(msgspec.Struct):
    created: int
    updated: int
    unchanged: int
    rejected: list[RejectedRowOut]


BLUEPRINT_RANGES = {
    "time_limit_minutes": (1, 240),
    "pass_mark": (1, 100),
    "attempts_allowed": (1, 10),
    "cooldown_hours": (0, 720),
}
"""A blueprint's settings and their ranges, written once: the Structs below carry them, the service checks them
for callers that bring no Struct, and the editor shows them."""


def _within(name: str) -> msgspec.Meta:
    low, high = BLUEPRINT_RANGES[name]
    return msgspec.Meta(ge=low, le=high)


TITLE_MAX = 120
PER_CATEGORY_MAX = 200
Title = Annotated[str, text(TITLE_MAX, pattern=NOT_BLANK)]
PerCategory = Annotated[int, msgspec.Meta(ge=0, le=PER_CATEGORY_MAX)]
TimeLimit = Annotated[int, _within("time_limit_minutes")]
PassMark = Annotated[int, _within("pass_mark")]
AttemptsAllowed = Annotated[int, _within("attempts_allowed")]
CooldownHours = Annotated[int, _within("cooldown_hours")]


class BlueprintIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Title
    per_category: dict[Category, PerCategory]
    round_id: uuid.UUID | None = None
    track: Literal["pre_sales", "after_sales", "complaints"] | None = None
    shuffle_options: bool = True
    time_limit_minutes: TimeLimit = 30
    pass_mark: PassMark = 80
    attempts_allowed: AttemptsAllowed = 3
    cooldown_hours: CooldownHours = 24
    show_answers: bool = False
    partial_credit: bool = False


class BlueprintPatch(msgspec.Struct, forbid_unknown_fields=True):
    title: Title | None = None
    per_category: dict[Category, PerCategory] | None = None
    shuffle_options: bool | None = None
    time_limit_minutes: TimeLimit | None = None
    pass_mark: PassMark | None = None
    attempts_allowed: AttemptsAllowed | None = None
    cooldown_hours: CooldownHours | None = None
    show_answers: bool | None = None
    partial_credit: bool | None = None


class BlueprintOut(msgspec.Struct):
    id: uuid.UUID
    title: str
    round_id: uuid.UUID | None
    track: str | None
    per_category: dict[str, int]
    question_count: int
    shuffle_options: bool
    time_limit_minutes: int
    pass_mark: int
    attempts_allowed: int
    cooldown_hours: int
    show_answers: bool
    partial_credit: bool
    created_at: datetime
    updated_at: datetime


class StartAttemptIn(msgspec.Struct, forbid_unknown_fields=True):
    track: Literal["pre_sales", "after_sales", "complaints"] | None = None


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    choice_ids: Annotated[list[str], msgspec.Meta(max_length=OPTIONS_MAX)]  # no question has more options


class ChoiceOut(msgspec.Struct):
    id: str
    text: str


class AttemptQuestionOut(msgspec.Struct):
    question_id: uuid.UUID
    position: int
    category: str
    type: str
    prompt: str
    dialogue: list[Turn]
    options: list[ChoiceOut]
    choice_ids: list[str]


class ReviewItemOut(msgspec.Struct):
    question_id: uuid.UUID
    choice_ids: list[str]
    correct_choice_ids: list[str]
    credit: float
    explanation: str


class AttemptOut(msgspec.Struct):
    attempt_id: uuid.UUID
    application_id: uuid.UUID
    blueprint_id: uuid.UUID
    title: str
    tracks: list[str]
    number: int
    status: str
    submitted_by: str | None
    started_at: datetime
    deadline: datetime
    submitted_at: datetime | None
    now: datetime
    seconds_left: int
    time_limit_minutes: int
    questions: list[AttemptQuestionOut]
    score: float | None
    correct_count: int | None
    question_count: int
    pass_mark: int
    passed: bool | None
    attempts_allowed: int
    attempts_left: int
    next_attempt_at: datetime | None
    application_status: str
    review: list[ReviewItemOut] | None


class AnswerOut(msgspec.Struct):
    question_id: uuid.UUID
    choice_ids: list[str]
    saved_at: datetime
    seconds_left: int


class ExamStandingOut(msgspec.Struct):
    blueprint_id: uuid.UUID
    title: str
    tracks: list[str]
    attempts_allowed: int
    attempts_used: int
    passed: bool
    best_score: float | None
    active_attempt_id: uuid.UUID | None
    next_attempt_at: datetime | None
    can_start: bool


class AttemptSummaryOut(msgspec.Struct):
    attempt_id: uuid.UUID
    blueprint_id: uuid.UUID
    number: int
    status: str
    started_at: datetime
    submitted_at: datetime | None
    score: float | None
    passed: bool | None


class ApplicationExamsOut(msgspec.Struct):
    exams: list[ExamStandingOut]
    attempts: list[AttemptSummaryOut]


class ItemStatOut(msgspec.Struct):
    question_id: uuid.UUID
    code: str
    prompt: str
    category: str
    type: str
    active: bool
    answered: int
    p_value: float | None
    point_biserial: float | None
    flag: str | None


class ItemStatsOut(msgspec.Struct):
    blueprint_id: uuid.UUID
    attempts: int
    mean_score: float | None
    items: list[ItemStatOut]
