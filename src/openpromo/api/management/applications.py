"""Management API: applications and their Integration API keys."""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, get, post, put

from openpromo.api import endpoint
from openpromo.api.routing import MANAGEMENT, PageSize, Skip, Sort, body, page
from openpromo.services.models.applications import (
    Application,
    CreateApplicationAPIKey,
    NewApplication,
    NewApplicationAPIKey,
    UpdateApplication,
)
from openpromo.services.models.base import Page

Req = Request[Any, Any, Any]


@post(
    "/v1/applications",
    operation_id="createApplication",
    status_code=201,
    **MANAGEMENT,
    **body(NewApplication),
)
async def create_application(request: Req, body: bytes) -> Application:
    return await endpoint.management(
        request,
        lambda use, principal: use.applications.create(principal, endpoint.decoded(body, NewApplication)),
    )


@get("/v1/applications", operation_id="getApplications", **MANAGEMENT)
async def list_applications(
    request: Req, page_size: PageSize = 1000, skip: Skip = 0, sort: Sort = None
) -> Page:
    return await endpoint.management(
        request, lambda use, principal: use.applications.list(principal, page(page_size, skip, sort))
    )


@get("/v1/applications/{application_id:int}", operation_id="getApplication", **MANAGEMENT)
async def get_application(request: Req, application_id: int) -> Application:
    return await endpoint.management(
        request, lambda use, principal: use.applications.get(principal, application_id)
    )


@put(
    "/v1/applications/{application_id:int}",
    operation_id="updateApplication",
    **MANAGEMENT,
    **body(UpdateApplication),
)
async def update_application(request: Req, application_id: int, body: bytes) -> Application:
    return await endpoint.management(
        request,
        lambda use, principal: use.applications.update(
            principal, application_id, endpoint.decoded(body, UpdateApplication)
        ),
    )


@delete("/v1/applications/{application_id:int}", operation_id="deleteApplication", **MANAGEMENT)
async def delete_application(request: Req, application_id: int) -> None:
    return await endpoint.management(
        request, lambda use, principal: use.applications.delete(principal, application_id)
    )


@post(
    "/v1/applications/{application_id:int}/api_keys",
    operation_id="createApplicationAPIKey",
    status_code=201,
    **MANAGEMENT,
    **body(CreateApplicationAPIKey),
)
async def create_api_key(request: Req, application_id: int, body: bytes) -> NewApplicationAPIKey:
    return await endpoint.management(
        request,
        lambda use, principal: use.applications.create_api_key(
            principal, application_id, endpoint.decoded(body, CreateApplicationAPIKey)
        ),
    )


@get("/v1/applications/{application_id:int}/api_keys", operation_id="getApplicationApiKeys", **MANAGEMENT)
async def list_api_keys(
    request: Req, application_id: int, page_size: PageSize = 1000, skip: Skip = 0
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.applications.list_api_keys(
            principal, application_id, page(page_size, skip, None)
        ),
    )


@delete(
    "/v1/applications/{application_id:int}/api_keys/{api_key_id:int}",
    operation_id="deleteApplicationApiKey",
    **MANAGEMENT,
)
async def delete_api_key(request: Req, application_id: int, api_key_id: int) -> None:
    return await endpoint.management(
        request, lambda use, principal: use.applications.delete_api_key(principal, application_id, api_key_id)
    )


ROUTES = [
    create_application,
    list_applications,
    get_application,
    update_application,
    delete_application,
    create_api_key,
    list_api_keys,
    delete_api_key,
]

__all__ = ["ROUTES"]
