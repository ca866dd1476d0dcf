"""What happened in an application, read back (spec: ApplicationSession, ApplicationCustomer,
ApplicationEvent, CampaignAnalytics)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from openpromo.services.models.base import Attributes, Model
from openpromo.services.models.sessions import CartItem, CustomerProfile, Effect


class ApplicationSession(Model, kw_only=True):
    id: int
    created: datetime
    integration_id: str
    store_integration_id: str | None = None
    application_id: int
    profile_id: int | None = None
    profileintegrationid: str | None = None
    coupon: str
    referral: str
    state: str
    cart_items: list[CartItem]
    discounts: dict[str, Decimal]
    total_discounts: Decimal
    total: Decimal
    attributes: Attributes | None = None


class ApplicationCustomer(CustomerProfile, kw_only=True):
    advocate_integration_id: str | None = None


class ApplicationEvent(Model, kw_only=True):
    id: int
    created: datetime
    application_id: int
    profile_id: int | None = None
    store_integration_id: str | None = None
    session_id: int | None = None
    type: str
    attributes: Attributes
    effects: list[Effect]


class CampaignAnalytics(Model, kw_only=True):
    date: datetime
    campaign_revenue: Decimal
    total_campaign_revenue: Decimal
    campaign_refund: Decimal
    total_campaign_refund: Decimal
    campaign_discount_costs: Decimal
    total_campaign_discount_costs: Decimal
    campaign_refunded_discounts: Decimal
    total_campaign_refunded_discounts: Decimal
    campaign_free_items: int
    total_campaign_free_items: int
    coupon_redemptions: int
    total_coupon_redemptions: int
    coupon_rolledback_redemptions: int
    total_coupon_rolledback_redemptions: int
    referral_redemptions: int
    total_referral_redemptions: int
    coupons_created: int
    total_coupons_created: int
    referrals_created: int
    total_referrals_created: int
    added_loyalty_points: Decimal
    total_added_loyalty_points: Decimal
    deducted_loyalty_points: Decimal
    total_deducted_loyalty_points: Decimal


class AnalyticsPage(Model, kw_only=True):
    total_result_size: int
    data: list[CampaignAnalytics]


__all__ = [
    "AnalyticsPage",
    "ApplicationCustomer",
    "ApplicationEvent",
    "ApplicationSession",
    "CampaignAnalytics",
]
