"""Integration API: loyalty cards (generate, link and unlink a profile) and the ledger lists of a profile
or a card (transactions, unused points). Card identifiers in paths are URL-encoded (``%25`` for ``%``)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post

from openpromo.api import endpoint
from openpromo.api.ledger_params import (
    AwaitsActivation,
    EndDate,
    SessionIds,
    StartDate,
    Status,
    Subledger,
    Subledgers,
    TransactionType,
    TransactionUuids,
    ledger_filters,
)
from openpromo.api.routing import INTEGRATION, PageSize, Skip, Sort, body, page
from openpromo.services.models.base import Page
from openpromo.services.models.cards import GenerateLoyaltyCard, LoyaltyCard, LoyaltyCardRegistration

Req = Request[Any, Any, Any]


CARDS = "/v1/loyalty_programs/{loyalty_program_id:int}/cards"
CARD = CARDS + "/{loyalty_card_id:str}"
PROFILE = "/v1/loyalty_programs/{loyalty_program_id:int}/profile/{integration_id:str}"


def _one(subledger: str | None) -> list[str] | None:
    return None if subledger is None else [subledger]


@post(CARDS, operation_id="generateLoyaltyCard", status_code=200, **INTEGRATION, **body(GenerateLoyaltyCard))
async def generate_loyalty_card(request: Req, loyalty_program_id: int, body: bytes) -> Response[LoyaltyCard]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.cards.generate(
            principal, loyalty_program_id, endpoint.decoded(body, GenerateLoyaltyCard)
        ),
    )


@post(
    "/v2/loyalty_programs/{loyalty_program_id:int}/cards/{loyalty_card_id:str}/link_profile",
    operation_id="linkLoyaltyCardToProfile",
    status_code=200,
    **INTEGRATION,
    **body(LoyaltyCardRegistration),
)
async def link_loyalty_card_to_profile(
    request: Req, loyalty_program_id: int, loyalty_card_id: str, body: bytes
) -> Response[LoyaltyCard]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.cards.link(
            principal, loyalty_program_id, loyalty_card_id, endpoint.decoded(body, LoyaltyCardRegistration)
        ),
    )


@post(
    "/v2/loyalty_programs/{loyalty_program_id:int}/cards/{loyalty_card_id:str}/unlink_profile",
    operation_id="unlinkLoyaltyCardFromProfile",
    status_code=200,
    **INTEGRATION,
    **body(LoyaltyCardRegistration),
)
async def unlink_loyalty_card_from_profile(
    request: Req, loyalty_program_id: int, loyalty_card_id: str, body: bytes
) -> Response[LoyaltyCard]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.cards.unlink(
            principal, loyalty_program_id, loyalty_card_id, endpoint.decoded(body, LoyaltyCardRegistration)
        ),
    )


@get(PROFILE + "/transactions", operation_id="getLoyaltyProgramProfileTransactions", **INTEGRATION)
async def get_loyalty_program_profile_transactions(
    request: Req,
    loyalty_program_id: int,
    integration_id: str,
    customer_session_ids: SessionIds = None,
    transaction_uuids: TransactionUuids = None,
    subledger_id: Subledger = None,
    loyalty_transaction_type: TransactionType = None,
    start_date: StartDate = None,
    end_date: EndDate = None,
    page_size: PageSize = 50,
    skip: Skip = 0,
    awaits_activation: AwaitsActivation = None,
) -> Page:
    return await endpoint.integration(
        request,
        lambda use, principal: use.ledger_lists.profile_transactions(
            principal,
            loyalty_program_id,
            integration_id,
            ledger_filters(
                customer_session_ids,
                transaction_uuids,
                _one(subledger_id),
                loyalty_transaction_type,
                start_date,
                end_date,
                awaits_activation,
            ),
            page(page_size, skip, None, integration=True),
        ),
    )


@get(CARD + "/transactions", operation_id="getLoyaltyCardTransactions", **INTEGRATION)
async def get_loyalty_card_transactions(
    request: Req,
    loyalty_program_id: int,
    loyalty_card_id: str,
    subledger_id: Subledgers = None,
    loyalty_transaction_type: TransactionType = None,
    start_date: StartDate = None,
    end_date: EndDate = None,
    customer_session_ids: SessionIds = None,
    transaction_uuids: TransactionUuids = None,
    page_size: PageSize = 50,
    skip: Skip = 0,
    awaits_activation: AwaitsActivation = None,
) -> Page:
    return await endpoint.integration(
        request,
        lambda use, principal: use.ledger_lists.card_transactions(
            principal,
            loyalty_program_id,
            loyalty_card_id,
            ledger_filters(
                customer_session_ids,
                transaction_uuids,
                subledger_id,
                loyalty_transaction_type,
                start_date,
                end_date,
                awaits_activation,
            ),
            page(page_size, skip, None, integration=True),
        ),
    )


@get(PROFILE + "/points", operation_id="getLoyaltyProgramProfilePoints", **INTEGRATION)
async def get_loyalty_program_profile_points(
    request: Req,
    loyalty_program_id: int,
    integration_id: str,
    status: Status = None,
    subledger_id: Subledger = None,
    customer_session_ids: SessionIds = None,
    transaction_uuids: TransactionUuids = None,
    page_size: PageSize = 50,
    skip: Skip = 0,
    sort: Sort = None,
) -> Page:
    return await endpoint.integration(
        request,
        lambda use, principal: use.ledger_lists.profile_points(
            principal,
            loyalty_program_id,
            integration_id,
            ledger_filters(customer_session_ids, transaction_uuids, _one(subledger_id), status=status),
            page(page_size, skip, sort, integration=True),
        ),
    )


@get(CARD + "/points", operation_id="getLoyaltyCardPoints", **INTEGRATION)
async def get_loyalty_card_points(
    request: Req,
    loyalty_program_id: int,
    loyalty_card_id: str,
    status: Status = None,
    subledger_id: Subledgers = None,
    customer_session_ids: SessionIds = None,
    transaction_uuids: TransactionUuids = None,
    page_size: PageSize = 50,
    skip: Skip = 0,
    sort: Sort = None,
) -> Page:
    return await endpoint.integration(
        request,
        lambda use, principal: use.ledger_lists.card_points(
            principal,
            loyalty_program_id,
            loyalty_card_id,
            ledger_filters(customer_session_ids, transaction_uuids, subledger_id, status=status),
            page(page_size, skip, sort, integration=True),
        ),
    )


ROUTES = [
    generate_loyalty_card,
    link_loyalty_card_to_profile,
    unlink_loyalty_card_from_profile,
    get_loyalty_program_profile_transactions,
    get_loyalty_card_transactions,
    get_loyalty_program_profile_points,
    get_loyalty_card_points,
]

__all__ = ["ROUTES"]
