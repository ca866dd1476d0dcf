"""Integration API: the best prior price of SKUs (``bestPriorPrice``; docs/offers.md)."""

from __future__ import annotations

from typing import Any

from litestar import Request, post

from openpromo.api import endpoint
from openpromo.api.routing import INTEGRATION, body
from openpromo.services.models.prices import BestPriorPrice, BestPriorPriceRequest

Req = Request[Any, Any, Any]


@post(
    "/v1/best_prior_price",
    operation_id="bestPriorPrice",
    status_code=200,
    **INTEGRATION,
    **body(BestPriorPriceRequest),
)
async def best_prior_price(request: Req, body: bytes) -> list[BestPriorPrice]:
    return await endpoint.integration(
        request,
        lambda use, principal: use.prices.best_prior(
            principal, endpoint.decoded(body, BestPriorPriceRequest)
        ),
    )


ROUTES = [best_prior_price]

__all__ = ["ROUTES"]
