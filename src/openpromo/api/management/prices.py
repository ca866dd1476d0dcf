"""Management API: an application's price history of a SKU (``priceHistory``; docs/offers.md)."""

from __future__ import annotations

from typing import Any

from litestar import Request, post

from openpromo.api import endpoint
from openpromo.api.routing import MANAGEMENT, body
from openpromo.services.models.prices import PriceHistoryRequest, PriceHistoryResponse

Req = Request[Any, Any, Any]


@post(
    "/v1/applications/{application_id:int}/price_history",
    operation_id="priceHistory",
    status_code=200,
    **MANAGEMENT,
    **body(PriceHistoryRequest),
)
async def price_history(request: Req, application_id: int, body: bytes) -> PriceHistoryResponse:
    return await endpoint.management(
        request,
        lambda use, principal: use.price_history.history(
            principal, application_id, endpoint.decoded(body, PriceHistoryRequest)
        ),
    )


ROUTES = [price_history]

__all__ = ["ROUTES"]
