"""Domain errors and the one handler that turns every failure into an RFC 9457 problem response.

Services raise `DomainError` subclasses naming the field and the rule that was broken; the handler shapes them,
Litestar's own validation and HTTP errors, and anything unexpected (a 500, logged, without details leaking) into
`application/problem+json`. Pages get the same problem rendered as HTML through a renderer the app registers.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DBAPIError

log = logging.getLogger("gigplatform.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://gigplatform.dev/problems/"


def N_(message: str) -> str:
    """Marks a rule's message for the page catalogs (`make messages` extracts the domains too); it stays English
    here, and pages translate it from this same text, so a rule's words are written once, where the rule is."""
    return message


@dataclass(frozen=True)
class FieldError:
    """One broken rule: which input field, the rule's short name, and a sentence for people.

    `template` and `params` keep the sentence before its values were put in (`"at least %(age)s"`, {"age": 18}),
    so a page can translate the template and fill in the same values."""

    field: str
    rule: str
    message: str
    template: str | None = None
    params: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "message": self.message}


class DomainError(Exception):
    """Base of every error a service raises on purpose; `status` and `slug` shape the problem response."""

    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"
    keeps_writes: bool = False
    """True for a refusal that is itself recorded (a failed sign-in counted, a late typing test used up): the unit
    of work commits what the verb wrote before raising, instead of rolling it back. Set it with `.recorded()`."""

    def __init__(
        self,
        detail: str,
        *,
        field: str | None = None,
        rule: str | None = None,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        """`detail` may be a template with `%(name)s` values from `params`; the reply carries it filled in."""
        text = detail % params if params else detail
        super().__init__(text)
        self.detail = text
        self.extra = extra or {}  # RFC 9457 extension members, such as the id of the thing in the way
        self.errors = list(errors or [])
        if field is not None:
            self.errors.insert(0, FieldError(field, rule or "invalid", text, detail, params))
        self.headers = headers or {}

    def recorded(self) -> DomainError:
        """Marks this refusal as one whose writes stand (see `keeps_writes`); returns self for `raise`."""
        self.keeps_writes = True
        return self


class InvalidInput(DomainError):
    status, slug, title = 422, "invalid-input", "Invalid input"


class NotAuthenticated(DomainError):
    status, slug, title = 401, "not-authenticated", "Not authenticated"

    def __init__(self, detail: str = "Sign-in is required.", **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="gigplatform"'})
        super().__init__(detail, **kwargs)


class PermissionDenied(DomainError):
    status, slug, title = 403, "permission-denied", "Permission denied"


class NotFound(DomainError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(DomainError):
    status, slug, title = 409, "conflict", "Conflict"


class UnsupportedMediaType(DomainError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class TooManyRequests(DomainError):
    status, slug, title = 429, "too-many-requests", "Too many requests"

    def __init__(self, detail: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))}, **kwargs)


@dataclass
class Problem:
    """The RFC 9457 body, plus the headers that must travel with it."""

    status: int
    slug: str
    title: str
    detail: str
    instance: str | None = None
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.instance:
            body["instance"] = self.instance
        if self.errors:
            body["errors"] = [e.as_dict() for e in self.errors]
        return {**self.extra, **body}


_RULES = (
    (re.compile(r"missing required field"), "required"),
    (re.compile(r"Invalid enum value|must be one of"), "one_of"),
    (re.compile(r"length"), "length"),
    (re.compile(r"pattern"), "pattern"),
    (re.compile(r">=|<=|> |< "), "range"),
    (re.compile(r"Expected `"), "type"),
    (re.compile(r"Unknown field|unknown field"), "unknown_field"),
    (re.compile(r"JSON is malformed|malformed|decode", re.I), "json"),
)
_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")
_UNKNOWN_FIELD = re.compile(r"unknown field `([^`]+)`")
_AT_PATH = re.compile(r" - at `(?:key` in `)?\$\.?([^`]*)`")  # a key of an object: "at `key` in `$.x`"
_TOP_FIELD = re.compile(r"[^.\[]*")


def pattern_words(message: str) -> tuple[str, str] | None:
    """(rule, message for people) when a msgspec message names a pattern made in `gigplatform.limits`; its text
    would only quote the regex."""
    from gigplatform.limits import pattern_rule  # limits takes N_ from here

    return pattern_rule(message)


def rule_of(message: str) -> str:
    """The rule a msgspec/Litestar validation message names ("Expected `int` >= 1" -> "range"); a pattern's rule is
    the one `gigplatform.limits` made it with."""
    if found := pattern_words(message):
        return found[0]
    return next((name for pattern, name in _RULES if pattern.search(message)), "invalid")


def _validation_errors(exc: ValidationException) -> list[FieldError]:
    """Turns Litestar/msgspec validation messages into (field, rule, message) triples."""
    found: list[FieldError] = []
    extra = exc.extra if isinstance(exc.extra, list) else ([exc.extra] if exc.extra else [])
    for item in extra:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "invalid value"))
        if message.strip("'\"") == "data":  # Litestar's way of saying the body is missing altogether
            found.append(FieldError("body", "required", "A JSON request body is required."))
            continue
        key = str(item.get("key") or "")
        if key == "data":  # Litestar's name for the whole body; the message names the field itself
            key = ""
        if m := _MISSING_FIELD.search(message) or _UNKNOWN_FIELD.search(message):
            key = key or m.group(1)
        if m := _AT_PATH.search(message):
            key = key or m.group(1)
            message = _AT_PATH.sub("", message)
        rule, message = pattern_words(message) or (rule_of(message), message)
        # a rule inside a field (`options[0].text`, `per_category[...]`) is reported on the input field itself
        found.append(FieldError(_TOP_FIELD.match(str(key)).group(0) or "body", rule, message))  # type: ignore[union-attr]
    if not found:
        rule = rule_of(exc.detail or "")
        found.append(FieldError("body", rule, exc.detail or "The request body is not valid."))
    return found


_HTTP_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("not-authenticated", "Not authenticated"),
    403: ("permission-denied", "Permission denied"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    413: ("too-large", "Request too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    429: ("too-many-requests", "Too many requests"),
}


def to_problem(request: Request[Any, Any, Any], exc: Exception) -> Problem:
    """Classifies any exception; unknown ones become a 500 with nothing internal in the body."""
    path = request.url.path
    if isinstance(exc, DomainError):
        return Problem(exc.status, exc.slug, exc.title, exc.detail, path, exc.errors, exc.headers, exc.extra)
    if isinstance(exc, ValidationException):
        errors = _validation_errors(exc)
        detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
        return Problem(422, "validation", "Validation failed", detail, path, errors)
    if isinstance(exc, HTTPException) and exc.status_code >= 500:
        log.exception("server error on %s %s", request.method, path, exc_info=exc)
        return Problem(exc.status_code, "internal", "Internal error", "Something went wrong on our side.")
    if isinstance(exc, HTTPException):
        slug, title = _HTTP_SLUGS.get(exc.status_code, ("http-error", "HTTP error"))
        headers = dict(exc.headers or {})
        detail = exc.detail if exc.detail and exc.detail.lower() != title.lower() else title
        errors = []
        if exc.status_code == 400 and "malformed" in detail.lower():
            errors = [FieldError("body", "json", detail)]
        return Problem(exc.status_code, slug, title, detail, path, errors, headers)
    if isinstance(exc, DBAPIError):
        # A database's own message can quote the row it refused ("Failing row contains (...)"): log what failed
        # and where, never the text.
        log.error("unhandled error on %s %s: %s\n%s", request.method, path, database_error_summary(exc), _frames(exc))
    else:
        log.exception("unhandled error on %s %s", request.method, path, exc_info=exc)
    return Problem(HTTP_500_INTERNAL_SERVER_ERROR, "internal", "Internal error", "Something went wrong on our side.")


def database_error_summary(exc: DBAPIError) -> str:
    """The kind of a database error without its message: class, SQLSTATE and the constraint, table and column
    named by the driver (asyncpg and psycopg expose them; SQLite only the class)."""
    parts = [type(exc).__name__]
    for source in (exc.orig, getattr(exc.orig, "__cause__", None)):
        for attribute in ("sqlstate", "pgcode", "constraint_name", "table_name", "column_name"):
            value = getattr(source, attribute, None)
            if isinstance(value, str) and value and f"{attribute}={value}" not in parts:
                parts.append(f"{attribute}={value}")
    return " ".join(parts)


def _frames(exc: BaseException) -> str:
    """Where it happened (the stack), without any exception's message."""
    return "".join(traceback.format_tb(exc.__traceback__))


PageRenderer = Callable[[Request[Any, Any, Any], Problem], Response[Any]]


def wants_html(request: Request[Any, Any, Any]) -> bool:
    """A page route (its Router says `opt={"page": True}`) always answers a page, so a visitor who is not signed in
    is sent to sign in whatever their client accepts. Elsewhere outside /api, a browser asking for HTML gets it;
    everything else gets problem+json."""
    handler = request.scope.get("route_handler")
    if handler is not None and handler.opt.get("page"):
        return True
    if request.url.path.startswith(("/api/", "/schema", "/health", "/ready")):
        return False
    return "text/html" in request.headers.get("accept", "")


def problem_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The single exception handler of the app."""
    problem = to_problem(request, exc)
    renderer: PageRenderer | None = request.app.state.get("render_problem_page")
    if renderer is not None and wants_html(request):
        return renderer(request, problem)
    return Response(
        content=problem.body(),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


EXCEPTION_HANDLERS: dict[type[Exception] | int, Callable[..., Response[Any]]] = {
    Exception: problem_handler,
    HTTPException: problem_handler,
    DomainError: problem_handler,
}

__all__ = [
    "EXCEPTION_HANDLERS",
    "N_",
    "Conflict",
    "DomainError",
    "FieldError",
    "InvalidInput",
    "NotAuthenticated",
    "NotFound",
    "PermissionDenied",
    "Problem",
    "TooManyRequests",
    "UnsupportedMediaType",
    "problem_handler",
]
