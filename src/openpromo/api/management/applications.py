"""Management API: applications and their Integration API keys."""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, get, post, put

from openpromo.api.auth import management, services
from openpromo.api.codec import decode
from openpromo.api.routing import MANAGEMENT, PageSize, Skip, Sort, body, page, run_blocking
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
    def run() -> Application:
        return services(request).applications.create(management(request), decode(body, NewApplication))

    return await run_blocking(run)


@get("/v1/applications", operation_id="getApplications", **MANAGEMENT)
async def list_applications(
    request: Req, page_size: PageSize = 1000, skip: Skip = 0, sort: Sort = None
) -> Page:
    def run() -> Page:
        return services(request).applications.list(management(request), page(page_size, skip, sort))

    return await run_blocking(run)


@get("/v1/applications/{application_id:int}", operation_id="getApplication", **MANAGEMENT)
async def get_application(request: Req, application_id: int) -> Application:
    def run() -> Application:
        return services(request).applications.get(management(request), application_id)

    return await run_blocking(run)


@put(
    "/v1/applications/{application_id:int}",
    operation_id="updateApplication",
    **MANAGEMENT,
    **body(UpdateApplication),
)
async def update_application(request: Req, application_id: int, body: bytes) -> Application:
    def run() -> Application:
        principal = management(request)
        data = decode(body, UpdateApplication)
        return services(request).applications.update(principal, application_id, data)

    return await run_blocking(run)


@delete("/v1/applications/{application_id:int}", operation_id="deleteApplication", **MANAGEMENT)
async def delete_application(request: Req, application_id: int) -> None:
    def run() -> None:
        services(request).applications.delete(management(request), application_id)

    return await run_blocking(run)


@post(
    "/v1/applications/{application_id:int}/api_keys",
    operation_id="createApplicationAPIKey",
    status_code=201,
    **MANAGEMENT,
    **body(CreateApplicationAPIKey),
)
async def create_api_key(request: Req, application_id: int, body: bytes) -> NewApplicationAPIKey:
    def run() -> NewApplicationAPIKey:
        principal = management(request)
        data = decode(body, CreateApplicationAPIKey)
        return services(request).applications.create_api_key(principal, application_id, data)

    return await run_blocking(run)


@get("/v1/applications/{application_id:int}/api_keys", operation_id="getApplicationApiKeys", **MANAGEMENT)
async def list_api_keys(
    request: Req, application_id: int, page_size: PageSize = 1000, skip: Skip = 0
) -> Page:
    def run() -> Page:
        return services(request).applications.list_api_keys(
            management(request), application_id, page(page_size, skip, None)
        )

    return await run_blocking(run)


@delete(
    "/v1/applications/{application_id:int}/api_keys/{api_key_id:int}",
    operation_id="deleteApplicationApiKey",
    **MANAGEMENT,
)
async def delete_api_key(request: Req, application_id: int, api_key_id: int) -> None:
    def run() -> None:
        services(request).applications.delete_api_key(management(request), application_id, api_key_id)

    return await run_blocking(run)


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
