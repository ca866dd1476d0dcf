"""Management API: loyalty programs, giveaway pools and their codes, catalogs and their items."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post, put
from litestar.params import QueryParameter

from openpromo.api.auth import management, services
from openpromo.api.codec import decode
from openpromo.api.routing import MANAGEMENT, PageSize, Skip, WithTotal, body, page, run_blocking
from openpromo.api.uploads import authorised_upload
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
    def run() -> LoyaltyProgram:
        principal = management(request)
        return services(request).programs.create_program(principal, decode(body, NewLoyaltyProgram))

    return await run_blocking(run)


@get("/v1/loyalty_programs", operation_id="getLoyaltyPrograms", **MANAGEMENT)
async def list_programs(request: Req, page_size: PageSize = 1000, skip: Skip = 0) -> Page:
    def run() -> Page:
        return services(request).programs.list_programs(management(request), page(page_size, skip, None))

    return await run_blocking(run)


@get("/v1/loyalty_programs/{program_id:int}", operation_id="getLoyaltyProgram", **MANAGEMENT)
async def get_program(request: Req, program_id: int) -> LoyaltyProgram:
    def run() -> LoyaltyProgram:
        return services(request).programs.get_program(management(request), program_id)

    return await run_blocking(run)


@put(
    "/v1/loyalty_programs/{program_id:int}",
    operation_id="updateLoyaltyProgram",
    **MANAGEMENT,
    **body(UpdateLoyaltyProgram),
)
async def update_program(request: Req, program_id: int, body: bytes) -> LoyaltyProgram:
    def run() -> LoyaltyProgram:
        principal = management(request)
        data = decode(body, UpdateLoyaltyProgram)
        return services(request).programs.update_program(principal, program_id, data)

    return await run_blocking(run)


@post(
    "/v1/giveaways/pools",
    operation_id="createGiveawaysPool",
    status_code=201,
    **MANAGEMENT,
    **body(NewGiveawaysPool),
)
async def create_pool(request: Req, body: bytes) -> GiveawaysPool:
    def run() -> GiveawaysPool:
        principal = management(request)
        return services(request).giveaways.create_pool(principal, decode(body, NewGiveawaysPool))

    return await run_blocking(run)


@post(
    "/v1/giveaways/pools/{pool_id:int}/import",
    operation_id="importPoolGiveaways",
    status_code=200,
    **MANAGEMENT,
)
async def import_giveaways(request: Req, pool_id: int) -> Import:
    """Multipart upload with the CSV (``code,startdate,enddate,attributes``) in ``upFile``."""
    principal, content = await authorised_upload(request)

    def run() -> Import:
        return services(request).giveaways.import_codes(principal, pool_id, content)

    return await run_blocking(run)


@post("/v1/catalogs", operation_id="createCatalog", status_code=201, **MANAGEMENT, **body(NewCatalog))
async def create_catalog(request: Req, body: bytes) -> Catalog:
    def run() -> Catalog:
        principal = management(request)
        return services(request).catalogs.create(principal, decode(body, NewCatalog))

    return await run_blocking(run)


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
    def run() -> Page:
        filters = {"skus": sku, "product_names": product_names}
        return services(request).catalogs.items(
            management(request),
            catalog_id,
            page(page_size, skip, None),
            filters,
            with_total=with_total_result_size,
        )

    return await run_blocking(run)


ROUTES = [
    create_program,
    list_programs,
    get_program,
    update_program,
    create_pool,
    import_giveaways,
    create_catalog,
    list_items,
]

__all__ = ["ROUTES"]
