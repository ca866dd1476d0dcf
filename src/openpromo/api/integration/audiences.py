"""Integration API: audiences, their memberships, and the attributes of their members."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, delete, post, put

from openpromo.api import endpoint
from openpromo.api.routing import INTEGRATION, body
from openpromo.services.models.audiences import (
    AttributeQuery,
    Audience,
    CustomerProfileAudienceRequest,
    NewAudience,
    UpdateAudience,
)

Req = Request[Any, Any, Any]
AUDIENCE = "/v2/audiences/{audience_id:int}"


@post("/v2/audiences", operation_id="createAudienceV2", status_code=201, **INTEGRATION, **body(NewAudience))
async def create_audience(request: Req, body: bytes) -> Response[Audience]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.audiences.create(principal, endpoint.decoded(body, NewAudience)),
        status_code=201,
    )


@put(AUDIENCE, operation_id="updateAudienceV2", **INTEGRATION, **body(UpdateAudience))
async def update_audience(request: Req, audience_id: int, body: bytes) -> Response[Audience]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.audiences.rename(
            principal, audience_id, endpoint.decoded(body, UpdateAudience).name
        ),
    )


@delete(AUDIENCE, operation_id="deleteAudienceV2", **INTEGRATION)
async def delete_audience(request: Req, audience_id: int) -> Response[None]:
    return await endpoint.integration_write(
        request, b"", lambda use, principal: use.audiences.delete(principal, audience_id), silent=True
    )


@delete(AUDIENCE + "/memberships", operation_id="deleteAudienceMembershipsV2", **INTEGRATION)
async def delete_audience_memberships(request: Req, audience_id: int) -> Response[None]:
    return await endpoint.integration_write(
        request, b"", lambda use, principal: use.audiences.clear(principal, audience_id), silent=True
    )


@post(
    "/v2/customer_audiences",
    operation_id="updateCustomerProfileAudiences",
    status_code=204,
    **INTEGRATION,
    **body(CustomerProfileAudienceRequest, names_ids=True),
)
async def update_customer_profile_audiences(request: Req, body: bytes) -> Response[None]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.audiences.change_memberships(
            principal, endpoint.decoded(body, CustomerProfileAudienceRequest)
        ),
        silent=True,
    )


@put(
    "/v2/audience_customers/{audience_id:int}/attributes",
    operation_id="updateAudienceCustomersAttributes",
    status_code=204,
    **INTEGRATION,
    **body(AttributeQuery),
)
async def update_audience_customers_attributes(request: Req, audience_id: int, body: bytes) -> Response[None]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.audiences.set_attributes(
            principal, audience_id, endpoint.decoded(body, AttributeQuery)
        ),
        silent=True,
    )


ROUTES = [
    create_audience,
    update_audience,
    delete_audience,
    delete_audience_memberships,
    update_customer_profile_audiences,
    update_audience_customers_attributes,
]

__all__ = ["ROUTES"]
