"""Management API: the account's audiences, their members, the members' CSV export and import (audiences
themselves are written through the Integration API)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.routing import MANAGEMENT, PageSize, Skip, Sort, WithTotal, page
from openpromo.services.errors import InvalidInput
from openpromo.services.models.base import Page
from openpromo.services.models.coupons import Import

Req = Request[Any, Any, Any]
MEMBERSHIPS = "/v1/audiences/{audience_id:int}/memberships"


@get("/v1/audiences", operation_id="getAudiences", **MANAGEMENT)
async def list_audiences(
    request: Req,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    with_total_result_size: WithTotal = False,
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.audience_management.list(
            principal, page(page_size, skip, sort), with_total=with_total_result_size
        ),
    )


def _audience_ids(text: str | None) -> list[int]:
    """``audienceIds`` (required): ids separated by commas; an id no audience can have is left out."""
    if text is None:
        raise InvalidInput("audienceIds is required", parameter="audienceIds")
    try:
        ids = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InvalidInput("audienceIds is a comma-separated list of ids", parameter="audienceIds") from None
    return [i for i in ids if 0 < i < 2**63]


@get("/v1/audiences/analytics", operation_id="getAudiencesAnalytics", **MANAGEMENT)
async def audiences_analytics(
    request: Req,
    audience_ids: Annotated[str | None, QueryParameter(name="audienceIds", required=False)] = None,
    sort: Sort = None,
) -> Page:
    """``audienceIds`` is checked after the credentials, as every required parameter."""
    return await endpoint.management(
        request,
        lambda use, principal: use.audience_management.analytics(
            principal, _audience_ids(audience_ids), sort
        ),
    )


@get(MEMBERSHIPS, operation_id="getAudienceMemberships", **MANAGEMENT)
async def list_audience_memberships(
    request: Req,
    audience_id: int,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    profile_query: Annotated[str | None, QueryParameter(name="profileQuery", required=False)] = None,
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.audience_management.members(
            principal, audience_id, page(page_size, skip, sort), profile_query
        ),
    )


@get(
    MEMBERSHIPS + "/export", operation_id="exportAudiencesMemberships", media_type=endpoint.CSV, **MANAGEMENT
)
async def export_audience_memberships(request: Req, audience_id: int) -> Response[bytes]:
    return await endpoint.csv_export(
        request, lambda use, principal: use.audience_management.export(principal, audience_id)
    )


@post(MEMBERSHIPS + "/import", operation_id="importAudiencesMemberships", status_code=200, **MANAGEMENT)
async def import_audience_memberships(request: Req, audience_id: int) -> Import:
    """Multipart upload with the CSV in ``upFile`` (a plain ``text/csv`` body is accepted too); the
    audience's members become the file's."""
    return await endpoint.upload(
        request,
        lambda use, principal, content: use.audience_management.import_members(
            principal, audience_id, content
        ),
    )


ROUTES = [
    list_audiences,
    audiences_analytics,
    list_audience_memberships,
    import_audience_memberships,
    export_audience_memberships,
]

__all__ = ["ROUTES"]
