"""Accounts, the one door: registration, sign-in and its sessions, standing, and seller shops with sub-accounts.

Other domains, `web` and the wiring import this module only, never the inner ones:
- `users`: what a login, password and name must be; admins; finding accounts; standing and the admin's counts.
- `registration`: self-service sign-up (a seller may open their first shop at once).
- `sign_in`: the throttled password check, refresh-token rotation with reuse detection, sign-out, pruning.
- `throttle`: attempts per login counted by the database (failed sign-ins, reset requests).
- `passwords`: changing a password, and resetting a forgotten one with a one-time token.
- `shops`: shops, sub-accounts, `access_shop` and the `shop_permission` dependency.
- `standing`: `standing_of` (a passed restriction is good at once), an admin's standing decision, ending
  restrictions; `audit`: `record_audit`, the audit log every domain writes its admin decisions to.
- `jobs`: `JOBS`, the timed jobs of accounts.

No verb commits or rolls back: the edge (request, job, command) opens the unit of work. Refusals whose writes must
stand (a failed sign-in counted, a reused refresh token's family closed) are raised `.recorded()`.
"""

from __future__ import annotations

from gigplatform.accounts.audit import list_audit, record_audit
from gigplatform.accounts.jobs import JOBS
from gigplatform.accounts.models import AuditEntry, LoginKind, Role, Shop, ShopMember, ShopPermission, Standing, User
from gigplatform.accounts.passwords import (
    RESET_TOKEN_MINUTES,
    change_password,
    confirm_password_reset,
    request_password_reset,
)
from gigplatform.accounts.registration import SELF_SERVICE_ROLES, register_user
from gigplatform.accounts.schemas import (
    DISPLAY_NAME_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    SHOP_NAME_MAX,
    LoginIn,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    PermissionIn,
    RegisterIn,
    ShopIn,
    StandingIn,
    SubAccountIn,
)
from gigplatform.accounts.shops import (
    PERMISSION_GRANTS,
    ShopAccess,
    access_shop,
    add_sub_account,
    change_sub_account,
    create_shop,
    list_members,
    list_shops,
    remove_sub_account,
    rename_shop,
    shop_permission,
)
from gigplatform.accounts.sign_in import prune_sign_in_records, rotate_refresh_token, sign_in, sign_out
from gigplatform.accounts.standing import (
    RESTRICTION_ENDED_KIND,
    access_user,
    change_standing,
    end_expired_restrictions,
    standing_of,
)
from gigplatform.accounts.users import (
    check_display_name,
    check_password,
    check_shop_name,
    count_users,
    create_admin,
    display_names,
    effective_standing,
    find_user_by_login,
    get_user,
    in_good_standing,
    lock_person,
    mask_login,
    normalize_login,
    normalize_phone,
    set_standing,
)

__all__ = [
    "DISPLAY_NAME_MAX",
    "JOBS",
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "PERMISSION_GRANTS",
    "RESET_TOKEN_MINUTES",
    "RESTRICTION_ENDED_KIND",
    "SELF_SERVICE_ROLES",
    "SHOP_NAME_MAX",
    "AuditEntry",
    "LoginIn",
    "LoginKind",
    "PasswordChangeIn",
    "PasswordResetConfirmIn",
    "PasswordResetIn",
    "PermissionIn",
    "RegisterIn",
    "Role",
    "Shop",
    "ShopAccess",
    "ShopIn",
    "ShopMember",
    "ShopPermission",
    "Standing",
    "StandingIn",
    "SubAccountIn",
    "User",
    "access_shop",
    "access_user",
    "add_sub_account",
    "change_password",
    "change_standing",
    "change_sub_account",
    "check_display_name",
    "check_password",
    "check_shop_name",
    "confirm_password_reset",
    "count_users",
    "create_admin",
    "create_shop",
    "display_names",
    "effective_standing",
    "end_expired_restrictions",
    "find_user_by_login",
    "get_user",
    "in_good_standing",
    "list_audit",
    "list_members",
    "list_shops",
    "lock_person",
    "mask_login",
    "normalize_login",
    "normalize_phone",
    "prune_sign_in_records",
    "record_audit",
    "register_user",
    "remove_sub_account",
    "rename_shop",
    "request_password_reset",
    "rotate_refresh_token",
    "set_standing",
    "shop_permission",
    "sign_in",
    "sign_out",
    "standing_of",
]
