"""The API's own description, made true in one place.

Litestar documents a route's success reply from its signature; everything else a route can answer is written here:
`document_api(app)` runs once over the app's route handlers and adds, from what each route *is*, the refusals it can
answer, each as `application/problem+json` in the shape `errors.Problem.body` writes:

- every route: 401 for an `Authorization` header that is not a valid bearer token (the middleware refuses it
  wherever it is sent); a guarded route answers 401 without one too, and a role guard 403;
- a route with path parameters: 404 (missing and forbidden look the same);
- a route that reads a body: 400 (not JSON), 413 (too large), 415 (not its media type), 422 (a broken rule);
- a route with query parameters: 422.

What only the route knows is declared next to it with `conflict(...)` (the 409's rule codes and extra members),
`too_many_requests(...)`, `forbidden(...)` and `problem(...)`, passed as the handler's `responses=`. Guarded routes
carry the bearer security requirement; public ones none. Litestar's own error shape (`{status_code, detail, extra}`)
is never documented, since this API never answers it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from types import UnionType
from typing import Any, ClassVar, Literal, Union, get_args, get_origin, get_type_hints

import msgspec
from litestar import Litestar
from litestar._openapi.schema_generation import SchemaCreator
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Operation, Schema
from litestar.openapi.spec import RequestBody as OpenAPIRequestBody
from litestar.routes import HTTPRoute
from litestar.typing import FieldDefinition

from gigplatform.errors import PROBLEM_MEDIA_TYPE
from gigplatform.security import authenticated

BEARER = [{"bearer": []}]
API_DESCRIPTION = (
    "Every refusal is `application/problem+json`: `{type, title, status, detail, instance?, errors?: [{field, rule, "
    "message}]}`; each operation lists the statuses it can answer. No text field takes a NUL character. Every list "
    "answers a page `{items, total, limit, offset}`. Signed-in routes take `Authorization: Bearer <access token>`."
)


class ProblemError(msgspec.Struct):
    """One broken rule: the input field, the rule's short name, and a sentence for people."""

    field: str
    rule: str
    message: str


class Problem(msgspec.Struct):
    """An RFC 9457 problem: `type` names the kind of refusal, `errors` each broken rule."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | msgspec.UnsetType = msgspec.UNSET
    errors: list[ProblemError] | msgspec.UnsetType = msgspec.UNSET


def _spec(container: Any, description: str) -> ResponseSpec:
    return ResponseSpec(
        data_container=container, description=description, media_type=PROBLEM_MEDIA_TYPE, generate_examples=False
    )


def problem(status: int, description: str) -> dict[int, ResponseSpec]:
    """A refusal with the plain problem shape, for a status the route answers beyond the derived ones."""
    return {status: _spec(Problem, description)}


def forbidden(description: str) -> dict[int, ResponseSpec]:
    return problem(403, description)


@cache
def _conflict_shape(rules: tuple[str, ...], extra: tuple[tuple[str, type], ...]) -> type[msgspec.Struct]:
    name = "Conflict" + "".join(rule.title().replace("_", "") for rule in rules)
    error = msgspec.defstruct(
        name + "Error", [("field", str), ("rule", Literal[rules]), ("message", str)], module=__name__
    )
    fields: list[Any] = [
        ("type", str),
        ("title", str),
        ("status", int),
        ("detail", str),
        ("errors", list[error]),
        ("instance", str | msgspec.UnsetType, msgspec.UNSET),
        *((key, kind | msgspec.UnsetType, msgspec.UNSET) for key, kind in extra),
    ]
    return msgspec.defstruct(name, fields, module=__name__)


def conflict(*rules: str, description: str = "", **extra: type) -> dict[int, ResponseSpec]:
    """The route's 409: the state is in the way. `rules` are the codes its service raises (in `errors[].rule`);
    `extra` the problem's extension members some of them carry (`retry_at=datetime`)."""
    shape = _conflict_shape(tuple(sorted(rules)), tuple(sorted(extra.items())))
    text = description or "The current state refuses this; `errors[].rule` says why."
    return {409: _spec(shape, f"{text} Rules: {', '.join(sorted(rules))}.")}


def too_many_requests(description: str) -> dict[int, ResponseSpec]:
    return problem(429, description + " The `Retry-After` header says how many seconds to wait.")


@dataclass(frozen=True)
class Content:
    """What Litestar cannot read from a handler's signature because the handler reads the raw request or writes a
    raw reply in more than one media type: media type to schema, and what it means. A handler declares it as
    `opt={"request_body": Content(...)}` or `opt={"reply": Content(...)}`."""

    schemas: dict[str, Schema]
    description: str

    def media(self) -> dict[str, OpenAPIMediaType]:
        return {media: OpenAPIMediaType(schema=schema) for media, schema in self.schemas.items()}


def _litestar_error(response: Any) -> bool:
    """Litestar's own error reply (`{status_code, detail, extra}`), which this API never answers."""
    for media in (getattr(response, "content", None) or {}).values():
        schema = media.schema
        for candidate in [schema, *(getattr(schema, "one_of", None) or [])]:
            if "status_code" in (getattr(candidate, "properties", None) or {}):
                return True
    return False


@dataclass
class ApiOperation(Operation):
    """Litestar's operation without Litestar's own error shape (this API answers problems, documented by
    `document_api`), and with the body and reply a handler declares (`Content`)."""

    declared_body: ClassVar[Content | None] = None
    declared_reply: ClassVar[Content | None] = None

    def __post_init__(self) -> None:
        responses = {
            status: response for status, response in (self.responses or {}).items() if not _litestar_error(response)
        }
        if self.declared_reply is not None:
            success = min(responses, key=int)
            responses[success] = OpenAPIResponse(self.declared_reply.description, content=self.declared_reply.media())
        self.responses = responses
        if self.declared_body is not None:
            body = self.declared_body
            self.request_body = OpenAPIRequestBody(content=body.media(), description=body.description, required=True)


class ClosedStructSchemaPlugin(StructSchemaPlugin):
    """A Struct that refuses unknown fields (`forbid_unknown_fields=True`) says so: `additionalProperties: false`."""

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        struct = field_definition.origin or field_definition.annotation  # a generic Struct's own class
        target = schema if isinstance(schema, Schema) else schema_creator.schema_registry.from_reference(schema)
        target = getattr(target, "schema", target)
        if struct.__struct_config__.forbid_unknown_fields:
            target.additional_properties = False
        _zero_bounds(struct, target)
        return schema


_ZERO_BOUNDS = {"ge": "minimum", "gt": "exclusive_minimum", "le": "maximum", "lt": "exclusive_maximum"}


def _metas(annotation: Any) -> Iterator[msgspec.Meta]:
    """The msgspec.Meta objects of a field's type, through `X | None` and `X | UnsetType`."""
    for metadata in getattr(annotation, "__metadata__", ()):
        if isinstance(metadata, msgspec.Meta):
            yield metadata
    for arg in get_args(annotation) if get_origin(annotation) in (Union, UnionType) else ():
        yield from _metas(arg)


def _zero_bounds(struct: type[msgspec.Struct], schema: Schema) -> None:
    """Litestar drops a bound that is 0 (it tests the value's truth): `ge=0` vanished from the document, so a
    client read -5 as a valid count of seconds. Each property gets its zero bounds back."""
    hints = get_type_hints(struct, include_extras=True)
    for field in msgspec.structs.fields(struct):
        prop = (schema.properties or {}).get(field.encode_name)
        if not isinstance(prop, Schema):
            continue
        for meta in _metas(hints.get(field.name)):
            for bound, key in _ZERO_BOUNDS.items():
                if getattr(meta, bound) == 0 and getattr(prop, key) is None:
                    setattr(prop, key, 0)


SCHEMA_PLUGINS = [ClosedStructSchemaPlugin()]


def _derived(route: HTTPRoute, handler: Any, kwargs_model: Any) -> dict[int, ResponseSpec]:
    guards = handler.resolve_guards()
    body = "data" in kwargs_model.expected_reserved_kwargs or "request_body" in handler.opt
    found: dict[int, ResponseSpec] = {}
    if guards:
        found |= problem(401, "Sign-in is required: no valid bearer token was sent.")
        if any(getattr(guard, "func", guard) is not authenticated for guard in guards):
            found |= forbidden("The caller is signed in without the role this route needs.")
    else:
        found |= problem(401, "An `Authorization` header was sent that is not a valid bearer token.")
    if route.path_parameters:
        found |= problem(404, "No such object, or not one the caller may see (the two look the same).")
    if body:
        found |= problem(400, "The body is not well-formed JSON.")
        found |= problem(413, "The body is larger than the server takes.")
        found |= problem(415, "The body is not of a media type this route reads.")
    if body or kwargs_model.expected_query_params:
        found |= problem(422, "The input breaks a rule: `errors` names each field and rule.")
    return found


def document_api(app: Litestar) -> None:
    """Adds to every documented route the refusals it can answer and its security requirement (see the module)."""
    seen: set[int] = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler, kwargs_model in route.route_handler_map.values():
            if id(handler) in seen or not handler.resolve_include_in_schema():
                continue
            seen.add(id(handler))
            handler.responses = {**_derived(route, handler, kwargs_model), **(handler.responses or {})}
            if handler.resolve_guards():
                handler.security = BEARER
            declared = {"declared_body": handler.opt.get("request_body"), "declared_reply": handler.opt.get("reply")}
            handler.operation_class = (
                type("DeclaredOperation", (ApiOperation,), declared) if any(declared.values()) else ApiOperation
            )


def item_rules(*rules: str) -> tuple[str, ...]:
    """The rule codes a batch route reports per item in its 200 reply instead of as a 409 (bulk review); written
    next to the route like `conflict(...)`, so the document names every rule a service can refuse with."""
    return rules
