"""Text limits an input Struct states in its `msgspec.Meta`, and the rules behind their patterns.

A limit is written once, in the domain's `schemas.py`, so the OpenAPI document states it and msgspec enforces it
before a service runs. A length or a range needs no words here: errors.py calls it `length` or `range`, and a form
says "Enter at most %(limit)s characters.". A pattern is a rule JSON Schema can state but a person cannot read, so
each pattern is made here with its rule's name and message, which the API's `errors[].rule` and the forms use.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, TypeVar

import msgspec

from gigplatform.errors import N_, FieldError, InvalidInput, rule_of

T = TypeVar("T")
_LIMIT = re.compile(r"(length )?([<>]=?) (-?\d+)")

# Unicode categories no one can see: controls (Cc), format characters (Cf: zero-width spaces and joiners, bidi
# overrides and isolates), surrogates, private use, and the line/paragraph separators.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def is_invisible(ch: str) -> bool:
    return unicodedata.category(ch) in INVISIBLE_CATEGORIES


INVISIBLE_CLASS = (
    r"\u0000-\u001f\u007f-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    r"\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\uf8ff\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    r"\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    r"\U000f0000-\U000ffffd\U00100000-\U0010fffd"
)
"""INVISIBLE_CATEGORIES as a regex class body, written out because computing it costs a second at import;
tests/test_limits.py recomputes it from this Python's unicodedata."""
VISIBLE_SPACES = r"\u0020\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
"""The spaces (`str.isspace`) that are not invisible."""


NOT_BLANK = r"\S"
"""At least one character that is not a space: a title of spaces only is empty."""

REQUIRED = r"[^\s]"
"""The same test as NOT_BLANK, for a field whose blank value means it was left out (a login, a rejection's reason):
its rule is `required`. A pattern's text names its rule, so the two are spelled apart."""

VISIBLE = f"^[{VISIBLE_SPACES}]*[^\\s{INVISIBLE_CLASS}][^{INVISIBLE_CLASS}]*$"
"""A name people see as written: something other than spaces, and no invisible character anywhere (a bidi override
inside a name can make it read as another one). Linear to match: the leading spaces and the first visible
character are disjoint classes."""

PATTERN_RULES: dict[str, tuple[str, str]] = {
    NOT_BLANK: ("length", N_("Enter at least one character that is not a space.")),
    REQUIRED: ("required", N_("This field is required.")),
    VISIBLE: (
        "visible_characters",
        N_("Use visible characters only: no control, zero-width or text-direction characters."),
    ),
}
"""Each pattern's rule name (`errors[].rule`) and the message a person reads."""


def text(
    max_length: int,
    *,
    min_length: int | None = None,
    pattern: str | None = None,
    rule: str | None = None,
    message: str | None = None,
) -> msgspec.Meta:
    """The Meta of a text field. A `pattern` is NOT_BLANK, VISIBLE, or a domain's own given with its `rule` and
    `message` (an `N_` text), which every refusal of it then carries."""
    if pattern is not None and rule is not None and message is not None:
        PATTERN_RULES.setdefault(pattern, (rule, message))
    if pattern is not None and pattern not in PATTERN_RULES:
        raise ValueError(f"a pattern needs its rule and message: {pattern!r}")
    return msgspec.Meta(min_length=min_length, max_length=max_length, pattern=pattern)


def pattern_rule(message: str) -> tuple[str, str] | None:
    """(rule, message) of the pattern a msgspec message names ("Expected `str` matching regex '\\\\S'")."""
    if "matching regex" not in message:
        return None
    return next((found for pattern, found in PATTERN_RULES.items() if repr(pattern) in message), None)


def field_error(name: str, raw: Any, message: str) -> FieldError:
    """msgspec's message ("Expected `int` >= 1") as the rule and words a person reads, with the limit as a value."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return FieldError(name, "required", "This field is required.", N_("This field is required."))
    rule = rule_of(message)
    if words := pattern_rule(message):
        return FieldError(name, rule, words[1], words[1])
    if m := _LIMIT.search(message):
        chars, op, limit = m.group(1), m.group(2), int(m.group(3))
        limit = limit + 1 if op == ">" else limit - 1 if op == "<" else limit
        if chars:
            template = (
                N_("Enter at least %(limit)s characters.") if ">" in op else N_("Enter at most %(limit)s characters.")
            )
        else:
            template = N_("Enter at least %(limit)s.") if ">" in op else N_("Enter at most %(limit)s.")
        return FieldError(name, "length" if chars else "range", template % {"limit": limit}, template, {"limit": limit})
    if "`int`" in message or "`int |" in message:  # `int | null` for an optional number
        template = N_("Enter a whole number.")
    elif "datetime" in message or "date" in message:
        template = N_("Enter a date and time.")
    elif rule == "one_of":
        template = N_("Choose one of the options.")
    else:
        template = N_("This value is not valid.")
    return FieldError(name, rule, template, template)


def checked(value: Any, annotated: type[T], field: str) -> T:
    """`value` as the Struct field type `annotated` (its Meta's limits), for a verb reached without the Struct (a
    job, the demo, a test): the same rule as the API's, and a 422 naming the field in the form's words."""
    try:
        return msgspec.convert(value, annotated)
    except msgspec.ValidationError as exc:
        error = field_error(field, value, str(exc).split(" - at ")[0])
        raise InvalidInput(error.message, errors=[error]) from None


def check_fields(struct: type[msgspec.Struct], values: dict[str, Any]) -> None:
    """Each of `values` (field name -> value) against its field in `struct`: the Struct's own limits, for a verb
    that also takes its input without the Struct; every broken field at once."""
    types = {info.name: info.type for info in msgspec.structs.fields(struct)}
    errors: list[FieldError] = []
    for name, value in values.items():
        if name in types and value is not None:
            try:
                msgspec.convert(value, types[name])
            except msgspec.ValidationError as exc:
                errors.append(field_error(name, value, str(exc).split(" - at ")[0]))
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)
