"""Coverage, the one door: the package catalogue and quotes (orders, payments, entitlements and the staffing plan
follow). Other domains, `web` and the wiring import this module only.

- `pricing`: the price of a package line by line, a pure function over China's calendar.
- `catalogue`: packages, kept by admins; `access_package`.
- `quotes`: a shop's quote, valid for 30 minutes; `access_quote`.
- `erlang`: Erlang C, for the staffing plan.
"""

from __future__ import annotations

from gigplatform.coverage.catalogue import access_package, create_package, list_packages, update_package
from gigplatform.coverage.models import CoveragePackage, CoverageQuote
from gigplatform.coverage.pricing import LineKind, PackageKind
from gigplatform.coverage.quotes import QUOTE_MINUTES, access_quote, make_quote
from gigplatform.coverage.schemas import PackageIn, PackagePatch, QuoteIn

__all__ = [
    "QUOTE_MINUTES",
    "CoveragePackage",
    "CoverageQuote",
    "LineKind",
    "PackageIn",
    "PackageKind",
    "PackagePatch",
    "QuoteIn",
    "access_package",
    "access_quote",
    "create_package",
    "list_packages",
    "make_quote",
    "update_package",
]
