"""Management API: custom attributes, additional costs, event types and stores."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Request, delete, get, post, put
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.routing import MANAGEMENT, PageSize, Skip, Sort, WithTotal, body, page
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
    return await endpoint.management(
        request,
        lambda use, principal: use.definitions.create_attribute(
            principal, endpoint.decoded(body, NewAttribute)
        ),
    )


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
    return await endpoint.management(
        request,
        lambda use, principal: use.definitions.list_attributes(
            principal,
            page(page_size, skip, sort),
            {
                "entity": entity,
                "application_ids": _ids("applicationIds", application_ids),
                "type": type,
                "kind": kind,
                "search": search,
            },
        ),
    )


@get("/v1/attributes/{attribute_id:int}", operation_id="getAttribute", **MANAGEMENT)
async def get_attribute(request: Req, attribute_id: int) -> Attribute:
    return await endpoint.management(
        request, lambda use, principal: use.definitions.get_attribute(principal, attribute_id)
    )


@put("/v1/attributes/{attribute_id:int}", operation_id="updateAttribute", **MANAGEMENT, **body(NewAttribute))
async def update_attribute(request: Req, attribute_id: int, body: bytes) -> Attribute:
    return await endpoint.management(
        request,
        lambda use, principal: use.definitions.update_attribute(
            principal, attribute_id, endpoint.decoded(body, NewAttribute)
        ),
    )


@post(
    "/v1/additional_costs",
    operation_id="createAdditionalCost",
    status_code=201,
    **MANAGEMENT,
    **body(NewAdditionalCost),
)
async def create_cost(request: Req, body: bytes) -> AccountAdditionalCost:
    return await endpoint.management(
        request,
        lambda use, principal: use.definitions.create_cost(
            principal, endpoint.decoded(body, NewAdditionalCost)
        ),
    )


@get("/v1/additional_costs", operation_id="getAdditionalCosts", **MANAGEMENT)
async def list_costs(request: Req, page_size: PageSize = 1000, skip: Skip = 0, sort: Sort = None) -> Page:
    return await endpoint.management(
        request, lambda use, principal: use.definitions.list_costs(principal, page(page_size, skip, sort))
    )


@get("/v1/additional_costs/{cost_id:int}", operation_id="getAdditionalCost", **MANAGEMENT)
async def get_cost(request: Req, cost_id: int) -> AccountAdditionalCost:
    return await endpoint.management(
        request, lambda use, principal: use.definitions.get_cost(principal, cost_id)
    )


@put(
    "/v1/additional_costs/{cost_id:int}",
    operation_id="updateAdditionalCost",
    **MANAGEMENT,
    **body(NewAdditionalCost),
)
async def update_cost(request: Req, cost_id: int, body: bytes) -> AccountAdditionalCost:
    return await endpoint.management(
        request,
        lambda use, principal: use.definitions.update_cost(
            principal, cost_id, endpoint.decoded(body, NewAdditionalCost)
        ),
    )


@post("/v1/event_types", operation_id="createEventType", status_code=201, **MANAGEMENT, **body(NewEventType))
async def create_event_type(request: Req, body: bytes) -> EventType:
    return await endpoint.management(
        request,
        lambda use, principal: use.definitions.create_event_type(
            principal, endpoint.decoded(body, NewEventType)
        ),
    )


@get("/v1/event_types", operation_id="getEventTypes", **MANAGEMENT)
async def list_event_types(
    request: Req,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    name: Text = None,
    include_old_versions: Annotated[bool, QueryParameter(name="includeOldVersions", required=False)] = False,
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.definitions.list_event_types(principal, page(page_size, skip, sort), name),
    )


@post(STORES, operation_id="createStore", status_code=201, **MANAGEMENT, **body(NewStore))
async def create_store(request: Req, application_id: int, body: bytes) -> Store:
    return await endpoint.management(
        request,
        lambda use, principal: use.stores.create(principal, application_id, endpoint.decoded(body, NewStore)),
    )


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
    return await endpoint.management(
        request,
        lambda use, principal: use.stores.list(
            principal,
            application_id,
            page(page_size, skip, sort),
            {"name": name, "integration_id": integration_id, "campaign_id": campaign_id, "query": search},
            with_total=with_total_result_size,
        ),
    )


@get(STORES + "/{store_id:int}", operation_id="getStore", **MANAGEMENT)
async def get_store(request: Req, application_id: int, store_id: int) -> Store:
    return await endpoint.management(
        request, lambda use, principal: use.stores.get(principal, application_id, store_id)
    )


@put(STORES + "/{store_id:int}", operation_id="updateStore", **MANAGEMENT, **body(NewStore))
async def update_store(request: Req, application_id: int, store_id: int, body: bytes) -> Store:
    return await endpoint.management(
        request,
        lambda use, principal: use.stores.update(
            principal, application_id, store_id, endpoint.decoded(body, NewStore)
        ),
    )


@delete(STORES + "/{store_id:int}", operation_id="deleteStore", **MANAGEMENT)
async def delete_store(request: Req, application_id: int, store_id: int) -> None:
    return await endpoint.management(
        request, lambda use, principal: use.stores.delete(principal, application_id, store_id)
    )


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
