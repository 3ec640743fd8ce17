"""A freelancer's progress as the pages show it: the application's stepper at every status (a stopped application
stops at the step it was on; a certified one has every step done), and the training modules still readable after
certification (issue 16)."""

from __future__ import annotations

import re

import pytest

from recruitment import service as recruitment
from recruitment.models import ApplicationStatus
from tests.conftest import register
from tests.web.test_pages import submit
from tests.web.test_recruitment_pages import (
    WORKER,
    apply_through_page,
    make_admin,
    new_location_id,
    open_round_with_modules,
    sign_in_page,
)
from web.worker.applications import stepper

S = ApplicationStatus
STEPPER = re.compile(r'<ol class="stepper".*?</ol>', re.S)


def shown_steps(html: str) -> list[str]:
    """The state class of each step of the page's stepper, in order."""
    return re.findall(r'<li class="(\w+)"', STEPPER.search(html).group(0))


@pytest.mark.parametrize(
    ("status", "reached", "states"),
    [
        (S.SUBMITTED, [S.SUBMITTED], ["current", "todo", "todo", "todo", "todo"]),
        (S.TYPING, [S.SUBMITTED, S.IDENTITY_PENDING, S.TYPING], ["done", "current", "todo", "todo", "todo"]),
        (S.EXAM, [S.SUBMITTED, S.TYPING, S.TRAINING, S.EXAM], ["done", "done", "done", "current", "todo"]),
        (S.WAITLISTED, [S.SUBMITTED, S.TYPING, S.TRAINING, S.EXAM, S.WAITLISTED], ["done"] * 4 + ["current"]),
        (S.CERTIFIED, [S.SUBMITTED, S.TYPING, S.TRAINING, S.EXAM, S.CERTIFIED], ["done"] * 5),
        (S.SCREENING_FAILED, [S.SUBMITTED, S.IDENTITY_PENDING, S.SCREENING_FAILED], ["stopped"] + ["todo"] * 4),
        (S.REJECTED, [S.SUBMITTED, S.REJECTED], ["stopped"] + ["todo"] * 4),
        (S.REJECTED, [S.SUBMITTED, S.TYPING, S.TRAINING, S.EXAM, S.REJECTED], ["done"] * 3 + ["stopped", "todo"]),
        (S.WITHDRAWN, [S.SUBMITTED, S.TYPING, S.WITHDRAWN], ["done", "stopped", "todo", "todo", "todo"]),
        (
            S.WITHDRAWN,
            [S.SUBMITTED, S.TYPING, S.TRAINING, S.EXAM, S.WAITLISTED, S.WITHDRAWN],
            ["done"] * 4 + ["stopped"],
        ),
    ],
)
def test_the_stepper_stops_where_the_application_stopped(status, reached, states) -> None:
    assert [state for _label, state in stepper(status, reached)] == states


async def _advance(session, kit, admin, application_id, times: int) -> None:
    for _ in range(times):
        await recruitment.advance_application(session, kit.clock, admin, application_id)
    await session.commit()


@pytest.mark.parametrize(
    ("ending", "states"),
    [
        ("typing", ["done", "current", "todo", "todo", "todo"]),
        ("rejected_in_training", ["done", "done", "stopped", "todo", "todo"]),
        ("withdrawn_in_typing", ["done", "stopped", "todo", "todo", "todo"]),
        ("certified", ["done"] * 5),
    ],
)
async def test_the_application_page_shows_each_status_on_its_stepper(
    client, session, kit, clock, ending, states
) -> None:
    admin = await make_admin(session, kit)
    round_, _modules = await open_round_with_modules(session, kit, admin, clock, modules=1)
    await register(client, WORKER)
    await sign_in_page(client, WORKER)
    application_id = new_location_id(await apply_through_page(client, round_.id), "/applications/")
    if ending == "rejected_in_training":
        await _advance(session, kit, admin, application_id, 1)
        await recruitment.reject_application(session, kit.clock, admin, application_id, "资料不全")
        await session.commit()
    elif ending == "withdrawn_in_typing":
        url = f"/applications/{application_id}"
        assert (await submit(client, f"{url}/withdraw", {"reason": ""}, form_page=url)).status_code in (302, 303)
    elif ending == "certified":
        await _advance(session, kit, admin, application_id, 3)
    page = await client.get(f"/applications/{application_id}")
    assert page.status_code == 200
    assert shown_steps(page.text) == states
    words = {"done": "已完成", "current": "当前步骤", "stopped": "在此终止", "todo": "未到达"}
    for state in set(states):
        assert words[state] in STEPPER.search(page.text).group(0)
    assert ('aria-current="step"' in page.text) == ("current" in states)


async def test_after_certification_the_training_modules_stay_readable(client, session, kit, clock) -> None:
    admin = await make_admin(session, kit)
    round_, module_ids = await open_round_with_modules(session, kit, admin, clock, modules=2)
    await register(client, WORKER)
    await sign_in_page(client, WORKER)
    application_id = new_location_id(await apply_through_page(client, round_.id), "/applications/")
    await _advance(session, kit, admin, application_id, 3)  # typing -> training -> exam -> certified
    assert (await recruitment.application_by_id(session, application_id)).status == S.CERTIFIED

    training = await client.get("/training")
    assert training.status_code == 200
    for module_id in module_ids:
        assert f'href="/training/{module_id}"' in training.text
    assert "第1课 平台规则" in training.text and "培训课程保留在这里" in training.text
    assert "即可解锁考试" not in training.text  # nothing left to unlock
    reader = await client.get(f"/training/{module_ids[0]}")
    assert reader.status_code == 200 and "<h1>第1课</h1>" in reader.text and "要点一" in reader.text


async def test_a_rejected_applicant_has_no_training_left_to_read(client, session, kit, clock) -> None:
    admin = await make_admin(session, kit)
    round_, module_ids = await open_round_with_modules(session, kit, admin, clock, modules=1)
    await register(client, WORKER)
    await sign_in_page(client, WORKER)
    application_id = new_location_id(await apply_through_page(client, round_.id), "/applications/")
    await recruitment.reject_application(session, kit.clock, admin, application_id, "资料不全")
    await session.commit()
    training = await client.get("/training")
    assert f'href="/training/{module_ids[0]}"' not in training.text and "培训课程保留在这里" not in training.text
