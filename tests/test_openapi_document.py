"""The OpenAPI document says what the API answers (issue 15): every refusal a route can give, as the problem it
really is; the 409s with the rule codes their services raise; bodies and replies Litestar cannot read from a
signature. The generated requests of test_api_contract.py then hold the API to it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import register, sign_in

ROOT = Path(__file__).resolve().parents[1]
PROBLEM = "application/problem+json"


@pytest.fixture
async def document(client) -> dict[str, Any]:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for path in document["paths"].values() for op in path.values()}


def statuses(op: dict[str, Any]) -> set[int]:
    return {int(s) for s in op["responses"]}


async def test_every_refusal_is_a_problem_and_litestars_shape_is_gone(document) -> None:
    for name, op in operations(document).items():
        for status, response in op["responses"].items():
            if int(status) >= 400 and (name, status) != ("ready", "503"):  # a readiness report, not a refusal
                assert list(response["content"]) == [PROBLEM], (name, status)
    assert "status_code" not in str(document)
    assert "problem+json" in document["info"]["description"] and "NUL" in document["info"]["description"]
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    assert {"instance", "errors"} <= set(problem["properties"])


async def test_refusals_follow_from_what_the_route_is(document) -> None:
    ops = operations(document)
    assert statuses(ops["health"]) == {200, 401}  # a bad bearer token is refused wherever it is sent
    assert statuses(ops["me"]) == {200, 401}  # signed in, any role
    assert statuses(ops["listRounds"]) == {200, 401, 403, 422}  # admins only; a validated query
    assert {401, 403, 404} <= statuses(ops["getRound"])  # a path parameter
    assert {400, 401, 403, 413, 415, 422} <= statuses(ops["createRound"])  # a body
    assert 403 not in statuses(ops["readRound"])
    assert statuses(ops["login"]) >= {400, 401, 403, 415, 422, 429}
    assert statuses(ops["ready"]) == {200, 401, 503}


async def test_guarded_routes_need_a_bearer_token_and_public_ones_none(document) -> None:
    ops = operations(document)
    assert "security" not in document
    assert ops["createRound"]["security"] == [{"bearer": []}]
    for public in ("register", "login", "refresh", "logout", "health", "ready"):
        assert "security" not in ops[public], public


async def test_a_409_lists_its_rule_codes_and_extra_members(document) -> None:
    schemas = document["components"]["schemas"]

    def conflict(operation: str) -> dict[str, Any]:
        ref = operations(document)[operation]["responses"]["409"]["content"][PROBLEM]["schema"]["$ref"]
        return schemas[ref.rsplit("/", 1)[1]]

    start = conflict("startExamAttempt")
    error = schemas[start["properties"]["errors"]["items"]["$ref"].rsplit("/", 1)[1]]
    assert set(error["properties"]["rule"]["enum"]) >= {"cooldown", "one_active", "none_left"}
    assert {"retry_at", "attempt_id"} <= set(start["properties"])
    assert "409" not in operations(document)["getRound"]["responses"]


def _documented_conflict_rules() -> set[str]:
    found: set[str] = set()
    for api in ("gigplatform/accounts/api.py", "recruitment/api.py", "exams/api.py"):
        for call in re.findall(r"(?:conflict|item_rules)\(([^)]*)\)", (ROOT / api).read_text(), flags=re.S):
            found |= set(re.findall(r'"([a-z_]+)"', call))
    return found


def _raised_conflict_rules() -> set[str]:
    found: set[str] = set()
    for package in ("gigplatform/accounts", "recruitment", "exams"):
        for source in (ROOT / package).glob("*.py"):
            if source.name == "api.py":
                continue
            for call in re.findall(r"Conflict\(((?:[^()]|\([^()]*\))*)\)", source.read_text()):
                found |= set(re.findall(r'rule="([a-z_]+)"', call))
    return found


def test_the_documented_409_rules_are_the_ones_the_services_raise() -> None:
    assert _documented_conflict_rules() == _raised_conflict_rules()


async def test_the_question_bank_files_are_described(document) -> None:
    ops = operations(document)
    body = ops["importQuestions"]["requestBody"]
    assert body["required"] and set(body["content"]) == {"application/json", "text/csv"}
    reply = ops["exportQuestions"]["responses"]["200"]["content"]
    assert reply["application/json"]["schema"]["type"] == "object"
    assert reply["text/csv"]["schema"]["type"] == "string"
    format_ = next(p for p in ops["exportQuestions"]["parameters"] if p["name"] == "format")
    assert set(format_["schema"]["enum"]) == {"json", "csv"}


async def test_structs_that_refuse_unknown_fields_say_so(document) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["RoundIn"]["additionalProperties"] is False
    assert "additionalProperties" not in schemas["RoundOut"]


OFFSET_PAGE = {"items", "total", "limit", "offset"}
# Lists that grow past where an OFFSET stays cheap are read by keyset: the same page with cursors for the offset.
KEYSET_PAGE = {"items", "total", "total_exact", "limit", "next_cursor", "previous_cursor"}
KEYSET_LISTS = {"reviewApplications"}


async def test_every_list_is_a_page(document) -> None:
    """One list shape: `{items, total, limit, offset}`, or its keyset form (`gigplatform.listing.CursorPage`) for a
    round's applications; no operation answers a bare array. listExamAttempts is not a list but an application's
    exam overview (each exam's standing beside the attempts), so it keeps its object; myEarnings is a month's
    statement (its totals beside the shifts, at most one per hour of the month), not a list to page."""
    schemas = document["components"]["schemas"]
    for name, op in operations(document).items():
        if name in ("listExamAttempts", "myEarnings"):
            continue
        for media in op["responses"].get("200", {}).get("content", {}).values():
            schema = media["schema"]
            assert schema.get("type") != "array", name
            if "$ref" in schema and name.startswith(("list", "my", "review")):
                page = schemas[schema["$ref"].rsplit("/", 1)[1]]
                shape = KEYSET_PAGE if name in KEYSET_LISTS else OFFSET_PAGE
                assert set(page["required"]) == shape, name


async def test_a_list_pages_by_limit_and_offset(client, clock) -> None:
    await register(client, "13900000009", role="seller", shop_name="一号店")
    seller = bearer_of(await sign_in(client, "13900000009"))
    for name in ("二号店", "三号店"):
        assert (await client.post("/api/shops", json={"name": name}, headers=seller)).status_code == 201
    whole = (await client.get("/api/shops", headers=seller)).json()
    assert (whole["total"], whole["limit"], whole["offset"], len(whole["items"])) == (3, 100, 0, 3)
    window = (await client.get("/api/shops", params={"limit": 1, "offset": 1}, headers=seller)).json()
    assert (window["total"], window["limit"], window["offset"]) == (3, 1, 1)
    assert window["items"] == whole["items"][1:2]
    for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}):
        assert (await client.get("/api/shops", params=bad, headers=seller)).status_code == 422, bad


def bearer_of(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def test_the_csv_says_its_charset_once(client, session, kit) -> None:
    from gigplatform.accounts import service as accounts

    await accounts.create_admin(session, kit, login="admin@example.com", password="abc12345", display_name="管理员")
    await session.commit()
    admin = bearer_of(await sign_in(client, "admin@example.com"))
    response = await client.get("/api/admin/questions/export", params={"format": "csv"}, headers=admin)
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    bad = await client.get("/api/admin/questions/export", params={"format": "xml"}, headers=admin)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith(PROBLEM)


async def test_a_bound_of_zero_is_stated_like_any_other(document) -> None:
    """Litestar dropped `ge=0` (it tested the bound's truth), so the document let -5 through as a number of
    seconds, hours or a percentage that the API then refused: schemathesis's valid input answered 422."""
    schemas = document["components"]["schemas"]
    assert schemas["ModulePatch"]["properties"]["min_reading_seconds"]["minimum"] == 0
    assert schemas["RoundPatch"]["properties"]["min_typing_accuracy"]["minimum"] == 0
    assert schemas["BlueprintPatch"]["properties"]["cooldown_hours"]["minimum"] == 0
    assert schemas["PackagePatch"]["properties"]["first_hour"]["minimum"] == 0
    assert schemas["RoundPatch"]["properties"]["min_age"]["minimum"] == 16  # a bound that is not 0, as before
