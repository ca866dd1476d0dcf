"""Coupons and referrals (spec: NewCoupons, NewCouponsForMultipleRecipients, UpdateCoupon, Coupon,
Referral, UpdateReferral, Import)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from openpromo.services.models.applications import LimitConfig
from openpromo.services.models.base import Amount, Attributes, Model, Text1000, Time

UsageLimit = Annotated[int, msgspec.Meta(ge=0, le=999_999)]
Pattern = Annotated[str, msgspec.Meta(min_length=3, max_length=100)]
RecipientId = Annotated[str, msgspec.Meta(max_length=1000)]


class CouponTerms(Model, kw_only=True):
    usage_limit: UsageLimit
    discount_limit: Amount | None = None
    reservation_limit: UsageLimit | None = None
    start_date: Time | None = None
    expiry_date: Time | None = None
    attributes: Attributes | None = None
    valid_characters: list[str] | None = None
    coupon_pattern: Pattern | None = None


class NewCoupons(CouponTerms, kw_only=True):
    limits: list[LimitConfig] | None = None
    number_of_coupons: Annotated[int, msgspec.Meta(ge=1)]
    unique_prefix: Text1000 | None = None
    recipient_integration_id: RecipientId | None = None
    is_reservation_mandatory: bool | None = None
    implicitly_reserved: bool | None = None


class NewCouponsForMultipleRecipients(CouponTerms, kw_only=True):
    recipients_integration_ids: Annotated[list[RecipientId], msgspec.Meta(min_length=1, max_length=1000)]


class UpdateCoupon(Model, kw_only=True):
    usage_limit: UsageLimit | None = None
    discount_limit: Amount | None = None
    reservation_limit: UsageLimit | None = None
    start_date: Time | None = None
    expiry_date: Time | None = None
    limits: list[LimitConfig] | None = None
    recipient_integration_id: RecipientId | None = None
    attributes: Attributes | None = None
    is_reservation_mandatory: bool | None = None
    implicitly_reserved: bool | None = None


class Coupon(Model, kw_only=True):
    id: int
    created: datetime
    campaign_id: int
    value: str
    usage_limit: int
    discount_limit: Decimal | None = None
    reservation_limit: int | None = None
    start_date: datetime | None = None
    expiry_date: datetime | None = None
    limits: list[LimitConfig] | None = None
    usage_counter: int
    discount_counter: Decimal | None = None
    discount_remainder: Decimal | None = None
    reservation_counter: Decimal | None = None
    attributes: Attributes | None = None
    referral_id: int | None = None
    recipient_integration_id: str | None = None
    import_id: int | None = None
    batch_id: str | None = None
    is_reservation_mandatory: bool | None = None
    implicitly_reserved: bool | None = None


class IntegrationCoupon(Coupon, kw_only=True):
    profile_redemption_count: int


class CouponPage(Model, kw_only=True):
    total_result_size: int
    data: list[Coupon]


class CouponValue(Model, kw_only=True):
    """A coupon of a list asked for with ``valuesOnly=true``: the code alone."""

    value: str


class Referral(Model, kw_only=True):
    id: int
    created: datetime
    start_date: datetime | None = None
    expiry_date: datetime | None = None
    usage_limit: int
    campaign_id: int
    advocate_profile_integration_id: str
    friend_profile_integration_id: str | None = None
    attributes: Attributes | None = None
    import_id: int | None = None
    code: str
    usage_counter: int
    batch_id: str | None = None


class InventoryReferral(Referral, kw_only=True):
    referred_customers: list[str]


class UpdateReferral(Model, kw_only=True):
    friend_profile_integration_id: RecipientId | None = None
    start_date: Time | None = None
    expiry_date: Time | None = None
    usage_limit: UsageLimit | None = None
    attributes: Attributes | None = None


class Import(Model, kw_only=True):
    id: int
    created: datetime
    account_id: int
    user_id: int
    entity: str
    amount: int


__all__ = [
    "Coupon",
    "CouponPage",
    "CouponTerms",
    "CouponValue",
    "Import",
    "IntegrationCoupon",
    "InventoryReferral",
    "NewCoupons",
    "NewCouponsForMultipleRecipients",
    "Referral",
    "UpdateCoupon",
    "UpdateReferral",
]
