"""Records of the loyalty Integration operations: balances (of a profile, of a card), activation of
points and deletion of transactions, with the spec's names."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from openpromo.services.models.base import Amount, Int64, Model, Time

Uuid = Annotated[str, msgspec.Meta(min_length=1, max_length=36)]


class LoyaltyBalance(Model, kw_only=True):
    active_points: Decimal
    pending_points: Decimal
    spent_points: Decimal
    expired_points: Decimal
    negative_points: Decimal


class Tier(Model, kw_only=True):
    id: int
    name: str
    start_date: datetime | None = None
    expiry_date: datetime | None = None
    downgrade_policy: Literal["one_down", "balance_based"] | None = None


class ProjectedTier(Model, kw_only=True):
    projected_active_points: Decimal
    stay_in_tier_points: Decimal | None = None
    projected_tier_name: str | None = None


class LoyaltyBalanceWithTier(LoyaltyBalance, kw_only=True):
    current_tier: Tier | None = None
    projected_tier: ProjectedTier | None = None
    points_to_next_tier: Decimal | None = None
    next_tier_name: str | None = None


class LoyaltyBalancesWithTiers(Model, kw_only=True):
    balance: LoyaltyBalanceWithTier
    subledger_balances: dict[str, LoyaltyBalanceWithTier]


class LoyaltyCardProfileRegistration(Model, kw_only=True):
    integration_id: str
    timestamp: datetime


class LoyaltyCardBalances(Model, kw_only=True):
    balance: LoyaltyBalance
    subledger_balances: dict[str, LoyaltyBalance]
    profiles: list[LoyaltyCardProfileRegistration]


class ActivateLoyaltyPoints(Model, kw_only=True):
    transaction_uuids: Annotated[list[Uuid], msgspec.Meta(min_length=1, max_length=50)] | None = (
        msgspec.field(default=None, name="transactionUUIDs")
    )
    session_id: str | None = None


class LoyaltyLedgerEntryFlags(Model, kw_only=True):
    creates_negative_balance: bool | None = None


class LoyaltyLedgerEntry(Model, kw_only=True):
    created: datetime
    program_id: int = msgspec.field(name="programID")
    customer_profile_id: str | None = msgspec.field(default=None, name="customerProfileID")
    card_id: int | None = msgspec.field(default=None, name="cardID")
    customer_session_id: str | None = msgspec.field(default=None, name="customerSessionID")
    type: str
    amount: Decimal
    start_date: datetime | None = None
    expiry_date: datetime | None = None
    name: str
    sub_ledger_id: str = msgspec.field(name="subLedgerID")
    flags: LoyaltyLedgerEntryFlags | None = None
    validity_duration: str | None = None


class LoyaltySubLedger(Model, kw_only=True):
    """A ledger as the Management API's ``LoyaltyLedger`` answers it: totals and the entries behind them."""

    total: Decimal
    total_active_points: Decimal
    total_pending_points: Decimal
    total_spent_points: Decimal
    total_expired_points: Decimal
    total_negative_points: Decimal
    transactions: list[LoyaltyLedgerEntry]
    expiring_points: list[LoyaltyLedgerEntry]
    active_points: list[LoyaltyLedgerEntry]
    pending_points: list[LoyaltyLedgerEntry]
    expired_points: list[LoyaltyLedgerEntry]
    current_tier: Tier | None = None


class LoyaltyLedger(Model, kw_only=True):
    ledger: LoyaltySubLedger
    sub_ledgers: dict[str, LoyaltySubLedger] | None = None


class ActivateLoyaltyPointsResponse(Model, kw_only=True):
    ledger_entries: list[LoyaltyLedgerEntry]


class DeleteLoyaltyTransactionsRequest(Model, kw_only=True):
    scope: Literal["AllSubledgers", "SelectedSubledgers"]
    subledger_ids: list[Annotated[str, msgspec.Meta(max_length=64)]] | None = None


Subledger = Annotated[str, msgspec.Meta(max_length=64)]
PointsName = Annotated[str, msgspec.Meta(max_length=1000)]
Duration = Annotated[str, msgspec.Meta(max_length=32)]


class _PointsChange(Model, kw_only=True):
    """What an addition and a deduction by hand share."""

    points: Amount
    name: PointsName = ""
    subledger_id: Subledger = ""
    sub_ledger_id: Subledger | None = msgspec.field(default=None, name="subLedgerID")
    """The older API generation's spelling of ``subledgerId`` (its ``LoyaltyPoints``)."""
    application_id: Int64 | None = None

    @property
    def subledger(self) -> str:
        return self.subledger_id or self.sub_ledger_id or ""


class AddLoyaltyPoints(_PointsChange, kw_only=True):
    """Points a program manager adds to a profile or a card (Management API)."""

    validity_duration: Duration | None = None
    valid_until: Time | None = None
    pending_duration: Duration | None = None
    pending_until: Time | None = None


class DeductLoyaltyPoints(_PointsChange, kw_only=True):
    """Points a program manager deducts from a profile or a card (Management API)."""


class LoyaltyProgramTransaction(Model, kw_only=True):
    id: int
    transaction_uuid: str = msgspec.field(name="transactionUUID")
    program_id: int
    campaign_id: int | None = None
    created: datetime
    type: Literal["addition", "subtraction"]
    amount: Decimal
    name: str
    start_date: str
    expiry_date: str
    customer_profile_id: str | None = None
    card_identifier: str | None = None
    subledger_id: str
    customer_session_id: str | None = None
    import_id: int | None = None
    user_id: int | None = None
    user_email: str | None = None
    ruleset_id: int | None = None
    rule_name: str | None = None
    flags: LoyaltyLedgerEntryFlags | None = None
    validity_duration: str | None = None


__all__ = [
    "ActivateLoyaltyPoints",
    "ActivateLoyaltyPointsResponse",
    "AddLoyaltyPoints",
    "DeductLoyaltyPoints",
    "DeleteLoyaltyTransactionsRequest",
    "LoyaltyBalance",
    "LoyaltyBalanceWithTier",
    "LoyaltyBalancesWithTiers",
    "LoyaltyCardBalances",
    "LoyaltyCardProfileRegistration",
    "LoyaltyLedger",
    "LoyaltyLedgerEntry",
    "LoyaltyLedgerEntryFlags",
    "LoyaltyProgramTransaction",
    "LoyaltySubLedger",
    "ProjectedTier",
    "Tier",
]
