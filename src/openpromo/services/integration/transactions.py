"""The ledger lists of the Integration API: a profile's or a card's transactions and its unused points,
filtered and paged in the database (``LoyaltyData.transactions`` / ``points``), newest first.

Our choices (docs/loyalty.md "Transactions and points"):
- ``expire`` entries are transactions too: the points left the balance, so they are answered as
  ``subtraction`` (the spec's enum has only ``addition`` and ``subtraction``), named "Expired points"
  when the entry has no name; the list then accounts for the whole balance;
- ``startDate`` is ``"immediate"`` (no start), ``"on_action"`` (awaiting activation) or the time;
  ``expiryDate`` is ``"unlimited"`` or the time; an activated addition without a start date starts at
  its activation;
- ``awaitsActivation=false`` is a 400, as the spec says; ``true`` keeps the additions that await
  activation and have not expired;
- a profile-based program's lists need a profile that exists (404), a card-based one's a card (404);
  asking a card-based program for a profile's lists, or the reverse, is a 400 (``loyaltyProgramId``).
"""

from __future__ import annotations

from openpromo.services.access import application_snapshot
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.cards import require_card
from openpromo.services.data.loyalty import EntryFilter, StoredEntry
from openpromo.services.errors import InvalidInput, NotFound
from openpromo.services.integration.base import IntegrationService
from openpromo.services.integration.cards import require_program
from openpromo.services.ledgers import card_owner, profile_owner
from openpromo.services.loyalty.lists import LedgerFilters, entry_fields, transaction_fields
from openpromo.services.models.base import Page
from openpromo.services.models.cards import (
    CardLedgerPointsEntryIntegrationAPI,
    CardLedgerTransactionLogEntryIntegrationAPI,
    LedgerPointsEntryIntegrationAPI,
    LedgerTransactionLogEntryIntegrationAPI,
)
from openpromo.services.paging import PageRequest, page_of
from openpromo.services.ports import UnitOfWork


class LedgerListService(IntegrationService):
    def _owner(
        self, uow: UnitOfWork, principal: IntegrationPrincipal, program_id: int, integration_id: str
    ) -> tuple[int, str]:
        application_snapshot(self._snapshots, uow, principal)
        program = require_program(uow, principal, program_id)
        if program.card_based:
            raise InvalidInput("the loyalty program is card-based", parameter="loyaltyProgramId")
        if not uow.loyalty.profile_exists(principal.account_id, integration_id):
            raise NotFound("customer profile", integration_id)
        return program.id, profile_owner(integration_id)

    def _card(
        self, uow: UnitOfWork, principal: IntegrationPrincipal, program_id: int, identifier: str
    ) -> tuple[int, str, str]:
        application_snapshot(self._snapshots, uow, principal)
        program = require_program(uow, principal, program_id)
        if not program.card_based:
            raise InvalidInput("the loyalty program is not card-based", parameter="loyaltyProgramId")
        card = require_card(uow, program, identifier)
        return program.id, card_owner(card.id), card.identifier

    def _transactions(
        self,
        uow: UnitOfWork,
        principal: IntegrationPrincipal,
        program: int,
        owner: str,
        where: EntryFilter,
        page: PageRequest,
    ) -> list[StoredEntry]:
        """A page of the owner's transactions, with one more row than the page (``page_of``)."""
        return uow.loyalty.transactions(
            principal.account_id,
            program,
            owner,
            where,
            now=self._clock.now(),
            skip=page.skip,
            limit=page.page_size + 1,
        )

    def profile_transactions(
        self,
        principal: IntegrationPrincipal,
        program_id: int,
        integration_id: str,
        filters: LedgerFilters,
        page: PageRequest,
    ) -> Page:
        where = filters.entry_filter()
        with self._uow(write=False) as uow:
            program, owner = self._owner(uow, principal, program_id, integration_id)
            entries = self._transactions(uow, principal, program, owner, where, page)
        rows = [LedgerTransactionLogEntryIntegrationAPI(**transaction_fields(e)) for e in entries]
        return page_of(rows, page)

    def card_transactions(
        self,
        principal: IntegrationPrincipal,
        program_id: int,
        identifier: str,
        filters: LedgerFilters,
        page: PageRequest,
    ) -> Page:
        where = filters.entry_filter()
        with self._uow(write=False) as uow:
            program, owner, code = self._card(uow, principal, program_id, identifier)
            entries = self._transactions(uow, principal, program, owner, where, page)
        rows = [
            CardLedgerTransactionLogEntryIntegrationAPI(
                **transaction_fields(e, flags=False), card_identifier=code
            )
            for e in entries
        ]
        return page_of(rows, page)

    def profile_points(
        self,
        principal: IntegrationPrincipal,
        program_id: int,
        integration_id: str,
        filters: LedgerFilters,
        page: PageRequest,
    ) -> Page:
        now = self._clock.now()
        where, query = filters.entry_filter(), filters.points_query(page, now)
        with self._uow(write=False) as uow:
            program, owner = self._owner(uow, principal, program_id, integration_id)
            entries = uow.loyalty.points(
                principal.account_id, program, owner, where, query, skip=page.skip, limit=page.page_size + 1
            )
        return page_of([LedgerPointsEntryIntegrationAPI(**entry_fields(e)) for e in entries], page)

    def card_points(
        self,
        principal: IntegrationPrincipal,
        program_id: int,
        identifier: str,
        filters: LedgerFilters,
        page: PageRequest,
    ) -> Page:
        now = self._clock.now()
        where, query = filters.entry_filter(), filters.points_query(page, now)
        with self._uow(write=False) as uow:
            program, owner, _code = self._card(uow, principal, program_id, identifier)
            entries = uow.loyalty.points(
                principal.account_id, program, owner, where, query, skip=page.skip, limit=page.page_size + 1
            )
        return page_of([CardLedgerPointsEntryIntegrationAPI(**entry_fields(e)) for e in entries], page)


__all__ = ["LedgerFilters", "LedgerListService"]
