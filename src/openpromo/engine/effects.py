"""Effects as the API answers them (``Effect``: envelope + props) and rule failures."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

DISCOUNT_TYPES = frozenset(
    {
        "setDiscount",
        "setDiscountPerItem",
        "setDiscountPerAdditionalCost",
        "setDiscountPerAdditionalCostPerItem",
    }
)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an effect comes from: campaign, ruleset, rule and evaluation group."""

    campaign_id: int
    ruleset_id: int
    rule_index: int
    rule_name: str
    group_id: int | None
    group_mode: str | None
    coupon_id: int | None = None


@dataclass(frozen=True, slots=True)
class Effect:
    origin: Origin
    effect_type: str
    props: dict[str, Any]
    condition_index: int | None = None
    amount: Decimal = Decimal(0)
    """The money this effect gives (discounts); what evaluation modes compare and rollbacks return."""
    unit: tuple[int, int] | None = None
    counters: tuple[tuple[int, str, str, str], ...] = ()
    """The budget counters this effect took, for an effect the commit may still drop (a giveaway whose
    pool has no code left gives them back)."""

    @property
    def is_discount(self) -> bool:
        return self.effect_type in DISCOUNT_TYPES


@dataclass(frozen=True, slots=True)
class RuleFailure:
    origin: Origin
    campaign_name: str
    details: str
    coupon_value: str | None = None
    referral_id: int | None = None
    referral_value: str | None = None
    condition_index: int | None = None
    effect_index: int | None = None
    error: bool = False
    """The rule failed with a runtime error (not an effect that budgets or data kept from applying)."""


@dataclass
class Commitments:
    """What a close would commit, beyond the effects themselves."""

    coupon_redemptions: list[int] = field(default_factory=list)
    coupon_discounts: dict[int, Decimal] = field(default_factory=dict)
    referral_redemptions: list[int] = field(default_factory=list)


__all__ = ["DISCOUNT_TYPES", "Commitments", "Effect", "Origin", "RuleFailure"]
