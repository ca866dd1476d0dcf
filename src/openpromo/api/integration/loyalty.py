"""Integration API: loyalty balances (profile, card), activating points, deleting transactions."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.routing import INTEGRATION, body, time_parameter
from openpromo.services.models.loyalty import (
    ActivateLoyaltyPoints,
    ActivateLoyaltyPointsResponse,
    DeleteLoyaltyTransactionsRequest,
    LoyaltyBalancesWithTiers,
    LoyaltyCardBalances,
)

Req = Request[Any, Any, Any]
EndDate = Annotated[str | None, QueryParameter(name="endDate", required=False)]
Subledger = Annotated[str | None, QueryParameter(name="subledgerId", required=False)]
Subledgers = Annotated[list[str] | None, QueryParameter(name="subledgerId", required=False)]
IncludeTiers = Annotated[bool, QueryParameter(name="includeTiers", required=False)]
IncludeProjected = Annotated[bool, QueryParameter(name="includeProjectedTier", required=False)]
PROGRAM = "/v1/loyalty_programs/{loyalty_program_id:int}"


@get(f"{PROGRAM}/profile/{{integration_id:str}}/balances", operation_id="getLoyaltyBalances", **INTEGRATION)
async def get_loyalty_balances(
    request: Req,
    loyalty_program_id: int,
    integration_id: str,
    end_date: EndDate = None,
    subledger_id: Subledger = None,
    include_tiers: IncludeTiers = False,
    include_projected_tier: IncludeProjected = False,
) -> LoyaltyBalancesWithTiers:
    return await endpoint.integration(
        request,
        lambda use, principal: use.loyalty.balances(
            principal,
            loyalty_program_id,
            integration_id,
            end_date=time_parameter("endDate", end_date),
            subledger_id=subledger_id,
            include_tiers=include_tiers,
            include_projected_tier=include_projected_tier,
        ),
    )


@get(
    f"{PROGRAM}/cards/{{loyalty_card_id:str}}/balances",
    operation_id="getLoyaltyCardBalances",
    **INTEGRATION,
)
async def get_loyalty_card_balances(
    request: Req,
    loyalty_program_id: int,
    loyalty_card_id: str,
    end_date: EndDate = None,
    subledger_id: Subledgers = None,
) -> LoyaltyCardBalances:
    return await endpoint.integration(
        request,
        lambda use, principal: use.loyalty.card_balances(
            principal,
            loyalty_program_id,
            loyalty_card_id,
            end_date=time_parameter("endDate", end_date),
            subledger_ids=subledger_id or (),
        ),
    )


@post(
    f"{PROGRAM}/activate_points",
    operation_id="activateLoyaltyPoints",
    status_code=200,
    **INTEGRATION,
    **body(ActivateLoyaltyPoints),
)
async def activate_loyalty_points(
    request: Req, loyalty_program_id: int, body: bytes
) -> Response[ActivateLoyaltyPointsResponse]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.loyalty.activate_points(
            principal, loyalty_program_id, endpoint.decoded(body, ActivateLoyaltyPoints)
        ),
    )


@post(
    f"{PROGRAM}/profile/{{integration_id:str}}/delete_transactions",
    operation_id="deleteLoyaltyTransactionsFromLedgers",
    status_code=204,
    **INTEGRATION,
    **body(DeleteLoyaltyTransactionsRequest),
)
async def delete_loyalty_transactions(
    request: Req, loyalty_program_id: int, integration_id: str, body: bytes
) -> Response[None]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.loyalty.delete_transactions(
            principal,
            loyalty_program_id,
            integration_id,
            endpoint.decoded(body, DeleteLoyaltyTransactionsRequest),
        ),
        silent=True,
    )


ROUTES = [
    get_loyalty_balances,
    get_loyalty_card_balances,
    activate_loyalty_points,
    delete_loyalty_transactions,
]

__all__ = ["ROUTES"]
