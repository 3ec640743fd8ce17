"""Applying to a round: the checks that need no outside service, the identity check, withdrawing, and the caller's
own applications.

The identity provider is slow and may be down, so it is never called inside a transaction. Applying is therefore
two units of work that the edge (API handler, page handler, the retry job) runs with the call in between:
`submit_application` records the application waiting in identity_pending and hands back an `IdentityCheck`;
once that has committed, `ask_identity_provider` calls out with no transaction open, and `record_identity_answer`
records the answer in a second unit of work. The retry job claims a waiting application (`claim_identity_check`)
in a unit of its own and goes on the same way.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import msgspec
from cryptography.fernet import InvalidToken
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts import service as accounts
from gigplatform.clock import Clock, business_today
from gigplatform.db import uuid7
from gigplatform.errors import N_, Conflict, InvalidInput, PermissionDenied
from gigplatform.security import FieldCipher, Principal
from recruitment.identity import (
    IdentityProvider,
    IdentityUnavailable,
    IdentityVerdict,
    ResidentId,
    age_on,
    mask_id_number,
    parse_resident_id,
)
from recruitment.models import (
    Actor,
    Application,
    ApplicationEvent,
    ApplicationTrack,
    PersonIdentity,
    Round,
    RoundStatus,
    Track,
)
from recruitment.name_order import name_sort_key
from recruitment.pipeline import (
    TRANSITIONS,
    S,
    _claim,
    _move,
    _system_move,
    access_application,
    because,
    bind_person,
    said,
)
from recruitment.rounds import round_by_id
from recruitment.schemas import NAME_MAX, NAME_MIN, ApplicationIn

log = logging.getLogger("gigplatform.recruitment")


@dataclass
class ApplicationInput:
    legal_name: str
    id_number: str
    phone: str
    is_student: bool
    tracks: list[str] = field(default_factory=list)
    consent: bool = False

    @classmethod
    def of(cls, data: ApplicationIn) -> ApplicationInput:
        """The API's (and the form's) input Struct as the verb's input."""
        return cls(**msgspec.structs.asdict(data))


@dataclass(frozen=True)
class IdentityCheck:
    """An application waiting for the identity provider, as the edge carries it from one unit of work to the next.
    The plain ID number lives only here, in memory, for the call; it is never stored or shown."""

    application_id: uuid.UUID
    legal_name: str
    resident_id: ResidentId = field(repr=False)


def shown_id_number(cipher: FieldCipher, application: Application) -> str:
    """The application's ID number as people see it (masked), from the encrypted number: the table keeps no mask.
    A number this server's field key cannot read (written under another key) shows as asterisks and is logged,
    rather than breaking every page that lists it."""
    try:
        return mask_id_number(cipher.decrypt(application.id_number_encrypted))
    except InvalidToken:
        log.warning("application %s: the ID number cannot be decrypted with this GIG_FIELD_KEY", application.id)
        return "*" * 18


def _check_legal_name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not (NAME_MIN <= len(name) <= NAME_MAX):
        raise InvalidInput(
            N_("Enter your legal name as on your ID card (%(least)s to %(most)s characters)."),
            field="legal_name",
            rule="length",
            params={"least": NAME_MIN, "most": NAME_MAX},
        )
    if any(ch.isdigit() for ch in name) or any(ch in "<>{}[]@#$%^&*=+|\\/" for ch in name):
        raise InvalidInput(N_("The legal name may not contain digits or symbols."), field="legal_name", rule="format")
    return name


async def submit_application(
    session: AsyncSession,
    clock: Clock,
    cipher: FieldCipher,
    principal: Principal,
    round_id: uuid.UUID,
    data: ApplicationInput,
) -> IdentityCheck:
    """Checks every rule that needs no outside service and records the application, waiting in identity_pending
    for `check_identity`, which the edge calls once this unit of work has committed.

    A concurrent application the checks could not see (the same person or account at the same moment) breaks a
    unique index; that is caught in a savepoint and refused with 409.
    """
    if principal.role != "worker":
        raise PermissionDenied(N_("Only freelancer accounts can apply."), field="role", rule="role_required")
    user = await accounts.get_user(session, principal.user_id)
    now = clock.now()
    if not accounts.in_good_standing(user, now):
        raise PermissionDenied(
            N_("Your account is not in good standing, so you cannot apply or book shifts."),
            field="standing",
            rule="good_standing",
        )
    round_ = await round_by_id(session, round_id)
    if round_.status != RoundStatus.OPEN or not (round_.opens_at <= now < round_.closes_at):
        raise Conflict(N_("This round is not taking applications."), field="round_id", rule="not_open")
    if data.consent is not True:
        raise InvalidInput(N_("Agree to the processing of your ID number to apply."), field="consent", rule="required")
    legal_name = _check_legal_name(data.legal_name)
    today = business_today(clock)
    resident_id = parse_resident_id(data.id_number, today)
    age = age_on(resident_id.birth_date, today)
    if age < round_.min_age:
        raise InvalidInput(
            N_("Applicants must be at least %(age)s years old on the day they apply."),
            field="id_number",
            rule="min_age",
            params={"age": round_.min_age},
        )
    phone = accounts.normalize_phone(data.phone)
    if phone is None:
        raise InvalidInput(N_("Enter an 11-digit mainland mobile number."), field="phone", rule="format")
    if not data.tracks:
        raise InvalidInput(N_("Choose at least one track."), field="tracks", rule="not_empty")
    if len(set(data.tracks)) != len(data.tracks) or any(t not in round_.tracks for t in data.tracks):
        raise InvalidInput(N_("Choose tracks this round offers."), field="tracks", rule="offered")
    id_hash = cipher.lookup_hash(resident_id.number)
    await _check_person(session, principal.user_id, round_.id, id_hash)

    application = Application(
        id=uuid7(),
        round_id=round_.id,
        user_id=principal.user_id,
        legal_name=legal_name,
        legal_name_key=name_sort_key(legal_name),
        id_number_encrypted=cipher.encrypt(resident_id.number),
        id_hash=id_hash,
        age_at_application=age,
        consent_given_at=now,
        phone=phone,
        is_student=data.is_student,
        tracks=[t for t in Track if t in data.tracks],
        status=S.SUBMITTED,
        status_reason="",
        identity_attempts=0,
        passed_tracks=[],
        typing_attempts_used=0,
        created_at=now,
        updated_at=now,
    )
    submitted = ApplicationEvent(
        application_id=application.id,
        at=now,
        from_status=None,
        to_status=S.SUBMITTED,
        actor=Actor.APPLICANT,
        actor_id=principal.user_id,
        reason=because("submitted").text,
        reason_code="submitted",
    )
    try:
        async with session.begin_nested():
            session.add_all([application, submitted])
            session.add_all(ApplicationTrack(application_id=application.id, track=t) for t in application.tracks)
            _system_move(session, application, S.IDENTITY_PENDING, now, "identity_checking")
            await session.flush()
    except IntegrityError as exc:  # a concurrent application won the race the checks above could not see
        if "user_id" in str(exc.orig):
            raise Conflict(
                N_("You have already applied to this round."), field="round_id", rule="already_applied"
            ) from exc
        raise _refused() from exc
    return IdentityCheck(application.id, legal_name, resident_id)


def _refused() -> Conflict:
    """The one answer for an ID number that applied to this round from another account, or is verified on another
    account: the same status, field, rule and words, so the form does not tell whether a number is registered."""
    return Conflict(
        N_("This ID number cannot be used for this application. If it is yours, please contact support."),
        field="id_number",
        rule="refused",
    )


async def _check_person(session: AsyncSession, user_id: uuid.UUID, round_id: uuid.UUID, id_hash: str) -> None:
    """One application per real person per round, one account per real person, one person per account.

    The account's own application is checked first and named (it is the caller's); a number that applied from
    another account or is bound to one gets the one neutral refusal (`_refused`)."""
    if await session.scalar(
        select(Application.id).where(Application.round_id == round_id, Application.user_id == user_id)
    ):
        raise Conflict(N_("You have already applied to this round."), field="round_id", rule="already_applied")
    if await session.scalar(
        select(Application.id).where(Application.round_id == round_id, Application.id_hash == id_hash)
    ):
        raise _refused()
    bound = await session.get(PersonIdentity, id_hash)
    if bound is not None and bound.user_id != user_id:
        raise _refused()
    mine = await session.scalar(select(PersonIdentity.id_hash).where(PersonIdentity.user_id == user_id))
    if mine is not None and mine != id_hash:
        raise Conflict(N_("This account is verified as another person."), field="id_number", rule="another_person")


# --- the identity check -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdentityAnswer:
    """What the provider said about one application: a verdict, or none with the reason it could not give one."""

    application_id: uuid.UUID
    verdict: IdentityVerdict | None
    problem: str = ""


async def ask_identity_provider(provider: IdentityProvider, check: IdentityCheck) -> IdentityAnswer:
    """Calls the identity provider; call it with no transaction open (it may take seconds, or time out)."""
    try:
        return IdentityAnswer(check.application_id, await provider.verify(check.legal_name, check.resident_id))
    except IdentityUnavailable as exc:
        return IdentityAnswer(check.application_id, None, str(exc))


async def record_identity_answer(
    session: AsyncSession, clock: Clock, recheck_minutes: int, answer: IdentityAnswer
) -> Application:
    """What the provider's answer does to an application still waiting for it: no verdict (the provider is down)
    sets a retry time `recheck_minutes` ahead; a mismatch fails the screening; a match binds the person to the
    account and moves on to the typing test. Binding races another binding of the same person or account; the
    loser is caught in a savepoint and screened out, unless it is the same person on the same account."""
    now = clock.now()
    verdict = answer.verdict
    application = await session.get(Application, answer.application_id, populate_existing=True)
    assert application is not None
    if application.status != S.IDENTITY_PENDING:  # withdrawn or decided meanwhile
        return application
    application.identity_attempts += 1
    if verdict is None:
        application.identity_retry_at = now + timedelta(minutes=recheck_minutes)
        waiting = because("identity_unavailable", detail=answer.problem)
        application.status_reason = waiting.text
        application.status_reason_code, application.status_reason_params = waiting.code, waiting.params
        application.updated_at = now
        return application
    application.identity_retry_at = None
    if not verdict.matched:
        code = {"provider_code": verdict.code} if verdict.code else {}
        _system_move(session, application, S.SCREENING_FAILED, now, "identity_mismatch", detail=verdict.reason, **code)
        return application
    bound = await session.get(PersonIdentity, application.id_hash)
    if bound is not None and bound.user_id != application.user_id:
        # verified on another account after this application passed its checks (both applied at once)
        _system_move(session, application, S.SCREENING_FAILED, now, "identity_taken")
        return application
    if bound is None and not await bind_person(session, application, now):
        # A binding was made a moment earlier. The same person on the same account (applying to two rounds at
        # once) is fine; another account for this person, or another person for this account, is not.
        bound = await session.get(PersonIdentity, application.id_hash, populate_existing=True)
        if bound is None or bound.user_id != application.user_id:
            code = "identity_taken" if bound is not None else "identity_other_person"
            _system_move(session, application, S.SCREENING_FAILED, now, code)
            return application
    _system_move(session, application, S.TYPING, now, "identity_verified")
    return application


async def due_identity_checks(session: AsyncSession, clock: Clock, limit: int = 50) -> list[uuid.UUID]:
    """Applications waiting in identity_pending whose retry time has come, oldest first."""
    return list(
        await session.scalars(
            select(Application.id)
            .where(Application.status == S.IDENTITY_PENDING, Application.identity_retry_at <= clock.now())
            .order_by(Application.identity_retry_at)
            .limit(limit)
        )
    )


async def claim_identity_check(
    session: AsyncSession, clock: Clock, cipher: FieldCipher, recheck_minutes: int, application_id: uuid.UUID
) -> IdentityCheck | None:
    """Claims a due application for one more identity check with a conditional UPDATE that pushes its retry time
    forward (a lease), so two instances running the retry job never check it twice; None when another took it."""
    now = clock.now()
    row = (
        await session.execute(
            update(Application)
            .where(
                Application.id == application_id,
                Application.status == S.IDENTITY_PENDING,
                Application.identity_retry_at <= now,
            )
            .values(identity_retry_at=now + timedelta(minutes=recheck_minutes))
            .returning(Application.id_number_encrypted, Application.legal_name)
        )
    ).first()
    if row is None:
        return None
    return IdentityCheck(application_id, row[1], ResidentId.stored(cipher.decrypt(row[0])))


# --- the applicant ------------------------------------------------------------------------------------------------


async def withdraw_application(
    session: AsyncSession, clock: Clock, principal: Principal, application_id: uuid.UUID, reason: str = ""
) -> Application:
    """The applicant leaves the pipeline; the application is claimed with a conditional UPDATE first, so a
    withdrawal racing an admin's step does not overwrite it."""
    application = await access_application(session, principal, application_id)
    if application.user_id != principal.user_id:
        raise PermissionDenied("Only the applicant can withdraw.", field="application_id", rule="applicant_only")
    if S.WITHDRAWN not in TRANSITIONS.get(application.status, frozenset()):
        raise Conflict(N_("This application can no longer be withdrawn."), field="status", rule="transition")
    await _claim(session, application, clock.now())
    _move(
        session,
        application,
        S.WITHDRAWN,
        at=clock.now(),
        actor=Actor.APPLICANT,
        actor_id=principal.user_id,
        reason=said(reason) if (reason or "").strip() else because("withdrawn"),
    )
    return application


async def my_applications(session: AsyncSession, principal: Principal) -> list[tuple[Application, Round]]:
    rows = await session.execute(
        select(Application, Round)
        .join(Round, Round.id == Application.round_id)
        .where(Application.user_id == principal.user_id)
        .order_by(Application.created_at.desc())
    )
    return [(a, r) for a, r in rows.all()]
