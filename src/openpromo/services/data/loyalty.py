"""``LoyaltyData``: the narrow, typed port of loyalty cards and of the read side of ledgers (the
transaction and unused-points lists of a profile or a card), reached as ``uow.loyalty``.

Lists are filtered and paged by the database: a page reads ``limit + 1`` rows at most (the extra row
says whether more follow). Ledgers are written elsewhere (the ledger's own capability); here cards and
their profile links are written, and a card's ledgers only change owner (a transfer) or go with the
card (a deletion); entries are only read. Every read names ``account_id``, the loyalty tables'
distribution key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, Protocol

PointsStatus = Literal["active", "pending", "expired"]


@dataclass(frozen=True, slots=True)
class StoredProgram:
    id: int
    account_id: int
    name: str
    title: str
    card_based: bool
    users_per_card_limit: int
    """0: unlimited."""
    card_code_settings: dict[str, Any] | None
    subscribed_applications: tuple[int, ...]
    tiers: tuple[tuple[Decimal, int, str], ...] = ()
    """(minPoints, tier id, name), lowest first."""


@dataclass(frozen=True, slots=True)
class LedgerBalance:
    """The balances a ledger row holds (as of its last write)."""

    active: Decimal
    pending: Decimal
    negative: Decimal
    tier_id: int | None = None
    tier_entered_at: datetime | None = None
    tier_expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredCard:
    id: int
    program_id: int
    identifier: str
    status: str
    users_per_card_limit: int
    created: datetime
    modified: datetime
    block_reason: str | None = None
    batch_id: str | None = None
    old_card_identifier: str | None = None
    new_card_identifier: str | None = None
    profiles: tuple[tuple[str, datetime], ...] = ()
    """(integration id, linked at), in the order they were linked."""
    ledgers: dict[str, LedgerBalance] = field(default_factory=dict)
    """By subledger id; ``""`` is the main ledger."""


@dataclass(frozen=True, slots=True)
class NewCard:
    account_id: int
    program_id: int
    identifier: str
    status: str
    users_per_card_limit: int
    now: datetime
    batch_id: str | None = None
    old_card_identifier: str | None = None
    """The card's it was transferred from."""


@dataclass(frozen=True, slots=True)
class CardFilter:
    """What a list of a program's cards keeps (None: no filter on it)."""

    identifier: str | None = None
    """A part of the identifier, case-insensitively."""
    profile_integration_id: str | None = None
    """Cards linked to this profile."""
    batch_id: str | None = None


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """What a transaction or points list keeps (None: no filter on it)."""

    session_ids: tuple[str, ...] | None = None
    transaction_uuids: tuple[str, ...] | None = None
    subledger_ids: tuple[str, ...] | None = None
    source: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    awaits_activation: bool = False
    """Only additions that await activation and have not expired."""


@dataclass(frozen=True, slots=True)
class PointsQuery:
    status: PointsStatus
    now: datetime
    order: str | None = None
    """``start_date`` or ``expiry_date``, ``-`` prefix descending; None: newest first."""


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """A ledger entry as the lists answer it; ``amount`` is the unused points in a points list."""

    id: int
    created: datetime
    program_id: int
    type: str
    amount: Decimal
    name: str
    start_date: datetime | None
    expiry_date: datetime | None
    pending_action: bool
    activated_at: datetime | None
    transaction_uuid: str
    subledger_id: str
    customer_session_id: str | None
    rule_name: str | None
    ruleset_id: int | None
    validity_duration: str | None
    flags: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class ProgramEntry:
    """A transaction in the program's list: the entry and who and what it belongs to."""

    entry: StoredEntry
    profile_integration_id: str | None
    card_identifier: str | None
    campaign_id: int | None
    import_id: int | None
    user_id: int | None
    user_email: str | None


class LoyaltyData(Protocol):
    def program(self, account_id: int, program_id: int) -> StoredProgram | None: ...

    def card(
        self, account_id: int, program_id: int, identifier: str, *, lock: bool = False
    ) -> StoredCard | None:
        """A card of the program by its identifier (exact), with its profiles and ledger balances;
        ``lock``: its row locked until the transaction ends (PostgreSQL; SQLite's writers are serial)."""

    def cards(
        self, account_id: int, program_id: int, where: CardFilter, *, order: str, skip: int, limit: int
    ) -> list[StoredCard]:
        """A page of the program's cards; ``order``: ``id``, ``created``, ``modified`` or ``identifier``,
        ``-`` prefix descending (ties by id)."""

    def taken_identifiers(self, account_id: int, program_id: int, identifiers: list[str]) -> set[str]:
        """Which of ``identifiers`` the program's cards already have."""

    def insert_card(self, card: NewCard) -> int | None:
        """The new card's id; None when the program has a card with that identifier already."""

    def insert_cards(self, cards: list[NewCard]) -> int:
        """Insert many cards (one taken meanwhile is skipped); how many were inserted."""

    def import_cards(self, cards: list[tuple[NewCard, tuple[str, ...]]]) -> int:
        """Insert many cards with the profiles linked to each, 1000 rows a statement (a card whose
        identifier the program has meanwhile is skipped, with its profiles); how many were inserted."""

    def card_states(
        self, account_id: int, program_id: int, identifiers: list[str]
    ) -> dict[str, tuple[int, str]]:
        """Of these identifiers, the program's cards: identifier -> (card id, status), 1000 a query."""

    def card_page(
        self, account_id: int, program_id: int, after: int, limit: int
    ) -> list[tuple[int, str, str]]:
        """A page of the program's cards by id after ``after`` (keyset paging): (id, identifier, status)."""

    def owner_log(
        self,
        account_id: int,
        program_id: int,
        owner_key: str,
        where: EntryFilter,
        after: tuple[datetime, int] | None,
        limit: int,
    ) -> list[ProgramEntry]:
        """A page of the owner's addition, subtraction and expire entries, oldest first (creation time,
        then id), from the first after ``after`` (keyset paging: the last row's (created, id))."""

    def update_card(self, card_id: int, now: datetime, *, status: str, block_reason: str | None) -> None: ...

    def delete_card(self, program_id: int, card_id: int) -> None:
        """The card, its profile links, and its ledgers with their entries."""

    def transfer_card(self, card: StoredCard, new: NewCard, block_reason: str | None) -> bool:
        """``new`` takes the card's profiles and ledgers, the card is blocked (``inactive``, its
        ``newCardIdentifier`` set); False when the program has a card with the new identifier."""

    def profile_integration_id(self, account_id: int, profile_id: int) -> str | None:
        """The integration id of the account's profile with this (internal) id."""

    def link(self, account_id: int, card_id: int, integration_ids: list[str], now: datetime) -> None:
        """Link profiles to the card (those linked already stay as they are); the card is modified."""

    def unlink(self, card_id: int, integration_id: str, now: datetime) -> bool:
        """False when the profile was not linked."""

    def profile_exists(self, account_id: int, integration_id: str) -> bool: ...

    def ensure_profiles(self, account_id: int, integration_ids: list[str], now: datetime) -> None:
        """Create the profiles that do not exist yet (with no attributes)."""

    def transactions(
        self,
        account_id: int,
        program_id: int,
        owner_key: str,
        where: EntryFilter,
        *,
        now: datetime,
        skip: int,
        limit: int,
    ) -> list[StoredEntry]:
        """The owner's addition, subtraction and expire entries, newest first (``awaits_activation``:
        the additions awaiting activation that have not expired at ``now``)."""

    def program_transactions(
        self, account_id: int, program_id: int, where: EntryFilter, *, now: datetime, skip: int, limit: int
    ) -> list[ProgramEntry]:
        """Every addition, subtraction and expire entry of the program, newest first, with its owner."""

    def points(
        self,
        account_id: int,
        program_id: int,
        owner_key: str,
        where: EntryFilter,
        query: PointsQuery,
        *,
        skip: int,
        limit: int,
    ) -> list[StoredEntry]:
        """The owner's additions with points left in ``query.status`` at ``query.now``; each entry's
        ``amount`` is what is left of it."""


__all__ = [
    "CardFilter",
    "EntryFilter",
    "LedgerBalance",
    "LoyaltyData",
    "NewCard",
    "PointsQuery",
    "PointsStatus",
    "ProgramEntry",
    "StoredCard",
    "StoredEntry",
    "StoredProgram",
]
