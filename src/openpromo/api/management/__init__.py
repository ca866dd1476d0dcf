"""Management API routes (``/v1``), one module per resource."""

from openpromo.api.management import (
    activity,
    applications,
    audiences,
    campaigns,
    cards,
    coupons,
    definitions,
    gamification,
    loyalty_files,
    points,
    prices,
    programs,
    users,
)

ROUTES = [
    *applications.ROUTES,
    *users.ROUTES,
    *campaigns.ROUTES,
    *coupons.ROUTES,
    *definitions.ROUTES,
    *programs.ROUTES,
    *cards.ROUTES,
    *points.ROUTES,
    *prices.ROUTES,
    *loyalty_files.ROUTES,
    *gamification.ROUTES,
    *activity.ROUTES,
    *audiences.ROUTES,
]

__all__ = ["ROUTES"]
