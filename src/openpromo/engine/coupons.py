"""Coupon and referral checks before rules run (DOMAIN B §3.2 steps 2-7; first failing check wins)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from openpromo.engine.budgets import Ledger, Scope
from openpromo.engine.model import Campaign, Coupon, Limit, Referral


def campaign_running(campaign: Campaign, now: datetime, store: str | None) -> bool:
    if campaign.state != "enabled":
        return False
    if campaign.start_time is not None and now < campaign.start_time:
        return False
    if campaign.end_time is not None and now >= campaign.end_time:
        return False
    linked = campaign.linked_store_ids  # None: every store; a set (even empty): only these stores
    return linked is None or (store is not None and store in linked)


def coupon_rejection(
    coupon: Coupon, campaign: Campaign, profile: str, scope: Scope, ledger: Ledger, now: datetime
) -> tuple[str, str] | None:
    """(reason, details) for a coupon that cannot be redeemed in this session, or None."""
    if coupon.start_date is not None and coupon.start_date > now:
        return "CouponStartDateInFuture", "the coupon is not valid yet"
    if coupon.expiry_date is not None and coupon.expiry_date <= now:
        return "CouponExpired", "the coupon has expired"
    if coupon.recipient_integration_id and coupon.recipient_integration_id != profile:
        return "CouponRecipientDoesNotMatch", "the coupon belongs to another customer"
    if coupon.is_reservation_mandatory and not coupon.reserved_by_profile:
        return "CouponReservationRequired", "the coupon must be reserved by the customer"
    profile_limits = [
        limit
        for limit in (*campaign.limits, *coupon.limits)
        if limit.action == "redeemCoupon" and "Profile" in limit.entities
    ]
    if profile_limits and not profile:
        return "ProfileRequired", "the coupon's limits need a customer profile"
    if coupon.usage_limit and coupon.usage_counter + _pending_uses(ledger, coupon) >= coupon.usage_limit:
        return "CampaignLimitReached", "coupon usage limit reached"
    own = Scope(profile or None, coupon.id, scope.referral_id, scope.identifiers, scope.store, scope.session)
    coupon_limits = [_with_coupon(limit) for limit in coupon.limits]
    if coupon_limits and (ledger.room(campaign.id, coupon_limits, "redeemCoupon", own) or Decimal(1)) < 1:
        return "ProfileLimitReached", "the customer's limit for this coupon is reached"
    for limit in campaign.limits:
        if limit.action != "redeemCoupon":
            continue
        room = ledger.room(campaign.id, [limit], "redeemCoupon", own)
        if room is not None and room < 1:
            if "Profile" in limit.entities:
                return "ProfileLimitReached", "the customer's redemption limit is reached"
            return "CampaignLimitReached", "the campaign's redemption limit is reached"
    return None


def referral_rejection(
    referral: Referral, campaign: Campaign, profile: str, scope: Scope, ledger: Ledger, now: datetime
) -> tuple[str, str] | None:
    if profile and referral.advocate_integration_id == profile:
        return "ReferralRecipientIdSameAsAdvocate", "the advocate cannot use their own referral code"
    if referral.friend_integration_id and referral.friend_integration_id != profile:
        return "ReferralRecipientDoesNotMatch", "the referral code belongs to another friend"
    if referral.start_date is not None and referral.start_date > now:
        return "ReferralStartDateInFuture", "the referral code is not valid yet"
    if referral.expiry_date is not None and referral.expiry_date <= now:
        return "ReferralExpired", "the referral code has expired"
    if referral.usage_limit and referral.usage_counter >= referral.usage_limit:
        return "ReferralLimitReached", "referral usage limit reached"
    for limit in campaign.limits:
        if limit.action != "redeemReferral":
            continue
        room = ledger.room(campaign.id, [limit], "redeemReferral", scope)
        if room is not None and room < 1:
            if "Profile" in limit.entities:
                return "ProfileLimitReached", "the customer's referral limit is reached"
            return "CampaignLimitReached", "the campaign's referral limit is reached"
    return None


def coupon_limits(coupon: Coupon) -> list[Limit]:
    """A coupon's own limits: counted per coupon (and per whatever else they name)."""
    return [_with_coupon(limit) for limit in coupon.limits]


def _with_coupon(limit: Limit) -> Limit:
    entities = limit.entities if "Coupon" in limit.entities else (*limit.entities, "Coupon")
    return Limit(limit.action, limit.limit, limit.period, entities)


def _pending_uses(ledger: Ledger, coupon: Coupon) -> int:
    return int(ledger.pending.get((coupon.campaign_id, "__coupon__", str(coupon.id), ""), Decimal(0)))


__all__ = ["campaign_running", "coupon_limits", "coupon_rejection", "referral_rejection"]
