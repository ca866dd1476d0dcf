"""Events on the wire (spec: IntegrationEventV2Request, IntegrationEventV2Response; the older
generation's NewEvent)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

from openpromo.services.models.base import Attributes, Model
from openpromo.services.models.sessions import (
    CartItem,
    CustomerProfile,
    Effect,
    IntegrationId,
    RuleFailureReason,
)

EventResponseContent = Literal[
    "customerProfile", "triggeredCampaigns", "loyalty", "event", "awardedGiveaways", "ruleFailureReasons"
]
EventType = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
StoreId = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class IntegrationEventV2Request(Model, kw_only=True):
    profile_id: IntegrationId | None = None
    store_integration_id: StoreId | None = None
    evaluable_campaign_ids: list[int] | None = None
    type: EventType
    attributes: Attributes | None = None
    response_content: list[EventResponseContent] | None = None
    loyalty_cards: Annotated[list[str], msgspec.Meta(max_length=1)] | None = None


class IntegrationEventV2Response(Model, kw_only=True):
    customer_profile: CustomerProfile | None = None
    loyalty: dict[str, Any] | None = None
    triggered_campaigns: list[Any] | None = None
    effects: list[Effect]
    rule_failure_reasons: list[RuleFailureReason] | None = None
    created_coupons: list[Any]
    created_referrals: list[Any]
    awarded_giveaways: list[Any] | None = None
    event: dict[str, Any] | None = None


class NewEvent(Model, kw_only=True):
    """The older generation's event (``POST /v1/events``)."""

    profile_id: IntegrationId | None = None
    store_integration_id: StoreId | None = None
    type: EventType
    attributes: Attributes
    session_id: Annotated[str, msgspec.Meta(max_length=1000)]


class CustomerSession(Model, kw_only=True):
    """The older generation's session, as its ``IntegrationState`` answers it."""

    integration_id: str
    created: datetime
    application_id: int
    profile_id: str
    coupon: str
    referral: str
    state: str
    cart_items: list[CartItem]
    identifiers: list[str]
    total: Decimal
    attributes: Attributes
    first_session: bool
    discounts: dict[str, Decimal]
    update_count: int
    updated: datetime


class IntegrationState(Model, kw_only=True):
    """The older generation's answer to an event (``POST /v1/events``)."""

    session: CustomerSession
    profile: CustomerProfile
    event: dict[str, Any]
    loyalty: dict[str, Any] | None = None


__all__ = [
    "CustomerSession",
    "IntegrationEventV2Request",
    "IntegrationEventV2Response",
    "IntegrationState",
    "NewEvent",
]
