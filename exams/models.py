"""Exams: the question bank, every question kept in versions so past attempts keep what they were asked."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
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
