"""Admins' pages, one module per product noun; every module's `ROUTES` sits behind this audience's guard."""

from __future__ import annotations

from web.audience import collect_routes, page_router

ROUTER = page_router("admin", collect_routes(__name__, __path__))
