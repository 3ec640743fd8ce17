"""JSON API of coverage: the catalogue (kept by admins, read by sellers) and a shop's quotes. Thin: each handler
parses, calls the service and shapes the reply; the request's unit of work commits."""

from __future__ import annotations

import uuid
from datetime import date

from litestar import Controller, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from gigplatform.coverage import service
from gigplatform.coverage.schemas import PackageOut, QuoteLineOut, QuoteOut
from gigplatform.db import DbSession
from gigplatform.listing import WINDOW, Page, Paged, page_of
from gigplatform.security import CurrentPrincipal, Kit, admin_only, authenticated, seller_only


def package_out(package: service.CoveragePackage) -> PackageOut:
    return PackageOut(
        package.id,
        package.name,
        package.kind.value,
        package.first_hour,
        package.last_hour,
        list(package.tracks),
        package.base_fen,
        package.night_surcharge_fen,
        package.holiday_surcharge_fen,
        package.conversations,
        package.validity_days,
        package.active,
        package.created_at,
        package.updated_at,
    )


def quote_out(quote: service.CoverageQuote) -> QuoteOut:
    lines = [
        QuoteLineOut(
            line["kind"],
            line["quantity"],
            line["unit_fen"],
            line["amount_fen"],
            date.fromisoformat(line["day"]) if line.get("day") else None,
            line.get("holiday"),
            bool(line.get("provisional")),
        )
        for line in quote.lines
    ]
    return QuoteOut(
        quote.id,
        quote.shop_id,
        quote.package_id,
        quote.package["name"],
        quote.package["kind"],
        quote.starts_on,
        quote.ends_on,
        lines,
        quote.total_fen,
        quote.valid_until,
        quote.provisional,
        quote.night,
        quote.holidays,
    )


class AdminPackageController(Controller):
    path = "/api/admin/packages"
    tags = ["coverage: admin"]
    guards = [admin_only]

    @post("/", operation_id="createPackage", status_code=HTTP_201_CREATED)
    async def create(self, data: JSONBody[service.PackageIn], db_session: DbSession, kit: Kit) -> PackageOut:
        """Adds a package to the catalogue."""
        return package_out(await service.create_package(db_session, kit.clock.now(), data))

    @get("/", operation_id="listAllPackages", dependencies=WINDOW)
    async def list_all(self, db_session: DbSession, principal: CurrentPrincipal, window: Paged) -> Page[PackageOut]:
        """Every package, retired ones last."""
        packages = await service.list_packages(db_session, principal)
        return page_of([package_out(p) for p in packages], window)

    @patch("/{package_id:uuid}", operation_id="updatePackage")
    async def update(
        self,
        package_id: FromPath[uuid.UUID],
        data: JSONBody[service.PackagePatch],
        db_session: DbSession,
        principal: CurrentPrincipal,
        kit: Kit,
    ) -> PackageOut:
        """Changes a package for quotes made from now on; quotes and orders already made keep their copy."""
        package = await service.update_package(db_session, principal, kit.clock.now(), package_id, data)
        return package_out(package)


class CatalogueController(Controller):
    path = "/api/packages"
    tags = ["coverage"]
    guards = [authenticated]

    @get("/", operation_id="listPackages", dependencies=WINDOW)
    async def list_active(self, db_session: DbSession, principal: CurrentPrincipal, window: Paged) -> Page[PackageOut]:
        """The packages on sale."""
        packages = await service.list_packages(db_session, principal)
        return page_of([package_out(p) for p in packages], window)


class QuoteController(Controller):
    path = "/api/shops/{shop_id:uuid}/quotes"
    tags = ["coverage"]
    guards = [seller_only]

    @post("/", operation_id="createQuote", status_code=HTTP_201_CREATED)
    async def create(
        self,
        shop_id: FromPath[uuid.UUID],
        data: JSONBody[service.QuoteIn],
        db_session: DbSession,
        principal: CurrentPrincipal,
        kit: Kit,
    ) -> QuoteOut:
        """The exact price with its lines, valid for 30 minutes; an order made from it charges exactly its total."""
        return quote_out(await service.make_quote(db_session, principal, kit.clock.now(), shop_id, data))

    @get("/{quote_id:uuid}", operation_id="getQuote")
    async def read(
        self,
        shop_id: FromPath[uuid.UUID],
        quote_id: FromPath[uuid.UUID],
        db_session: DbSession,
        principal: CurrentPrincipal,
    ) -> QuoteOut:
        return quote_out(await service.access_quote(db_session, principal, shop_id, quote_id))


CONTROLLERS = [AdminPackageController, CatalogueController, QuoteController]
