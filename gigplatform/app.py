"""`create_app(settings)`: the one place that wires settings, database, security, API, pages and errors together."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from litestar import Litestar, Request, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.spec import Components, SecurityScheme
from litestar.response import Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from exams.api import CONTROLLERS as EXAM_CONTROLLERS
from gigplatform import jobs
from gigplatform.accounts import service as accounts
from gigplatform.accounts.api import CONTROLLERS as ACCOUNT_CONTROLLERS
from gigplatform.allow import complete_allow_header
from gigplatform.api_docs import RENDER_PLUGINS
from gigplatform.clock import Clock, SystemClock
from gigplatform.config import Settings
from gigplatform.coverage.api import CONTROLLERS as COVERAGE_CONTROLLERS
from gigplatform.db import make_engine, make_sessionmaker, unit_of_work
from gigplatform.errors import EXCEPTION_HANDLERS, NotAuthenticated
from gigplatform.events import FanOut, LogPublisher, Publisher
from gigplatform.headers import add_security_headers
from gigplatform.input_guard import guard_input
from gigplatform.notifications import LogNotifier, Notifier
from gigplatform.openapi import API_DESCRIPTION, SCHEMA_PLUGINS, document_api
from gigplatform.realtime import ChannelsPublisher, channels_plugin
from gigplatform.security import (
    CSRF_COOKIE,
    AuthenticationMiddleware,
    Principal,
    SecurityKit,
    SessionTokens,
    require_principal,
)
from recruitment.api import CONTROLLERS as RECRUITMENT_CONTROLLERS
from recruitment.identity import IdentityProvider, provider_from_settings
from shifts.api import CONTROLLERS as SHIFT_CONTROLLERS

log = logging.getLogger("gigplatform")


@get("/health", operation_id="health", tags=["ops"], exclude_from_csrf=True)
async def health() -> dict[str, str]:
    """The process is up and answering; says nothing about its dependencies."""
    return {"status": "ok"}


@get(
    "/ready",
    operation_id="ready",
    tags=["ops"],
    responses={503: ResponseSpec(dict[str, Any], description="A dependency does not answer; `checks` says which.")},
)
async def ready(state: State) -> Response[dict[str, Any]]:
    """Ready to serve: the database answers (and Redis, when configured)."""
    checks: dict[str, str] = {}
    try:
        async with state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # a readiness probe reports, it must not raise
        log.warning("readiness: database unreachable: %s", type(exc).__name__)
        checks["database"] = "unreachable"
    if state.settings.redis_url:
        try:
            from redis.asyncio import Redis

            client = Redis.from_url(state.settings.redis_url, socket_connect_timeout=2)
            try:
                await client.ping()
            finally:
                await client.aclose()
            checks["redis"] = "ok"
        except Exception as exc:
            log.warning("readiness: redis unreachable: %s", type(exc).__name__)
            checks["redis"] = "unreachable"
    ok = all(v == "ok" for v in checks.values())
    return Response({"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503)


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    publisher: Publisher | None = None,
    notifier: Notifier | None = None,
) -> Litestar:
    """Builds the application; tests pass their own settings, a FakeClock, a RecordingPublisher and a
    RecordingNotifier (or swap `app.state.notifier`)."""
    from web import pages  # the page layer plugs in here and nowhere else

    settings = settings or Settings.from_env()
    clock = clock or SystemClock()
    engine = make_engine(settings.database_url, **settings.engine_options())
    channels = channels_plugin(settings.redis_url)
    extra = (publisher,) if publisher is not None else ()
    publisher = FanOut(LogPublisher(), ChannelsPublisher(channels), *extra)
    sessionmaker = make_sessionmaker(engine, publisher)
    kit = SecurityKit.build(settings, clock)

    async def refresh_session(raw: str) -> SessionTokens | None:
        """Page cookies: trade an expired access cookie's refresh token for a new pair, or None to sign out."""
        try:
            async with unit_of_work(sessionmaker) as session:
                return await accounts.rotate_refresh_token(session, kit, raw)
        except NotAuthenticated:
            return None

    async def provide_session() -> AsyncIterator[AsyncSession]:
        """The request's unit of work: committed once the handler has returned (before the response is sent, so a
        client never hears of a write that did not commit), rolled back when the handler raises. Services never
        commit; events they record are published after this commit."""
        async with unit_of_work(sessionmaker) as session:
            yield session

    def provide_kit() -> SecurityKit:
        return kit

    def provide_principal(request: Request[Any, Any, Any]) -> Principal:
        return require_principal(request)

    def provide_identity_provider(state: State) -> IdentityProvider:
        return state.identity_provider

    def provide_notifier(state: State) -> Notifier:
        return state.notifier

    async def start_jobs(app: Litestar) -> None:
        if settings.run_jobs:
            app.state.scheduler = jobs.start_scheduler(app.state)

    async def stop(app: Litestar) -> None:
        scheduler = app.state.get("scheduler")
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        await engine.dispose()

    async def before_request(request: Request[Any, Any, Any]) -> None:
        """Hostile input is refused before any handler parses it; pages then get the visitor's language."""
        await pages.set_language(request)
        await guard_input(request)
        await pages.load_header(request)

    state = State(
        {
            "settings": settings,
            "clock": clock,
            "engine": engine,
            "sessionmaker": sessionmaker,
            "publisher": publisher,
            "channels": channels,
            "kit": kit,
            "access_tokens": kit.access_tokens,
            "refresh_session": refresh_session,
            "identity_provider": provider_from_settings(settings),
            "notifier": notifier or LogNotifier(production=settings.is_production),
        }
    )
    app = Litestar(
        route_handlers=[
            health,
            ready,
            *ACCOUNT_CONTROLLERS,
            *RECRUITMENT_CONTROLLERS,
            *EXAM_CONTROLLERS,
            *SHIFT_CONTROLLERS,
            *COVERAGE_CONTROLLERS,
            *pages.ROUTES,
        ],
        dependencies={
            "db_session": Provide(provide_session),
            "kit": Provide(provide_kit, sync_to_thread=False),
            "principal": Provide(provide_principal, sync_to_thread=False),
            "identity_provider": Provide(provide_identity_provider, sync_to_thread=False),
            "notifier": Provide(provide_notifier, sync_to_thread=False),
        },
        middleware=[DefineMiddleware(AuthenticationMiddleware)],
        plugins=[*SCHEMA_PLUGINS, channels],
        before_send=[add_security_headers, complete_allow_header],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=CSRF_COOKIE,
            cookie_secure=settings.cookie_secure,
            cookie_samesite="lax",
            cookie_httponly=True,
            header_name="x-csrftoken",
            exclude=["/api/", "/health", "/ready", "/schema"],
        ),
        exception_handlers=EXCEPTION_HANDLERS,
        template_config=pages.template_config(),
        openapi_config=OpenAPIConfig(
            title="gigplatform",
            version="0.1.0",
            description=API_DESCRIPTION,
            path="/schema",
            components=Components(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
            ),
            render_plugins=RENDER_PLUGINS,
        ),
        state=state,
        before_request=before_request,
        on_startup=[start_jobs],
        on_shutdown=[stop],
        debug=False,
    )
    pages.install(app)
    document_api(app)
    return app
