"""The admin's review list and CSV export: filters, sorts, paging by cursor, students first where the round
prefers them, no ID number at all (issue 16: the list reads only its columns), and cells that spreadsheets cannot
mistake for formulas.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import pytest

from tests.conftest import assert_problem
from tests.recruitment.conftest import applied

PEOPLE = [
    # login suffix, legal name, birth, student, tracks
    ("Cathy Zhao", date(1990, 1, 1), False, ["pre_sales"]),
    ("Amy Qian", date(2000, 5, 5), True, ["after_sales"]),
    ("David Sun", date(1995, 3, 3), True, ["pre_sales", "after_sales"]),
    ("Bob Li", date(1985, 12, 12), False, ["after_sales"]),
]


@pytest.fixture
async def reviewed(client, admin, clock, make_round, new_worker):
    """A student-preferring round with four applicants a minute apart; the last one is rejected."""
    round_ = await make_round(student_preferred=True)
    ids = []
    workers = []
    for name, birth, student, tracks in PEOPLE:
        worker = await new_worker(birth=birth)
        workers.append(worker)
        application = await applied(client, worker, round_["id"], legal_name=name, is_student=student, tracks=tracks)
        ids.append(application["id"])
        clock.advance(minutes=1)
    reject = await client.post(f"/api/admin/applications/{ids[3]}/reject", json={"reason": "资料不全"}, headers=admin)
    assert reject.status_code == 200
    return round_, ids, workers


async def _page(client, admin, round_id, **params):
    response = await client.get(f"/api/admin/rounds/{round_id}/applications", params=params, headers=admin)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_list_shows_what_an_admin_needs_and_no_id_number(client, admin, reviewed) -> None:
    round_, ids, workers = reviewed
    page = await _page(client, admin, round_["id"], sort="created_at")
    assert (page["total"], page["limit"], page["next_cursor"], page["previous_cursor"]) == (4, 50, None, None)
    first = page["items"][0]
    assert first["id"] == ids[0] and first["user_id"] == workers[0].user_id
    assert (first["legal_name"], first["age"], first["is_student"], first["tracks"]) == (
        "Cathy Zhao",
        36,
        False,
        ["pre_sales"],
    )
    assert "id_number_masked" not in first  # the application's own page shows it; the list does not read it
    assert page["items"][3]["status"] == "rejected" and page["items"][3]["status_reason"] == "资料不全"
    response = await client.get(f"/api/admin/rounds/{round_['id']}/applications", headers=admin)
    for worker in workers:
        assert worker.id_number not in response.text
    assert "**********" not in response.text


SORTS = [
    ("created_at", [0, 1, 2, 3]),
    ("-created_at", [3, 2, 1, 0]),
    ("legal_name", [1, 3, 0, 2]),
    ("age", [1, 2, 0, 3]),  # youngest first
    ("-age", [3, 0, 2, 1]),
    ("status", [0, 1, 2, 3]),  # pipeline order: typing comes before rejected (the end), then by arrival
]
FILTERS = [
    ({"status": "typing"}, [0, 1, 2]),
    ({"status": "rejected"}, [3]),
    ({"status": "certified"}, []),
    ({"track": "pre_sales"}, [0, 2]),
    ({"track": "after_sales"}, [1, 2, 3]),
    ({"track": "complaints"}, []),
    ({"is_student": "true"}, [1, 2]),
    ({"is_student": "false"}, [0, 3]),
    ({"status": "typing", "is_student": "false", "track": "pre_sales"}, [0]),
]


async def test_every_sort_and_filter(client, admin, reviewed) -> None:
    round_, ids, _ = reviewed
    for sort, order in SORTS:
        page = await _page(client, admin, round_["id"], sort=sort)
        assert [a["id"] for a in page["items"]] == [ids[i] for i in order], sort
    for params, expected in FILTERS:
        page = await _page(client, admin, round_["id"], sort="created_at", **params)
        assert [a["id"] for a in page["items"]] == [ids[i] for i in expected], params
        # a track, or two filters at once, would be counted by reading the whole round: no total then
        countable = "track" not in params and not ("status" in params and "is_student" in params)
        assert (page["total"], page["total_exact"]) == ((len(expected), True) if countable else (None, False))
    # paging by cursor keeps the total; the last page has no next link, the first no previous one
    first = await _page(client, admin, round_["id"], sort="created_at", limit=3)
    second = await _page(client, admin, round_["id"], sort="created_at", limit=3, cursor=first["next_cursor"])
    back = await _page(client, admin, round_["id"], sort="created_at", limit=3, cursor=second["previous_cursor"])
    assert [[a["id"] for a in p["items"]] for p in (first, second, back)] == [ids[:3], ids[3:], ids[:3]]
    assert [(p["total"], p["limit"]) for p in (first, second, back)] == [(4, 3)] * 3
    assert first["previous_cursor"] is None and second["next_cursor"] is None
    assert back["previous_cursor"] is None and back["next_cursor"] is not None
    other_sort = await client.get(
        f"/api/admin/rounds/{round_['id']}/applications",
        params={"sort": "age", "limit": 3, "cursor": first["next_cursor"]},
        headers=admin,
    )
    assert_problem(other_sort, 422, "cursor", "format")
    assert len((await _page(client, admin, round_["id"], limit=1))["items"]) == 1
    assert len((await _page(client, admin, round_["id"], limit=500))["items"]) == 4
    # students come first by default where the round prefers them
    round_, ids, _ = reviewed
    page = await _page(client, admin, round_["id"])
    assert [a["id"] for a in page["items"]] == [ids[1], ids[2], ids[0], ids[3]]
    await client.patch(f"/api/admin/rounds/{round_['id']}", json={"student_preferred": False}, headers=admin)
    page = await _page(client, admin, round_["id"])
    assert [a["id"] for a in page["items"]] == ids


BAD_QUERIES = [
    ({"sort": "name"}, "sort", "one_of"),
    ({"status": "hired"}, "status", "one_of"),
    ({"track": "sales"}, "track", "one_of"),
    ({"is_student": "maybe"}, "is_student", None),
]
BAD_PAGES = [
    ({"limit": 0}, "limit", "range"),
    ({"limit": 501}, "limit", "range"),
    ({"limit": "many"}, "limit", None),
    # issue 15: past any database's integer (a 500 on PostgreSQL before)
    ({"limit": "9223372036854775808"}, "limit", "range"),
    # a cursor is only what the list gave out, for the same sort
    ({"cursor": "not-a-cursor"}, "cursor", "format"),
    ({"cursor": "WyJhZ2UiLG51bGwsWyIxIl0sdHJ1ZV0"}, "cursor", "format"),  # ["age",null,["1"],true]: too short
    ({"cursor": "x" * 1001}, "cursor", None),
]


async def test_bad_review_queries_name_the_parameter_and_unknown_rounds_are_404(client, admin, make_round) -> None:
    round_ = await make_round()
    for suffix, cases in (("applications", BAD_QUERIES + BAD_PAGES), ("applications.csv", BAD_QUERIES)):
        for params, field, rule in cases:
            response = await client.get(f"/api/admin/rounds/{round_['id']}/{suffix}", params=params, headers=admin)
            assert_problem(response, 422, field, rule)
        response = await client.get(f"/api/admin/rounds/{uuid.uuid4()}/{suffix}", headers=admin)
        assert_problem(response, 404, "round_id", "exists")
    # an empty round exports the header only, and lists nothing
    response = await client.get(f"/api/admin/rounds/{round_['id']}/applications.csv", headers=admin)
    assert response.status_code == 200 and len(_rows(response.text)) == 1
    assert (await _page(client, admin, round_["id"]))["items"] == []


def _rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff"), text[:10]
    return list(csv.reader(io.StringIO(text[1:])))


async def test_csv_export_is_excel_friendly_and_holds_no_id_numbers(client, admin, reviewed) -> None:
    round_, ids, workers = reviewed
    response = await client.get(f"/api/admin/rounds/{round_['id']}/applications.csv", headers=admin)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    # named after the round and the (Beijing) day, with an ASCII name for clients that cannot read UTF-8 names
    assert response.headers["content-disposition"] == (
        'attachment; filename="applications-20260302.csv"; '
        "filename*=UTF-8''applications-2026%20%E6%98%A5%E5%AD%A3%E5%AE%A2%E6%9C%8D%E6%8B%9B%E5%8B%9F-20260302.csv"
    )
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark
    rows = _rows(response.text)
    header, body = rows[0], rows[1:]
    assert header == [  # the API's file is for programs: codes, and ISO instants
        "id",
        "legal_name",
        "age",
        "phone",
        "is_student",
        "tracks",
        "status",
        "status_reason",
        "created_at",
    ]
    assert [r[0] for r in body] == [ids[1], ids[2], ids[0], ids[3]]  # the same default order as the list
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in body}
    cathy = by_id[ids[0]]
    assert (cathy["legal_name"], cathy["age"], cathy["is_student"], cathy["tracks"], cathy["status"]) == (
        "Cathy Zhao",
        "36",
        "no",
        "pre_sales",
        "typing",
    )
    assert by_id[ids[2]]["tracks"] == "pre_sales after_sales" and by_id[ids[3]]["status_reason"] == "资料不全"
    assert cathy["created_at"] == "2026-03-02T01:00:00+00:00"
    for worker in workers:
        assert worker.id_number not in response.text
    assert "**********" not in response.text  # not even masked: a spreadsheet travels further than the page
    filtered = await client.get(
        f"/api/admin/rounds/{round_['id']}/applications.csv", params={"status": "rejected"}, headers=admin
    )
    assert [r[0] for r in _rows(filtered.text)[1:]] == [ids[3]]


FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1:A2)"]


async def test_csv_cells_cannot_become_formulas(client, admin, make_round, new_worker) -> None:
    round_ = await make_round()
    for reason in FORMULAS:
        application = await applied(client, await new_worker(), round_["id"], legal_name="-Anna")
        reject = f"/api/admin/applications/{application['id']}/reject"
        assert (await client.post(reject, json={"reason": reason}, headers=admin)).status_code == 200
    response = await client.get(f"/api/admin/rounds/{round_['id']}/applications.csv", headers=admin)
    header, *rows = _rows(response.text)
    assert len(rows) == len(FORMULAS)
    for row in rows:
        cells = dict(zip(header, row, strict=True))
        assert cells["legal_name"] == "'-Anna"
        assert cells["status_reason"][1:] in FORMULAS and cells["status_reason"][0] == "'"
        assert not any(cell[:1] in ("=", "+", "-", "@") for cell in row)


async def test_counts_by_status(client, admin, reviewed, session) -> None:
    from recruitment.service import count_by_status

    round_, _ids, _ = reviewed
    assert await count_by_status(session, uuid.UUID(round_["id"])) == {"typing": 3, "rejected": 1}
    assert await count_by_status(session, uuid.uuid4()) == {}
