"""Management API: custom attributes, additional costs, event types and stores."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Request, delete, get, post, put
from litestar.params import QueryParameter

from openpromo.api.auth import management, services
from openpromo.api.codec import decode
from openpromo.api.routing import MANAGEMENT, PageSize, Skip, Sort, WithTotal, body, page, run_blocking
from openpromo.services.errors import InvalidInput
from openpromo.services.models.base import Page
from openpromo.services.models.definitions import (
    AccountAdditionalCost,
    Attribute,
    EventType,
    NewAdditionalCost,
    NewAttribute,
    NewEventType,
    NewStore,
    Store,
)

Req = Request[Any, Any, Any]
Text = Annotated[str | None, QueryParameter(required=False)]
STORES = "/v1/applications/{application_id:int}/stores"
ApplicationIds = Annotated[str | None, QueryParameter(name="applicationIds", required=False)]
Kind = Annotated[Literal["builtin", "custom"] | None, QueryParameter(required=False)]


def _ids(name: str, text: str | None) -> list[int] | None:
    """A comma-separated list of ids in a query parameter."""
    if text is None:
        return None
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InvalidInput(f"{name} is a comma-separated list of ids", parameter=name) from None


@post("/v1/attributes", operation_id="createAttribute", status_code=201, **MANAGEMENT, **body(NewAttribute))
async def create_attribute(request: Req, body: bytes) -> Attribute:
    def run() -> Attribute:
        principal = management(request)
        return services(request).definitions.create_attribute(principal, decode(body, NewAttribute))

    return await run_blocking(run)


@get("/v1/attributes", operation_id="getAttributes", **MANAGEMENT)
async def list_attributes(
    request: Req,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    entity: Text = None,
    application_ids: ApplicationIds = None,
    type: Text = None,
    kind: Kind = None,
    search: Text = None,
) -> Page:
    def run() -> Page:
        principal = management(request)
        filters = {
            "entity": entity,
            "application_ids": _ids("applicationIds", application_ids),
            "type": type,
            "kind": kind,
            "search": search,
        }
        return services(request).definitions.list_attributes(principal, page(page_size, skip, sort), filters)

    return await run_blocking(run)


@get("/v1/attributes/{attribute_id:int}", operation_id="getAttribute", **MANAGEMENT)
async def get_attribute(request: Req, attribute_id: int) -> Attribute:
    def run() -> Attribute:
        return services(request).definitions.get_attribute(management(request), attribute_id)

    return await run_blocking(run)


@put("/v1/attributes/{attribute_id:int}", operation_id="updateAttribute", **MANAGEMENT, **body(NewAttribute))
async def update_attribute(request: Req, attribute_id: int, body: bytes) -> Attribute:
    def run() -> Attribute:
        principal = management(request)
        return services(request).definitions.update_attribute(
            principal, attribute_id, decode(body, NewAttribute)
        )

    return await run_blocking(run)


@post(
    "/v1/additional_costs",
    operation_id="createAdditionalCost",
    status_code=201,
    **MANAGEMENT,
    **body(NewAdditionalCost),
)
async def create_cost(request: Req, body: bytes) -> AccountAdditionalCost:
    def run() -> AccountAdditionalCost:
        principal = management(request)
        return services(request).definitions.create_cost(principal, decode(body, NewAdditionalCost))

    return await run_blocking(run)


@get("/v1/additional_costs", operation_id="getAdditionalCosts", **MANAGEMENT)
async def list_costs(request: Req, page_size: PageSize = 1000, skip: Skip = 0, sort: Sort = None) -> Page:
    def run() -> Page:
        return services(request).definitions.list_costs(management(request), page(page_size, skip, sort))

    return await run_blocking(run)


@get("/v1/additional_costs/{cost_id:int}", operation_id="getAdditionalCost", **MANAGEMENT)
async def get_cost(request: Req, cost_id: int) -> AccountAdditionalCost:
    def run() -> AccountAdditionalCost:
        return services(request).definitions.get_cost(management(request), cost_id)

    return await run_blocking(run)


@put(
    "/v1/additional_costs/{cost_id:int}",
    operation_id="updateAdditionalCost",
    **MANAGEMENT,
    **body(NewAdditionalCost),
)
async def update_cost(request: Req, cost_id: int, body: bytes) -> AccountAdditionalCost:
    def run() -> AccountAdditionalCost:
        principal = management(request)
        return services(request).definitions.update_cost(principal, cost_id, decode(body, NewAdditionalCost))

    return await run_blocking(run)


@post("/v1/event_types", operation_id="createEventType", status_code=201, **MANAGEMENT, **body(NewEventType))
async def create_event_type(request: Req, body: bytes) -> EventType:
    def run() -> EventType:
        principal = management(request)
        return services(request).definitions.create_event_type(principal, decode(body, NewEventType))

    return await run_blocking(run)


@get("/v1/event_types", operation_id="getEventTypes", **MANAGEMENT)
async def list_event_types(
    request: Req,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    name: Text = None,
    include_old_versions: Annotated[bool, QueryParameter(name="includeOldVersions", required=False)] = False,
) -> Page:
    def run() -> Page:
        principal = management(request)
        return services(request).definitions.list_event_types(principal, page(page_size, skip, sort), name)

    return await run_blocking(run)


@post(STORES, operation_id="createStore", status_code=201, **MANAGEMENT, **body(NewStore))
async def create_store(request: Req, application_id: int, body: bytes) -> Store:
    def run() -> Store:
        principal = management(request)
        return services(request).stores.create(principal, application_id, decode(body, NewStore))

    return await run_blocking(run)


@get(STORES, operation_id="listStores", **MANAGEMENT)
async def list_stores(
    request: Req,
    application_id: int,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    with_total_result_size: WithTotal = False,
    campaign_id: Annotated[int | None, QueryParameter(name="campaignId", required=False)] = None,
    name: Text = None,
    integration_id: Annotated[str | None, QueryParameter(name="integrationId", required=False)] = None,
    search: Annotated[str | None, QueryParameter(name="query", required=False)] = None,
) -> Page:
    def run() -> Page:
        principal = management(request)
        filters = {
            "name": name,
            "integration_id": integration_id,
            "campaign_id": campaign_id,
            "query": search,
        }
        return services(request).stores.list(
            principal, application_id, page(page_size, skip, sort), filters, with_total=with_total_result_size
        )

    return await run_blocking(run)


@get(STORES + "/{store_id:int}", operation_id="getStore", **MANAGEMENT)
async def get_store(request: Req, application_id: int, store_id: int) -> Store:
    def run() -> Store:
        return services(request).stores.get(management(request), application_id, store_id)

    return await run_blocking(run)


@put(STORES + "/{store_id:int}", operation_id="updateStore", **MANAGEMENT, **body(NewStore))
async def update_store(request: Req, application_id: int, store_id: int, body: bytes) -> Store:
    def run() -> Store:
        principal = management(request)
        data = decode(body, NewStore)
        return services(request).stores.update(principal, application_id, store_id, data)

    return await run_blocking(run)


@delete(STORES + "/{store_id:int}", operation_id="deleteStore", **MANAGEMENT)
async def delete_store(request: Req, application_id: int, store_id: int) -> None:
    def run() -> None:
        services(request).stores.delete(management(request), application_id, store_id)

    await run_blocking(run)


ROUTES = [
    create_attribute,
    list_attributes,
    get_attribute,
    update_attribute,
    create_cost,
    list_costs,
    get_cost,
    update_cost,
    create_event_type,
    list_event_types,
    create_store,
    list_stores,
    get_store,
    update_store,
    delete_store,
]

__all__ = ["ROUTES"]
