"""Users, their sign-in sessions, and seller shops with Qianniu-style sub-accounts."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
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
