"""Use cases of a card-based program's cards in the Management API: list, read, block or unblock,
delete, transfer, and create a batch (docs/loyalty.md "Cards").

Our choices:
- every route answers 404 for an unknown program (or another account's), as every Management route with
  an id does, though the spec gives the list no 404; a profile-based program has no cards (an empty list,
  404 for a card);
- ``identifier`` filters by a part of the identifier, case-insensitively; ``profileId`` (a profile's
  internal id) keeps the cards linked to that profile;
- unblocking (``status: active``) clears ``blockReason``; a transferred card stays blocked (400);
- a transfer moves the profiles and the ledgers (balances and transactions) to the new card, which is
  active, has the old card's user limit and names it as ``oldCardIdentifier``; the old card is blocked
  with ``newCardIdentifier`` set; a transferred card cannot be transferred again (400);
- deleting a card deletes its profile links and its ledgers with their entries;
- a batch needs card code settings (its own or the program's, 400 ``/cardCodeSettings``); without
  ``batchId`` one is generated (8 lowercase letters).
"""

from __future__ import annotations

import secrets
import string

from openpromo.services.auth import ManagementPrincipal
from openpromo.services.cards import card_record, current, new_identifiers, require_card
from openpromo.services.data.loyalty import CardFilter, NewCard, StoredProgram
from openpromo.services.errors import InvalidInput, NotFound
from openpromo.services.models.base import Page
from openpromo.services.models.cards import (
    LoyaltyCard,
    LoyaltyCardBatch,
    LoyaltyCardBatchResponse,
    TransferLoyaltyCard,
    UpdateLoyaltyCard,
)
from openpromo.services.models.convert import document
from openpromo.services.paging import PageRequest
from openpromo.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

SORTABLE = {"id": "id", "created": "created", "modified": "modified", "identifier": "identifier"}


def _program(uow: UnitOfWork, principal: ManagementPrincipal, program_id: int) -> StoredProgram:
    program = uow.loyalty.program(principal.account_id, program_id)
    if program is None:
        raise NotFound("loyalty program", program_id)
    return program


def _card_filter(
    uow: UnitOfWork,
    principal: ManagementPrincipal,
    identifier: str | None,
    profile_id: int | None,
    batch_id: str | None,
) -> CardFilter | None:
    """The list's filter; None: no card can match (an unknown profile)."""
    if identifier is not None and len(identifier) < 4:
        raise InvalidInput("identifier has at least 4 characters", parameter="identifier")
    if profile_id is not None and profile_id < 1:
        raise InvalidInput("profileId is a positive id", parameter="profileId")
    profile = None
    if profile_id is not None:
        profile = uow.loyalty.profile_integration_id(principal.account_id, profile_id)
        if profile is None:
            return None
    return CardFilter(identifier=identifier, profile_integration_id=profile, batch_id=batch_id)


class LoyaltyCardService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def list_cards(
        self,
        principal: ManagementPrincipal,
        program_id: int,
        page: PageRequest,
        *,
        identifier: str | None = None,
        profile_id: int | None = None,
        batch_id: str | None = None,
    ) -> Page:
        order = page.order(SORTABLE)
        with self._uow(write=False) as uow:
            program = _program(uow, principal, program_id)
            where = _card_filter(uow, principal, identifier, profile_id, batch_id)
            if where is None or not program.card_based:
                return Page(has_more=False, data=[])
            cards = uow.loyalty.cards(
                program.account_id, program.id, where, order=order, skip=page.skip, limit=page.page_size + 1
            )
        data = [card_record(program, card) for card in cards[: page.page_size]]
        return Page(has_more=len(cards) > page.page_size, data=data)

    def get_card(self, principal: ManagementPrincipal, program_id: int, identifier: str) -> LoyaltyCard:
        with self._uow(write=False) as uow:
            program = _program(uow, principal, program_id)
            return card_record(
                program, current(uow, require_card(uow, program, identifier), self._clock.now())
            )

    def update_card(
        self, principal: ManagementPrincipal, program_id: int, identifier: str, data: UpdateLoyaltyCard
    ) -> LoyaltyCard:
        now = self._clock.now()
        with self._uow() as uow:
            program = _program(uow, principal, program_id)
            card = require_card(uow, program, identifier, lock=True)
            if data.status == "active" and card.new_card_identifier:
                raise InvalidInput("a transferred card cannot be activated again", pointer="/status")
            reason = None if data.status == "active" else (data.block_reason or card.block_reason)
            uow.loyalty.update_card(card.id, now, status=data.status, block_reason=reason)
            answer = card_record(program, current(uow, require_card(uow, program, identifier), now))
            uow.commit()
        return answer

    def delete_card(self, principal: ManagementPrincipal, program_id: int, identifier: str) -> None:
        with self._uow() as uow:
            program = _program(uow, principal, program_id)
            card = require_card(uow, program, identifier, lock=True)
            uow.loyalty.delete_card(program.id, card.id)
            uow.commit()

    def transfer_card(
        self, principal: ManagementPrincipal, program_id: int, identifier: str, data: TransferLoyaltyCard
    ) -> None:
        now = self._clock.now()
        with self._uow() as uow:
            program = _program(uow, principal, program_id)
            card = require_card(uow, program, identifier, lock=True)
            if card.new_card_identifier:
                raise InvalidInput("the card was transferred already", parameter="loyaltyCardId")
            new = NewCard(
                principal.account_id,
                program.id,
                data.new_card_identifier,
                "active",
                card.users_per_card_limit,
                now,
                old_card_identifier=card.identifier,
            )
            if not uow.loyalty.transfer_card(card, new, data.block_reason):
                raise InvalidInput(
                    "the program has a card with this identifier", pointer="/newCardIdentifier"
                )
            uow.commit()

    def create_batch(
        self, principal: ManagementPrincipal, program_id: int, data: LoyaltyCardBatch
    ) -> LoyaltyCardBatchResponse:
        now = self._clock.now()
        with self._uow() as uow:
            program = _program(uow, principal, program_id)
            if not program.card_based:
                raise InvalidInput("the loyalty program is not card-based", parameter="loyaltyProgramId")
            settings = document(data.card_code_settings) or program.card_code_settings
            if not settings:
                raise InvalidInput("the program has no card code settings", pointer="/cardCodeSettings")
            if any(len(c) != 1 for c in settings["validCharacters"]):
                raise InvalidInput("a valid character is one character", pointer="/cardCodeSettings")
            batch_id = data.batch_id or "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
            identifiers = new_identifiers(
                uow, program, data.number_of_cards, settings, pointer="/cardCodeSettings"
            )
            cards = [
                NewCard(
                    principal.account_id,
                    program.id,
                    i,
                    data.status,
                    program.users_per_card_limit,
                    now,
                    batch_id=batch_id,
                )
                for i in identifiers
            ]
            generated = uow.loyalty.insert_cards(cards)
            uow.commit()
        return LoyaltyCardBatchResponse(number_of_cards_generated=generated, batch_id=batch_id)


__all__ = ["LoyaltyCardService"]
