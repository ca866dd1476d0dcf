"""What an account defines for its data: custom attributes, additional costs, event types; and an
application's stores (spec: NewAttribute, Attribute, NewAdditionalCost, AccountAdditionalCost,
NewEventType, EventType, NewStore, Store)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from openpromo.services.models.base import Attributes, Int64, Model, Name255, NonEmpty, Text255

Entity = Literal[
    "Application",
    "Campaign",
    "CustomerProfile",
    "CustomerSession",
    "CartItem",
    "Coupon",
    "Event",
    "Giveaway",
    "LoyaltyCard",
    "Referral",
    "Store",
]
AttributeType = Literal[
    "string",
    "number",
    "boolean",
    "time",
    "(list string)",
    "(list number)",
    "(list time)",
    "location",
    "(list location)",
]
Identifier = Annotated[str, msgspec.Meta(max_length=255, pattern=r"^[A-Za-z]\w*$")]
Title = Annotated[str, msgspec.Meta(max_length=255, pattern=r"^[A-Za-z][A-Za-z0-9_.!~*'() -]*$")]
Subscription = Literal["application", "catalog"]


class NewAttribute(Model, kw_only=True):
    entity: Entity
    event_type: Text255 | None = None
    name: Identifier
    title: Title
    type: AttributeType
    description: str
    suggestions: Annotated[list[NonEmpty], msgspec.Meta(max_length=50)]
    has_allowed_list: bool | None = None
    restricted_by_suggestions: bool | None = None
    editable: bool
    subscribed_applications_ids: list[Int64] | None = None
    subscribed_catalogs_ids: list[Int64] | None = None
    allowed_subscriptions: Annotated[list[Subscription], msgspec.Meta(max_length=2)] | None = None


class Attribute(NewAttribute, kw_only=True):
    id: int
    created: datetime
    account_id: int
    name: str
    title: str


class NewAdditionalCost(Model, kw_only=True):
    name: Identifier
    title: Title
    description: str
    subscribed_applications_ids: list[Int64] | None = None
    type: Literal["session", "item", "both"] = "session"


class AccountAdditionalCost(NewAdditionalCost, kw_only=True):
    type: Literal["session", "item", "both"]  # always answered (a default would be omitted)
    id: int
    created: datetime
    account_id: int
    name: str
    title: str


class NewEventType(Model, kw_only=True):
    title: Name255
    name: Name255
    description: str | None = None


class EventType(NewEventType, kw_only=True):
    id: int
    created: datetime


class NewStore(Model, kw_only=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    description: str
    attributes: Attributes | None = None
    integration_id: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class Store(NewStore, kw_only=True):
    id: int
    created: datetime
    application_id: int
    updated: datetime
    linked_campaign_ids: list[int] | None = None


__all__ = [
    "AccountAdditionalCost",
    "Attribute",
    "EventType",
    "NewAdditionalCost",
    "NewAttribute",
    "NewEventType",
    "NewStore",
    "Store",
]
