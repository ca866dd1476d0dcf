"""Management API: a card-based program's loyalty cards (list, read, block or unblock, delete, transfer,
create a batch). Card identifiers in paths are URL-encoded (``%25`` for ``%``)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, delete, get, post, put
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.routing import MANAGEMENT, PageSize, Skip, Sort, body, page
from openpromo.services.models.base import Page
from openpromo.services.models.cards import (
    LoyaltyCard,
    LoyaltyCardBatch,
    LoyaltyCardBatchResponse,
    TransferLoyaltyCard,
    UpdateLoyaltyCard,
)

Req = Request[Any, Any, Any]
Identifier = Annotated[str | None, QueryParameter(name="identifier", required=False)]
ProfileId = Annotated[int | None, QueryParameter(name="profileId", required=False)]
BatchId = Annotated[str | None, QueryParameter(name="batchId", required=False)]

CARDS = "/v1/loyalty_programs/{loyalty_program_id:int}/cards"
CARD = CARDS + "/{loyalty_card_id:str}"


@get(CARDS, operation_id="getLoyaltyCards", **MANAGEMENT)
async def get_loyalty_cards(
    request: Req,
    loyalty_program_id: int,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    identifier: Identifier = None,
    profile_id: ProfileId = None,
    batch_id: BatchId = None,
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.loyalty_cards.list_cards(
            principal,
            loyalty_program_id,
            page(page_size, skip, sort),
            identifier=identifier,
            profile_id=profile_id,
            batch_id=batch_id,
        ),
    )


@get(CARD, operation_id="getLoyaltyCard", **MANAGEMENT)
async def get_loyalty_card(request: Req, loyalty_program_id: int, loyalty_card_id: str) -> LoyaltyCard:
    return await endpoint.management(
        request,
        lambda use, principal: use.loyalty_cards.get_card(principal, loyalty_program_id, loyalty_card_id),
    )


@put(CARD, operation_id="updateLoyaltyCard", **MANAGEMENT, **body(UpdateLoyaltyCard))
async def update_loyalty_card(
    request: Req, loyalty_program_id: int, loyalty_card_id: str, body: bytes
) -> LoyaltyCard:
    return await endpoint.management(
        request,
        lambda use, principal: use.loyalty_cards.update_card(
            principal, loyalty_program_id, loyalty_card_id, endpoint.decoded(body, UpdateLoyaltyCard)
        ),
    )


@delete(CARD, operation_id="deleteLoyaltyCard", **MANAGEMENT)
async def delete_loyalty_card(request: Req, loyalty_program_id: int, loyalty_card_id: str) -> None:
    return await endpoint.management(
        request,
        lambda use, principal: use.loyalty_cards.delete_card(principal, loyalty_program_id, loyalty_card_id),
    )


@put(
    CARD + "/transfer",
    operation_id="transferLoyaltyCard",
    status_code=204,
    **MANAGEMENT,
    **body(TransferLoyaltyCard),
)
async def transfer_loyalty_card(
    request: Req, loyalty_program_id: int, loyalty_card_id: str, body: bytes
) -> None:
    return await endpoint.management(
        request,
        lambda use, principal: use.loyalty_cards.transfer_card(
            principal, loyalty_program_id, loyalty_card_id, endpoint.decoded(body, TransferLoyaltyCard)
        ),
    )


@post(
    CARDS + "/batch",
    operation_id="createBatchLoyaltyCards",
    status_code=200,
    **MANAGEMENT,
    **body(LoyaltyCardBatch),
)
async def create_batch_loyalty_cards(
    request: Req, loyalty_program_id: int, body: bytes
) -> LoyaltyCardBatchResponse:
    return await endpoint.management(
        request,
        lambda use, principal: use.loyalty_cards.create_batch(
            principal, loyalty_program_id, endpoint.decoded(body, LoyaltyCardBatch)
        ),
    )


ROUTES = [
    get_loyalty_cards,
    create_batch_loyalty_cards,
    get_loyalty_card,
    update_loyalty_card,
    delete_loyalty_card,
    transfer_loyalty_card,
]

__all__ = ["ROUTES"]
