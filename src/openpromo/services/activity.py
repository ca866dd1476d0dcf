"""Read-side use cases: an application's sessions, customers and events, and campaign analytics.

An application's customers are the profiles that have sessions in it (profiles are account-level).
Analytics are per day (in the application's time zone) from ``campaign_analytics``, which closing,
cancelling and returning sessions keep up to date; ``granularity`` groups days into weeks, months or years.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from openpromo.services.applications import require_application
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.campaigns import CampaignService
from openpromo.services.errors import InvalidInput, NotFound
from openpromo.services.models.activity import (
    AnalyticsPage,
    ApplicationCustomer,
    ApplicationEvent,
    ApplicationSession,
    CampaignAnalytics,
)
from openpromo.services.models.base import Page
from openpromo.services.models.convert import from_row
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Clock, Row, UnitOfWorkFactory
from openpromo.services.session_output import session_record, wire_effects

_DISCOUNTS = {
    "setDiscount",
    "setDiscountPerItem",
    "setDiscountPerAdditionalCost",
    "setDiscountPerAdditionalCostPerItem",
}


def application_session(row: Row) -> ApplicationSession:
    discounts: dict[str, Decimal] = {}
    for effect in row["effects"]:
        if effect["effectType"] in _DISCOUNTS:
            name = effect["props"]["name"]
            discounts[name] = discounts.get(name, Decimal(0)) + Decimal(str(effect["props"]["value"]))
    session = session_record(row)
    return ApplicationSession(
        id=row["id"],
        created=row["created"],
        integration_id=row["integration_id"],
        store_integration_id=row["store_integration_id"],
        application_id=row["application_id"],
        profile_id=row["profile_id"],
        profileintegrationid=row["profile_integration_id"] or None,
        coupon=(row["coupon_codes"] or [""])[0],
        referral=row["referral_code"] or "",
        state=row["state"],
        cart_items=session.cart_items,
        discounts=discounts,
        total_discounts=sum(discounts.values(), Decimal(0)),
        total=row["total"],
        attributes=row["attributes"],
    )


def application_customer(row: Row) -> ApplicationCustomer:
    return from_row(ApplicationCustomer, row, last_activity=row["last_activity"] or row["created"])


def application_event(row: Row) -> ApplicationEvent:
    return ApplicationEvent(
        id=row["id"],
        created=row["created"],
        application_id=row["application_id"],
        profile_id=row["profile_id"],
        store_integration_id=row["store_integration_id"],
        type=row["type"],
        attributes=row["attributes"],
        effects=wire_effects(row["effects"]),
    )


class ActivityService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, campaigns: CampaignService) -> None:
        self._uow = uow
        self._clock = clock
        self._campaigns = campaigns

    def sessions(
        self, principal: ManagementPrincipal, app_id: int, page: PageRequest, filters: dict[str, Any]
    ) -> Page:
        where: dict[str, Any] = {"application_id": app_id}
        for key in (
            "profile_integration_id",
            "state",
            "integration_id",
            "store_integration_id",
            "referral_code",
        ):
            if filters.get(key) is not None:
                where[key] = filters[key]
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, app_id)
            if not any(filters.get(k) for k in ("coupon", "created_before", "created_after")):
                return list_page(
                    uow.records, "customer_sessions", where, page, application_session, default_order="-id"
                )
            rows = uow.records.find("customer_sessions", where, order="-id").rows
        kept = [
            r
            for r in rows
            if (not filters.get("coupon") or filters["coupon"] in (r["coupon_codes"] or []))
            and (not filters.get("created_before") or r["created"] < filters["created_before"])
            and (not filters.get("created_after") or r["created"] > filters["created_after"])
        ]
        chunk = kept[page.skip : page.skip + page.page_size + 1]
        return Page(
            has_more=len(chunk) > page.page_size,
            data=[application_session(r) for r in chunk[: page.page_size]],
        )

    def session(self, principal: ManagementPrincipal, app_id: int, session_id: int) -> ApplicationSession:
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, app_id)
            row = uow.records.get("customer_sessions", session_id, application_id=app_id)
        if row is None:
            raise NotFound("session", session_id)
        return application_session(row)

    def customers(
        self, principal: ManagementPrincipal, app_id: int, page: PageRequest, integration_id: str | None
    ) -> Page:
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, app_id)
            if integration_id:
                row = uow.records.find_one(
                    "customer_profiles", account_id=principal.account_id, integration_id=integration_id
                )
                linked = row is not None and uow.records.count(
                    "customer_sessions", application_id=app_id, profile_integration_id=integration_id
                )
                rows = [row] if row is not None and linked else []
                return Page(has_more=False, data=[application_customer(r) for r in rows])
            rows = uow.sessions.application_profiles(
                app_id, principal.account_id, page.skip, page.page_size + 1
            )
        return Page(
            has_more=len(rows) > page.page_size,
            data=[application_customer(r) for r in rows[: page.page_size]],
        )

    def customer(self, principal: ManagementPrincipal, app_id: int, customer_id: int) -> ApplicationCustomer:
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, app_id)
            row = uow.records.get("customer_profiles", customer_id, account_id=principal.account_id)
            if row is not None and not uow.records.count(
                "customer_sessions", application_id=app_id, profile_integration_id=row["integration_id"]
            ):
                row = None
        if row is None:
            raise NotFound("customer", customer_id)
        return application_customer(row)

    def events(
        self, principal: ManagementPrincipal, app_id: int, page: PageRequest, filters: dict[str, Any]
    ) -> Page:
        where: dict[str, Any] = {"application_id": app_id}
        for key in ("type", "session_integration_id", "profile_integration_id"):
            if filters.get(key) is not None:
                where[key] = filters[key]
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, app_id)
            if not filters.get("created_before") and not filters.get("created_after"):
                return list_page(uow.records, "events", where, page, application_event, default_order="-id")
            rows = uow.records.find("events", where, order="-id").rows
        kept = [
            r
            for r in rows
            if (not filters.get("created_before") or r["created"] < filters["created_before"])
            and (not filters.get("created_after") or r["created"] > filters["created_after"])
        ]
        chunk = kept[page.skip : page.skip + page.page_size + 1]
        return Page(
            has_more=len(chunk) > page.page_size, data=[application_event(r) for r in chunk[: page.page_size]]
        )

    def analytics(
        self,
        principal: ManagementPrincipal,
        app_id: int,
        campaign_id: int,
        start: datetime,
        end: datetime,
        granularity: str,
    ) -> AnalyticsPage:
        if granularity not in ("1 day", "1 week", "1 month", "1 year"):
            raise InvalidInput(
                "granularity is one of 1 day, 1 week, 1 month, 1 year", parameter="granularity"
            )
        if end < start:
            raise InvalidInput("rangeEnd is before rangeStart", parameter="rangeEnd")
        with self._uow(write=False) as uow:
            self._campaigns._require(uow.records, principal, app_id, campaign_id)
            rows = uow.records.find("campaign_analytics", {"campaign_id": campaign_id}, order="date").rows
        buckets: dict[datetime, dict[str, Decimal]] = {}
        totals: dict[str, Decimal] = {}
        for row in rows:
            day = datetime(row["date"].year, row["date"].month, row["date"].day, tzinfo=UTC)
            values = {k: Decimal(row[k]) for k in _METRICS}
            for key, value in values.items():
                totals[key] = totals.get(key, Decimal(0)) + value
            row["_totals"] = dict(totals)
            if not start <= day <= end:
                continue
            bucket = _bucket(day, granularity)
            current = buckets.setdefault(bucket, {k: Decimal(0) for k in _METRICS})
            for key, value in values.items():
                current[key] += value
            current.update({f"total_{k}": v for k, v in row["_totals"].items()})
        data = [_analytics(day, values) for day, values in sorted(buckets.items())]
        return AnalyticsPage(total_result_size=len(data), data=data)


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


__all__ = ["ActivityService", "application_customer", "application_event", "application_session"]
