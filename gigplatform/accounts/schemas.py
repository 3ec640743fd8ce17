"""Request and response shapes of the accounts API, validated at the edge by msgspec."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec


class RegisterIn(msgspec.Struct):
    login: str
    password: str
    display_name: str
    role: Literal["worker", "seller"]
    shop_name: str | None = None


class RegisteredOut(msgspec.Struct):
    id: uuid.UUID
    login: str
    role: str


class LoginIn(msgspec.Struct):
    login: str
    password: str


class RefreshIn(msgspec.Struct):
    refresh_token: str


class TokenPairOut(msgspec.Struct):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


class MeOut(msgspec.Struct):
    id: uuid.UUID
    login: str
    display_name: str
    role: str
    standing: str
    created_at: datetime
    standing_until: datetime | None = None
    """When a restriction ends (a passed one already reads as `good`)."""


class ShopIn(msgspec.Struct):
    name: str


class ShopOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    permission: str
    created_at: datetime


class SubAccountIn(msgspec.Struct):
    login: str
    password: str
    display_name: str
    permission: Literal["billing", "configuration", "read_only"]


class PermissionIn(msgspec.Struct):
    permission: Literal["billing", "configuration", "read_only"]


class MemberOut(msgspec.Struct):
    id: uuid.UUID
    user_id: uuid.UUID
    login: str
    display_name: str
    permission: str
    created_at: datetime


class PasswordResetIn(msgspec.Struct):
    login: str


class PasswordResetConfirmIn(msgspec.Struct):
    token: str
    new_password: str


class PasswordChangeIn(msgspec.Struct):
    current_password: str
    new_password: str


class AcceptedOut(msgspec.Struct):
    detail: str


class NotificationOut(msgspec.Struct):
    id: uuid.UUID
    kind: str
    params: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


class UnreadOut(msgspec.Struct):
    unread: int


class MarkReadIn(msgspec.Struct, forbid_unknown_fields=True):
    """Which of the caller's notifications were read (`markAllNotificationsRead` marks every one)."""

    ids: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1, max_length=500)]


class StandingIn(msgspec.Struct, forbid_unknown_fields=True):
    """An admin's standing decision: `until` (timezone-aware) is when a restriction ends, required for `restricted`
    and only for it; `reason` is required and is shown to the person."""

    standing: Literal["good", "warned", "restricted", "banned"]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    until: Annotated[datetime, msgspec.Meta(tz=True)] | None = None


class StandingOut(msgspec.Struct):
    user_id: uuid.UUID
    standing: str
    until: datetime | None


class AuditEntryOut(msgspec.Struct):
    id: uuid.UUID
    at: datetime
    actor_id: uuid.UUID | None
    action: str
    subject_kind: str
    subject_id: uuid.UUID | None
    reason: str | None
    details: dict[str, Any]
