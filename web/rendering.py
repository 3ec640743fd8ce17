"""What every page module shares: rendering with the visitor's principal and language, translated field errors,
the sign-in redirect, and Beijing-time formatting.

It lives apart from `web.pages` so that page modules (`web.admin.rounds`, ...) can use it while `web.pages`
collects their routes, without an import cycle.
"""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from gigplatform.clock import BUSINESS_TZ
from gigplatform.errors import DomainError, FieldError
from gigplatform.security import current_principal
from web import i18n
from web.i18n import _

Form = URLEncodedBody[dict[str, str]]


def _translated(error: FieldError, messages: dict[tuple[str, str], str] | None) -> str:
    """The form's own words for the rule when it has a table, else the rule's own message (its template marked with
    `N_` where the rule lives) translated, with the same values put in."""
    own = messages or {}
    message = own.get((error.field, error.rule)) or own.get(("*", error.rule))
    if message:
        return _(message)
    if error.template:
        translated = _(error.template)
        return translated % error.params if error.params else translated
    return error.message


def error_words(error: FieldError) -> str:
    """One broken rule in the visitor's language (its own `N_` message with its values), e.g. beside a list item."""
    return _translated(error, None)


def form_errors(exc: DomainError, messages: dict[tuple[str, str], str] | None = None) -> dict[str, str]:
    """Field name -> translated message, for the form that is shown again.

    `messages` is the form's own table, looked up before the rule's own message: the same (field, rule) can need other
    words on another form (a round *offers* tracks, an applicant *chooses* them). A ("*", rule) key there
    covers that rule on any field.
    """
    return {e.field: _translated(e, messages) for e in exc.errors} or {"form": exc.detail}


def page(name: str, request: Request[Any, Any, Any], status_code: int = 200, **context: Any) -> Template:
    lang = i18n.current_language.get()
    return Template(
        template_name=name,
        context={
            "principal": current_principal(request),
            "lang": lang,
            "html_lang": i18n.HTML_LANG[lang],
            "path": request.url.path,
            "unread": request.state.get("unread", 0),
            **context,
        },
        status_code=status_code,
    )


def safe_next(target: str | None) -> str:
    """Only same-site paths, so `?next=` can't send anyone to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def sign_in_redirect(request: Request[Any, Any, Any]) -> Redirect:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(path="/login?" + urlencode({"next": target}))


# --- Beijing time in templates and forms --------------------------------------------------------------------------


def beijing(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Jinja filter `bj`: an instant shown in Beijing time."""
    if value is None:
        return ""
    try:
        return value.astimezone(BUSINESS_TZ).strftime(fmt)
    except OverflowError:  # a stored instant at the very edge of what a datetime holds: shown as stored (UTC)
        return value.strftime(fmt)


def shown_instants(values: dict[str, Any]) -> dict[str, Any]:
    """Instants kept as ISO 8601 in JSON (`until`, `*_at`: notification params, audit details) shown in Beijing
    time; other values as they are."""
    shown = dict(values)
    for key, value in values.items():
        if (key == "until" or key.endswith("_at")) and isinstance(value, str):
            with contextlib.suppress(ValueError):
                shown[key] = beijing(datetime.fromisoformat(value))
    return shown


def beijing_input(value: datetime | None) -> str:
    """Jinja filter `bj_input`: the value of an `<input type="datetime-local">`, in Beijing time."""
    return beijing(value, "%Y-%m-%dT%H:%M")


def parse_beijing(raw: str) -> datetime | None:
    """A `datetime-local` value read as Beijing time, as a UTC instant; None when it is not a date and time."""
    try:
        local = datetime.fromisoformat((raw or "").strip())
        if local.tzinfo is not None:
            return local.astimezone(UTC)
        return local.replace(tzinfo=BUSINESS_TZ).astimezone(UTC)
    except (ValueError, OverflowError):  # not a date, or one past what a datetime holds in UTC
        return None


def duration(seconds: int) -> str:
    """Jinja filter `duration`: a span of seconds in words ("2 min 30 s")."""
    minutes, rest = divmod(max(0, int(seconds)), 60)
    if minutes and rest:
        return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": rest}
    if minutes:
        return _("%(minutes)s min") % {"minutes": minutes}
    return _("%(seconds)s s") % {"seconds": rest}


FILTERS = {"bj": beijing, "bj_input": beijing_input, "duration": duration, "instants": shown_instants}


def error_status(exc: DomainError) -> int:
    """The status a form shown again answers with: the service's 403 or 409, else 422 for what was typed."""
    return exc.status if exc.status in (403, 409) else 422


class ListQuery:
    """For a list page's filters as a frozen dataclass whose last field is `page`: the query string of the filters
    with `changes` applied (empty values and the first page left out), for links to other pages and sorts."""

    def query(self, **changes: Any) -> str:
        values: dict[str, Any] = {
            ("page_number" if f.name == "page" else f.name): getattr(self, f.name)
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
        }
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})


def notice(code: str | None, notices: dict[str, str]) -> str | None:
    """The notice a redirect asked for: only fixed codes travel in the URL, never text."""
    return _(notices[code]) if code in notices else None


def general_errors(errors: dict[str, str], fields: tuple[str, ...]) -> list[str]:
    """Errors that belong to no input of the form, shown above it."""
    return [message for name, message in errors.items() if name not in fields]
