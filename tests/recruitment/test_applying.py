"""Applying to a round: the round's window, standing, the ID number, age in Shanghai, name, phone, tracks, and one
application per real person per round with one account per real person.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from gigplatform.accounts import service as accounts
from gigplatform.accounts.models import Standing
from recruitment import service as recruitment
from tests.conftest import assert_problem, bearer, register, sign_in
from tests.recruitment.conftest import (
    application_body,
    applied,
    apply,
    concurrently,
    get_round,
    iso,
    read_application,
    steps,
    valid_id,
)

MASK = re.compile(r"^\d{4}\*{10}\d{3}[\dX]$")


async def test_applying_passes_the_local_identity_check_and_opens_the_typing_test(client, make_round, worker) -> None:
    round_ = await make_round()
    response = await apply(client, worker, round_["id"], legal_name="  李   娜 ", tracks=["after_sales", "pre_sales"])
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "typing" and created["round_id"] == round_["id"]
    assert created["round_title"] == round_["title"] and created["legal_name"] == "李 娜"
    assert created["tracks"] == ["pre_sales", "after_sales"]  # kept in the platform's track order
    assert created["typing_attempts_left"] == 3 and created["identity_retry_at"] is None
    assert MASK.match(created["id_number_masked"]), created
    number = worker.id_number
    assert created["id_number_masked"] == number[:4] + "*" * 10 + number[-4:]
    assert number not in response.text
    mine = (await client.get("/api/me/applications", headers=worker.headers)).json()["items"]
    assert [a["id"] for a in mine] == [created["id"]] and mine[0]["timeline"] is None
    full = await read_application(client, worker.headers, created["id"])
    assert steps(full) == [
        (None, "submitted", "applicant"),
        ("submitted", "identity_pending", "system"),
        ("identity_pending", "typing", "system"),
    ]
    assert all(e["reason"] and e["at"] for e in full["timeline"])


async def test_the_round_must_be_open_and_inside_its_window(client, admin, clock, make_round, new_worker) -> None:
    worker = await new_worker()
    draft = await make_round(opened=False)
    assert_problem(await apply(client, worker, draft["id"]), 409, "round_id", "not_open")
    closed = await make_round()
    await client.post(f"/api/admin/rounds/{closed['id']}/close", headers=admin)
    assert_problem(await apply(client, worker, closed["id"]), 409, "round_id", "not_open")
    missing = await apply(client, worker, str(uuid.uuid4()))
    assert_problem(missing, 404, "round_id", "exists")

    opens = clock.now() + timedelta(hours=2)
    closes = opens + timedelta(days=1)
    later = await make_round(opens_at=iso(opens), closes_at=iso(closes))
    clock.set(opens - timedelta(seconds=1))
    assert_problem(await apply(client, worker, later["id"]), 409, "round_id", "not_open")
    clock.set(opens)  # opening time is inclusive
    assert (await apply(client, worker, later["id"])).status_code == 201
    clock.set(closes - timedelta(seconds=1))
    assert (await apply(client, await new_worker(), later["id"])).status_code == 201
    clock.set(closes)  # closing time is exclusive
    assert_problem(await apply(client, await new_worker(), later["id"]), 409, "round_id", "not_open")


async def test_only_worker_accounts_in_good_standing_apply(client, session, admin, make_round, new_worker) -> None:
    round_ = await make_round()
    for standing, allowed in (
        (Standing.GOOD, True),
        (Standing.WARNED, True),
        (Standing.RESTRICTED, False),
        (Standing.BANNED, False),
    ):
        worker = await new_worker()
        await accounts.set_standing(session, uuid.UUID(worker.user_id), standing)
        await session.commit()
        response = await apply(client, worker, round_["id"])
        if allowed:
            assert response.status_code == 201, (standing, response.text)
        else:
            assert_problem(response, 403, "standing", "good_standing")
    # only workers apply
    worker = await new_worker()
    await register(client, "seller@example.com", role="seller", shop_name="小白数码旗舰店")
    seller = bearer(await sign_in(client, "seller@example.com"))
    body = {"legal_name": "李娜", "id_number": worker.id_number, "phone": "13912345678", "is_student": False}
    body["tracks"], body["consent"] = ["pre_sales"], True
    url = f"/api/rounds/{round_['id']}/applications"
    assert_problem(await client.post(url, json=body, headers=seller), 403, "role", "role_required")
    assert_problem(await client.post(url, json=body, headers=admin), 403, "role", "role_required")
    assert_problem(await client.post(url, json=body), 401)


def _with_body(body17: str) -> str:
    from stdnum.cn import ric

    return body17 + ric.calc_check_digit(body17 + "0")


GOOD = valid_id(date(1995, 1, 1))
BAD_NUMBERS = [
    ("", "length"),
    (GOOD[:17], "length"),
    (GOOD + "1", "length"),
    ("11010519950101A01" + GOOD[-1], "format"),
    (GOOD[:17] + "Y", "format"),
    (GOOD[:17] + ("0" if GOOD[-1] != "0" else "1"), "checksum"),
    (_with_body("11010519950230001"), "birth_date"),  # 30 February
    (_with_body("11010519951301001"), "birth_date"),  # month 13
    (_with_body("11010520270101001"), "birth_date"),  # born in the future
    (_with_body("99999919950101001"), "region"),
]


async def test_bad_id_numbers_name_the_rule_and_never_echo_the_number(client, make_round, worker) -> None:
    round_ = await make_round()
    for number, rule in BAD_NUMBERS:
        response = await apply(client, worker, round_["id"], id_number=number)
        assert_problem(response, 422, "id_number", rule)
        if number:
            assert number not in response.text
    assert (await client.get("/api/me/applications", headers=worker.headers)).json()["items"] == []
    # nothing was half-written: the same person applies properly afterwards
    assert (await apply(client, worker, round_["id"])).status_code == 201


# --- age: on the day of application, in Asia/Shanghai ---------------------------------------------------------------

AGE_CASES = [
    # 2026-03-02 09:00 in Shanghai
    (datetime(2026, 3, 2, 1, 0, tzinfo=UTC), date(2008, 3, 2), 18, True),  # 18 today
    (datetime(2026, 3, 2, 1, 0, tzinfo=UTC), date(2008, 3, 3), 18, False),  # 18 tomorrow
    (datetime(2026, 3, 2, 1, 0, tzinfo=UTC), date(2008, 3, 1), 18, True),
    # 2026-03-01 23:59:59 in Shanghai (15:59:59 UTC): still the day before the birthday
    (datetime(2026, 3, 1, 15, 59, 59, tzinfo=UTC), date(2008, 3, 2), 18, False),
    # 2026-03-02 00:00 in Shanghai, still 1 March in UTC: the birthday has come
    (datetime(2026, 3, 1, 16, 0, tzinfo=UTC), date(2008, 3, 2), 18, True),
    (datetime(2026, 3, 1, 17, 0, tzinfo=UTC), date(2008, 3, 2), 18, True),
    # late on 2 March UTC is already 3 March in Shanghai
    (datetime(2026, 3, 2, 15, 59, 59, tzinfo=UTC), date(2008, 3, 3), 18, False),
    (datetime(2026, 3, 2, 16, 0, tzinfo=UTC), date(2008, 3, 3), 18, True),
    # born on 29 February: a year older on 1 March in common years
    (datetime(2026, 2, 28, 4, 0, tzinfo=UTC), date(2008, 2, 29), 18, False),
    (datetime(2026, 3, 1, 4, 0, tzinfo=UTC), date(2008, 2, 29), 18, True),
    # the round's own minimum
    (datetime(2026, 3, 2, 1, 0, tzinfo=UTC), date(2006, 3, 2), 20, True),
    (datetime(2026, 3, 2, 1, 0, tzinfo=UTC), date(2006, 3, 3), 20, False),
    (datetime(2026, 3, 2, 1, 0, tzinfo=UTC), date(2010, 3, 2), 16, True),
]


async def test_age_counts_on_the_day_of_application_in_shanghai(client, clock, make_round, new_worker) -> None:
    opened = iso(datetime(2026, 2, 1, tzinfo=UTC))
    rounds = {age: (await make_round(min_age=age, opens_at=opened))["id"] for age in (16, 18, 20)}
    for now, birth, min_age, allowed in AGE_CASES:
        clock.set(now)
        worker = await new_worker(birth=birth)  # signed in at `now`, a different person each time
        response = await apply(client, worker, rounds[min_age])
        case = f"born {birth}, applying at {now} UTC, minimum {min_age}"
        if allowed:
            assert response.status_code == 201, (case, response.text)
        else:
            assert response.status_code == 422, (case, response.text)
            assert_problem(response, 422, "id_number", "min_age")


# --- name, phone, tracks --------------------------------------------------------------------------------------------

BAD_APPLICATIONS = [
    ({"legal_name": "李"}, "legal_name", "length"),
    ({"legal_name": "   "}, "legal_name", "length"),
    ({"legal_name": "李" * 31}, "legal_name", "length"),
    ({"legal_name": "李娜2"}, "legal_name", "format"),
    ({"legal_name": "李娜<b>"}, "legal_name", "format"),
    ({"legal_name": "李@娜"}, "legal_name", "format"),
    ({"phone": "12345"}, "phone", "format"),
    ({"phone": "23912345678"}, "phone", "format"),
    ({"phone": "1391234567"}, "phone", "format"),
    ({"phone": "139123456789"}, "phone", "format"),
    ({"phone": "010-12345678"}, "phone", "format"),
    ({"tracks": []}, "tracks", "length"),
    ({"tracks": ["complaints"]}, "tracks", "offered"),
    ({"tracks": ["pre_sales", "pre_sales"]}, "tracks", "offered"),
    ({"is_student": "maybe"}, "is_student", "type"),
]


async def test_bad_applications_name_the_field_and_rule(client, make_round, worker) -> None:
    round_ = await make_round()  # offers pre_sales and after_sales
    for changes, field, rule in BAD_APPLICATIONS:
        assert_problem(await apply(client, worker, round_["id"], **changes), 422, field, rule)
    body = assert_problem(await apply(client, worker, round_["id"], tracks=["sales"]), 422)
    assert any(e["field"].startswith("tracks") for e in body["errors"]), body
    no_name = await client.post(
        f"/api/rounds/{round_['id']}/applications",
        json={
            "id_number": worker.id_number,
            "phone": "13912345678",
            "is_student": False,
            "tracks": ["pre_sales"],
            "consent": True,
        },
        headers=worker.headers,
    )
    assert_problem(no_name, 422, "legal_name", "required")
    assert worker.id_number not in no_name.text
    assert (await client.get("/api/me/applications", headers=worker.headers)).json()["items"] == []


EDGE_APPLICATIONS = [
    ({"legal_name": "李娜"}, {"legal_name": "李娜"}),
    ({"legal_name": "李" * 30}, {"legal_name": "李" * 30}),
    ({"legal_name": "阿卜杜·热合曼"}, {"legal_name": "阿卜杜·热合曼"}),
    ({"legal_name": "Anna Li"}, {"legal_name": "Anna Li"}),
    ({"phone": "+86 139-1234-5678"}, {"phone": "13912345678"}),
    ({"phone": "19912345678"}, {"phone": "19912345678"}),
    ({"is_student": True}, {"is_student": True}),
    ({"tracks": ["after_sales"]}, {"tracks": ["after_sales"]}),
]


async def test_edge_applications_are_accepted(client, make_round, new_worker) -> None:
    round_ = await make_round()
    for changes, expected in EDGE_APPLICATIONS:
        created = await applied(client, await new_worker(), round_["id"], **changes)
        assert {k: created[k] for k in expected} == expected
    # a check digit X may come in lower case
    number = valid_id(date(1993, 7, 15), region="310101", seq="908")
    assert number.endswith("X")
    created = await applied(client, await new_worker(), round_["id"], id_number=number.lower())
    assert created["id_number_masked"] == "3101**********908X"


# --- one application per person per round, one account per person ----------------------------------------------


async def test_one_application_per_person_and_per_account_in_a_round(client, make_round, new_worker) -> None:
    round_ = await make_round()
    first, second = await new_worker(), await new_worker()
    created = await applied(client, first, round_["id"])
    # the same person again from the same account: the account's own application is named (issue 15: checked
    # first, so "duplicate" is no longer this answer)
    assert_problem(await apply(client, first, round_["id"]), 409, "round_id", "already_applied")
    # the same account with another number: the account is already in this round
    other_number = valid_id(date(1990, 6, 1), seq="777")
    assert_problem(await apply(client, first, round_["id"], id_number=other_number), 409, "round_id", "already_applied")
    # the same person from another account: the one neutral refusal (issue 15), as for a number bound elsewhere
    response = await apply(client, second, round_["id"], id_number=first.id_number)
    assert_problem(response, 409, "id_number", "refused")
    assert first.id_number not in response.text
    assert (await client.get("/api/me/applications", headers=second.headers)).json()["items"] == []
    # withdrawing does not free the place for another try in the same round
    await client.post(f"/api/applications/{created['id']}/withdraw", json={}, headers=first.headers)
    assert_problem(await apply(client, first, round_["id"]), 409, "round_id", "already_applied")
    assert len((await client.get("/api/me/applications", headers=first.headers)).json()["items"]) == 1


async def test_one_account_per_person_across_rounds(client, admin, make_round, new_worker) -> None:
    rounds = [await make_round(title=f"第{n}轮") for n in range(3)]
    owner, other = await new_worker(), await new_worker()
    await applied(client, owner, rounds[0]["id"])
    # the verified person, from another account
    response = await apply(client, other, rounds[1]["id"], id_number=owner.id_number)
    assert_problem(response, 409, "id_number", "refused")  # neutral (issue 15): was "another_account"
    # the verified account, as another person
    response = await apply(client, owner, rounds[1]["id"], id_number=valid_id(date(1990, 6, 1), seq="777"))
    assert_problem(response, 409, "id_number", "another_person")
    # the same person and account may apply to every round
    for round_ in rounds[1:]:
        assert (await applied(client, owner, round_["id"]))["status"] == "typing"
    mine = (await client.get("/api/me/applications", headers=owner.headers)).json()["items"]
    assert {a["round_id"] for a in mine} == {r["id"] for r in rounds}
    assert (await client.get("/api/me/applications", headers=other.headers)).json()["items"] == []
    for round_ in rounds:
        assert (await get_round(client, admin, round_["id"]))["certified_count"] == 0


async def test_an_id_number_typed_in_groups_is_accepted(client, worker, make_round) -> None:
    number = valid_id(date(1999, 3, 12))
    grouped = f"{number[:6]} {number[6:14]} {number[14:]}"
    response = await apply(client, worker, (await make_round())["id"], id_number=grouped)
    assert response.status_code == 201, response.text
    assert response.json()["id_number_masked"] == number[:4] + "*" * 10 + number[-4:]


async def test_one_account_sending_two_people_at_once_gets_one_application(client, worker, make_round) -> None:
    """The database's unique (round, account) decides the race the service's own checks cannot see."""
    round_ = await make_round()
    url = f"/api/rounds/{round_['id']}/applications"
    bodies = [
        {
            "legal_name": "李娜",
            "id_number": valid_id(date(1999, 3, 12)),
            "phone": "13912345678",
            "is_student": False,
            "tracks": ["pre_sales"],
            "consent": True,
        },
        {
            "legal_name": "李娜",
            "id_number": valid_id(date(1998, 4, 13)),
            "phone": "13912345678",
            "is_student": False,
            "tracks": ["pre_sales"],
            "consent": True,
        },
    ]
    responses = await concurrently(client, *(("POST", url, {"json": b, "headers": worker.headers}) for b in bodies))
    assert sorted(r.status_code for r in responses) == [201, 409]
    loser = next(r for r in responses if r.status_code == 409).json()
    assert loser["errors"][0]["rule"] in ("already_applied", "refused")


# --- issue 15: consent before the ID number is collected, and one neutral refusal -----------------------------------


async def test_consent_is_required_and_its_time_recorded(client, clock, session, make_round, worker) -> None:
    round_ = await make_round()
    for consent in (False, None):
        body = application_body(worker, consent=consent)
        if consent is None:
            del body["consent"]
        response = await client.post(f"/api/rounds/{round_['id']}/applications", json=body, headers=worker.headers)
        assert_problem(response, 422, "consent")
        assert worker.id_number not in response.text
    assert (await client.get("/api/me/applications", headers=worker.headers)).json()["items"] == []
    created = await applied(client, worker, round_["id"])
    given = await session.scalar(select(recruitment.Application.consent_given_at))
    assert created["status"] == "typing" and given == clock.now()


async def test_another_account_and_already_applied_get_the_same_neutral_refusal(client, make_round, new_worker) -> None:
    rounds = [await make_round(title=f"第{n}轮") for n in range(2)]
    owner, other = await new_worker(), await new_worker()
    await applied(client, owner, rounds[0]["id"])
    applied_here = (await apply(client, other, rounds[0]["id"], id_number=owner.id_number)).json()
    bound_elsewhere = (await apply(client, other, rounds[1]["id"], id_number=owner.id_number)).json()
    for body in (applied_here, bound_elsewhere):
        del body["instance"]
    assert applied_here == bound_elsewhere and applied_here["status"] == 409
    assert [(e["field"], e["rule"]) for e in applied_here["errors"]] == [("id_number", "refused")]
