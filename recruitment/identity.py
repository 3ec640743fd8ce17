"""Real-name checks: the resident ID number's own rules, and the provider that matches a name to a number.

The number is validated with python-stdnum (length, digits, GB 11643 check digit, birth date, region). The
provider then says whether the name belongs to the number: `local` trusts a well-formed number (the format is all
it can check); `http` asks a verification service, with a timeout and retries with backoff, and raises
`IdentityUnavailable` when the service cannot be reached, so the application waits instead of failing.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol, runtime_checkable

import httpx
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from gigplatform.config import Settings
from gigplatform.errors import N_, InvalidInput

log = logging.getLogger("gigplatform.identity")


@dataclass(frozen=True)
class ResidentId:
    """A validated 18-character resident ID number (upper-case X), with the birth date it encodes."""

    number: str
    birth_date: date

    @property
    def masked(self) -> str:
        """The only form shown to people: region prefix and last four, e.g. `1101**********1234`."""
        return mask_id_number(self.number)

    @classmethod
    def stored(cls, number: str) -> ResidentId:
        """A number that passed `parse_resident_id` before it was stored, decrypted again."""
        return cls(number, ric.get_birth_date(number))


def mask_id_number(number: str) -> str:
    """Region prefix and last four, e.g. `1101**********1234`: computed when shown, never stored in plain text,
    since beside a birth date it leaves only a few candidate numbers."""
    return number[:4] + "*" * 10 + number[-4:]


_DIGITS = re.compile(r"[0-9０-９]")
_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
REASON_TEXT_MAX = 200


def outside_reason(body: dict[str, object]) -> IdentityVerdict:
    """An identity service's verdict as we keep it: its machine `code` when well-formed, and its free-text reason
    with every digit masked (a service may echo the number it was sent, or a birth date), cut to a length."""
    text = _DIGITS.sub("*", " ".join(str(body.get("reason") or "").split()))[:REASON_TEXT_MAX]
    code = str(body.get("code") or "").lower()
    return IdentityVerdict(bool(body["match"]), text, code if _CODE.fullmatch(code) else "")


def parse_resident_id(raw: str, today: date) -> ResidentId:
    """Validates the number; errors name the rule but never repeat the number."""
    number = ric.compact("".join((raw or "").split()))  # people type it in groups: "1101 0519 ..."
    try:
        if len(number) != 18:
            raise stdnum_errors.InvalidLength()
        if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
            raise stdnum_errors.InvalidFormat()
        if number[-1] != ric.calc_check_digit(number):
            raise stdnum_errors.InvalidChecksum()
    except stdnum_errors.InvalidLength as exc:
        raise InvalidInput(N_("The ID number must have 18 characters."), field="id_number", rule="length") from exc
    except stdnum_errors.InvalidFormat as exc:
        raise InvalidInput(
            N_("The ID number must be 17 digits and a digit or X."), field="id_number", rule="format"
        ) from exc
    except stdnum_errors.InvalidChecksum as exc:
        raise InvalidInput(
            N_("The ID number's check digit is wrong. Please check the number."), field="id_number", rule="checksum"
        ) from exc
    try:
        birth = ric.get_birth_date(number)
    except stdnum_errors.ValidationError as exc:
        raise InvalidInput(
            N_("The birth date in the ID number is not valid."), field="id_number", rule="birth_date"
        ) from exc
    if birth > today:
        raise InvalidInput(N_("The birth date in the ID number is not valid."), field="id_number", rule="birth_date")
    try:
        ric.get_birth_place(number)
    except stdnum_errors.ValidationError as exc:
        raise InvalidInput(
            N_("The region code of the ID number is unknown."), field="id_number", rule="region"
        ) from exc
    return ResidentId(number, birth)


def age_on(birth: date, day: date) -> int:
    """Whole years on `day`; someone born on 29 February turns a year older on 1 March in common years."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


@dataclass(frozen=True)
class IdentityVerdict:
    matched: bool
    reason: str = ""  # shown to the applicant and the admins: never the provider's verbatim text (`outside_reason`)
    code: str = ""  # the provider's machine code for the reason, if it sends one


class IdentityUnavailable(Exception):
    """The provider could not give a verdict (down, timing out, answering nonsense); try again later."""


@runtime_checkable
class IdentityProvider(Protocol):
    name: str

    async def verify(self, legal_name: str, resident_id: ResidentId) -> IdentityVerdict: ...


class LocalIdentityProvider:
    """Checks the format only: the number already passed `parse_resident_id`, so every name matches."""

    name = "local"

    async def verify(self, legal_name: str, resident_id: ResidentId) -> IdentityVerdict:
        return IdentityVerdict(True, "format checked")


Sleep = Callable[[float], Awaitable[None]]


class HttpIdentityProvider:
    """Asks a verification service: POST {name, id_number} -> 200 {"match": bool, "reason": str}.

    Timeouts, refused connections, 5xx and malformed answers are retried `retries` times with exponential backoff
    (0.5 s, 1 s, ...); then `IdentityUnavailable`. A 4xx is the service refusing our request and is not retried.
    """

    name = "http"

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.5,
        token: str | None = None,
        sleep: Sleep = asyncio.sleep,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._sleep = sleep
        self._transport = transport

    async def verify(self, legal_name: str, resident_id: ResidentId) -> IdentityVerdict:
        payload = {"name": legal_name, "id_number": resident_id.number}
        last_problem = "no attempt made"
        async with httpx.AsyncClient(timeout=self.timeout, transport=self._transport) as client:
            for attempt in range(self.retries + 1):
                if attempt:
                    await self._sleep(self.backoff * 2 ** (attempt - 1))
                try:
                    response = await client.post(self.url, json=payload, headers=self.headers)
                except httpx.TimeoutException:
                    last_problem = "timed out"
                    continue
                except httpx.TransportError as exc:
                    last_problem = f"unreachable ({type(exc).__name__})"
                    continue
                if 400 <= response.status_code < 500:
                    log.warning("identity provider refused the request with %s", response.status_code)
                    raise IdentityUnavailable(f"the identity service refused the request ({response.status_code})")
                if response.status_code != 200:
                    last_problem = f"answered {response.status_code}"
                    continue
                try:
                    body = response.json()
                    matched = body["match"]
                    if not isinstance(matched, bool):
                        raise TypeError("match is not a boolean")
                except (ValueError, KeyError, TypeError):
                    last_problem = "answered something that is not a verdict"
                    continue
                return outside_reason(body)
        log.warning("identity provider unavailable after %s attempts: %s", self.retries + 1, last_problem)
        raise IdentityUnavailable(f"the identity service {last_problem}")


def provider_from_settings(settings: Settings) -> IdentityProvider:
    if settings.identity_provider == "http":
        assert settings.identity_url
        return HttpIdentityProvider(
            settings.identity_url,
            timeout=settings.identity_timeout_seconds,
            retries=settings.identity_retries,
            token=settings.identity_token,
        )
    return LocalIdentityProvider()
