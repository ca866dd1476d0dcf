"""Integration API routes (``/v1`` and ``/v2``), authenticated with ``ApiKey-v1`` keys."""

from openpromo.api.integration import (
    achievements,
    audiences,
    campaigns,
    cards,
    catalogs,
    customers,
    events,
    loyalty,
    offers,
    prices,
    profiles,
    sessions,
)

ROUTES = [
    *sessions.ROUTES,
    *profiles.ROUTES,
    *customers.ROUTES,
    *achievements.ROUTES,
    *loyalty.ROUTES,
    *cards.ROUTES,
    *events.ROUTES,
    *audiences.ROUTES,
    *offers.ROUTES,
    *prices.ROUTES,
    *catalogs.ROUTES,
    *campaigns.ROUTES,
]

__all__ = ["ROUTES"]
