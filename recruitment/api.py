"""JSON API of recruitment: rounds and review for admins; applying, typing and training for freelancers. Thin: each
handler parses, calls the service and shapes the reply (`replies.py`); the request's unit of work commits."""

from __future__ import annotations

import uuid

from litestar import Controller, get, patch, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Stream
from litestar.status_codes import HTTP_200_OK

from gigplatform.clock import business_today
from gigplatform.db import DbSession, streamed, unit_of_work
from gigplatform.headers import attachment
from gigplatform.listing import WINDOW, CursorParam, Page, Paged, page_of
from gigplatform.openapi import conflict, item_rules, problem
from gigplatform.security import CurrentPrincipal, Kit, admin_only, authenticated, worker_only
from recruitment import service
from recruitment.replies import (
    admin_application_out,
    application_out,
    bulk_out,
    module_admin_out,
    module_out,
    rounds_out,
    typing_result_out,
    typing_test_out,
)
from recruitment.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    BulkIn,
    BulkOut,
    CertificationOut,
    ModuleAdminOut,
    ModuleCompletedOut,
    ModuleIn,
    ModuleOut,
    ModulePatch,
    RejectIn,
    RoundIn,
    RoundOut,
    RoundPatch,
    TypingResultOut,
    TypingSubmitIn,
    TypingTestOut,
    WithdrawIn,
)
from recruitment.service import IdentityProvider, Round

Provider = NamedDependency[IdentityProvider]


def review_filters(
    status: FromQuery[str | None] = None,
    track: FromQuery[str | None] = None,
    is_student: FromQuery[bool | None] = None,
    sort: FromQuery[str | None] = None,
    limit: FromQuery[int] = 50,
    cursor: CursorParam = None,
) -> service.ApplicationFilter:
    """The review's query parameters, shared by the list and its CSV export (which reads the whole list)."""
    return service.ApplicationFilter(status, track, is_student, sort, limit, cursor)


ReviewFilter = NamedDependency[service.ApplicationFilter]
REVIEW_FILTER = {"filters": Provide(review_filters, sync_to_thread=False)}
ROUND = {"round_": Provide(service.provide_round)}


class AdminRoundController(Controller):
    path = "/api/admin/rounds"
    tags = ["recruitment: admin"]
    guards = [admin_only]

    @post("/", operation_id="createRound")
    async def create(
        self, data: JSONBody[RoundIn], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> RoundOut:
        fields = {f: getattr(data, f) for f in data.__struct_fields__}
        round_ = await service.create_round(db_session, kit.clock, principal, service.RoundInput(**fields))
        return (await rounds_out(db_session, [round_]))[0]

    @get("/", operation_id="listRounds", dependencies=WINDOW)
    async def list_rounds(
        self, db_session: DbSession, window: Paged, status: FromQuery[str | None] = None
    ) -> Page[RoundOut]:
        return page_of(await rounds_out(db_session, await service.list_rounds(db_session, status)), window)

    @get("/{round_id:uuid}", operation_id="getRound", dependencies=ROUND)
    async def show(self, round_: NamedDependency[Round], db_session: DbSession) -> RoundOut:
        return (await rounds_out(db_session, [round_]))[0]

    @patch("/{round_id:uuid}", operation_id="updateRound", responses=conflict("closed", "frozen_while_open"))
    async def update(
        self, round_id: FromPath[uuid.UUID], data: JSONBody[RoundPatch], db_session: DbSession, kit: Kit
    ) -> RoundOut:
        fields = {f: getattr(data, f) for f in data.__struct_fields__}
        round_ = await service.update_round(db_session, kit.clock, round_id, service.RoundInput(**fields))
        return (await rounds_out(db_session, [round_]))[0]

    @post(
        "/{round_id:uuid}/open",
        operation_id="openRound",
        status_code=HTTP_200_OK,
        responses={**conflict("not_draft"), **problem(422, "The round's closing time has already passed.")},
    )
    async def open(self, round_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit) -> RoundOut:
        return (await rounds_out(db_session, [await service.open_round(db_session, kit.clock, round_id)]))[0]

    @post("/{round_id:uuid}/close", operation_id="closeRound", status_code=HTTP_200_OK, responses=conflict("not_open"))
    async def close(self, round_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit) -> RoundOut:
        return (await rounds_out(db_session, [await service.close_round(db_session, kit.clock, round_id)]))[0]

    @get("/{round_id:uuid}/applications", operation_id="reviewApplications", dependencies=REVIEW_FILTER)
    async def applications(
        self, round_id: FromPath[uuid.UUID], db_session: DbSession, filters: ReviewFilter
    ) -> ApplicationPage:
        page = await service.review_applications(db_session, round_id, filters)
        items = [admin_application_out(a) for a in page.rows]
        return ApplicationPage(items, page.total, page.total_exact, page.limit, page.next_cursor, page.previous_cursor)

    @get("/{round_id:uuid}/applications.csv", operation_id="exportApplications", dependencies=REVIEW_FILTER)
    async def export(
        self, round_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit, state: State, filters: ReviewFilter
    ) -> Stream:
        """Codes and ISO instants, for programs; the admin page's export speaks the admin's language."""
        round_ = await service.check_export(db_session, round_id, filters)
        day = f"{business_today(kit.clock):%Y%m%d}"
        return Stream(
            streamed(state.sessionmaker, lambda session: service.export_csv(session, round_id, filters)),
            media_type="text/csv; charset=utf-8",
            headers=attachment(f"applications-{round_.title}-{day}.csv", f"applications-{day}.csv"),
        )


class AdminApplicationController(Controller):
    path = "/api/admin/applications"
    tags = ["recruitment: admin"]
    guards = [admin_only]

    @post(
        "/{application_id:uuid}/reject",
        operation_id="rejectApplication",
        status_code=HTTP_200_OK,
        responses=conflict("transition"),
    )
    async def reject(
        self,
        application_id: FromPath[uuid.UUID],
        data: JSONBody[RejectIn],
        db_session: DbSession,
        kit: Kit,
        principal: CurrentPrincipal,
    ) -> ApplicationOut:
        application = await service.reject_application(db_session, kit.clock, principal, application_id, data.reason)
        return application_out(application, await service.round_by_id(db_session, application.round_id), kit.cipher)

    @post(
        "/bulk",
        operation_id="bulkReviewApplications",
        status_code=HTTP_200_OK,
        description="Each item answers ok, or the rule that refused it: "
        + ", ".join(item_rules("transition", "another_account", "another_person"))
        + ".",
    )
    async def bulk(
        self, data: JSONBody[BulkIn], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> BulkOut:
        results = await service.bulk_review(db_session, kit.clock, principal, data.ids, data.action, data.reason)
        return bulk_out(results)


class AdminTrainingController(Controller):
    path = "/api/admin/training-modules"
    tags = ["recruitment: admin"]
    guards = [admin_only]

    @post("/", operation_id="createTrainingModule")
    async def create(self, data: JSONBody[ModuleIn], db_session: DbSession, kit: Kit) -> ModuleAdminOut:
        fields = {f: getattr(data, f) for f in data.__struct_fields__}
        return module_admin_out(await service.create_module(db_session, kit.clock, service.ModuleInput(**fields)))

    @get("/", operation_id="listTrainingModules", dependencies=WINDOW)
    async def list_modules(self, db_session: DbSession, window: Paged) -> Page[ModuleAdminOut]:
        return page_of([module_admin_out(m) for m in await service.list_modules(db_session)], window)

    @patch("/{module_id:uuid}", operation_id="updateTrainingModule", responses=conflict("required_by_round"))
    async def update(
        self, module_id: FromPath[uuid.UUID], data: JSONBody[ModulePatch], db_session: DbSession, kit: Kit
    ) -> ModuleAdminOut:
        fields = {f: getattr(data, f) for f in data.__struct_fields__}
        return module_admin_out(
            await service.update_module(db_session, kit.clock, module_id, service.ModuleInput(**fields))
        )


class RoundController(Controller):
    path = "/api/rounds"
    tags = ["recruitment"]
    guards = [authenticated]

    @get("/", operation_id="listOpenRounds", dependencies=WINDOW)
    async def open_rounds(self, db_session: DbSession, kit: Kit, window: Paged) -> Page[RoundOut]:
        return page_of(await rounds_out(db_session, await service.list_open_rounds(db_session, kit.clock)), window)

    @get("/{round_id:uuid}", operation_id="readRound", dependencies=ROUND)
    async def show(self, round_: NamedDependency[Round], db_session: DbSession) -> RoundOut:
        """A round as the caller may see it: a draft is the admins' alone (404 for anyone else)."""
        return (await rounds_out(db_session, [round_]))[0]

    @post(
        "/{round_id:uuid}/applications",
        operation_id="apply",
        guards=[worker_only],
        responses=conflict("not_open", "already_applied", "refused", "another_person"),
    )
    async def apply(
        self,
        round_id: FromPath[uuid.UUID],
        data: JSONBody[ApplicationIn],
        state: State,
        kit: Kit,
        principal: CurrentPrincipal,
        identity_provider: Provider,
    ) -> ApplicationOut:
        """Two units of work with the identity provider asked in between, outside any transaction."""
        async with unit_of_work(state.sessionmaker) as session:
            check = await service.submit_application(
                session, kit.clock, kit.cipher, principal, round_id, service.ApplicationInput.of(data)
            )
        answer = await service.ask_identity_provider(identity_provider, check)
        async with unit_of_work(state.sessionmaker) as session:
            minutes = kit.settings.identity_recheck_minutes
            application = await service.record_identity_answer(session, kit.clock, minutes, answer)
            return application_out(application, await service.round_by_id(session, round_id), kit.cipher)


class ApplicationController(Controller):
    path = "/api"
    tags = ["recruitment"]
    guards = [authenticated]

    @get("/me/applications", operation_id="myApplications", dependencies=WINDOW)
    async def mine(
        self, db_session: DbSession, kit: Kit, principal: CurrentPrincipal, window: Paged
    ) -> Page[ApplicationOut]:
        mine = await service.my_applications(db_session, principal)
        return page_of([application_out(a, r, kit.cipher) for a, r in mine], window)

    @get("/me/certifications", operation_id="myCertifications", dependencies=WINDOW)
    async def certifications(
        self, db_session: DbSession, principal: CurrentPrincipal, window: Paged
    ) -> Page[CertificationOut]:
        """The tracks the caller may book shifts in, and since when."""
        held = await service.certifications(db_session, principal.user_id)
        return page_of([CertificationOut(c.track, c.since, c.round_id, c.application_id) for c in held], window)

    @get("/applications/{application_id:uuid}", operation_id="getApplication")
    async def show(
        self, application_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> ApplicationOut:
        application = await service.access_application(db_session, principal, application_id)
        round_ = await service.round_by_id(db_session, application.round_id)
        return application_out(application, round_, kit.cipher, await service.timeline(db_session, application.id))

    @post(
        "/applications/{application_id:uuid}/withdraw",
        operation_id="withdrawApplication",
        status_code=HTTP_200_OK,
        guards=[worker_only],
        responses=conflict("transition"),
    )
    async def withdraw(
        self,
        application_id: FromPath[uuid.UUID],
        data: JSONBody[WithdrawIn],
        db_session: DbSession,
        kit: Kit,
        principal: CurrentPrincipal,
    ) -> ApplicationOut:
        application = await service.withdraw_application(db_session, kit.clock, principal, application_id, data.reason)
        return application_out(application, await service.round_by_id(db_session, application.round_id), kit.cipher)

    @post(
        "/applications/{application_id:uuid}/typing-test",
        operation_id="startTypingTest",
        guards=[worker_only],
        responses=conflict("not_typing", "no_attempts_left"),
    )
    async def start_typing(
        self, application_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> TypingTestOut:
        return typing_test_out(await service.start_typing_test(db_session, kit.clock, principal, application_id))

    @post(
        "/typing-tests/{test_id:uuid}/submit",
        operation_id="submitTypingTest",
        status_code=HTTP_200_OK,
        guards=[worker_only],
        responses=conflict("already_submitted", "not_typing", "transition"),
    )
    async def submit_typing(
        self,
        test_id: FromPath[uuid.UUID],
        data: JSONBody[TypingSubmitIn],
        db_session: DbSession,
        kit: Kit,
        principal: CurrentPrincipal,
    ) -> TypingResultOut:
        outcome = await service.submit_typing_test(
            db_session, kit.clock, principal, test_id, data.text, kit.settings.typing_max_cpm
        )
        return typing_result_out(outcome, await service.round_by_id(db_session, outcome.application.round_id))

    @get("/training/modules", operation_id="myTraining", guards=[worker_only], dependencies=WINDOW)
    async def training(
        self, db_session: DbSession, kit: Kit, principal: CurrentPrincipal, window: Paged
    ) -> Page[ModuleOut]:
        return page_of([module_out(p) for p in await service.my_training(db_session, kit.clock, principal)], window)

    @get("/training/modules/{module_id:uuid}", operation_id="readTrainingModule", guards=[worker_only])
    async def read_module(
        self, module_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> ModuleOut:
        return module_out(await service.open_module(db_session, kit.clock, principal, module_id), with_body=True)

    @post(
        "/training/modules/{module_id:uuid}/complete",
        operation_id="completeTrainingModule",
        status_code=HTTP_200_OK,
        guards=[worker_only],
        responses=problem(422, "The module was not opened, or its minimum reading time has not passed."),
    )
    async def complete_module(
        self, module_id: FromPath[uuid.UUID], db_session: DbSession, kit: Kit, principal: CurrentPrincipal
    ) -> ModuleCompletedOut:
        progress, moved = await service.complete_module(db_session, kit.clock, principal, module_id)
        return ModuleCompletedOut(module_out(progress), [a.id for a in moved])


CONTROLLERS = [
    AdminRoundController,
    AdminApplicationController,
    AdminTrainingController,
    RoundController,
    ApplicationController,
]
