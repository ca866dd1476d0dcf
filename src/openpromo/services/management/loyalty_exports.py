"""CSV exports of a loyalty program: the balances of every profile or card, and the ledger log of one
(docs/loyalty.md "Imports and exports").

Rows are read from the database a page at a time (``PAGE`` rows, keyset paging on the ledger, card or
entry ids), so no export holds a table in memory; what it holds is the CSV text it answers. Balances at
``endDate`` come from each ledger's stored figures (``figures_at``: rolled forward from the few lots that
changed since, derived from the entries only for a moment before the ledger's last write); the tier is
the ledger's standing at the time of the export.

Our choices:
- amounts have two decimals; times are RFC 3339 in UTC (``dateFormat=ISO8601``, the default) or
  ``YYYY-MM-DD HH:MM:SS`` in UTC (``excel``); ``startdate`` is ``immediate``, ``on_action`` or a time and
  ``expirydate`` ``unlimited`` or a time, as the transaction lists answer them;
- a log lists the owner's additions, subtractions and expirations created in ``[rangeStart, rangeEnd]``,
  oldest first; an expiration is a ``subtraction`` named "Expired points", as in the lists; ``archived``
  is always false (sessions are never archived here); ``flags`` is the entry's flags as JSON, or empty;
- the card log has the profile log's columns (the spec lists none for it) with ``cardidentifier`` in
  the place of ``customerprofileid``;
- the card balances list every card of the program, one row per ledger it has, and a row of zeros for
  the main ledger of a card that has none; the customer balances list every profile ledger;
- a profile export of a card-based program, or a card export of a profile-based one, is a 400 naming
  ``loyaltyProgramId``; an unknown program, profile or card is a 404.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Literal

from openpromo.engine.ledger import points
from openpromo.engine.tiers import Policy
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.cards import require_card
from openpromo.services.data.ledgers import OpenLedger, ProgramLedger
from openpromo.services.data.loyalty import EntryFilter, ProgramEntry, StoredProgram
from openpromo.services.ledgers import card_owner, profile_owner
from openpromo.services.loyalty.balances import figures_at
from openpromo.services.loyalty.lists import EXPIRED_NAME, require_profile
from openpromo.services.loyalty.tiers import standing_at
from openpromo.services.management.points import require_program, tier_policy
from openpromo.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

PAGE = 1000
PROFILE = profile_owner("")
"""The prefix of a profile's owner key."""
DateFormat = Literal["excel", "ISO8601"]
BALANCE_COLUMNS = (
    "loyaltyProgramID",
    "loyaltySubledger",
    "profileIntegrationID",
    "currentBalance",
    "pendingBalance",
    "expiredBalance",
    "spentBalance",
    "currentTier",
)
CARD_BALANCE_COLUMNS = (
    "loyaltyProgramID",
    "loyaltySubledger",
    "cardIdentifier",
    "cardState",
    "currentBalance",
    "pendingBalance",
    "expiredBalance",
    "spentBalance",
)
LOG_COLUMNS = (
    "customerprofileid",
    "customersessionid",
    "rulesetid",
    "rulename",
    "programid",
    "type",
    "name",
    "subledgerid",
    "startdate",
    "expirydate",
    "id",
    "created",
    "amount",
    "archived",
    "campaignid",
    "flags",
    "transactionUUID",
)
CARD_LOG_COLUMNS = ("cardidentifier", *LOG_COLUMNS[1:])


def _text(rows: Iterator[list[object]], header: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def _amount(value: Decimal) -> str:
    return str(points(value))


def _formatter(date_format: DateFormat | None) -> type[_Times]:
    return _ExcelTimes if date_format == "excel" else _Times


class _Times:
    @staticmethod
    def of(value: datetime) -> str:
        return value.isoformat().replace("+00:00", "Z")


class _ExcelTimes(_Times):
    @staticmethod
    def of(value: datetime) -> str:
        return value.strftime("%Y-%m-%d %H:%M:%S")


def _log_row(item: ProgramEntry, owner: str, times: type[_Times]) -> list[object]:
    entry = item.entry
    started = entry.start_date or (entry.activated_at if entry.pending_action else None)
    start = times.of(started) if started else "on_action" if entry.pending_action else "immediate"
    return [
        owner,
        entry.customer_session_id or "",
        entry.ruleset_id or "",
        entry.rule_name or "",
        entry.program_id,
        "addition" if entry.type == "addition" else "subtraction",
        entry.name or (EXPIRED_NAME if entry.type == "expire" else ""),
        entry.subledger_id,
        start,
        times.of(entry.expiry_date) if entry.expiry_date else "unlimited",
        entry.id,
        times.of(entry.created),
        _amount(entry.amount),
        "false",
        item.campaign_id or "",
        json.dumps(entry.flags, separators=(",", ":")) if entry.flags else "",
        entry.transaction_uuid,
    ]


def _figures(uow: UnitOfWork, ledger: OpenLedger, at: datetime) -> list[object]:
    figures = figures_at(uow.ledgers, ledger, at)
    return [
        _amount(figures.active),
        _amount(figures.pending),
        _amount(figures.expired),
        _amount(figures.spent),
    ]


def _tier(uow: UnitOfWork, policy: Policy | None, ledger: OpenLedger, now: datetime) -> str:
    if policy is None:
        return ""
    level = policy.level(standing_at(uow.ledgers, policy, ledger, now).tier_id)
    return level.name if level is not None else ""


class LoyaltyExportService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def customer_balances(self, principal: ManagementPrincipal, program_id: int, end: datetime | None) -> str:
        """``exportLoyaltyBalances``: every profile ledger's balances at ``end`` (default now)."""
        now = self._clock.now()
        with self._uow(write=False) as uow:
            program = require_program(uow, principal, program_id, cards=False)
            policy = tier_policy(uow, program)

            def rows() -> Iterator[list[object]]:
                after = 0
                while page := uow.ledgers.program_ledgers(principal.account_id, program_id, after, PAGE):
                    for found in page:
                        yield [
                            program_id,
                            found.subledger_id,
                            found.profile_integration_id or found.owner_key.removeprefix(PROFILE),
                            *_figures(uow, found.ledger, end or now),
                            _tier(uow, policy, found.ledger, now),
                        ]
                    after = page[-1].ledger.id

            return _text(rows(), BALANCE_COLUMNS)

    def card_balances(self, principal: ManagementPrincipal, program_id: int, end: datetime | None) -> str:
        """``exportLoyaltyCardBalances``: every card's ledgers' balances at ``end`` (default now)."""
        now = self._clock.now()
        with self._uow(write=False) as uow:
            require_program(uow, principal, program_id, cards=True)

            def rows() -> Iterator[list[object]]:
                after = 0
                while cards := uow.loyalty.card_page(principal.account_id, program_id, after, PAGE):
                    ledgers: dict[int, list[ProgramLedger]] = {}
                    for found in uow.ledgers.card_ledgers(
                        principal.account_id, program_id, [c[0] for c in cards]
                    ):
                        ledgers.setdefault(found.card_id or 0, []).append(found)
                    for card_id, identifier, status in cards:
                        if card_id not in ledgers:
                            yield [program_id, "", identifier, status, *(_amount(Decimal(0)),) * 4]
                        for found in ledgers.get(card_id, ()):
                            yield [
                                program_id,
                                found.subledger_id,
                                identifier,
                                status,
                                *_figures(uow, found.ledger, end or now),
                            ]
                    after = cards[-1][0]

            return _text(rows(), CARD_BALANCE_COLUMNS)

    def _log(
        self,
        uow: UnitOfWork,
        principal: ManagementPrincipal,
        program_id: int,
        owner: tuple[str, str],
        window: tuple[datetime, datetime],
        date_format: DateFormat | None,
        header: tuple[str, ...],
    ) -> str:
        owner_key, name = owner
        where = EntryFilter(created_after=window[0], created_before=window[1])
        times = _formatter(date_format)

        def rows() -> Iterator[list[object]]:
            after: tuple[datetime, int] | None = None
            while page := uow.loyalty.owner_log(
                principal.account_id, program_id, owner_key, where, after, PAGE
            ):
                for item in page:
                    yield _log_row(item, name, times)
                after = (page[-1].entry.created, page[-1].entry.id)

        return _text(rows(), header)

    def profile_log(
        self,
        principal: ManagementPrincipal,
        program_id: int,
        integration_id: str,
        window: tuple[datetime, datetime],
        date_format: DateFormat | None,
    ) -> str:
        """``exportLoyaltyLedger``: the profile's transactions created in ``window``, oldest first."""
        with self._uow(write=False) as uow:
            require_program(uow, principal, program_id, cards=False)
            require_profile(uow, principal.account_id, program_id, integration_id)
            owner = (profile_owner(integration_id), integration_id)
            return self._log(uow, principal, program_id, owner, window, date_format, LOG_COLUMNS)

    def card_log(
        self,
        principal: ManagementPrincipal,
        program_id: int,
        identifier: str,
        window: tuple[datetime, datetime],
        date_format: DateFormat | None,
    ) -> str:
        """``exportLoyaltyCardLedger``: the card's transactions created in ``window``, oldest first."""
        with self._uow(write=False) as uow:
            require_program(uow, principal, program_id, cards=True)
            program = uow.loyalty.program(principal.account_id, program_id)
            assert isinstance(program, StoredProgram)
            card = require_card(uow, program, identifier)
            owner = (card_owner(card.id), card.identifier)
            return self._log(uow, principal, program_id, owner, window, date_format, CARD_LOG_COLUMNS)


__all__ = [
    "BALANCE_COLUMNS",
    "CARD_BALANCE_COLUMNS",
    "CARD_LOG_COLUMNS",
    "LOG_COLUMNS",
    "DateFormat",
    "LoyaltyExportService",
]
