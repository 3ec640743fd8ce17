"""Users, their sign-in sessions, and seller shops with Qianniu-style sub-accounts."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gigplatform.db import Base, UUIDPrimaryKey, str_enum


class Role(StrEnum):
    WORKER = "worker"
    SELLER = "seller"
    ADMIN = "admin"


class Standing(StrEnum):
    GOOD = "good"
    WARNED = "warned"
    RESTRICTED = "restricted"
    BANNED = "banned"


class ShopPermission(StrEnum):
    OWNER = "owner"
    BILLING = "billing"
    CONFIGURATION = "configuration"
    READ_ONLY = "read_only"


class LoginKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"


class User(UUIDPrimaryKey, Base):
    __tablename__ = "users"

    login: Mapped[str] = mapped_column(String(254), unique=True)
    login_kind: Mapped[LoginKind] = mapped_column(str_enum(LoginKind, "login_kind"))
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    standing: Mapped[Standing] = mapped_column(str_enum(Standing, "standing"), default=Standing.GOOD)
    standing_until: Mapped[datetime | None] = mapped_column(index=True)
    """When a restriction ends (restricted only); `standing.standing_of` treats a passed one as good at once."""
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]


class RefreshToken(UUIDPrimaryKey, Base):
    """One link of a sign-in session's chain; `family_id` ties every rotation of one sign-in together."""

    __tablename__ = "refresh_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    rotated_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class LoginThrottle(Base):
    """Attempts counted against one key (a keyed hash of the normalised login, per purpose: sign-in, password-reset
    requests) within a window that starts at its first attempt. One row per key, so the database decides each claim
    in one statement (`throttle.claim_attempt`)."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int]
    window_started_at: Mapped[datetime] = mapped_column(index=True)


class PasswordReset(UUIDPrimaryKey, Base):
    """A one-time password-reset token, stored hashed; used, or replaced by a newer request, it is spent."""

    __tablename__ = "password_resets"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    spent_at: Mapped[datetime | None]


class Shop(UUIDPrimaryKey, Base):
    __tablename__ = "shops"

    name: Mapped[str] = mapped_column(String(64))
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]


class ShopMember(UUIDPrimaryKey, Base):
    """A seller account's place in a shop: the owner, or a sub-account with one permission."""

    __tablename__ = "shop_members"
    __table_args__ = (UniqueConstraint("shop_id", "user_id"),)

    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    permission: Mapped[ShopPermission] = mapped_column(str_enum(ShopPermission, "shop_permission"))
    created_at: Mapped[datetime]


class AuditEntry(UUIDPrimaryKey, Base):
    """One admin decision or standing change: who (None for the platform itself, a timed job), when, what, on which
    subject, why, and details of ids, codes and dates (never personal data)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_subject", "subject_kind", "subject_id"),)

    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[uuid.UUID | None]
    reason: Mapped[str | None] = mapped_column(String(500))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
