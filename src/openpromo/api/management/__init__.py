"""Management API routes (``/v1``), one module per resource."""

from openpromo.api.management import applications, campaigns, coupons, definitions, programs, users

ROUTES = [
    *applications.ROUTES,
    *users.ROUTES,
    *campaigns.ROUTES,
    *coupons.ROUTES,
    *definitions.ROUTES,
    *programs.ROUTES,
]

__all__ = ["ROUTES"]
