"""Integration API: a customer as a whole (the inventory of what it holds, the deletion of its personal
data)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, delete, get
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.routing import INTEGRATION
from openpromo.services.models.customers import CustomerInventory

Req = Request[Any, Any, Any]


def _flag(name: str) -> Any:
    return QueryParameter(name=name, required=False)


@get(
    "/v1/customer_profiles/{integration_id:str}/inventory",
    operation_id="getCustomerInventory",
    **INTEGRATION,
)
async def get_customer_inventory(
    request: Req,
    integration_id: str,
    profile: Annotated[bool, _flag("profile")] = False,
    referrals: Annotated[bool, _flag("referrals")] = False,
    coupons: Annotated[bool, _flag("coupons")] = False,
    loyalty: Annotated[bool, _flag("loyalty")] = False,
    giveaways: Annotated[bool, _flag("giveaways")] = False,
    achievements: Annotated[bool, _flag("achievements")] = False,
) -> CustomerInventory:
    return await endpoint.integration(
        request,
        lambda use, principal: use.customers.inventory(
            principal,
            integration_id,
            profile=profile,
            referrals=referrals,
            coupons=coupons,
            loyalty=loyalty,
            giveaways=giveaways,
            achievements=achievements,
        ),
    )


@delete("/v1/customer_data/{integration_id:str}", operation_id="deleteCustomerData", **INTEGRATION)
async def delete_customer_data(request: Req, integration_id: str) -> Response[None]:
    return await endpoint.integration_write(
        request,
        b"",
        lambda use, principal: use.customers.delete_data(principal, integration_id),
        silent=True,
    )


ROUTES = [get_customer_inventory, delete_customer_data]

__all__ = ["ROUTES"]
