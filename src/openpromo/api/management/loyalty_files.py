"""Management API: a loyalty program's CSV imports (points, cards) and exports (balances, ledger logs)
(docs/loyalty.md "Imports and exports"). Imports are ``multipart/form-data`` with the file in ``upFile``."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, post
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.routing import MANAGEMENT
from openpromo.services.models.coupons import Import

Req = Request[Any, Any, Any]
PROGRAM = "/v1/loyalty_programs/{loyalty_program_id:int}"
Notifications = Annotated[bool | None, QueryParameter(name="notificationsEnabled", required=False)]
"""Accepted and ignored: OpenPromo sends no notifications."""


@post(PROGRAM + "/import_points", operation_id="importLoyaltyPoints", status_code=200, **MANAGEMENT)
async def import_loyalty_points(
    request: Req, loyalty_program_id: int, notifications_enabled: Notifications = None
) -> Import:
    """Multipart upload with the CSV in ``upFile``."""
    return await endpoint.upload(
        request,
        lambda use, principal, content: use.loyalty_imports.import_points(
            principal, loyalty_program_id, content
        ),
    )


@post(PROGRAM + "/import_cards", operation_id="importLoyaltyCards", status_code=200, **MANAGEMENT)
async def import_loyalty_cards(request: Req, loyalty_program_id: int) -> Import:
    """Multipart upload with the CSV in ``upFile``."""
    return await endpoint.upload(
        request,
        lambda use, principal, content: use.loyalty_imports.import_cards(
            principal, loyalty_program_id, content
        ),
    )


ROUTES = [import_loyalty_points, import_loyalty_cards]

__all__ = ["ROUTES"]
