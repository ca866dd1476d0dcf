"""Campaign analytics, read back per day (in the application's time zone) from ``campaign_analytics``,
which closing, cancelling and returning sessions keep up to date; ``granularity`` groups the days into
weeks, months or years. They are kept per day, so ``1 hour`` is a 400. The ``total*`` figures run from
the campaign's first day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from openpromo.services.access import require_campaign
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import InvalidInput
from openpromo.services.models.activity import AnalyticsPage, CampaignAnalytics
from openpromo.services.ports import Clock, UnitOfWorkFactory

GRANULARITIES = ("1 day", "1 week", "1 month", "1 year")
_METRICS = (
    "revenue",
    "refunds",
    "discounts",
    "refunded_discounts",
    "free_items",
    "coupon_redemptions",
    "coupon_rollbacks",
    "referral_redemptions",
    "coupons_created",
    "referrals_created",
    "loyalty_points_added",
    "loyalty_points_deducted",
)


class AnalyticsService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def campaign(
        self,
        principal: ManagementPrincipal,
        app_id: int,
        campaign_id: int,
        start: datetime,
        end: datetime,
        granularity: str,
    ) -> AnalyticsPage:
        if granularity not in GRANULARITIES:
            raise InvalidInput(
                f"granularity is one of {', '.join(GRANULARITIES)} (analytics are kept per day)",
                parameter="granularity",
            )
        if end < start:
            raise InvalidInput("rangeEnd is before rangeStart", parameter="rangeEnd")
        with self._uow(write=False) as uow:
            require_campaign(uow.records, principal, app_id, campaign_id)
            rows = uow.records.find("campaign_analytics", {"campaign_id": campaign_id}, order="date").rows
        buckets: dict[datetime, dict[str, Decimal]] = {}
        totals: dict[str, Decimal] = {}
        for row in rows:
            day = datetime(row["date"].year, row["date"].month, row["date"].day, tzinfo=UTC)
            values = {k: Decimal(row[k]) for k in _METRICS}
            for key, value in values.items():
                totals[key] = totals.get(key, Decimal(0)) + value
            if day + timedelta(days=1) <= start or day > end:
                continue  # the day does not overlap the range
            current = buckets.setdefault(_bucket(day, granularity), {k: Decimal(0) for k in _METRICS})
            for key, value in values.items():
                current[key] += value
            current.update({f"total_{k}": v for k, v in totals.items()})
        data = [_analytics(day, values) for day, values in sorted(buckets.items())]
        return AnalyticsPage(total_result_size=len(data), data=data)


def _bucket(day: datetime, granularity: str) -> datetime:
    if granularity == "1 week":
        return day - timedelta(days=day.weekday())
    if granularity == "1 month":
        return day.replace(day=1)
    if granularity == "1 year":
        return day.replace(month=1, day=1)
    return day


def _analytics(day: datetime, v: dict[str, Decimal]) -> CampaignAnalytics:
    def total(key: str) -> Decimal:
        return v.get(f"total_{key}", v[key])

    return CampaignAnalytics(
        date=day,
        campaign_revenue=v["revenue"],
        total_campaign_revenue=total("revenue"),
        campaign_refund=v["refunds"],
        total_campaign_refund=total("refunds"),
        campaign_discount_costs=v["discounts"],
        total_campaign_discount_costs=total("discounts"),
        campaign_refunded_discounts=v["refunded_discounts"],
        total_campaign_refunded_discounts=total("refunded_discounts"),
        campaign_free_items=int(v["free_items"]),
        total_campaign_free_items=int(total("free_items")),
        coupon_redemptions=int(v["coupon_redemptions"]),
        total_coupon_redemptions=int(total("coupon_redemptions")),
        coupon_rolledback_redemptions=int(v["coupon_rollbacks"]),
        total_coupon_rolledback_redemptions=int(total("coupon_rollbacks")),
        referral_redemptions=int(v["referral_redemptions"]),
        total_referral_redemptions=int(total("referral_redemptions")),
        coupons_created=int(v["coupons_created"]),
        total_coupons_created=int(total("coupons_created")),
        referrals_created=int(v["referrals_created"]),
        total_referrals_created=int(total("referrals_created")),
        added_loyalty_points=v["loyalty_points_added"],
        total_added_loyalty_points=total("loyalty_points_added"),
        deducted_loyalty_points=v["loyalty_points_deducted"],
        total_deducted_loyalty_points=total("loyalty_points_deducted"),
    )


__all__ = ["GRANULARITIES", "AnalyticsService"]
