"""Integration API: customer profiles (one, with the rule engine; or many at once)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, put
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.routing import INTEGRATION, body
from openpromo.services.errors import InvalidInput
from openpromo.services.models.profiles import (
    CustomerProfileIntegrationRequestV2,
    CustomerProfileIntegrationResponseV2,
    MultipleCustomerProfileIntegrationRequest,
    MultipleCustomerProfileIntegrationResponseV2,
)

Req = Request[Any, Any, Any]
RunRuleEngine = Annotated[bool, QueryParameter(name="runRuleEngine", required=False)]
Dry = Annotated[bool, QueryParameter(name="dry", required=False)]
Silent = Annotated[str, QueryParameter(name="silent", required=False)]


def silent_flag(value: str) -> bool:
    """``silent=yes`` (answer 204) or ``no``; checked before the key, as a query parameter is."""
    if value not in ("yes", "no"):
        raise InvalidInput("silent is yes or no", parameter="silent")
    return value == "yes"


@put(
    "/v2/customer_profiles/{integration_id:str}",
    operation_id="updateCustomerProfileV2",
    **INTEGRATION,
    **body(CustomerProfileIntegrationRequestV2),
)
async def update_customer_profile(
    request: Req, integration_id: str, body: bytes, run_rule_engine: RunRuleEngine = False, dry: Dry = False
) -> Response[CustomerProfileIntegrationResponseV2]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.profiles.update(
            principal,
            integration_id,
            endpoint.decoded(body, CustomerProfileIntegrationRequestV2),
            run_rule_engine=run_rule_engine,
            dry=dry,
        ),
    )


@put(
    "/v2/customer_profiles",
    operation_id="updateCustomerProfilesV2",
    **INTEGRATION,
    **body(MultipleCustomerProfileIntegrationRequest),
)
async def update_customer_profiles(
    request: Req, body: bytes, silent: Silent = "yes"
) -> Response[MultipleCustomerProfileIntegrationResponseV2]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.profiles.update_many(
            principal, endpoint.decoded(body, MultipleCustomerProfileIntegrationRequest)
        ),
        silent=silent_flag(silent),
    )


ROUTES = [update_customer_profile, update_customer_profiles]

__all__ = ["ROUTES", "Dry", "Silent", "silent_flag"]
