"""Events of the pipeline leave the process only once their transaction commits: a refused request publishes
nothing, and an application's steps are published with ids and codes, never personal data."""

from __future__ import annotations

import pytest
from litestar import Litestar

from gigplatform.app import create_app
from gigplatform.events import RecordingPublisher
from tests.conftest import assert_problem
from tests.recruitment.conftest import applied, apply


@pytest.fixture
def publisher() -> RecordingPublisher:
    return RecordingPublisher()


@pytest.fixture
async def app(settings, clock, publisher: RecordingPublisher) -> Litestar:
    return create_app(settings, clock, publisher)


async def test_applying_publishes_each_step_after_commit_and_a_refusal_nothing(
    client, make_round, worker, publisher
) -> None:
    round_ = await make_round()
    publisher.events.clear()
    application = await applied(client, worker, round_["id"])
    moved = [e for e in publisher.events if e.topic == "application.moved"]
    assert [e.payload["status"] for e in moved] == ["identity_pending", "typing"]
    assert {str(e.payload["application_id"]) for e in moved} == {application["id"]}
    assert all(set(e.payload) == {"application_id", "status"} for e in moved)

    publisher.events.clear()
    assert_problem(await apply(client, worker, round_["id"]), 409)
    assert publisher.topics() == []
