"""Management API: loyalty programs, giveaway pools and their codes, catalogs and their items."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post, put
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.routing import (
    MANAGEMENT,
    CreatedAfter,
    CreatedBefore,
    PageSize,
    Skip,
    WithTotal,
    body,
    page,
    time_ranges,
)
from openpromo.services.models.base import Page
from openpromo.services.models.coupons import Import
from openpromo.services.models.programs import (
    Catalog,
    GiveawaysPool,
    LoyaltyProgram,
    NewCatalog,
    NewGiveawaysPool,
    NewLoyaltyProgram,
    UpdateLoyaltyProgram,
)

Req = Request[Any, Any, Any]


@post(
    "/v1/loyalty_programs",
    operation_id="createLoyaltyProgram",
    status_code=201,
    **MANAGEMENT,
    **body(NewLoyaltyProgram),
)
async def create_program(request: Req, body: bytes) -> LoyaltyProgram:
    return await endpoint.management(
        request,
        lambda use, principal: use.programs.create_program(
            principal, endpoint.decoded(body, NewLoyaltyProgram)
        ),
    )


@get("/v1/loyalty_programs", operation_id="getLoyaltyPrograms", **MANAGEMENT)
async def list_programs(request: Req, page_size: PageSize = 1000, skip: Skip = 0) -> Page:
    return await endpoint.management(
        request, lambda use, principal: use.programs.list_programs(principal, page(page_size, skip, None))
    )


@get("/v1/loyalty_programs/{program_id:int}", operation_id="getLoyaltyProgram", **MANAGEMENT)
async def get_program(request: Req, program_id: int) -> LoyaltyProgram:
    return await endpoint.management(
        request, lambda use, principal: use.programs.get_program(principal, program_id)
    )


@put(
    "/v1/loyalty_programs/{program_id:int}",
    operation_id="updateLoyaltyProgram",
    **MANAGEMENT,
    **body(UpdateLoyaltyProgram),
)
async def update_program(request: Req, program_id: int, body: bytes) -> LoyaltyProgram:
    return await endpoint.management(
        request,
        lambda use, principal: use.programs.update_program(
            principal, program_id, endpoint.decoded(body, UpdateLoyaltyProgram)
        ),
    )


@post(
    "/v1/giveaways/pools",
    operation_id="createGiveawaysPool",
    status_code=201,
    **MANAGEMENT,
    **body(NewGiveawaysPool),
)
async def create_pool(request: Req, body: bytes) -> GiveawaysPool:
    return await endpoint.management(
        request,
        lambda use, principal: use.giveaways.create_pool(principal, endpoint.decoded(body, NewGiveawaysPool)),
    )


@post(
    "/v1/giveaways/pools/{pool_id:int}/import",
    operation_id="importPoolGiveaways",
    status_code=200,
    **MANAGEMENT,
)
async def import_giveaways(request: Req, pool_id: int) -> Import:
    """Multipart upload with the CSV (``code,startdate,enddate,attributes``) in ``upFile``."""
    return await endpoint.upload(
        request, lambda use, principal, content: use.giveaways.import_codes(principal, pool_id, content)
    )


@get(
    "/v1/giveaways/pools/{pool_id:int}/export",
    operation_id="exportPoolGiveaways",
    media_type=endpoint.CSV,
    **MANAGEMENT,
)
async def export_giveaways(
    request: Req, pool_id: int, created_before: CreatedBefore = None, created_after: CreatedAfter = None
) -> Response[bytes]:
    """The pool's codes as CSV (docs/offers.md "Giveaways")."""
    return await endpoint.csv_export(
        request,
        lambda use, principal: use.giveaways.export(
            principal, pool_id, **time_ranges(created=(created_before, created_after))
        ),
    )


@post("/v1/catalogs", operation_id="createCatalog", status_code=201, **MANAGEMENT, **body(NewCatalog))
async def create_catalog(request: Req, body: bytes) -> Catalog:
    return await endpoint.management(
        request, lambda use, principal: use.catalogs.create(principal, endpoint.decoded(body, NewCatalog))
    )


@get("/v1/catalogs/{catalog_id:int}/items", operation_id="listCatalogItems", **MANAGEMENT)
async def list_items(
    request: Req,
    catalog_id: int,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    with_total_result_size: WithTotal = False,
    sku: Annotated[list[str] | None, QueryParameter(required=False)] = None,
    product_names: Annotated[list[str] | None, QueryParameter(name="productNames", required=False)] = None,
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.catalogs.items(
            principal,
            catalog_id,
            page(page_size, skip, None),
            {"skus": sku, "product_names": product_names},
            with_total=with_total_result_size,
        ),
    )


ROUTES = [
    create_program,
    list_programs,
    get_program,
    update_program,
    create_pool,
    import_giveaways,
    export_giveaways,
    create_catalog,
    list_items,
]

__all__ = ["ROUTES"]
