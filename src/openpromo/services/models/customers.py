"""A customer's inventory (spec: CustomerInventory, InventoryCoupon, Loyalty, LoyaltyProgramLedgers,
AchievementProgressWithDefinition)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from openpromo.services.models.base import Model
from openpromo.services.models.cards import LedgerInfo, LoyaltyCard
from openpromo.services.models.coupons import IntegrationCoupon, InventoryReferral
from openpromo.services.models.programs import Giveaway
from openpromo.services.models.sessions import CustomerProfile

CouponState = Literal["active", "used", "expired", "pending", "disabled"]


class InventoryCoupon(IntegrationCoupon, kw_only=True):
    state: CouponState


class LoyaltyProgramLedgers(Model, kw_only=True):
    id: int
    title: str
    name: str
    join_date: datetime | None = None
    ledger: LedgerInfo
    sub_ledgers: dict[str, LedgerInfo] | None = None


class Loyalty(Model, kw_only=True):
    cards: list[LoyaltyCard] | None = None
    programs: dict[str, LoyaltyProgramLedgers]


class AchievementProgressWithDefinition(Model, kw_only=True):
    status: str
    """``inprogress``, ``completed``, ``expired`` or ``not_started``."""
    progress: Decimal
    start_date: datetime | None = None
    completion_date: datetime | None = None
    end_date: datetime | None = None
    achievement_id: int
    name: str
    title: str
    description: str
    campaign_id: int
    target: Decimal | None = None
    achievement_recurrence_policy: str
    """``no_recurrence``, ``on_expiration`` or ``on_completion``."""
    achievement_activation_policy: str
    """``user_action`` or ``fixed_schedule``."""
    achievement_fixed_start_date: datetime | None = None
    achievement_end_date: datetime | None = None
    achievement_allow_rollback_after_completion: bool | None = None


class CustomerInventory(Model, kw_only=True):
    profile: CustomerProfile | None = None
    loyalty: Loyalty | None = None
    referrals: list[InventoryReferral] | None = None
    coupons: list[InventoryCoupon] | None = None
    giveaways: list[Giveaway] | None = None
    achievements: list[AchievementProgressWithDefinition] | None = None


__all__ = [
    "AchievementProgressWithDefinition",
    "CouponState",
    "CustomerInventory",
    "InventoryCoupon",
    "Loyalty",
    "LoyaltyProgramLedgers",
]
