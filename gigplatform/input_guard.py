"""Hostile input refused at the door, before any handler parses it, with a 4xx naming the field and the rule.

- A NUL character in any JSON string, form field or query parameter: PostgreSQL cannot store it in text and
  answered 500 for every endpoint that took text (registration and sign-in included).
- JSON nested deeper than `MAX_DEPTH`: the decoder recursed until Python gave up (a 500 for anyone, signed in
  or not).
- An API body that is not JSON (or CSV where a route documents it): JSON was accepted under any Content-Type, so
  a form post from another site could reach the API as a "simple request". 415, naming the header.
- A JSON body read as its route's type strictly, as the document states it: Litestar converts bodies with
  msgspec's lax rules (made for query strings), so `"active": 0` passed as a boolean and `"quota": "10"` as a
  number. Strict decoding refuses them with the same 422 the handler's own parsing would give.

Checks are cheap on ordinary requests: the body is searched for the escaped NUL and counted for brackets before
anything is decoded a second time.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException

from gigplatform.errors import InvalidInput, UnsupportedMediaType

MAX_DEPTH = 32
JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded",)
CSV_TYPES = ("text/csv",)
API_PREFIX = "/api/"


def _media_type(request: Request[Any, Any, Any]) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _nul_in(value: Any, path: str) -> str | None:
    """The path of the first string (or key) holding a NUL in a decoded JSON document, iteratively."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return where or "body"
        elif isinstance(item, dict):
            for key, child in item.items():
                if "\x00" in key:
                    return where or "body"
                stack.append((child, f"{where}.{key}" if where else key))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
    return None


def _too_deep(body: bytes) -> bool:
    """Whether brackets nest deeper than MAX_DEPTH (strings are skipped, escapes honoured)."""
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _refuse_nul(field: str) -> InvalidInput:
    return InvalidInput(
        f"{field} contains a NUL character, which no text field accepts.", field=field, rule="control_character"
    )


def _body_type(request: Request[Any, Any, Any]) -> Any:
    """The type the route reads its `data` from, or None (no body, or one Litestar does not decode as JSON)."""
    handler = request.scope.get("route_handler")
    field = getattr(handler, "parsed_fn_signature", None)
    data = field.parameters.get("data") if field is not None else None
    if data is None or data.annotation is bytes:
        return None
    return data.annotation


def _decode_strictly(body: bytes, body_type: Any) -> None:
    """Refuses a body that only msgspec's lax conversion accepts (a number for a boolean, a string for a number),
    in the shape of Litestar's own validation error so the 422 reads the same."""
    try:
        msgspec.json.decode(body, type=body_type, strict=True)
    except msgspec.ValidationError as exc:
        try:
            document = msgspec.json.decode(body)
        except msgspec.DecodeError:
            return  # malformed JSON ("[" read as the start of an array): the handler's parsing answers 400
        try:
            # JSON Schema's integer is a number without a fraction: 3.0 is one, as the document promises
            msgspec.convert(_whole_floats(document), body_type, strict=True)
        except msgspec.ValidationError:
            raise ValidationException(
                detail="Validation failed", extra=[{"key": "data", "message": str(exc), "source": "body"}]
            ) from None
    except msgspec.DecodeError:
        return  # malformed JSON: the handler's own parsing answers 400 naming the body


def _whole_floats(value: Any) -> Any:
    """The decoded document with every float that has no fraction (3.0) as an int."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _whole_floats(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_whole_floats(child) for child in value]
    return value


async def guard_input(request: Request[Any, Any, Any]) -> None:
    """A before-request check for every route: query string, JSON body and form body."""
    query = request.scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                raise _refuse_nul(name.replace("\x00", "") or "query")
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    media_type = _media_type(request)
    if request.url.path.startswith(API_PREFIX) and await request.body():
        accepted = media_type in JSON_TYPES or media_type.endswith("+json") or media_type in CSV_TYPES
        if not accepted:
            raise UnsupportedMediaType(
                "The API reads application/json bodies (and text/csv where a route says so), "
                f"not {media_type or 'a body without a Content-Type'}.",
                field="content-type",
                rule="media_type",
            )
    if media_type in JSON_TYPES or media_type.endswith("+json"):
        body = await request.body()
        if body.count(b"[") + body.count(b"{") > MAX_DEPTH and _too_deep(body):
            raise InvalidInput(f"The JSON body nests deeper than {MAX_DEPTH} levels.", field="body", rule="depth")
        if b"\\u0000" in body:
            try:
                document = msgspec.json.decode(body)
            except msgspec.DecodeError:
                return  # malformed JSON: the handler's own parsing answers 400 naming the body
            if (where := _nul_in(document, "")) is not None:
                raise _refuse_nul(where)
        if body and (body_type := _body_type(request)) is not None:
            _decode_strictly(body, body_type)
    elif media_type in FORM_TYPES:
        body = await request.body()
        if b"%00" in body or b"\x00" in body:
            for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
                if "\x00" in name or "\x00" in value:
                    raise _refuse_nul(name.replace("\x00", "") or "form")
