"""The vocabulary of the ledger lists, shared by the Integration API's lists of a profile or a card and
the Management API's list of a program: the filters as a request gives them, and how an entry is
answered (docs/loyalty.md "Transactions and points")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from openpromo.engine.ledger import points
from openpromo.services.data.loyalty import EntryFilter, PointsQuery, PointsStatus, StoredEntry
from openpromo.services.errors import InvalidInput, NotFound
from openpromo.services.ledgers import profile_owner
from openpromo.services.models.cards import LoyaltyLedgerEntryFlags
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


def entry_fields(entry: StoredEntry) -> dict[str, Any]:
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
        **entry_fields(entry),
        "type": "addition" if entry.type == "addition" else "subtraction",
        "ruleset_id": entry.ruleset_id,
        "rule_name": entry.rule_name or None,
    }


def flags_of(entry: StoredEntry) -> LoyaltyLedgerEntryFlags | None:
    if not entry.flags:
        return None
    return LoyaltyLedgerEntryFlags(creates_negative_balance=entry.flags.get("createsNegativeBalance"))


def transaction_fields(entry: StoredEntry, *, flags: bool = True) -> dict[str, Any]:
    """An entry as a transaction of a list (``flags``: the shape has them; a card's has not)."""
    fields = _transaction(entry)
    return {**fields, "flags": flags_of(entry)} if flags else fields


def require_profile(uow: UnitOfWork, account_id: int, program_id: int, integration_id: str) -> None:
    """A profile is known when it exists or has a ledger in the program."""
    where = {"account_id": account_id, "integration_id": integration_id}
    if uow.records.find("customer_profiles", where, limit=1).rows:
        return
    if not uow.ledgers.ledgers_of(program_id, profile_owner(integration_id)):
        raise NotFound("customer profile", integration_id)


__all__ = [
    "EXPIRED_NAME",
    "LedgerFilters",
    "entry_fields",
    "flags_of",
    "require_profile",
    "transaction_fields",
]
