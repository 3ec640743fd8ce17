"""Who is calling: password hashing, access tokens, the authentication middleware and the role guards.

Access tokens are short-lived HS256 JWTs checked against the injectable clock (so tests can expire them). The API
reads them only from `Authorization: Bearer`; pages read them only from HttpOnly cookies, so a cookie can never
authorise an API call that skipped the CSRF check. Refresh tokens are opaque, stored hashed, and rotated by the
accounts service; when a page's access cookie has expired the middleware asks the registered refresher for a new
pair and sets the cookies on the way out.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import anyio
import anyio.to_thread
import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from gigplatform.clock import Clock
from gigplatform.config import Settings
from gigplatform.errors import NotAuthenticated, PermissionDenied

JWT_ALGORITHM = "HS256"
ACCESS_COOKIE = "gig_access"
REFRESH_COOKIE = "gig_refresh"
CSRF_COOKIE = "gig_csrf"
REQUIRED_CLAIMS = ("iss", "aud", "exp", "iat", "sub", "role", "jti")


# OWASP's argon2id floor (m=19 MiB, t=2, p=1): ~40 ms of one core here, where the library's default (p=4, 64 MiB)
# took ~130 ms of every core of a 2-core box. Hashes made with other parameters are redone at the next sign-in.
ARGON2_PARAMETERS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
CHEAP_PARAMETERS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


class Passwords:
    """argon2id hashing, off the event loop: `hash_async`/`verify_async` run in worker threads, at most `threads`
    at once, so a burst of sign-ins queues for the hasher instead of stalling every other request. The test
    environment uses cheap parameters so the suite stays fast."""

    def __init__(self, cheap: bool = False, threads: int = 2) -> None:
        self._hasher = PasswordHasher(**(CHEAP_PARAMETERS if cheap else ARGON2_PARAMETERS))
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))
        self._threads = max(1, threads)
        self._limiter: anyio.CapacityLimiter | None = None

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """Checks a password; with no hash (unknown login) it still spends the same time, so logins can't be probed."""
        try:
            return self._hasher.verify(password_hash or self._dummy, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def _capacity(self) -> anyio.CapacityLimiter:
        if self._limiter is None:  # made lazily: a limiter belongs to the event loop that first uses it
            self._limiter = anyio.CapacityLimiter(self._threads)
        return self._limiter

    async def hash_async(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self.hash, password, limiter=self._capacity())

    async def verify_async(self, password_hash: str | None, password: str) -> bool:
        return await anyio.to_thread.run_sync(self.verify, password_hash, password, limiter=self._capacity())


def hash_token(raw: str) -> str:
    """The stored form of an opaque token (refresh tokens, API keys): a SHA-256 hex digest."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_opaque_token() -> str:
    return secrets.token_urlsafe(32)


def keyed_hash(key: str, value: str) -> str:
    """An HMAC-SHA256 of `value`, for lookups that must not reveal the value (login throttling, ID numbers)."""
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Principal:
    """The verified caller, as the access token describes them; no database read needed for role guards."""

    user_id: uuid.UUID
    role: str
    token_id: str


@dataclass(frozen=True)
class IssuedAccess:
    token: str
    expires_in: int


class AccessTokens:
    """Issues and verifies access tokens; the algorithm is pinned, every claim required, expiry on our clock."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self._key = settings.secret_key
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._ttl = timedelta(minutes=settings.access_token_minutes)
        self._clock = clock

    def issue(self, user_id: uuid.UUID, role: str) -> IssuedAccess:
        now = self._clock.now()
        claims = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": str(user_id),
            "role": role,
            "jti": secrets.token_hex(16),
            "iat": int(now.timestamp()),
            "exp": int((now + self._ttl).timestamp()),
        }
        return IssuedAccess(jwt.encode(claims, self._key, algorithm=JWT_ALGORITHM), int(self._ttl.total_seconds()))

    def verify(self, token: str) -> Principal:
        """Returns the principal or raises NotAuthenticated naming why (expired, bad signature, wrong audience...)."""
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != JWT_ALGORITHM:
                raise NotAuthenticated("The access token's algorithm is not accepted.", field="token", rule="algorithm")
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[JWT_ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": list(REQUIRED_CLAIMS), "verify_exp": False, "verify_iat": False},
            )
        except jwt.InvalidAudienceError as exc:
            raise NotAuthenticated("The access token is for another audience.", field="token", rule="audience") from exc
        except jwt.InvalidIssuerError as exc:
            raise NotAuthenticated("The access token has another issuer.", field="token", rule="issuer") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise NotAuthenticated(
                f"The access token lacks the {exc.claim} claim.", field="token", rule="claims"
            ) from exc
        except jwt.InvalidTokenError as exc:
            raise NotAuthenticated("The access token is not valid.", field="token", rule="signature") from exc
        now = int(self._clock.now().timestamp())
        if not isinstance(claims["exp"], int) or claims["exp"] <= now:
            raise NotAuthenticated("The access token has expired.", field="token", rule="expired")
        if not isinstance(claims["iat"], int) or claims["iat"] > now + 60:
            raise NotAuthenticated("The access token was issued in the future.", field="token", rule="issued_at")
        try:
            user_id = uuid.UUID(str(claims["sub"]))
        except ValueError as exc:
            raise NotAuthenticated("The access token's subject is malformed.", field="token", rule="claims") from exc
        return Principal(user_id=user_id, role=str(claims["role"]), token_id=str(claims["jti"]))


@dataclass(frozen=True)
class SessionTokens:
    """A fresh access + refresh pair, as the refresher hands it to the middleware for the page cookies."""

    access_token: str
    refresh_token: str
    expires_in: int
    refresh_max_age: int
    principal: Principal


Refresher = Callable[[str], Awaitable[SessionTokens | None]]


def session_cookies(settings: Settings, pair: SessionTokens | None) -> list[Cookie]:
    """The two page cookies for a pair, or cookies that clear them when `pair` is None."""
    common = {"httponly": True, "secure": settings.cookie_secure, "samesite": "lax", "path": "/"}
    if pair is None:
        return [Cookie(key=k, value="", max_age=0, **common) for k in (ACCESS_COOKIE, REFRESH_COOKIE)]
    return [
        Cookie(key=ACCESS_COOKIE, value=pair.access_token, max_age=pair.expires_in, **common),
        Cookie(key=REFRESH_COOKIE, value=pair.refresh_token, max_age=pair.refresh_max_age, **common),
    ]


def fresh_csrf_cookie(settings: Settings) -> Cookie:
    """A new CSRF cookie, set whenever the sign-in session changes (sign-in, sign-out), so that a token planted or
    read before cannot be used after: the form token must match this cookie's value. Same attributes as the CSRF
    middleware's own cookie (see `create_app`)."""
    from litestar.middleware.csrf import generate_csrf_token

    return Cookie(
        key=CSRF_COOKIE,
        value=generate_csrf_token(secret=settings.secret_key),
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )


class AuthenticationMiddleware:
    """Puts a `Principal` (or None) in `scope["user"]` for every request.

    A bad bearer token is refused with 401 wherever it is sent: a client that sends one expects it to count. A bad
    or expired page cookie makes the visitor anonymous, after one attempt to refresh the session.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        state = scope["litestar_app"].state
        tokens: AccessTokens = state["access_tokens"]
        connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
        scope["user"] = None
        scope["auth"] = None
        authorization = connection.headers.get("authorization")
        if authorization:
            scheme, _, credential = authorization.partition(" ")
            if scheme.lower() != "bearer" or not credential.strip():
                raise NotAuthenticated(
                    "Use 'Authorization: Bearer <access token>'.", field="authorization", rule="scheme"
                )
            scope["user"] = tokens.verify(credential.strip())
            scope["auth"] = "bearer"
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        access = connection.cookies.get(ACCESS_COOKIE)
        if access:
            try:
                scope["user"] = tokens.verify(access)
                scope["auth"] = "cookie"
            except NotAuthenticated:
                pass
        new_cookies: list[Cookie] = []
        refresh = connection.cookies.get(REFRESH_COOKIE)
        if scope["user"] is None and refresh:
            refresher: Refresher = state["refresh_session"]
            pair = await refresher(refresh)
            new_cookies = session_cookies(state["settings"], pair)
            if pair is not None:
                scope["user"] = pair.principal
                scope["auth"] = "cookie"
        if not new_cookies:
            await self.app(scope, receive, send)
            return

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"set-cookie", c.to_header(header="").encode("latin-1")) for c in new_cookies]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cookies)


def current_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    return connection.scope.get("user")


def require_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    principal = current_principal(connection)
    if principal is None:
        raise NotAuthenticated()
    return principal


async def authenticated(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: any signed-in user. Guards are async because Litestar runs a sync guard in a worker thread: a thread
    hop on every request for a check that reads only the token."""
    require_principal(connection)


def require_role(
    *roles: str,
) -> Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]:
    """Guard factory: the caller's role must be one of `roles` (checked from the token, no database read; async, so
    it runs on the event loop, not in a worker thread)."""
    allowed = frozenset(roles)

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = require_principal(connection)
        if principal.role not in allowed:
            raise PermissionDenied(
                f"This needs the {' or '.join(sorted(allowed))} role.", field="role", rule="role_required"
            )

    guard.__name__ = f"require_role_{'_'.join(sorted(allowed))}"
    return guard


admin_only = require_role("admin")
seller_only = require_role("seller")
worker_only = require_role("worker")


@dataclass(frozen=True)
class SecurityKit:
    """What sign-in needs, built once per app: settings, the clock, the password hasher and the token issuer."""

    settings: Settings
    clock: Clock
    passwords: Passwords
    access_tokens: AccessTokens
    cipher: FieldCipher

    @classmethod
    def build(cls, settings: Settings, clock: Clock) -> SecurityKit:
        return cls(
            settings,
            clock,
            Passwords(cheap=settings.env == "test", threads=settings.password_hash_threads),
            AccessTokens(settings, clock),
            FieldCipher(settings.field_key),
        )


Kit = NamedDependency[SecurityKit]
"""A handler parameter `kit: Kit` receives the app's SecurityKit."""
CurrentPrincipal = NamedDependency[Principal]
"""A handler parameter `principal: CurrentPrincipal` receives the signed-in caller (401 when there is none)."""


class FieldCipher:
    """Encrypts personal fields (the resident ID number) at rest, and hashes them for lookups.

    Encryption is Fernet (AES-128-CBC + HMAC-SHA256) under GIG_FIELD_KEY; the lookup hash is an HMAC under a key
    derived from the same secret, so equal values can be found without the value being stored in the clear.
    """

    def __init__(self, field_key: str) -> None:
        from cryptography.fernet import Fernet

        self._fernet = Fernet(field_key.encode())
        self._hash_key = hashlib.sha256(b"gigplatform-lookup:" + field_key.encode()).hexdigest()

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        return self._fernet.decrypt(token.encode()).decode()

    def lookup_hash(self, value: str) -> str:
        return keyed_hash(self._hash_key, value)
