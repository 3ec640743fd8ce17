"""JSON API of accounts: thin controllers that parse, call the service and shape the reply.

The request's `db_session` is its unit of work: committed once a handler returns, rolled back when it raises (kept
for a `.recorded()` refusal, such as a counted failed sign-in)."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from gigplatform import notifications
from gigplatform.accounts import service
from gigplatform.accounts.schemas import (
    AcceptedOut,
    AuditEntryOut,
    LoginIn,
    MarkReadIn,
    MemberOut,
    MeOut,
    NotificationOut,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    PermissionIn,
    RefreshIn,
    RegisteredOut,
    RegisterIn,
    ShopIn,
    ShopOut,
    StandingIn,
    StandingOut,
    SubAccountIn,
    TokenPairOut,
    UnreadOut,
)
from gigplatform.accounts.service import AuditEntry, ShopMember, ShopPermission, User
from gigplatform.db import DbSession
from gigplatform.listing import WINDOW, Page, Paged, page_of
from gigplatform.notifications import AppNotifier
from gigplatform.openapi import conflict, forbidden, too_many_requests
from gigplatform.security import CurrentPrincipal, Kit, SessionTokens, admin_only, authenticated, seller_only

RESET_SENT = "If this login has an account, a link to reset its password is on its way."


def _pair(tokens: SessionTokens) -> TokenPairOut:
    return TokenPairOut(tokens.access_token, tokens.refresh_token, tokens.expires_in)


def _shop(access: service.ShopAccess) -> ShopOut:
    return ShopOut(access.shop.id, access.shop.name, access.member.permission.value, access.shop.created_at)


def _member(member: ShopMember, user: User) -> MemberOut:
    return MemberOut(member.id, user.id, user.login, user.display_name, member.permission.value, member.created_at)


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/register", operation_id="register", responses=conflict("unique"))
    async def register(self, data: JSONBody[RegisterIn], db_session: DbSession, kit: Kit) -> RegisteredOut:
        user = await service.register_user(db_session, kit, **{f: getattr(data, f) for f in data.__struct_fields__})
        return RegisteredOut(user.id, user.login, user.role.value)

    @post(
        "/login",
        operation_id="login",
        status_code=HTTP_200_OK,
        responses={
            **forbidden("The account is banned."),
            **too_many_requests("Too many failed sign-ins for this login lately."),
        },
    )
    async def login(self, data: JSONBody[LoginIn], db_session: DbSession, kit: Kit) -> TokenPairOut:
        return _pair(await service.sign_in(db_session, kit, login=data.login, password=data.password))

    @post("/refresh", operation_id="refresh", status_code=HTTP_200_OK)
    async def refresh(self, data: JSONBody[RefreshIn], db_session: DbSession, kit: Kit) -> TokenPairOut:
        return _pair(await service.rotate_refresh_token(db_session, kit, data.refresh_token))

    @post("/logout", operation_id="logout", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, data: JSONBody[RefreshIn], db_session: DbSession, kit: Kit) -> None:
        await service.sign_out(db_session, kit.clock, data.refresh_token)

    @post("/password-reset", operation_id="requestPasswordReset", status_code=HTTP_202_ACCEPTED)
    async def password_reset(
        self, data: JSONBody[PasswordResetIn], db_session: DbSession, kit: Kit, notifier: AppNotifier
    ) -> AcceptedOut:
        """The same answer whether or not the login has an account."""
        await service.request_password_reset(db_session, kit, notifier, login=data.login)
        return AcceptedOut(RESET_SENT)

    @post("/password-reset/confirm", operation_id="confirmPasswordReset", status_code=HTTP_204_NO_CONTENT)
    async def password_reset_confirm(
        self, data: JSONBody[PasswordResetConfirmIn], db_session: DbSession, kit: Kit
    ) -> None:
        await service.confirm_password_reset(db_session, kit, token=data.token, new_password=data.new_password)


class MeController(Controller):
    path = "/api/me"
    tags = ["me"]
    guards = [authenticated]

    @get("/", operation_id="me")
    async def me(self, db_session: DbSession, kit: Kit, principal: CurrentPrincipal) -> MeOut:
        user = await service.get_user(db_session, principal.user_id)
        standing, until = service.effective_standing(user.standing, user.standing_until, kit.clock.now())
        return MeOut(user.id, user.login, user.display_name, user.role.value, standing.value, user.created_at, until)

    @post(
        "/password",
        operation_id="changePassword",
        status_code=HTTP_200_OK,
        responses=too_many_requests("Too many wrong current passwords for this login lately."),
    )
    async def change_password(
        self, data: JSONBody[PasswordChangeIn], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> TokenPairOut:
        """Every other session of the account is closed; the caller gets a fresh pair."""
        fields = {f: getattr(data, f) for f in data.__struct_fields__}
        return _pair(await service.change_password(db_session, kit, principal, **fields))

    @get("/notifications", operation_id="listNotifications", dependencies=WINDOW)
    async def notifications(
        self, db_session: DbSession, principal: CurrentPrincipal, window: Paged
    ) -> Page[NotificationOut]:
        """Newest first, in the one list shape; the bell's count is `unreadNotifications`."""
        rows, total = await notifications.list_notifications(
            db_session, principal.user_id, limit=window.limit, offset=window.offset
        )
        items = [NotificationOut(n.id, n.kind, n.params, n.created_at, n.read_at) for n in rows]
        return Page(items, total, window.limit, window.offset)

    @get("/notifications/unread", operation_id="unreadNotifications")
    async def unread(self, db_session: DbSession, principal: CurrentPrincipal) -> UnreadOut:
        return UnreadOut(await notifications.unread_count(db_session, principal.user_id))

    @post("/notifications/read", operation_id="markNotificationsRead", status_code=HTTP_204_NO_CONTENT)
    async def mark_read(
        self, data: JSONBody[MarkReadIn], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> None:
        """The caller's notifications among `ids` are marked read; other ids are ignored (no hint they exist)."""
        await notifications.mark_read(db_session, principal.user_id, data.ids, kit.clock.now())

    @post("/notifications/read-all", operation_id="markAllNotificationsRead", status_code=HTTP_204_NO_CONTENT)
    async def mark_all_read(self, db_session: DbSession, kit: Kit, principal: CurrentPrincipal) -> None:
        await notifications.mark_read(db_session, principal.user_id, None, kit.clock.now())


class ShopController(Controller):
    """A seller's shops and their sub-accounts; each route states the shop permission it needs."""

    path = "/api/shops"
    tags = ["shops"]
    guards = [seller_only]

    @post("/", operation_id="createShop")
    async def create(
        self, data: JSONBody[ShopIn], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> ShopOut:
        shop = await service.create_shop(db_session, kit.clock, principal, name=data.name)
        return ShopOut(shop.id, shop.name, ShopPermission.OWNER.value, shop.created_at)  # its creator owns it

    @get("/", operation_id="listShops", dependencies=WINDOW)
    async def list_shops(self, db_session: DbSession, principal: CurrentPrincipal, window: Paged) -> Page[ShopOut]:
        rows = await service.list_shops(db_session, principal)
        return page_of([_shop(a) for a in rows], window)

    @get(
        "/{shop_id:uuid}",
        operation_id="getShop",
        dependencies={"shop": Provide(service.shop_permission(ShopPermission.READ_ONLY))},
    )
    async def show(self, shop: NamedDependency[service.ShopAccess]) -> ShopOut:
        return _shop(shop)

    @patch("/{shop_id:uuid}", operation_id="renameShop")
    async def rename(
        self, shop_id: FromPath[uuid.UUID], data: JSONBody[ShopIn], db_session: DbSession, principal: CurrentPrincipal
    ) -> ShopOut:
        return _shop(await service.rename_shop(db_session, principal, shop_id, name=data.name))

    @get("/{shop_id:uuid}/members", operation_id="listShopMembers", dependencies=WINDOW)
    async def members(
        self, shop_id: FromPath[uuid.UUID], db_session: DbSession, principal: CurrentPrincipal, window: Paged
    ) -> Page[MemberOut]:
        return page_of([_member(m, u) for m, u in await service.list_members(db_session, principal, shop_id)], window)

    @post("/{shop_id:uuid}/members", operation_id="addSubAccount")
    async def add_member(
        self,
        shop_id: FromPath[uuid.UUID],
        data: JSONBody[SubAccountIn],
        db_session: DbSession,
        kit: Kit,
        principal: CurrentPrincipal,
    ) -> MemberOut:
        fields = {f: getattr(data, f) for f in data.__struct_fields__}
        return _member(
            *await service.add_sub_account(db_session, kit.clock, kit.passwords, principal, shop_id, **fields)
        )

    @patch("/{shop_id:uuid}/members/{member_id:uuid}", operation_id="changeSubAccount")
    async def change_member(
        self,
        shop_id: FromPath[uuid.UUID],
        member_id: FromPath[uuid.UUID],
        data: JSONBody[PermissionIn],
        db_session: DbSession,
        principal: CurrentPrincipal,
    ) -> MemberOut:
        pair = await service.change_sub_account(db_session, principal, shop_id, member_id, permission=data.permission)
        return _member(*pair)

    @delete("/{shop_id:uuid}/members/{member_id:uuid}", operation_id="removeSubAccount")
    async def remove_member(
        self,
        shop_id: FromPath[uuid.UUID],
        member_id: FromPath[uuid.UUID],
        db_session: DbSession,
        kit: Kit,
        principal: CurrentPrincipal,
    ) -> None:
        await service.remove_sub_account(db_session, kit.clock, principal, shop_id, member_id)


def _audit(row: AuditEntry) -> AuditEntryOut:
    return AuditEntryOut(
        row.id, row.at, row.actor_id, row.action, row.subject_kind, row.subject_id, row.reason, row.details
    )


Code = Annotated[
    str | None, Parameter(min_length=1, max_length=64, pattern=r"^[a-z_.]+$", description="A lower-case code.")
]


class AdminAccountController(Controller):
    """Admins' decisions on accounts, and the audit log every domain's admin decisions are written to."""

    path = "/api/admin"
    tags = ["admin: accounts"]
    guards = [admin_only]

    @post(
        "/users/{user_id:uuid}/standing",
        operation_id="changeStanding",
        status_code=HTTP_200_OK,
        responses=conflict("admin", description="An admin's standing is not changed this way."),
    )
    async def change_standing(
        self,
        user_id: FromPath[uuid.UUID],
        data: JSONBody[StandingIn],
        db_session: DbSession,
        kit: Kit,
        principal: CurrentPrincipal,
    ) -> StandingOut:
        """Audited with its reason; the person is told in their inbox. `until` is required for `restricted`."""
        user = await service.access_user(db_session, principal, user_id)
        user = await service.change_standing(db_session, principal, user, data, kit.clock.now())
        return StandingOut(user.id, user.standing.value, user.standing_until)

    @get("/audit-log", operation_id="listAuditLog", dependencies=WINDOW)
    async def audit_log(
        self,
        db_session: DbSession,
        window: Paged,
        subject_kind: Code = None,
        subject_id: FromQuery[uuid.UUID | None] = None,
        actor_id: FromQuery[uuid.UUID | None] = None,
        action: Code = None,
    ) -> Page[AuditEntryOut]:
        """Newest first; every filter given must match (`actor_id` is who decided, `subject_id` whom it concerns)."""
        rows, total = await service.list_audit(
            db_session,
            subject_kind=subject_kind,
            subject_id=subject_id,
            actor_id=actor_id,
            action=action,
            limit=window.limit,
            offset=window.offset,
        )
        return Page([_audit(r) for r in rows], total, window.limit, window.offset)


CONTROLLERS = [AuthController, MeController, ShopController, AdminAccountController]
