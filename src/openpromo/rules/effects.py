"""Effect requests: what a fired rule asks the engine to do.

One frozen dataclass per effect call of the dialect.  Values are already evaluated (numbers are
``Decimal``, ids are ``int``); the engine turns requests into API effects, rounds money and applies
budgets and limits.  ``effect_type`` names the effect call that produced the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from .types import TalangValue

__all__ = [
    "AddFreeItem",
    "AddLoyaltyPoints",
    "AddToAudience",
    "AwardGiveaway",
    "CreateCoupon",
    "CreateReferral",
    "CustomEffect",
    "DeductLoyaltyPoints",
    "EffectRequest",
    "ExtendLoyaltyPointsExpiryDate",
    "IncreaseAchievementProgress",
    "RemoveFromAudience",
    "ReserveCoupon",
    "SetDiscount",
    "SetDiscountPerAdditionalCost",
    "SetDiscountPerAdditionalCostPerItem",
    "SetDiscountPerItem",
    "SetDiscountPerItemProRata",
    "SetLoyaltyPointsExpiryDate",
    "ShowNotification",
    "UpdateAttributeValue",
]


class EffectRequest:
    """Base of every effect request."""

    __slots__ = ()
    effect_type: ClassVar[str] = ""

    def as_dict(self) -> dict[str, object]:
        """The request as ``{"effect": effect_type, field: value, ...}`` (values unconverted).

        A field left at its default (an opt-in flag such as ``excluded_from_price_history``) is
        left out, so the dict names only what the rule said.
        """
        result: dict[str, object] = {"effect": self.effect_type}
        for field in fields(self):  # type: ignore[arg-type]  # every subclass is a dataclass
            value = getattr(self, field.name)
            if field.default is MISSING or value != field.default:
                result[field.name] = value
        return result


@dataclass(frozen=True, slots=True)
class SetDiscount(EffectRequest):
    effect_type: ClassVar[str] = "setDiscount"
    name: str
    value: Decimal
    scope: str | None


@dataclass(frozen=True, slots=True)
class SetDiscountPerItem(EffectRequest):
    effect_type: ClassVar[str] = "setDiscountPerItem"
    name: str
    value: Decimal
    position: int
    sub_position: int
    scope: str | None
    excluded_from_price_history: bool = False


@dataclass(frozen=True, slots=True)
class SetDiscountPerItemProRata(EffectRequest):
    """One unit's share of ``total_discount``, proportional to the unit's (discounted) price."""

    effect_type: ClassVar[str] = "setDiscountPerItemProRata"
    name: str
    value: Decimal
    position: int
    sub_position: int
    total_discount: Decimal
    excluded_from_price_history: bool = False


@dataclass(frozen=True, slots=True)
class SetDiscountPerAdditionalCost(EffectRequest):
    effect_type: ClassVar[str] = "setDiscountPerAdditionalCost"
    name: str
    additional_cost: str
    value: Decimal


@dataclass(frozen=True, slots=True)
class SetDiscountPerAdditionalCostPerItem(EffectRequest):
    effect_type: ClassVar[str] = "setDiscountPerAdditionalCostPerItem"
    name: str
    additional_cost: str
    value: Decimal
    position: int
    sub_position: int


@dataclass(frozen=True, slots=True)
class AddFreeItem(EffectRequest):
    effect_type: ClassVar[str] = "addFreeItem"
    sku: str
    name: str


@dataclass(frozen=True, slots=True)
class AddLoyaltyPoints(EffectRequest):
    """``pending``/``validity`` of ``None`` mean the program's defaults."""

    effect_type: ClassVar[str] = "addLoyaltyPoints"
    program_id: int
    value: Decimal
    name: str | None
    subledger_id: str | None
    pending: str | None
    validity: str | None
    recipient: str
    card_identifier: str | None


@dataclass(frozen=True, slots=True)
class DeductLoyaltyPoints(EffectRequest):
    effect_type: ClassVar[str] = "deductLoyaltyPoints"
    program_id: int
    value: Decimal
    name: str | None
    subledger_id: str | None
    card_identifier: str | None


@dataclass(frozen=True, slots=True)
class SetLoyaltyPointsExpiryDate(EffectRequest):
    effect_type: ClassVar[str] = "setLoyaltyPointsExpiryDate"
    program_id: int
    expiry_date: datetime
    subledger_id: str | None


@dataclass(frozen=True, slots=True)
class ExtendLoyaltyPointsExpiryDate(EffectRequest):
    """``duration`` follows the duration grammar (``"30D"``, ``"1M_U"``)."""

    effect_type: ClassVar[str] = "extendLoyaltyPointsExpiryDate"
    program_id: int
    duration: str
    subledger_id: str | None


@dataclass(frozen=True, slots=True)
class CreateCoupon(EffectRequest):
    effect_type: ClassVar[str] = "createCoupon"
    pattern: str | None
    usage_limit: int | None
    discount_limit: Decimal | None
    validity: str | None
    recipient: str
    attributes: Mapping[str, TalangValue]


@dataclass(frozen=True, slots=True)
class CreateReferral(EffectRequest):
    effect_type: ClassVar[str] = "createReferral"
    campaign_id: int | None
    validity: str | None
    usage_limit: int | None


@dataclass(frozen=True, slots=True)
class ReserveCoupon(EffectRequest):
    effect_type: ClassVar[str] = "reserveCoupon"
    code: str


@dataclass(frozen=True, slots=True)
class AwardGiveaway(EffectRequest):
    effect_type: ClassVar[str] = "awardGiveaway"
    pool_id: int


@dataclass(frozen=True, slots=True)
class ShowNotification(EffectRequest):
    effect_type: ClassVar[str] = "showNotification"
    notification_type: str
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class UpdateAttributeValue(EffectRequest):
    """``path`` is dotted, e.g. ``"Profile.Attributes.vip"``."""

    effect_type: ClassVar[str] = "updateAttributeValue"
    path: str
    value: TalangValue


@dataclass(frozen=True, slots=True)
class CustomEffect(EffectRequest):
    effect_type: ClassVar[str] = "customEffect"
    name: str
    payload: Mapping[str, TalangValue]


@dataclass(frozen=True, slots=True)
class AddToAudience(EffectRequest):
    effect_type: ClassVar[str] = "addToAudience"
    audience_id: int


@dataclass(frozen=True, slots=True)
class RemoveFromAudience(EffectRequest):
    effect_type: ClassVar[str] = "removeFromAudience"
    audience_id: int


@dataclass(frozen=True, slots=True)
class IncreaseAchievementProgress(EffectRequest):
    effect_type: ClassVar[str] = "increaseAchievementProgress"
    achievement_name: str
    delta: Decimal
