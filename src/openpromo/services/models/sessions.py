"""Customer sessions on the wire (spec: IntegrationRequest, NewCustomerSessionV2, CartItem,
CustomerSessionV2, IntegrationStateV2, Effect, RuleFailureReason, CustomerProfile)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

from openpromo.services.models.base import Attributes, Model, Number

SessionState = Literal["open", "closed", "partially_returned", "cancelled"]
ResponseContent = Literal[
    "customerSession",
    "customerProfile",
    "coupons",
    "triggeredCampaigns",
    "referral",
    "loyalty",
    "event",
    "awardedGiveaways",
    "ruleFailureReasons",
    "previousReturns",
]
IntegrationId = Annotated[str, msgspec.Meta(max_length=1000)]


class AdditionalCost(Model, kw_only=True):
    price: Number


class Product(Model, kw_only=True):
    name: str


class CartItemInput(Model, kw_only=True):
    """A cart line as sent; server-computed fields (position, returnedQuantity, ...) are ignored on input."""

    name: str | None = None
    sku: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
    quantity: Annotated[int, msgspec.Meta(ge=1)]
    price: Number | None = None
    category: str | None = None
    product: Product | None = None
    weight: Number | None = None
    height: Number | None = None
    width: Number | None = None
    length: Number | None = None
    attributes: Attributes | None = None
    additional_costs: dict[str, AdditionalCost] | None = None


class NewCustomerSessionV2(Model, kw_only=True):
    profile_id: IntegrationId | None = None
    store_integration_id: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)] | None = None
    evaluable_campaign_ids: list[int] | None = None
    coupon_codes: list[Annotated[str, msgspec.Meta(max_length=100)]] | None = None
    referral_code: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    loyalty_cards: Annotated[list[str], msgspec.Meta(max_length=1)] | None = None
    state: SessionState = "open"
    cart_items: Annotated[list[CartItemInput], msgspec.Meta(max_length=1000)] | None = None
    experiment_variant_allocations: list[Any] | None = None
    additional_costs: dict[str, AdditionalCost] | None = None
    identifiers: Annotated[list[str], msgspec.Meta(max_length=5)] | None = None
    attributes: Attributes | None = None


class IntegrationRequest(Model, kw_only=True):
    customer_session: NewCustomerSessionV2
    response_content: list[ResponseContent] | None = None


class CartItem(Model, kw_only=True):
    name: str | None = None
    sku: str
    quantity: int
    returned_quantity: int | None = None
    remaining_quantity: int | None = None
    price: Number | None = None
    category: str | None = None
    product: Product | None = None
    weight: Number | None = None
    height: Number | None = None
    width: Number | None = None
    length: Number | None = None
    position: int | None = None
    attributes: Attributes | None = None
    additional_costs: dict[str, AdditionalCost] | None = None
    catalog_item_id: int | None = msgspec.field(default=None, name="catalogItemID")


class CustomerSessionV2(Model, kw_only=True):
    id: int
    created: datetime
    integration_id: str
    application_id: int
    profile_id: str
    store_integration_id: str | None = None
    coupon_codes: list[str] | None = None
    referral_code: str | None = None
    loyalty_cards: list[str] | None = None
    state: SessionState
    cart_items: list[CartItem]
    additional_costs: dict[str, AdditionalCost] | None = None
    identifiers: list[str] | None = None
    attributes: Attributes
    first_session: bool
    update_count: int
    total: Decimal
    cart_item_total: Decimal
    additional_cost_total: Decimal
    updated: datetime


class Effect(Model, kw_only=True):
    campaign_id: int
    ruleset_id: int
    rule_index: int
    rule_name: str
    effect_type: str
    triggered_by_coupon: int | None = None
    condition_index: int | None = None
    evaluation_group_id: int | None = msgspec.field(default=None, name="evaluationGroupID")
    evaluation_group_mode: str | None = None
    props: dict[str, Any]


class RuleFailureReason(Model, kw_only=True):
    campaign_id: int = msgspec.field(name="campaignID")
    campaign_name: str
    ruleset_id: int = msgspec.field(name="rulesetID")
    coupon_id: int | None = msgspec.field(default=None, name="couponID")
    coupon_value: str | None = None
    referral_id: int | None = msgspec.field(default=None, name="referralID")
    referral_value: str | None = None
    rule_index: int
    rule_name: str
    condition_index: int | None = None
    effect_index: int | None = None
    details: str | None = None
    evaluation_group_id: int | None = msgspec.field(default=None, name="evaluationGroupID")
    evaluation_group_mode: str | None = None


class AudienceMembership(Model, kw_only=True):
    id: int
    name: str


class CustomerProfile(Model, kw_only=True):
    id: int
    created: datetime
    integration_id: str
    attributes: Attributes
    account_id: int
    closed_sessions: int
    total_sales: Decimal
    audience_memberships: list[AudienceMembership] | None = None
    last_activity: datetime
    sandbox: bool | None = None


class ReturnedCartItem(Model, kw_only=True):
    position: Annotated[int, msgspec.Meta(ge=0)] | None = None
    quantity: Annotated[int, msgspec.Meta(ge=1)] | None = None
    sku: Annotated[str, msgspec.Meta(min_length=1)] | None = None


class NewReturn(Model, kw_only=True):
    returned_cart_items: Annotated[list[ReturnedCartItem], msgspec.Meta(min_length=1, max_length=1000)]


class ReturnIntegrationRequest(Model, kw_only=True):
    return_: NewReturn = msgspec.field(name="return")
    response_content: (
        list[
            Literal[
                "customerSession",
                "customerProfile",
                "coupons",
                "triggeredCampaigns",
                "referral",
                "loyalty",
                "event",
                "previousReturns",
            ]
        ]
        | None
    ) = None


class Return(Model, kw_only=True):
    id: int
    created: datetime
    application_id: int
    account_id: int
    returned_cart_items: list[ReturnedCartItem]
    event_id: int
    session_id: int
    session_integration_id: str
    profile_id: int | None = None
    profile_integration_id: str | None = None
    created_by: int | None = None


class IntegrationStateV2(Model, kw_only=True):
    customer_profile: CustomerProfile | None = None
    triggered_campaigns: list[Any] | None = None
    effects: list[Effect]
    rule_failure_reasons: list[RuleFailureReason] | None = None
    created_coupons: list[Any]
    created_referrals: list[Any]
    coupons: list[Any] | None = None
    referral: Any | None = None
    loyalty: dict[str, Any] | None = None
    event: dict[str, Any] | None = None
    awarded_giveaways: list[Any] | None = None
    customer_session: CustomerSessionV2 | None = None
    return_: Return | None = msgspec.field(default=None, name="return")
    previous_returns: list[Return] | None = None


class IntegrationCustomerSessionResponse(Model, kw_only=True):
    customer_session: CustomerSessionV2 | None = None
    effects: list[Effect] | None = None


class ReopenSessionResponse(Model, kw_only=True):
    effects: list[Effect]


__all__ = [
    "AdditionalCost",
    "AudienceMembership",
    "CartItem",
    "CartItemInput",
    "CustomerProfile",
    "CustomerSessionV2",
    "Effect",
    "IntegrationCustomerSessionResponse",
    "IntegrationRequest",
    "IntegrationStateV2",
    "NewCustomerSessionV2",
    "NewReturn",
    "Product",
    "ReopenSessionResponse",
    "ResponseContent",
    "Return",
    "ReturnIntegrationRequest",
    "ReturnedCartItem",
    "RuleFailureReason",
    "SessionState",
]
