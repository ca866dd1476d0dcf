"""The loyalty ledger's narrow port (``LedgerData``, reached as ``uow.ledgers``) and its records.

A ledger is one row (one program, one owner, one subledger) with its balances and the window
``[as_of, valid_until)`` in which they hold, its entries (additions are *lots* with what is left of them)
and the entries' allocations (which lot each subtraction and expiry took from). ``services.loyalty``
decides what to write (``engine.ledger`` is the model); the adapter only reads and writes rows, by
indexed queries: nothing here reads a ledger's whole history except ``derive`` (balances before
``as_of``, which is rare).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from openpromo.engine.ledger import Figures, Lot

ADDITION = "addition"
SUBTRACTION = "subtraction"
EXPIRE = "expire"
SELF = -1


@dataclass(frozen=True, slots=True)
class LedgerOwner:
    """Whose ledger: ``owner_key`` is ``profile:<integrationId>`` or ``card:<card id>``."""

    account_id: int
    program_id: int
    owner_key: str
    subledger_id: str = ""
    profile_integration_id: str | None = None
    card_id: int | None = None


@dataclass(slots=True)
class OpenLedger:
    """A ledger row as read under its row lock."""

    id: int
    figures: Figures
    as_of: datetime | None
    valid_until: datetime | None
    tier_id: int | None = None
    tier_entered_at: datetime | None = None
    tier_expires_at: datetime | None = None
    joined_at: datetime | None = None


@dataclass(slots=True)
class NewEntry:
    """An entry to append (``remaining`` is what an addition holds; 0 for the other types)."""

    ledger_id: int
    account_id: int
    program_id: int
    type: str
    amount: Decimal
    created: datetime
    subledger_id: str = ""
    remaining: Decimal = Decimal(0)
    name: str = ""
    start_date: datetime | None = None
    expiry_date: datetime | None = None
    pending_action: bool = False
    transaction_uuid: str = ""
    source: str = "session"
    rollback: bool = False
    application_id: int | None = None
    session_id: int | None = None
    customer_session_id: str | None = None
    campaign_id: int | None = None
    ruleset_id: int | None = None
    rule_name: str | None = None
    user_id: int | None = None
    import_id: int | None = None
    validity_duration: str | None = None
    source_entry_id: int | None = None
    flags: dict[str, Any] | None = None
    allocations: list[tuple[int | None, Decimal]] = field(default_factory=list)
    """(lot id, amount) taken by this entry, written with it at ``created``; ``SELF`` (-1) is the entry's
    own lot (an addition that pays a negative balance), ``None`` is owed."""


@dataclass(frozen=True, slots=True)
class StoredEntry:
    id: int
    ledger_id: int
    program_id: int
    type: str
    amount: Decimal
    remaining: Decimal
    created: datetime
    name: str
    subledger_id: str
    transaction_uuid: str
    start_date: datetime | None
    expiry_date: datetime | None
    pending_action: bool
    rollback: bool
    validity_duration: str | None
    customer_session_id: str | None
    owner_key: str
    flags: dict[str, Any] | None = None

    def lot(self) -> Lot:
        return Lot(self.id, self.remaining, self.start_date, self.expiry_date)


@dataclass(frozen=True, slots=True)
class ProgramLedger:
    """A ledger of a program as an export lists it: whose it is and its row."""

    owner_key: str
    subledger_id: str
    profile_integration_id: str | None
    card_id: int | None
    ledger: OpenLedger


class LedgerData(Protocol):
    def open(self, owner: LedgerOwner, now: datetime) -> OpenLedger:
        """The owner's ledger, created when new, under a row lock (``FOR UPDATE`` on PostgreSQL; SQLite
        has one writer)."""

    def find(self, owner: LedgerOwner) -> OpenLedger | None:
        """The ledger without a lock (reads)."""

    def ledgers_of(self, program_id: int, owner_key: str) -> list[tuple[str, OpenLedger]]:
        """Every ledger of the owner in the program, by subledger id, without a lock."""

    def program_ledgers(
        self, account_id: int, program_id: int, after: int, limit: int
    ) -> list[ProgramLedger]:
        """A page of the program's ledgers by id, from the first id after ``after`` (keyset paging)."""

    def card_ledgers(self, account_id: int, program_id: int, card_ids: Sequence[int]) -> list[ProgramLedger]:
        """The ledgers of these cards of the program, by card and subledger."""

    def changing(self, ledger_id: int, since: datetime | None, until: datetime) -> list[Lot]:
        """The open lots whose start or expiry falls in ``(since, until]`` (indexed)."""

    def active_lots(self, ledger_id: int, at: datetime) -> list[Lot]:
        """The open lots active at ``at``."""

    def open_lots(self, ledger_id: int) -> list[StoredEntry]:
        """The lots with something left (expiry changes)."""

    def next_change(self, ledger_id: int, after: datetime) -> datetime | None:
        """The first start or expiry after ``after`` of an open lot (two indexed MIN queries)."""

    def entries(self, program_id: int, transaction_uuids: Sequence[str]) -> list[StoredEntry]:
        """The entries of these transactions in the program (any ledger)."""

    def session_entries(self, program_id: int, session_integration_id: str) -> list[StoredEntry]:
        """The entries a session wrote in the program."""

    def taken_from(self, entry_id: int) -> list[tuple[int | None, Decimal]]:
        """The allocations of one entry: (lot id, amount)."""

    def lots(self, ids: Sequence[int]) -> list[StoredEntry]:
        """Entries by id."""

    def append(self, entries: Sequence[NewEntry]) -> list[int]:
        """Insert the entries and their allocations; their ids, in order."""

    def settle(
        self, ledger_id: int, account_id: int, settled: Sequence[tuple[int, Decimal, datetime]]
    ) -> None:
        """Lots that paid a negative balance: (lot id, amount, when), as allocations on the lots' own
        additions (from the lot, and a negative owed one)."""

    def set_remaining(self, remaining: dict[int, Decimal]) -> None:
        """What is left of these lots, by entry id."""

    def set_dates(
        self, entry_id: int, start: datetime | None, expiry: datetime | None, activated: datetime | None
    ) -> None:
        """A lot's start and expiry (activation, expiry changes)."""

    def save(self, ledger: OpenLedger) -> None:
        """The ledger's figures and validity window."""

    def derive(self, ledger_id: int, at: datetime) -> Figures:
        """The balances at ``at`` from every entry and allocation up to it (balances before ``as_of``)."""

    def delete_entries(self, ledger_ids: Sequence[int]) -> None:
        """Remove every entry and allocation of the ledgers and zero their balances."""

    def card(self, program_id: int, identifier: str) -> tuple[int, str] | None:
        """A card of the program by identifier: (id, status)."""

    def card_profiles(self, card_id: int) -> list[tuple[str, datetime]]:
        """The profiles linked to a card: (integration id, linked at)."""


__all__ = [
    "ADDITION",
    "EXPIRE",
    "SELF",
    "SUBTRACTION",
    "LedgerData",
    "LedgerOwner",
    "NewEntry",
    "OpenLedger",
    "ProgramLedger",
    "StoredEntry",
]
