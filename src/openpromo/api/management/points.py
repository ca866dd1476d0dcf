"""Management API: points added or deducted by hand for a profile or a card, a profile's ledger, and a
program's transactions (docs/loyalty.md "Points by hand"). Card identifiers in paths are URL-encoded."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, put

from openpromo.api import endpoint
from openpromo.api.ledger_params import (
    AwaitsActivation,
    EndDate,
    SessionIds,
    StartDate,
    Subledger,
    TransactionType,
    TransactionUuids,
    ledger_filters,
)
from openpromo.api.routing import MANAGEMENT, PageSize, Skip, body, page
from openpromo.services.models.base import Page
from openpromo.services.models.loyalty import (
    AddLoyaltyPoints,
    DeductLoyaltyPoints,
    LoyaltyDashboardData,
    LoyaltyLedger,
)

Req = Request[Any, Any, Any]
PROGRAM = "/v1/loyalty_programs/{loyalty_program_id:int}"
PROFILE = PROGRAM + "/profile/{integration_id:str}"
CARD = PROGRAM + "/cards/{loyalty_card_id:str}"
WRITE = {"status_code": 204, **MANAGEMENT}


@put(PROFILE + "/add_points", operation_id="addLoyaltyPoints", **WRITE, **body(AddLoyaltyPoints))
async def add_loyalty_points(request: Req, loyalty_program_id: int, integration_id: str, body: bytes) -> None:
    return await endpoint.management(
        request,
        lambda use, principal: use.points.add_to_profile(
            principal, loyalty_program_id, integration_id, endpoint.decoded(body, AddLoyaltyPoints)
        ),
    )


@put(PROFILE + "/deduct_points", operation_id="removeLoyaltyPoints", **WRITE, **body(DeductLoyaltyPoints))
async def remove_loyalty_points(
    request: Req, loyalty_program_id: int, integration_id: str, body: bytes
) -> None:
    return await endpoint.management(
        request,
        lambda use, principal: use.points.deduct_from_profile(
            principal, loyalty_program_id, integration_id, endpoint.decoded(body, DeductLoyaltyPoints)
        ),
    )


@put(CARD + "/add_points", operation_id="addLoyaltyCardPoints", **WRITE, **body(AddLoyaltyPoints))
async def add_loyalty_card_points(
    request: Req, loyalty_program_id: int, loyalty_card_id: str, body: bytes
) -> None:
    return await endpoint.management(
        request,
        lambda use, principal: use.points.add_to_card(
            principal, loyalty_program_id, loyalty_card_id, endpoint.decoded(body, AddLoyaltyPoints)
        ),
    )


@put(CARD + "/deduct_points", operation_id="deductLoyaltyCardPoints", **WRITE, **body(DeductLoyaltyPoints))
async def deduct_loyalty_card_points(
    request: Req, loyalty_program_id: int, loyalty_card_id: str, body: bytes
) -> None:
    return await endpoint.management(
        request,
        lambda use, principal: use.points.deduct_from_card(
            principal, loyalty_program_id, loyalty_card_id, endpoint.decoded(body, DeductLoyaltyPoints)
        ),
    )


@get(PROFILE, operation_id="getLoyaltyPoints", **MANAGEMENT)
async def get_loyalty_points(request: Req, loyalty_program_id: int, integration_id: str) -> LoyaltyLedger:
    return await endpoint.management(
        request,
        lambda use, principal: use.points.profile_ledger(principal, loyalty_program_id, integration_id),
    )


@get(PROGRAM + "/statistics", operation_id="getLoyaltyStatistics", **MANAGEMENT)
async def get_loyalty_statistics(request: Req, loyalty_program_id: int) -> LoyaltyDashboardData:
    return await endpoint.management(
        request, lambda use, principal: use.statistics.program(principal, loyalty_program_id)
    )


@get(PROGRAM + "/transactions", operation_id="getLoyaltyProgramTransactions", **MANAGEMENT)
async def get_loyalty_program_transactions(
    request: Req,
    loyalty_program_id: int,
    loyalty_transaction_type: TransactionType = None,
    subledger_id: Subledger = None,
    customer_session_ids: SessionIds = None,
    transaction_uuids: TransactionUuids = None,
    start_date: StartDate = None,
    end_date: EndDate = None,
    page_size: PageSize = 50,
    skip: Skip = 0,
    awaits_activation: AwaitsActivation = None,
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.points.program_transactions(
            principal,
            loyalty_program_id,
            ledger_filters(
                customer_session_ids,
                transaction_uuids,
                None if subledger_id is None else [subledger_id],
                loyalty_transaction_type,
                start_date,
                end_date,
                awaits_activation,
            ),
            page(page_size, skip, None),
        ),
    )


ROUTES = [
    get_loyalty_points,
    get_loyalty_statistics,
    add_loyalty_points,
    remove_loyalty_points,
    add_loyalty_card_points,
    deduct_loyalty_card_points,
    get_loyalty_program_transactions,
]

__all__ = ["ROUTES"]
