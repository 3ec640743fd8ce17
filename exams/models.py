"""Exams: the question bank, every question kept in versions so past attempts keep what they were asked."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gigplatform.db import Base, UUIDPrimaryKey, str_enum


class QuestionCategory(StrEnum):
    PLATFORM_RULES = "platform_rules"  # 平台规则
    SERVICE_SKILLS = "service_skills"  # 客服技巧
    SCENARIO = "scenario"  # 情景模拟


class QuestionType(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    SCENARIO = "scenario"  # a short dialogue; pick the best reply


class Question(UUIDPrimaryKey, Base):
    """A question's identity: its code, which version is current, and whether it is still asked."""

    __tablename__ = "exam_questions"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    current_version: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class QuestionVersion(UUIDPrimaryKey, Base):
    """One wording of a question. Never changed once written: an edit makes the next version."""

    __tablename__ = "exam_question_versions"
    __table_args__ = (UniqueConstraint("question_id", "version"),)

    question_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("exam_questions.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    category: Mapped[QuestionCategory] = mapped_column(str_enum(QuestionCategory, "question_category"))
    type: Mapped[QuestionType] = mapped_column(str_enum(QuestionType, "question_type"))
    difficulty: Mapped[int] = mapped_column(Integer)
    prompt: Mapped[str] = mapped_column(Text)
    dialogue: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class Blueprint(UUIDPrimaryKey, Base):
    """How an exam is drawn and run: questions per category, shuffling, time limit, pass mark, attempts, cool-down,
    and what the candidate sees afterwards. One per round, or per round and track."""

    __tablename__ = "exam_blueprints"

    title: Mapped[str] = mapped_column(String(120))
    round_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("recruitment_rounds.id", ondelete="CASCADE"), index=True
    )
    track: Mapped[str | None] = mapped_column(String(16))
    per_category: Mapped[dict[str, int]] = mapped_column(JSON)
    shuffle_options: Mapped[bool] = mapped_column(Boolean, default=True)
    time_limit_minutes: Mapped[int] = mapped_column(Integer)
    pass_mark: Mapped[int] = mapped_column(Integer)  # percent of the points
    attempts_allowed: Mapped[int] = mapped_column(Integer)
    cooldown_hours: Mapped[int] = mapped_column(Integer)
    show_answers: Mapped[bool] = mapped_column(Boolean, default=False)
    partial_credit: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AttemptStatus(StrEnum):
    ACTIVE = "active"
    SUBMITTED = "submitted"


class SubmittedBy(StrEnum):
    CANDIDATE = "candidate"
    DEADLINE = "deadline"  # the server submitted it when time ran out


class ExamAttempt(UUIDPrimaryKey, Base):
    """One sitting of one exam by one person. `active_user_id` is the person while the attempt runs and NULL after:
    its unique index lets the database itself refuse a second running attempt. The blueprint's settings are
    copied in at the start, so editing the blueprint later does not change how a past attempt was graded."""

    __tablename__ = "exam_attempts"
    __table_args__ = (
        UniqueConstraint("application_id", "blueprint_id", "number"),
        Index("ix_exam_attempts_overdue", "status", "deadline"),
        # Item statistics read one exam's submitted attempts with their total credit, nothing else.
        Index("ix_exam_attempts_stats", "blueprint_id", "status", "total_credit_bp"),
    )

    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    active_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    blueprint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("exam_blueprints.id", ondelete="CASCADE"), index=True)
    tracks: Mapped[list[str]] = mapped_column(JSON)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[AttemptStatus] = mapped_column(str_enum(AttemptStatus, "attempt_status"))
    started_at: Mapped[datetime]
    deadline: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    submitted_by: Mapped[SubmittedBy | None] = mapped_column(str_enum(SubmittedBy, "attempt_submitted_by"))
    pass_mark: Mapped[int] = mapped_column(Integer)
    partial_credit: Mapped[bool] = mapped_column(Boolean)
    show_answers: Mapped[bool] = mapped_column(Boolean)
    score_bp: Mapped[int | None] = mapped_column(Integer)  # basis points of the full score: 8250 is 82.50 %
    correct_count: Mapped[int | None] = mapped_column(Integer)
    total_credit_bp: Mapped[int | None] = mapped_column(Integer)  # the items' credit summed at grading
    passed: Mapped[bool | None] = mapped_column(Boolean)


class AttemptItem(UUIDPrimaryKey, Base):
    """One question as drawn for an attempt: the exact version asked, the order its options were shown in, the
    answer as last saved, and the credit it earned."""

    __tablename__ = "exam_attempt_items"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id"),
        UniqueConstraint("attempt_id", "position"),
        # Item statistics read each attempt's (question, credit) pairs from this index alone.
        Index("ix_exam_attempt_items_stats", "attempt_id", "question_id", "credit_bp"),
    )

    attempt_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("exam_attempts.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("exam_questions.id", ondelete="CASCADE"), index=True)
    question_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("exam_question_versions.id"))
    option_order: Mapped[list[str]] = mapped_column(JSON)
    choice_ids: Mapped[list[str] | None] = mapped_column(JSON)
    answered_at: Mapped[datetime | None]
    credit_bp: Mapped[int | None] = mapped_column(Integer)  # 0..10000 of one point
