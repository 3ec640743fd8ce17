"""Recruitment: rounds, training modules, applications and their timeline, typing tests, identities."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gigplatform.db import Base, UUIDPrimaryKey, str_enum
from recruitment.name_order import KEY_MAX

NAME_KEY = String(KEY_MAX).with_variant(String(KEY_MAX, collation="C"), "postgresql")


class Track(StrEnum):
    PRE_SALES = "pre_sales"
    AFTER_SALES = "after_sales"
    COMPLAINTS = "complaints"


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    IDENTITY_PENDING = "identity_pending"
    SCREENING_FAILED = "screening_failed"
    TYPING = "typing"
    TRAINING = "training"
    EXAM = "exam"
    CERTIFIED = "certified"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Actor(StrEnum):
    APPLICANT = "applicant"
    ADMIN = "admin"
    SYSTEM = "system"


class Round(UUIDPrimaryKey, Base):
    __tablename__ = "recruitment_rounds"

    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    tracks: Mapped[list[str]] = mapped_column(JSON)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    quota: Mapped[int] = mapped_column(Integer)
    certified_count: Mapped[int] = mapped_column(Integer, default=0)
    min_age: Mapped[int] = mapped_column(Integer, default=18)
    min_typing_cpm: Mapped[int] = mapped_column(Integer)
    min_typing_accuracy: Mapped[int] = mapped_column(Integer)  # percent, 0..100
    typing_attempts: Mapped[int] = mapped_column(Integer, default=3)
    student_preferred: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[RoundStatus] = mapped_column(str_enum(RoundStatus, "round_status"), default=RoundStatus.DRAFT)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TrainingModule(UUIDPrimaryKey, Base):
    __tablename__ = "training_modules"

    title: Mapped[str] = mapped_column(String(120))
    body_markdown: Mapped[str] = mapped_column(Text)
    min_reading_seconds: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class RoundTrainingModule(Base):
    """A module a round requires before its exam; `position` keeps the order the admin chose."""

    __tablename__ = "round_training_modules"

    round_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("recruitment_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    module_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("training_modules.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class PersonIdentity(Base):
    """One real person (their ID number's keyed hash) bound to one worker account, once verified."""

    __tablename__ = "person_identities"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    verified_at: Mapped[datetime]


class Application(UUIDPrimaryKey, Base):
    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("round_id", "id_hash"),  # one application per real person per round
        UniqueConstraint("round_id", "user_id"),  # and per account
        # The review list pages by keyset: one index per offered sort, each led by the round and ending in the
        # unique id, so a page is one index range whatever its depth. Status sorts through the status index one
        # status at a time (see recruitment.review); the status index also counts the round's statuses.
        Index("ix_applications_review_created", "round_id", "created_at", "id"),
        Index("ix_applications_review_status", "round_id", "status", "created_at", "id"),
        Index("ix_applications_review_student", "round_id", "is_student", "created_at", "id"),
        Index("ix_applications_review_name", "round_id", "legal_name_key", "legal_name", "id"),
        Index("ix_applications_review_age", "round_id", "age_at_application", "created_at", "id"),
        Index("ix_applications_identity_retry", "status", "identity_retry_at"),
    )

    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recruitment_rounds.id"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    legal_name: Mapped[str] = mapped_column(String(40))
    # The name's pinyin (recruitment.name_order), so the review sorts names as a Chinese reader expects; bytewise
    # ("C") on PostgreSQL, so a space between syllables sorts before any letter there as it does on SQLite.
    legal_name_key: Mapped[str] = mapped_column(NAME_KEY)
    id_number_encrypted: Mapped[str] = mapped_column(Text)
    id_hash: Mapped[str] = mapped_column(String(64))
    # Nothing beside the encrypted number from which it could be rebuilt: no mask, no birth date. The age on the
    # day of applying (Asia/Shanghai) is all the review sorts and reads by.
    age_at_application: Mapped[int] = mapped_column(Integer)
    phone: Mapped[str] = mapped_column(String(20))
    is_student: Mapped[bool] = mapped_column(Boolean)
    tracks: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[ApplicationStatus] = mapped_column(str_enum(ApplicationStatus, "application_status"))
    # When the applicant consented to the processing of their ID number (PIPL art. 29); None only for
    # applications made before consent was asked.
    consent_given_at: Mapped[datetime | None]
    status_reason: Mapped[str] = mapped_column(String(500), default="")
    status_reason_code: Mapped[str | None] = mapped_column(String(40))
    status_reason_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    identity_attempts: Mapped[int] = mapped_column(Integer, default=0)
    identity_retry_at: Mapped[datetime | None]
    typing_attempts_used: Mapped[int] = mapped_column(Integer, default=0)
    # Tracks whose exam this applicant passed; they become certifications when the application is certified
    # (at once, or when a place in the quota opens for a waitlisted passer).
    passed_tracks: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ApplicationTrack(Base):
    """A track an application asks for, one row each, so the review filters by track through an index (the
    application's `tracks` list keeps the order for showing)."""

    __tablename__ = "application_tracks"

    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    track: Mapped[Track] = mapped_column(str_enum(Track, "application_track"), primary_key=True)


class ApplicationEvent(UUIDPrimaryKey, Base):
    """One step of an application's timeline: who moved it where, when and why."""

    __tablename__ = "application_events"

    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    from_status: Mapped[ApplicationStatus | None] = mapped_column(
        str_enum(ApplicationStatus, "from_status"), nullable=True
    )
    to_status: Mapped[ApplicationStatus] = mapped_column(str_enum(ApplicationStatus, "to_status"))
    actor: Mapped[Actor] = mapped_column(str_enum(Actor, "actor"))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    reason_code: Mapped[str | None] = mapped_column(String(40))  # a key of recruitment.service.REASONS
    reason_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class TypingTest(UUIDPrimaryKey, Base):
    __tablename__ = "typing_tests"

    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    passage: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime]
    deadline: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    typed_chars: Mapped[int | None] = mapped_column(Integer)
    cpm: Mapped[int | None] = mapped_column(Integer)
    accuracy_bp: Mapped[int | None] = mapped_column(Integer)  # basis points: 9650 is 96.50 %
    passed: Mapped[bool | None] = mapped_column(Boolean)
    # Why a failed attempt failed when it was not simply too slow or inaccurate (e.g. "too_fast"), with its values.
    failure_code: Mapped[str | None] = mapped_column(String(40))
    failure_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class TrainingProgress(UUIDPrimaryKey, Base):
    """A person's reading of one module: when they first opened it (the server's clock), the time read so far, and
    when they finished. A person has one reading clock: at most one of their rows has `reading_since` set."""

    __tablename__ = "training_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("training_modules.id", ondelete="CASCADE"))
    started_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    read_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # banked by earlier stretches
    reading_since: Mapped[datetime | None]  # the running stretch, if this is the module being read now


class Certification(UUIDPrimaryKey, Base):
    """A person may take shifts of this track: written when their application is certified for it. The earliest
    certification of a track is kept when a later round certifies it again."""

    __tablename__ = "certifications"
    __table_args__ = (UniqueConstraint("user_id", "track"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    track: Mapped[Track] = mapped_column(str_enum(Track, "certification_track"))
    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recruitment_rounds.id"))
    certified_at: Mapped[datetime]
