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

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from openpromo.engine.ledger import points
from openpromo.services.access import application_snapshot
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.cards import require_card
from openpromo.services.data.loyalty import EntryFilter, PointsQuery, PointsStatus, StoredEntry
from openpromo.services.errors import InvalidInput, NotFound
from openpromo.services.integration.base import IntegrationService
from openpromo.services.integration.cards import require_program
from openpromo.services.ledgers import card_owner, profile_owner
from openpromo.services.models.base import Page
from openpromo.services.models.cards import (
    CardLedgerPointsEntryIntegrationAPI,
    CardLedgerTransactionLogEntryIntegrationAPI,
    LedgerPointsEntryIntegrationAPI,
    LedgerTransactionLogEntryIntegrationAPI,
    LoyaltyLedgerEntryFlags,
)
from openpromo.services.paging import PageRequest
from openpromo.services.ports import UnitOfWork

TRANSACTION_TYPES = ("manual", "session", "import")
STATUSES = ("active", "pending", "expired")
SORTABLE = {"startDate": "start_date", "expiryDate": "expiry_date"}
EXPIRED_NAME = "Expired points"


@dataclass(frozen=True, slots=True)
class LedgerFilters:
    """The filters of a list as the request gives them (None: not given)."""

    customer_session_ids: list[str] | None = None
    transaction_uuids: list[str] | None = None
    subledger_ids: list[str] | None = None
    transaction_type: str | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    awaits_activation: bool | None = None
    status: str | None = None

    def entry_filter(self) -> EntryFilter:
        if self.transaction_type is not None and self.transaction_type not in TRANSACTION_TYPES:
            raise InvalidInput(
                "loyaltyTransactionType is manual, session or import", parameter="loyaltyTransactionType"
            )
        if self.awaits_activation is False:
            raise InvalidInput("awaitsActivation can only be true", parameter="awaitsActivation")
        return EntryFilter(
            session_ids=_given(self.customer_session_ids),
            transaction_uuids=_given(self.transaction_uuids),
            subledger_ids=_given(self.subledger_ids),
            source=self.transaction_type,
            created_after=self.start_date,
            created_before=self.end_date,
            awaits_activation=bool(self.awaits_activation),
        )

    def points_query(self, page: PageRequest, now: datetime) -> PointsQuery:
        status = self.status or "active"
        if status not in STATUSES:
            raise InvalidInput("status is active, pending or expired", parameter="status")
        order = page.order(SORTABLE, default="") or None
        return PointsQuery(cast("PointsStatus", status), now, order)


def _given(values: list[str] | None) -> tuple[str, ...] | None:
    return None if values is None or not values else tuple(values)


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def _start(entry: StoredEntry) -> str:
    if entry.start_date is not None:
        return cast("str", _time(entry.start_date))
    if entry.pending_action:
        return _time(entry.activated_at) or "on_action"
    return "immediate"


def _common(entry: StoredEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "transaction_uuid": entry.transaction_uuid,
        "created": entry.created,
        "program_id": entry.program_id,
        "customer_session_id": entry.customer_session_id or None,
        "name": entry.name or (EXPIRED_NAME if entry.type == "expire" else ""),
        "start_date": _start(entry),
        "expiry_date": _time(entry.expiry_date) or "unlimited",
        "subledger_id": entry.subledger_id,
        "amount": points(entry.amount),
        "validity_duration": entry.validity_duration or None,
    }


def _transaction(entry: StoredEntry) -> dict[str, Any]:
    return {
        **_common(entry),
        "type": "addition" if entry.type == "addition" else "subtraction",
        "ruleset_id": entry.ruleset_id,
        "rule_name": entry.rule_name or None,
    }


def _flags(entry: StoredEntry) -> LoyaltyLedgerEntryFlags | None:
    if not entry.flags:
        return None
    return LoyaltyLedgerEntryFlags(creates_negative_balance=entry.flags.get("createsNegativeBalance"))


def _page(rows: list[Any], page: PageRequest) -> Page:
    return Page(has_more=len(rows) > page.page_size, data=rows[: page.page_size])


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
            entries = uow.loyalty.transactions(
                principal.account_id,
                program,
                owner,
                where,
                now=self._clock.now(),
                skip=page.skip,
                limit=page.page_size + 1,
            )
        rows = [LedgerTransactionLogEntryIntegrationAPI(**_transaction(e), flags=_flags(e)) for e in entries]
        return _page(rows, page)

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
            entries = uow.loyalty.transactions(
                principal.account_id,
                program,
                owner,
                where,
                now=self._clock.now(),
                skip=page.skip,
                limit=page.page_size + 1,
            )
        rows = [
            CardLedgerTransactionLogEntryIntegrationAPI(**_transaction(e), card_identifier=code)
            for e in entries
        ]
        return _page(rows, page)

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
        return _page([LedgerPointsEntryIntegrationAPI(**_common(e)) for e in entries], page)

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
        return _page([CardLedgerPointsEntryIntegrationAPI(**_common(e)) for e in entries], page)


__all__ = ["LedgerFilters", "LedgerListService"]
