"""Management API, read side: an application's sessions, customers, events; campaign analytics."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Request, get
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.routing import (
    MANAGEMENT,
    CreatedAfter,
    CreatedBefore,
    PageSize,
    Skip,
    Sort,
    Text,
    WithTotal,
    page,
    required_range,
    time_ranges,
)
from openpromo.services.models.activity import AnalyticsPage, ApplicationCustomer, ApplicationSession
from openpromo.services.models.base import Page

Req = Request[Any, Any, Any]
APP = "/v1/applications/{application_id:int}"
State = Annotated[
    Literal["open", "closed", "partially_returned", "cancelled"] | None,
    QueryParameter(name="state", required=False),
]
Granularity = Annotated[
    Literal["1 hour", "1 day", "1 week", "1 month", "1 year"],
    QueryParameter(name="granularity", required=False),
]


def _q(name: str, **constraints: Any) -> Any:
    return QueryParameter(name=name, required=False, **constraints)


@get(APP + "/sessions", operation_id="getApplicationSessions", **MANAGEMENT)
async def list_sessions(
    request: Req,
    application_id: int,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    partial_match: Annotated[bool, _q("partialMatch")] = False,
    profile: Text = None,
    session_state: State = None,
    created_before: CreatedBefore = None,
    created_after: CreatedAfter = None,
    coupon: Text = None,
    referral: Text = None,
    integration_id: Annotated[str | None, _q("integrationId")] = None,
    store_integration_id: Annotated[str | None, _q("storeIntegrationId")] = None,
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.activity.sessions(
            principal,
            application_id,
            page(page_size, skip, sort),
            {
                "partial_match": partial_match,
                "profile": profile,
                "state": session_state,
                "coupon": coupon,
                "referral": referral,
                "integration_id": integration_id,
                "store_integration_id": store_integration_id,
                **time_ranges(created=(created_before, created_after)),
            },
        ),
    )


@get(APP + "/sessions/{session_id:int}", operation_id="getApplicationSession", **MANAGEMENT)
async def get_session(request: Req, application_id: int, session_id: int) -> ApplicationSession:
    return await endpoint.management(
        request, lambda use, principal: use.activity.session(principal, application_id, session_id)
    )


@get(APP + "/customers", operation_id="getApplicationCustomers", **MANAGEMENT)
async def list_customers(
    request: Req,
    application_id: int,
    integration_id: Annotated[str | None, _q("integrationId")] = None,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    with_total_result_size: WithTotal = False,
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.activity.customers(
            principal,
            application_id,
            page(page_size, skip, None),
            integration_id,
            with_total=with_total_result_size,
        ),
    )


@get(APP + "/customers/{customer_id:int}", operation_id="getApplicationCustomer", **MANAGEMENT)
async def get_customer(request: Req, application_id: int, customer_id: int) -> ApplicationCustomer:
    return await endpoint.management(
        request, lambda use, principal: use.activity.customer(principal, application_id, customer_id)
    )


@get(APP + "/events/no_total", operation_id="getApplicationEventsWithoutTotalCount", **MANAGEMENT)
async def list_events(
    request: Req,
    application_id: int,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    type: Text = None,
    created_before: CreatedBefore = None,
    created_after: CreatedAfter = None,
    session: Text = None,
    profile: Text = None,
    customer_name: Annotated[str | None, _q("customerName", min_length=2)] = None,
    customer_email: Annotated[str | None, _q("customerEmail", min_length=2)] = None,
    coupon_code: Annotated[str | None, _q("couponCode")] = None,
    referral_code: Annotated[str | None, _q("referralCode")] = None,
    rule_query: Annotated[str | None, _q("ruleQuery")] = None,
    campaign_query: Annotated[str | None, _q("campaignQuery")] = None,
    effect_type: Annotated[str | None, _q("effectType")] = None,
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.activity.events(
            principal,
            application_id,
            page(page_size, skip, sort),
            {
                "types": [t for t in type.split(",") if t] if type is not None else None,
                "session": session,
                "profile": profile,
                "customer_name": customer_name,
                "customer_email": customer_email,
                "coupon_code": coupon_code,
                "referral_code": referral_code,
                "rule_query": rule_query,
                "campaign_query": campaign_query,
                "effect_type": effect_type,
                **time_ranges(created=(created_before, created_after)),
            },
        ),
    )


@get(APP + "/campaigns/{campaign_id:int}/analytics", operation_id="getCampaignAnalytics", **MANAGEMENT)
async def campaign_analytics(
    request: Req,
    application_id: int,
    campaign_id: int,
    range_start: Annotated[str | None, _q("rangeStart")] = None,
    range_end: Annotated[str | None, _q("rangeEnd")] = None,
    granularity: Granularity = "1 day",
) -> AnalyticsPage:
    return await endpoint.management(
        request,
        lambda use, principal: use.analytics.campaign(
            principal, application_id, campaign_id, *required_range(range_start, range_end), granularity
        ),
    )


ROUTES = [list_sessions, get_session, list_customers, get_customer, list_events, campaign_analytics]

__all__ = ["ROUTES"]
