"""Management API, read side: an application's sessions, customers, events; campaign analytics."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import QueryParameter

from openpromo.api.auth import management, services
from openpromo.api.routing import MANAGEMENT, PageSize, Skip, Sort, in_thread, page, time_parameter
from openpromo.services.errors import InvalidInput
from openpromo.services.models.activity import AnalyticsPage, ApplicationCustomer, ApplicationSession
from openpromo.services.models.base import Page

Req = Request[Any, Any, Any]
APP = "/v1/applications/{application_id:int}"


def Query(name: str) -> Any:
    return QueryParameter(name=name, required=False)


Text = Annotated[str | None, QueryParameter(required=False)]


@get(APP + "/sessions", operation_id="getApplicationSessions", **MANAGEMENT)
async def list_sessions(
    request: Req,
    application_id: int,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    profile: Text = None,
    session_state: Annotated[str | None, Query("state")] = None,
    coupon: Text = None,
    referral: Text = None,
    integration_id: Annotated[str | None, Query("integrationId")] = None,
    store_integration_id: Annotated[str | None, Query("storeIntegrationId")] = None,
    created_before: Annotated[str | None, Query("createdBefore")] = None,
    created_after: Annotated[str | None, Query("createdAfter")] = None,
) -> Page:
    def run() -> Page:
        principal = management(request)
        filters = {
            "profile_integration_id": profile,
            "state": session_state,
            "coupon": coupon,
            "referral_code": referral,
            "integration_id": integration_id,
            "store_integration_id": store_integration_id,
            "created_before": time_parameter("createdBefore", created_before),
            "created_after": time_parameter("createdAfter", created_after),
        }
        return services(request).activity.sessions(
            principal, application_id, page(page_size, skip, sort), filters
        )

    return await in_thread(run)


@get(APP + "/sessions/{session_id:int}", operation_id="getApplicationSession", **MANAGEMENT)
async def get_session(request: Req, application_id: int, session_id: int) -> ApplicationSession:
    def run() -> ApplicationSession:
        return services(request).activity.session(management(request), application_id, session_id)

    return await in_thread(run)


@get(APP + "/customers", operation_id="getApplicationCustomers", **MANAGEMENT)
async def list_customers(
    request: Req,
    application_id: int,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    integration_id: Annotated[str | None, Query("integrationId")] = None,
) -> Page:
    def run() -> Page:
        principal = management(request)
        return services(request).activity.customers(
            principal, application_id, page(page_size, skip, None), integration_id
        )

    return await in_thread(run)


@get(APP + "/customers/{customer_id:int}", operation_id="getApplicationCustomer", **MANAGEMENT)
async def get_customer(request: Req, application_id: int, customer_id: int) -> ApplicationCustomer:
    def run() -> ApplicationCustomer:
        return services(request).activity.customer(management(request), application_id, customer_id)

    return await in_thread(run)


@get(APP + "/events/no_total", operation_id="getApplicationEventsWithoutTotalCount", **MANAGEMENT)
async def list_events(
    request: Req,
    application_id: int,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    type: Text = None,
    session: Text = None,
    profile: Text = None,
    created_before: Annotated[str | None, Query("createdBefore")] = None,
    created_after: Annotated[str | None, Query("createdAfter")] = None,
) -> Page:
    def run() -> Page:
        principal = management(request)
        filters = {
            "type": type,
            "session_integration_id": session,
            "profile_integration_id": profile,
            "created_before": time_parameter("createdBefore", created_before),
            "created_after": time_parameter("createdAfter", created_after),
        }
        return services(request).activity.events(
            principal, application_id, page(page_size, skip, sort), filters
        )

    return await in_thread(run)


@get(APP + "/campaigns/{campaign_id:int}/analytics", operation_id="getCampaignAnalytics", **MANAGEMENT)
async def campaign_analytics(
    request: Req,
    application_id: int,
    campaign_id: int,
    range_start: Annotated[str | None, Query("rangeStart")] = None,
    range_end: Annotated[str | None, Query("rangeEnd")] = None,
    granularity: Annotated[str, QueryParameter(name="granularity", required=False)] = "1 day",
) -> AnalyticsPage:
    def run() -> AnalyticsPage:
        principal = management(request)
        start = time_parameter("rangeStart", range_start)
        end = time_parameter("rangeEnd", range_end)
        if start is None or end is None:
            raise InvalidInput(
                "rangeStart and rangeEnd are required",
                parameter="rangeStart" if start is None else "rangeEnd",
            )
        return services(request).activity.analytics(
            principal, application_id, campaign_id, start, end, granularity
        )

    return await in_thread(run)


ROUTES = [list_sessions, get_session, list_customers, get_customer, list_events, campaign_analytics]

__all__ = ["ROUTES"]
