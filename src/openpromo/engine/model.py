"""The values the engine evaluates: a session and its cart, the profile, coupons, referrals, campaigns.

Plain frozen dataclasses, built by the service layer from storage rows; the engine never does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo.rules import CompiledRuleset


@dataclass(frozen=True, slots=True)
class CartItem:
    sku: str
    quantity: int
    position: int
    price: Decimal = Decimal(0)
    name: str | None = None
    category: str | None = None
    product_name: str | None = None
    weight: Decimal | None = None
    height: Decimal | None = None
    width: Decimal | None = None
    length: Decimal | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    additional_costs: Mapping[str, Decimal] = field(default_factory=dict)
    returned_quantity: int = 0
    catalog_item_id: int | None = None

    @property
    def remaining_quantity(self) -> int:
        return self.quantity - self.returned_quantity


@dataclass(frozen=True, slots=True)
class Session:
    id: int
    integration_id: str
    profile_id: str
    state: str
    store_integration_id: str | None
    coupon_codes: tuple[str, ...]
    referral_code: str | None
    loyalty_cards: tuple[str, ...]
    identifiers: tuple[str, ...]
    attributes: Mapping[str, Any]
    cart_items: tuple[CartItem, ...]
    additional_costs: Mapping[str, Decimal]
    cart_item_total: Decimal = field(init=False)
    """Items before discounts; returned units no longer count."""
    additional_cost_total: Decimal = field(init=False)
    total: Decimal = field(init=False)

    def __post_init__(self) -> None:
        # Computed once: rules and the engine read the totals many times per evaluation.
        items = sum((item.price * item.remaining_quantity for item in self.cart_items), Decimal(0))
        session_costs = sum(self.additional_costs.values(), Decimal(0))
        item_costs = sum(
            (
                cost * item.remaining_quantity
                for item in self.cart_items
                for cost in item.additional_costs.values()
            ),
            Decimal(0),
        )
        object.__setattr__(self, "cart_item_total", items)
        object.__setattr__(self, "additional_cost_total", session_costs + item_costs)
        object.__setattr__(self, "total", items + session_costs + item_costs)


@dataclass(frozen=True, slots=True)
class Profile:
    id: int
    integration_id: str
    attributes: Mapping[str, Any]
    closed_sessions: int
    total_sales: Decimal
    audiences: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Limit:
    """A ``LimitConfig``: ``entities`` empty means one campaign-wide counter."""

    action: str
    limit: Decimal
    period: str | None
    entities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Coupon:
    id: int
    campaign_id: int
    value: str
    usage_limit: int
    usage_counter: int
    discount_limit: Decimal | None
    discount_counter: Decimal
    start_date: datetime | None
    expiry_date: datetime | None
    recipient_integration_id: str | None
    is_reservation_mandatory: bool
    reserved_by_profile: bool
    attributes: Mapping[str, Any]
    limits: tuple[Limit, ...] = ()


@dataclass(frozen=True, slots=True)
class Referral:
    id: int
    campaign_id: int
    code: str
    usage_limit: int
    usage_counter: int
    start_date: datetime | None
    expiry_date: datetime | None
    advocate_integration_id: str
    friend_integration_id: str | None
    attributes: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What the engine needs to know about a rule beyond its compiled form."""

    title: str
    checks_coupon: bool
    checks_referral: bool


@dataclass(frozen=True, slots=True)
class EvaluationGroup:
    id: int
    mode: str
    position: int
    scope: str = "session"
    """``session``: the mode picks whole campaigns; ``cartItem``: it picks a campaign per cart unit."""
    parent_id: int | None = None
    """The group this one is nested in (None: a root, the application's base group)."""


@dataclass(frozen=True, slots=True)
class Campaign:
    id: int
    name: str
    ruleset_id: int
    ruleset: CompiledRuleset
    rules: tuple[RuleInfo, ...]
    state: str
    start_time: datetime | None
    end_time: datetime | None
    features: frozenset[str]
    limits: tuple[Limit, ...]
    group: EvaluationGroup
    position: int
    attributes: Mapping[str, Any]
    linked_store_ids: frozenset[str] | None
    type: str = "advanced"
    reads_loyalty: bool = False
    """Whether its rules read ``Loyalty`` balances or check the loyalty card."""


@dataclass(frozen=True, slots=True)
class Settings:
    """The application's settings that change evaluation."""

    application_id: int
    currency: str
    currency_digits: int
    timezone: str
    cascading: bool
    partial_discounts: bool
    default_discount_scope: str
    default_item_scope: str
    attributes: Mapping[str, Any]


CounterKey = tuple[int, str, str, str]
"""(campaign id, action, entity key, period key): one budget counter."""

__all__ = [
    "Campaign",
    "CartItem",
    "CounterKey",
    "Coupon",
    "EvaluationGroup",
    "Limit",
    "Profile",
    "Referral",
    "RuleInfo",
    "Session",
    "Settings",
]
