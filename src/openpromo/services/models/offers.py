"""Coupon reservations and referral creation through the Integration API (spec: CouponReservations,
NewReferral, NewReferralsForMultipleAdvocates, and the pages ``inline_response_201`` and
``inline_response_200_1``)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from openpromo.services.models.base import Attributes, Int64, Model, Name, Time
from openpromo.services.models.coupons import Pattern, RecipientId, Referral, UsageLimit
from openpromo.services.models.sessions import CustomerProfile

MAX_PROFILES = 1000
"""Integration ids per reservation request and advocates per bulk referral request (spec: maxItems)."""


class CouponReservations(Model, kw_only=True):
    integration_ids: Annotated[list[Name], msgspec.Meta(max_length=MAX_PROFILES)] = msgspec.field(
        name="integrationIDs"
    )


class NewReferral(Model, kw_only=True):
    campaign_id: Int64
    advocate_profile_integration_id: Name
    friend_profile_integration_id: RecipientId | None = None
    start_date: Time | None = None
    expiry_date: Time | None = None
    usage_limit: UsageLimit | None = None
    attributes: Attributes | None = None


class NewReferralsForMultipleAdvocates(Model, kw_only=True):
    campaign_id: Int64
    advocate_profile_integration_ids: Annotated[
        list[Name], msgspec.Meta(min_length=1, max_length=MAX_PROFILES)
    ]
    usage_limit: UsageLimit
    start_date: Time | None = None
    expiry_date: Time | None = None
    attributes: Attributes | None = None
    valid_characters: list[str] | None = None
    referral_pattern: Pattern | None = None


class ReferralPage(Model, kw_only=True):
    total_result_size: int
    data: list[Referral]


class CustomerProfilePage(Model, kw_only=True):
    total_result_size: int
    data: list[CustomerProfile]


__all__ = [
    "MAX_PROFILES",
    "CouponReservations",
    "CustomerProfilePage",
    "NewReferral",
    "NewReferralsForMultipleAdvocates",
    "ReferralPage",
]
