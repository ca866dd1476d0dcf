"""Applications and their Integration API keys (spec: Application, NewApplication, UpdateApplication,
CreateApplicationAPIKey, ApplicationAPIKey, NewApplicationAPIKey, LimitConfig)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from openpromo.services.models.base import Amount, Attributes, Int64, Model, Name, NonEmpty, Text255, Time

CaseSensitivity = Literal["sensitive", "insensitive-uppercase", "insensitive-lowercase"]
DiscountScope = Literal["sessionTotal", "cartItems", "additionalCosts"]
AdditionalCostPerItemScope = Literal["price", "itemTotal", "additionalCosts"]
LimitPeriod = Literal["daily", "weekly", "monthly", "yearly"]
ApiKeyPlatform = Literal[
    "none",
    "segment",
    "braze",
    "mparticle",
    "shopify",
    "iterable",
    "customer_engagement",
    "customer_data",
    "salesforce",
    "emarsys",
]


class LimitConfig(Model, kw_only=True):
    action: str
    limit: Amount
    period: LimitPeriod | None = None
    entities: list[str]


class AttributesSettings(Model, kw_only=True):
    mandatory: dict[str, Any] | None = None


class ApplicationSettings(Model, kw_only=True):
    """The fields NewApplication and UpdateApplication share."""

    name: Name
    description: str | None = None
    timezone: NonEmpty
    currency: NonEmpty
    case_sensitivity: CaseSensitivity | None = None
    attributes: Attributes | None = None
    limits: list[LimitConfig] | None = None
    default_discount_scope: DiscountScope | None = None
    enable_cascading_discounts: bool | None = None
    enable_flattened_cart_items: bool | None = None
    attributes_settings: AttributesSettings | None = None
    sandbox: bool | None = None
    enable_partial_discounts: bool | None = None
    default_discount_additional_cost_per_item_scope: AdditionalCostPerItemScope | None = None
    enable_campaign_state_management: bool | None = None


class NewApplication(ApplicationSettings, kw_only=True):
    key: Annotated[str, msgspec.Meta(pattern=r"^[a-fA-F0-9]{16}$")] | None = None


class UpdateApplication(ApplicationSettings, kw_only=True):
    default_evaluation_group_id: Int64 | None = None
    default_cart_item_filter_id: Int64 | None = None


class Application(Model, kw_only=True):
    id: int
    created: datetime
    modified: datetime
    account_id: int
    name: str
    description: str | None = None
    timezone: str
    currency: str
    case_sensitivity: CaseSensitivity | None = None
    attributes: Attributes | None = None
    limits: list[LimitConfig] | None = None
    default_discount_scope: DiscountScope | None = None
    enable_cascading_discounts: bool | None = None
    enable_flattened_cart_items: bool | None = None
    attributes_settings: AttributesSettings | None = None
    sandbox: bool | None = None
    enable_partial_discounts: bool | None = None
    default_discount_additional_cost_per_item_scope: AdditionalCostPerItemScope | None = None
    default_evaluation_group_id: int | None = None
    default_cart_item_filter_id: int | None = None
    enable_campaign_state_management: bool | None = None
    loyalty_programs: list[Any]


class CreateApplicationAPIKey(Model, kw_only=True):
    title: Text255
    expires: Time
    platform: ApiKeyPlatform | None = None
    type: Literal["staging"] | None = None
    time_offset: Int64 | None = None


class ApplicationAPIKey(Model, kw_only=True):
    title: str
    expires: datetime
    platform: ApiKeyPlatform | None = None
    type: Literal["staging"] | None = None
    time_offset: int | None = None
    id: int
    created_by: int
    account_id: int = msgspec.field(name="accountID")
    application_id: int = msgspec.field(name="applicationID")
    created: datetime


class NewApplicationAPIKey(ApplicationAPIKey, kw_only=True):
    """The key as created: the only time ``key`` is ever shown."""

    key: str


__all__ = [
    "Application",
    "ApplicationAPIKey",
    "ApplicationSettings",
    "AttributesSettings",
    "CaseSensitivity",
    "CreateApplicationAPIKey",
    "LimitConfig",
    "NewApplication",
    "NewApplicationAPIKey",
    "UpdateApplication",
]
