"""Integration API: the sync of a cart item catalog (``syncCatalog``; docs/offers.md "Catalogs")."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, put

from openpromo.api import endpoint
from openpromo.api.codec import convert
from openpromo.api.routing import INTEGRATION, body
from openpromo.services.errors import InvalidInput
from openpromo.services.models.catalogs import ACTION_PAYLOADS, CatalogSync, CatalogSyncRequest
from openpromo.services.models.programs import Catalog

Req = Request[Any, Any, Any]


def typed(body: bytes) -> CatalogSync:
    """The request with each action's payload decoded as its type says; every action of the first one's
    type (400 naming the first other one)."""
    request = endpoint.decoded(body, CatalogSyncRequest)
    first = request.actions[0].type
    payloads = []
    for index, action in enumerate(request.actions):
        if action.type != first:
            raise InvalidInput(
                f"every action of a sync request is of one type: {first}, not {action.type}",
                pointer=f"/actions/{index}/type",
            )
        model = ACTION_PAYLOADS[action.type]
        payloads.append(convert(action.payload, model, pointer=f"/actions/{index}/payload"))
    return CatalogSync(type=first, actions=payloads, version=request.version)


@put(
    "/v1/catalogs/{catalog_id:int}/sync",
    operation_id="syncCatalog",
    **INTEGRATION,
    **body(CatalogSyncRequest),
)
async def sync_catalog(request: Req, catalog_id: int, body: bytes) -> Response[Catalog]:
    return await endpoint.integration_write(
        request, body, lambda use, principal: use.catalog_sync.sync(principal, catalog_id, typed(body))
    )


ROUTES = [sync_catalog]

__all__ = ["ROUTES", "typed"]
