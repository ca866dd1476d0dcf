"""Loyalty programs (the program entity and its tiers), giveaway pools and catalogs (spec:
NewLoyaltyProgram, UpdateLoyaltyProgram, LoyaltyProgram, NewLoyaltyTier, LoyaltyTier,
NewGiveawaysPool, GiveawaysPool, Giveaway, NewCatalog, Catalog, CatalogItem, ItemAttribute)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

from openpromo.services.models.base import Amount, Attributes, Int64, Model, Name255, NonEmpty, Text255, Time
from openpromo.services.models.campaigns import CodeGeneratorSettings
from openpromo.services.models.sessions import Product

JoinPolicy = Literal["not_join", "points_activated", "points_earned"]
ExpirationPolicy = Literal[
    "tier_start_date", "program_join_date", "customer_attribute", "absolute_expiration"
]
DowngradePolicy = Literal["one_down", "balance_based"]
ReturnPolicy = Literal["only_pending", "within_balance", "unlimited"]


class NewLoyaltyTier(Model, kw_only=True):
    name: Name255
    min_points: Amount


class LoyaltyTier(Model, kw_only=True):
    id: int
    created: datetime
    program_id: int = msgspec.field(name="programID")
    program_name: str | None = None
    program_title: str | None = None
    name: str
    min_points: Decimal


class ProgramSettings(Model, kw_only=True):
    title: Text255 | None = None
    description: str | None = None
    subscribed_applications: list[Int64] | None = None
    default_validity: Text255 | None = None
    default_pending: Text255 | None = None
    allow_subledger: bool | None = None
    users_per_card_limit: Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)] | None = None
    sandbox: bool | None = None
    program_join_policy: JoinPolicy | None = None
    tiers_expiration_policy: ExpirationPolicy | None = None
    tier_cycle_start_date: Time | None = None
    tiers_expire_in: Text255 | None = None
    tiers_downgrade_policy: DowngradePolicy | None = None
    card_code_settings: CodeGeneratorSettings | None = None
    return_policy: ReturnPolicy | None = None
    tiers: list[NewLoyaltyTier] | None = None


class NewLoyaltyProgram(ProgramSettings, kw_only=True):
    title: Text255
    default_validity: Text255
    default_pending: Text255
    allow_subledger: bool
    sandbox: bool
    name: Name255
    timezone: NonEmpty
    card_based: bool = False


class UpdateLoyaltyProgram(ProgramSettings, kw_only=True):
    pass


class LoyaltyProgram(Model, kw_only=True):
    id: int
    created: datetime
    title: str
    description: str
    subscribed_applications: list[int]
    default_validity: str
    default_pending: str
    allow_subledger: bool
    users_per_card_limit: int | None = None
    sandbox: bool
    program_join_policy: JoinPolicy | None = None
    tiers_expiration_policy: ExpirationPolicy | None = None
    tier_cycle_start_date: datetime | None = None
    tiers_expire_in: str | None = None
    tiers_downgrade_policy: DowngradePolicy | None = None
    card_code_settings: CodeGeneratorSettings | None = None
    return_policy: ReturnPolicy | None = None
    account_id: int = msgspec.field(name="accountID")
    name: str
    tiers: list[LoyaltyTier] | None = None
    timezone: str
    card_based: bool


class NewGiveawaysPool(Model, kw_only=True):
    name: Name255
    description: str | None = None
    subscribed_applications_ids: list[Int64] | None = None
    sandbox: bool


class Giveaway(Model, kw_only=True):
    id: int
    created: datetime
    code: str
    pool_id: int
    start_date: datetime | None = None
    end_date: datetime | None = None
    attributes: Attributes | None = None
    used: bool | None = None
    import_id: int | None = None
    profile_integration_id: str | None = None
    profile_id: int | None = None


class GiveawaysPool(Model, kw_only=True):
    id: int
    created: datetime
    account_id: int
    name: str
    description: str | None = None
    subscribed_applications_ids: list[int] | None = None
    sandbox: bool
    modified: datetime | None = None
    created_by: int
    modified_by: int | None = None


class NewCatalog(Model, kw_only=True):
    name: Name255
    description: str
    subscribed_applications_ids: list[Int64] | None = None


class Catalog(Model, kw_only=True):
    id: int
    created: datetime
    account_id: int
    modified: datetime
    name: str
    description: str
    subscribed_applications_ids: list[int] | None = None
    version: int
    created_by: int


class ItemAttribute(Model, kw_only=True):
    attributeid: int
    name: str
    value: Any


class CatalogItem(Model, kw_only=True):
    id: int
    created: datetime
    sku: str
    price: Decimal | None = None
    catalogid: int
    version: int
    attributes: list[ItemAttribute] | None = None
    product: Product | None = None


__all__ = [
    "Catalog",
    "CatalogItem",
    "Giveaway",
    "GiveawaysPool",
    "ItemAttribute",
    "LoyaltyProgram",
    "LoyaltyTier",
    "NewCatalog",
    "NewGiveawaysPool",
    "NewLoyaltyProgram",
    "NewLoyaltyTier",
    "ProgramSettings",
    "UpdateLoyaltyProgram",
]
