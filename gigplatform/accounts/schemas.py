"""Request and response shapes of the accounts API, validated at the edge by msgspec. Every limit is written once,
here, in `msgspec.Meta` (so the OpenAPI document states it); the verbs check the same types with
`gigplatform.limits.checked` for callers that bring no Struct (the demo, the admin command, tests)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from gigplatform.errors import N_
from gigplatform.limits import REQUIRED, VISIBLE, text

LOGIN_MAX = 254  # an e-mail address's longest; a phone number with +86, spaces and dashes fits well inside
PASSWORD_MIN, PASSWORD_MAX = 8, 128
DISPLAY_NAME_MAX = 32
SHOP_NAME_MAX = 64
TOKEN_MAX = 256  # a refresh or reset token is 43 characters

Login = Annotated[str, text(LOGIN_MAX, pattern=REQUIRED)]
NewPassword = Annotated[
    str,
    text(
        PASSWORD_MAX,
        min_length=PASSWORD_MIN,
        pattern=r"[A-Za-z][\s\S]*[0-9]|[0-9][\s\S]*[A-Za-z]",
        rule="letters_and_digits",
        message=N_("The password needs both letters and digits."),
    ),
]
Password = Annotated[str, text(PASSWORD_MAX, min_length=1)]  # what is typed at sign-in: any stored password fits
DisplayName = Annotated[str, text(DISPLAY_NAME_MAX, pattern=VISIBLE)]
ShopName = Annotated[str, text(SHOP_NAME_MAX, pattern=VISIBLE)]
Token = Annotated[str, text(TOKEN_MAX, min_length=1)]


class RegisterIn(msgspec.Struct):
    login: Login
    password: NewPassword
    display_name: DisplayName
    role: Literal["worker", "seller"]
    shop_name: ShopName | None = None


class RegisteredOut(msgspec.Struct):
    id: uuid.UUID
    login: str
    role: str


class LoginIn(msgspec.Struct):
    login: Login
    password: Password


class RefreshIn(msgspec.Struct):
    refresh_token: Token


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
    name: ShopName


class ShopOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    permission: str
    created_at: datetime


class SubAccountIn(msgspec.Struct):
    login: Login
    password: NewPassword
    display_name: DisplayName
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
    login: Login


class PasswordResetConfirmIn(msgspec.Struct):
    token: Token
    new_password: NewPassword


class PasswordChangeIn(msgspec.Struct):
    current_password: Password
    new_password: NewPassword


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
