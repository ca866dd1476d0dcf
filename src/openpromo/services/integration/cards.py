"""Loyalty cards through the Integration API: generate a card, link a profile to it, unlink one.

Our choices (docs/loyalty.md "Cards"):
- a card takes the program's ``usersPerCardLimit`` when it is generated (0: unlimited); linking a
  profile past the card's limit is a 400, linking a profile linked already changes nothing;
- a profile that does not exist yet is created by linking it (with no attributes), as a session or an
  event would create it: the card is how a shop registers a new customer;
- unlinking a profile the card does not have is a 400 naming ``/integrationId``;
- ``generateLoyaltyCard`` has no 404 in the spec: an unknown program (or one the application does not
  subscribe to) is a 400 naming ``loyaltyProgramId`` there, a 404 everywhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from openpromo.services.access import application_snapshot
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.cards import card_record, current, new_identifiers, require_card
from openpromo.services.data.loyalty import NewCard, StoredProgram
from openpromo.services.errors import ErrorDetail, InvalidInput, NotFound, raise_problems
from openpromo.services.integration.base import IntegrationService
from openpromo.services.models.cards import GenerateLoyaltyCard, LoyaltyCard, LoyaltyCardRegistration
from openpromo.services.ports import UnitOfWork


def require_program(
    uow: UnitOfWork, principal: IntegrationPrincipal, program_id: int, *, not_found: bool = True
) -> StoredProgram:
    """The program, which must be the account's and have the principal's application subscribed; else
    a 404 (``not_found``) or a 400 naming ``loyaltyProgramId``."""
    program = uow.loyalty.program(principal.account_id, program_id)
    if program is None or principal.application_id not in program.subscribed_applications:
        if not_found:
            raise NotFound("loyalty program", program_id)
        raise InvalidInput(f"loyalty program {program_id} not found", parameter="loyaltyProgramId")
    return program


def _profile_problems(ids: Sequence[str], limit: int) -> list[ErrorDetail]:
    problems = [
        ErrorDetail("Invalid value", "a profile appears twice", f"/customerProfileIds/{index}")
        for index, ident in enumerate(ids)
        if ident in ids[:index]
    ]
    if limit and len(set(ids)) > limit:
        problems.append(
            ErrorDetail(
                "Invalid value",
                f"the program's cards take at most {limit} profiles (usersPerCardLimit)",
                "/customerProfileIds",
            )
        )
    return problems


class CardService(IntegrationService):
    def generate(
        self, principal: IntegrationPrincipal, program_id: int, data: GenerateLoyaltyCard
    ) -> LoyaltyCard:
        now = self._clock.now()
        with self._uow() as uow:
            application_snapshot(self._snapshots, uow, principal)
            program = require_program(uow, principal, program_id, not_found=False)
            if not program.card_based:
                raise InvalidInput("the loyalty program is not card-based", parameter="loyaltyProgramId")
            profiles = list(data.customer_profile_ids or [])
            raise_problems(_profile_problems(profiles, program.users_per_card_limit))
            identifier = data.card_identifier or new_identifiers(uow, program, 1)[0]
            new = NewCard(
                principal.account_id, program.id, identifier, data.status, program.users_per_card_limit, now
            )
            card_id = uow.loyalty.insert_card(new)
            if card_id is None:
                raise InvalidInput("the program has a card with this identifier", pointer="/cardIdentifier")
            self._link(uow, principal, card_id, profiles, now)
            card = current(uow, require_card(uow, program, identifier), now)
            uow.commit()
        return card_record(program, card)

    def link(
        self,
        principal: IntegrationPrincipal,
        program_id: int,
        identifier: str,
        data: LoyaltyCardRegistration,
    ) -> LoyaltyCard:
        now = self._clock.now()
        with self._uow() as uow:
            application_snapshot(self._snapshots, uow, principal)
            program = require_program(uow, principal, program_id)
            card = require_card(uow, program, identifier, lock=True)
            linked = {ident for ident, _ in card.profiles}
            if data.integration_id not in linked:
                limit = card.users_per_card_limit
                if limit and len(linked) >= limit:
                    raise InvalidInput(
                        f"the card has reached its limit of {limit} profiles", pointer="/integrationId"
                    )
                self._link(uow, principal, card.id, [data.integration_id], now)
                card = require_card(uow, program, identifier)
            card = current(uow, card, now)
            uow.commit()
        return card_record(program, card)

    def unlink(
        self,
        principal: IntegrationPrincipal,
        program_id: int,
        identifier: str,
        data: LoyaltyCardRegistration,
    ) -> LoyaltyCard:
        now = self._clock.now()
        with self._uow() as uow:
            application_snapshot(self._snapshots, uow, principal)
            program = require_program(uow, principal, program_id)
            card = require_card(uow, program, identifier, lock=True)
            if not uow.loyalty.unlink(card.id, data.integration_id, now):
                raise InvalidInput("the profile is not linked to the card", pointer="/integrationId")
            card = current(uow, require_card(uow, program, identifier), now)
            uow.commit()
        return card_record(program, card)

    @staticmethod
    def _link(
        uow: UnitOfWork, principal: IntegrationPrincipal, card_id: int, profiles: list[str], now: datetime
    ) -> None:
        uow.loyalty.ensure_profiles(principal.account_id, profiles, now)
        uow.loyalty.link(principal.account_id, card_id, profiles, now)


__all__ = ["CardService", "require_program"]
