"""Quotes: the exact price of a package for one shop, its dates and its options, valid for `QUOTE_MINUTES`.

Any member of the shop may ask for a quote (it moves no money); ordering it needs the billing permission.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from gigplatform.accounts import service as accounts
from gigplatform.clock import BUSINESS_TZ
from gigplatform.coverage import pricing
from gigplatform.coverage.catalogue import access_package, prices_of, snapshot
from gigplatform.coverage.models import CoverageQuote
from gigplatform.coverage.schemas import QuoteIn
from gigplatform.errors import N_, InvalidInput, NotFound
from gigplatform.events import record_event
from gigplatform.security import Principal

QUOTE_MINUTES = 30
MAX_DAYS_AHEAD = 366


def _line(line: pricing.Line) -> dict[str, object]:
    raw = asdict(line)
    raw["kind"] = line.kind.value
    raw["day"] = line.day.isoformat() if line.day else None
    return raw


async def make_quote(
    session: AsyncSession, actor: Principal, now: datetime, shop_id: uuid.UUID, data: QuoteIn
) -> CoverageQuote:
    """Prices `data` for the shop and keeps the quote; the order made from it charges exactly its total."""
    access = await accounts.access_shop(session, actor, shop_id, accounts.ShopPermission.READ_ONLY)
    package = await access_package(session, actor, data.package_id)
    today = now.astimezone(BUSINESS_TZ).date()
    if data.start_date < today:
        raise InvalidInput(N_("The start date has passed."), field="start_date", rule="not_past")
    if data.start_date > today + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInput(
            N_("Start within %(days)s days."), field="start_date", rule="max", params={"days": MAX_DAYS_AHEAD}
        )
    if data.options.night and package.night_surcharge_fen is None:
        raise InvalidInput(N_("This package has no night option."), field="options.night", rule="not_offered")
    if data.options.holidays and package.holiday_surcharge_fen is None:
        raise InvalidInput(N_("This package has no holiday option."), field="options.holidays", rule="not_offered")
    if data.dates is not None and package.kind is not pricing.PackageKind.DAILY:
        raise InvalidInput(N_("Only a daily package takes chosen dates."), field="dates", rule="daily_only")
    price = pricing.price(
        prices_of(package),
        start=data.start_date,
        dates=data.dates or (),
        night=data.options.night,
        holidays=data.options.holidays,
    )
    quote = CoverageQuote(
        shop_id=access.shop.id,
        package_id=package.id,
        created_by=actor.user_id,
        package=snapshot(package),
        starts_on=price.starts_on,
        ends_on=price.ends_on,
        dates=[d.isoformat() for d in sorted(set(data.dates))] if data.dates else None,
        night=data.options.night,
        holidays=data.options.holidays,
        expected_daily_conversations=data.expected_daily_conversations,
        lines=[_line(line) for line in price.lines],
        total_fen=price.total_fen,
        provisional=price.provisional,
        valid_until=now + timedelta(minutes=QUOTE_MINUTES),
        created_at=now,
    )
    session.add(quote)
    await session.flush()
    record_event(session, "coverage.quoted", quote_id=str(quote.id), shop_id=str(quote.shop_id))
    return quote


async def access_quote(
    session: AsyncSession, actor: Principal, shop_id: uuid.UUID, quote_id: uuid.UUID
) -> CoverageQuote:
    """A quote of a shop the caller belongs to; one 404 for a missing quote and another shop's."""
    await accounts.access_shop(session, actor, shop_id, accounts.ShopPermission.READ_ONLY)
    quote = await session.get(CoverageQuote, quote_id)
    if quote is None or quote.shop_id != shop_id:
        raise NotFound(N_("No such quote."), field="quote_id", rule="exists")
    return quote
