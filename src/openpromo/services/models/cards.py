"""Loyalty cards (Integration and Management API) and the ledger lists of the Integration API (spec:
GenerateLoyaltyCard, LoyaltyCardRegistration, LoyaltyCard, LoyaltyCardProfileRegistration, LedgerInfo,
UpdateLoyaltyCard, TransferLoyaltyCard, LoyaltyCardBatch, LoyaltyCardBatchResponse,
LedgerTransactionLogEntryIntegrationAPI, CardLedgerTransactionLogEntryIntegrationAPI,
LedgerPointsEntryIntegrationAPI, CardLedgerPointsEntryIntegrationAPI, LoyaltyLedgerEntryFlags)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from openpromo.services.models.base import Model, Name
from openpromo.services.models.campaigns import CodeGeneratorSettings

CardStatus = Literal["active", "inactive"]
CardIdentifier = Annotated[str, msgspec.Meta(min_length=4, max_length=108, pattern=r"^[A-Za-z0-9._%+@-]+$")]


class GenerateLoyaltyCard(Model, kw_only=True):
    status: CardStatus = "active"
    customer_profile_ids: list[Name] | None = None
    card_identifier: CardIdentifier | None = None


class LoyaltyCardRegistration(Model, kw_only=True):
    integration_id: Name


class LoyaltyCardProfileRegistration(Model, kw_only=True):
    integration_id: str
    timestamp: datetime


class Tier(Model, kw_only=True):
    id: int
    name: str
    start_date: datetime | None = None
    expiry_date: datetime | None = None


class LedgerInfo(Model, kw_only=True):
    current_balance: Decimal
    pending_balance: Decimal
    negative_balance: Decimal
    expired_balance: Decimal
    spent_balance: Decimal
    tentative_current_balance: Decimal
    tentative_pending_balance: Decimal
    tentative_negative_balance: Decimal
    current_tier: Tier | None = None
    points_to_next_tier: Decimal | None = None
    next_tier_name: str | None = None


class LoyaltyCard(Model, kw_only=True):
    id: int
    created: datetime
    program_id: int = msgspec.field(name="programID")
    program_name: str | None = None
    program_title: str | None = None
    status: str
    block_reason: str | None = None
    identifier: str
    users_per_card_limit: int
    profiles: list[LoyaltyCardProfileRegistration]
    ledger: LedgerInfo | None = None
    subledgers: dict[str, LedgerInfo] | None = None
    modified: datetime | None = None
    old_card_identifier: str | None = None
    new_card_identifier: str | None = None
    batch_id: str | None = None


class UpdateLoyaltyCard(Model, kw_only=True):
    status: CardStatus
    block_reason: str | None = None


class TransferLoyaltyCard(Model, kw_only=True):
    new_card_identifier: CardIdentifier
    block_reason: str | None = None


class LoyaltyCardBatch(Model, kw_only=True):
    number_of_cards: Annotated[int, msgspec.Meta(ge=1, le=20_000)]
    batch_id: (
        Annotated[str, msgspec.Meta(min_length=4, max_length=20, pattern=r"^[A-Za-z0-9_-]*$")] | None
    ) = None
    status: CardStatus = "active"
    card_code_settings: CodeGeneratorSettings | None = None


class LoyaltyCardBatchResponse(Model, kw_only=True):
    number_of_cards_generated: int
    batch_id: str


class LoyaltyLedgerEntryFlags(Model, kw_only=True):
    creates_negative_balance: bool | None = None


class LedgerTransactionLogEntryIntegrationAPI(Model, kw_only=True):
    transaction_uuid: str = msgspec.field(name="transactionUUID")
    created: datetime
    program_id: int
    customer_session_id: str | None = None
    type: Literal["addition", "subtraction"]
    name: str
    start_date: str
    expiry_date: str
    subledger_id: str
    amount: Decimal
    id: int
    ruleset_id: int | None = None
    rule_name: str | None = None
    flags: LoyaltyLedgerEntryFlags | None = None
    validity_duration: str | None = None


class CardLedgerTransactionLogEntryIntegrationAPI(Model, kw_only=True):
    transaction_uuid: str = msgspec.field(name="transactionUUID")
    created: datetime
    program_id: int
    card_identifier: str
    customer_session_id: str | None = None
    type: Literal["addition", "subtraction"]
    name: str
    start_date: str
    expiry_date: str
    subledger_id: str
    amount: Decimal
    id: int
    ruleset_id: int | None = None
    rule_name: str | None = None
    validity_duration: str | None = None


class LedgerPointsEntryIntegrationAPI(Model, kw_only=True):
    id: int
    transaction_uuid: str = msgspec.field(name="transactionUUID")
    created: datetime
    program_id: int
    customer_session_id: str | None = None
    name: str
    start_date: str
    expiry_date: str
    subledger_id: str
    amount: Decimal
    validity_duration: str | None = None


class CardLedgerPointsEntryIntegrationAPI(Model, kw_only=True):
    id: int
    transaction_uuid: str = msgspec.field(name="transactionUUID")
    created: datetime
    program_id: int
    customer_profile_id: str | None = msgspec.field(default=None, name="customerProfileID")
    customer_session_id: str | None = None
    name: str
    start_date: str
    expiry_date: str
    subledger_id: str
    amount: Decimal
    validity_duration: str | None = None


__all__ = [
    "CardIdentifier",
    "CardLedgerPointsEntryIntegrationAPI",
    "CardLedgerTransactionLogEntryIntegrationAPI",
    "CardStatus",
    "GenerateLoyaltyCard",
    "LedgerInfo",
    "LedgerPointsEntryIntegrationAPI",
    "LedgerTransactionLogEntryIntegrationAPI",
    "LoyaltyCard",
    "LoyaltyCardBatch",
    "LoyaltyCardBatchResponse",
    "LoyaltyCardProfileRegistration",
    "LoyaltyCardRegistration",
    "LoyaltyLedgerEntryFlags",
    "Tier",
    "TransferLoyaltyCard",
    "UpdateLoyaltyCard",
]
