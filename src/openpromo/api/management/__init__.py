"""Management API routes (``/v1``), one module per resource."""

from openpromo.api.management import applications, users

ROUTES = [*applications.ROUTES, *users.ROUTES]

__all__ = ["ROUTES"]
