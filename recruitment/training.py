"""Training: the modules an admin writes (Markdown rendered to safe HTML), and a freelancer's reading of them.
Completing a module after its minimum reading time unlocks the exam of every application whose required modules are
then all read.

Reading time is counted once: a person has one reading clock, and it runs for the module they opened last. Opening
a module (in any tab) pauses the module read before it, banking the time read so far, and coming back to that one
resumes it; completing a module stops its clock. Ten modules opened in ten tabs therefore read one at a time, while
a trainee who switches back and forth loses none of the time they really read."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.clock import Clock
from gigplatform.db import uuid7
from gigplatform.errors import N_, Conflict, InvalidInput, NotFound
from gigplatform.limits import check_fields
from gigplatform.security import Principal
from recruitment import schemas
from recruitment.models import Application, Round, RoundStatus, RoundTrainingModule, TrainingModule, TrainingProgress
from recruitment.pipeline import S, _system_move, _training_done, _try_claim, write_first
from recruitment.rounds import round_module_ids

# The applications whose rounds' modules a person sees: in the pipeline (to complete them) or passed (to read again).
READING = (S.SUBMITTED, S.IDENTITY_PENDING, S.TYPING, S.TRAINING, S.EXAM, S.WAITLISTED, S.CERTIFIED)


@cache
def _renderer() -> MarkdownIt:
    # CommonMark with raw HTML off: tags in the source are shown as text, and markdown-it refuses
    # javascript:, vbscript:, file: and data: links (except images), so a module cannot carry script.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def render_markdown(source: str) -> str:
    """Training content as every page shows it: safe HTML, no raw HTML, no script links."""
    return _renderer().render(source or "")


async def access_module(session: AsyncSession, module_id: uuid.UUID, *, active_only: bool = True) -> TrainingModule:
    module = await session.get(TrainingModule, module_id)
    if module is None or (active_only and not module.active):
        raise NotFound(N_("No such training module."), field="module_id", rule="exists")
    return module


@dataclass
class ModuleInput:
    title: str | None = None
    body_markdown: str | None = None
    min_reading_seconds: int | None = None
    active: bool | None = None


def _check_module(values: dict[str, Any]) -> None:
    """The limits ModulePatch states, for a caller without the Struct (the demo, tests)."""
    check_fields(schemas.ModulePatch, values)


async def create_module(session: AsyncSession, clock: Clock, data: ModuleInput) -> TrainingModule:
    values = {k: v for k, v in data.__dict__.items() if v is not None}
    for required in ("title", "body_markdown", "min_reading_seconds"):
        if required not in values:
            raise InvalidInput(f"{required} is required.", field=required, rule="required")
    _check_module(values)
    now = clock.now()
    module = TrainingModule(
        id=uuid7(),
        title=values["title"].strip(),
        body_markdown=values["body_markdown"],
        min_reading_seconds=values["min_reading_seconds"],
        active=values.get("active", True),
        created_at=now,
        updated_at=now,
    )
    session.add(module)
    return module


async def update_module(session: AsyncSession, clock: Clock, module_id: uuid.UUID, data: ModuleInput) -> TrainingModule:
    module = await access_module(session, module_id, active_only=False)
    values = {k: v for k, v in data.__dict__.items() if v is not None}
    _check_module(values)
    if values.get("active") is False and module.active:
        in_use = await session.scalar(
            select(Round.title)
            .join(RoundTrainingModule, RoundTrainingModule.round_id == Round.id)
            .where(RoundTrainingModule.module_id == module.id, Round.status != RoundStatus.CLOSED)
            .limit(1)
        )
        if in_use is not None:  # its trainees could never finish: take it out of the round first
            raise Conflict(f"The round “{in_use}” requires this module.", field="active", rule="required_by_round")
    for name, value in values.items():
        setattr(module, name, value.strip() if name == "title" else value)
    module.updated_at = clock.now()
    return module


async def list_modules(session: AsyncSession) -> list[TrainingModule]:
    return list(await session.scalars(select(TrainingModule).order_by(TrainingModule.created_at, TrainingModule.id)))


@dataclass(frozen=True)
class ModuleProgress:
    module: TrainingModule
    started_at: datetime | None
    completed_at: datetime | None
    seconds_left: int

    @property
    def body_html(self) -> str:
        return render_markdown(self.module.body_markdown)


def _seconds_read(progress: TrainingProgress, now: datetime) -> float:
    running = (now - progress.reading_since).total_seconds() if progress.reading_since is not None else 0.0
    return progress.read_seconds + max(0.0, running)


def _progress(module: TrainingModule, progress: TrainingProgress | None, now: datetime) -> ModuleProgress:
    if progress is None:
        return ModuleProgress(module, None, None, module.min_reading_seconds)
    read = _seconds_read(progress, now)
    left = 0 if progress.completed_at else max(0, int(module.min_reading_seconds - read + 0.999))
    return ModuleProgress(module, progress.started_at, progress.completed_at, left)


async def my_training(session: AsyncSession, clock: Clock, principal: Principal) -> list[ModuleProgress]:
    """The modules the caller's applications require, in the rounds' order: those still in the pipeline, and those
    that passed (certified or waitlisted), whose modules stay readable as a reference."""
    round_ids = list(
        await session.scalars(
            select(Application.round_id).where(
                Application.user_id == principal.user_id, Application.status.in_(READING)
            )
        )
    )
    ordered: list[uuid.UUID] = []
    for module_ids in (await round_module_ids(session, round_ids)).values():
        ordered += [m for m in module_ids if m not in ordered]
    if not ordered:
        return []
    modules = {m.id: m for m in await session.scalars(select(TrainingModule).where(TrainingModule.id.in_(ordered)))}
    progress = {
        p.module_id: p
        for p in await session.scalars(
            select(TrainingProgress).where(
                TrainingProgress.user_id == principal.user_id, TrainingProgress.module_id.in_(ordered)
            )
        )
    }
    now = clock.now()
    return [_progress(modules[m], progress.get(m), now) for m in ordered if m in modules]


async def _reading(session: AsyncSession, user_id: uuid.UUID, module_id: uuid.UUID) -> TrainingProgress | None:
    """The person's reading of a module, if they ever opened it."""
    return await session.scalar(
        select(TrainingProgress).where(TrainingProgress.user_id == user_id, TrainingProgress.module_id == module_id)
    )


async def open_module(
    session: AsyncSession, clock: Clock, principal: Principal, module_id: uuid.UUID
) -> ModuleProgress:
    """Opening a module makes it the one the person's reading clock runs for (see the module's docstring): the
    module read before is paused with its time banked; the first opening is kept as `started_at`.

    The person's applications are locked first (the whole database on SQLite), so two modules opened at once in
    two tabs take turns and the later one pauses the earlier. Two opens of one module at once race on the unique
    (person, module) index; the loser's insert is rolled back in a savepoint and it reads the winner's row."""
    await write_first(session)  # SQLite: the database's write lock before any read
    module = await access_module(session, module_id)
    now = clock.now()
    await session.execute(select(Application.id).where(Application.user_id == principal.user_id).with_for_update())
    others = await session.scalars(
        select(TrainingProgress).where(
            TrainingProgress.user_id == principal.user_id,
            TrainingProgress.module_id != module.id,
            TrainingProgress.reading_since.is_not(None),
        )
    )
    for other in others:
        _stop_clock(other, now)
    progress = await _reading(session, principal.user_id, module_id)
    if progress is None:
        progress = TrainingProgress(
            id=uuid7(),
            user_id=principal.user_id,
            module_id=module.id,
            started_at=now,
            read_seconds=0,
            reading_since=now,
        )
        try:
            async with session.begin_nested():
                session.add(progress)
                await session.flush()
        except IntegrityError:  # opened in another tab at the same moment: that reading stands
            progress = await _reading(session, principal.user_id, module_id)
    elif progress.completed_at is None and progress.reading_since is None:
        progress.reading_since = now
    return _progress(module, progress, now)


def _stop_clock(progress: TrainingProgress, now: datetime) -> None:
    """Banks the running stretch of a reading (whole seconds) and stops its clock."""
    progress.read_seconds = int(_seconds_read(progress, now))
    progress.reading_since = None


async def complete_module(
    session: AsyncSession, clock: Clock, principal: Principal, module_id: uuid.UUID
) -> tuple[ModuleProgress, list[Application]]:
    """Marks a module read once its minimum reading time has passed; applications whose training is then complete
    move on to the exam. Returns the progress and the applications that moved.
    """
    module = await access_module(session, module_id)
    progress = await _reading(session, principal.user_id, module_id)
    now = clock.now()
    if progress is None:
        raise InvalidInput(N_("Open the module and read it first."), field="module_id", rule="not_started")
    # The caller's applications in training are locked first (PostgreSQL): two modules completed at once (two
    # tabs) then take turns, so the later one sees the earlier completion and unlocks the exam.
    in_training = list(
        await session.scalars(
            select(Application)
            .where(Application.user_id == principal.user_id, Application.status == S.TRAINING)
            .with_for_update()
        )
    )
    if progress.completed_at is None:
        left = _progress(module, progress, now).seconds_left
        if left > 0:
            raise InvalidInput(
                N_("Keep reading: %(seconds)s more seconds before this module can be completed."),
                field="module_id",
                rule="min_reading_time",
                params={"seconds": left},
            )
        progress.completed_at = now
        _stop_clock(progress, now)
        await session.flush()
    moved = []
    for application in in_training:
        if not await _training_done(session, principal.user_id, application.round_id):
            continue
        if await _try_claim(session, application, now):
            _system_move(session, application, S.EXAM, now, "exam_unlocked")
            moved.append(application)
    return _progress(module, progress, now), moved
