"""Integration API: customer profiles (one, with the rule engine; or many at once)."""

from __future__ import annotations

from typing import Annotated, Any, cast

from litestar import Request, Response, put
from litestar.params import QueryParameter

from openpromo.api.auth import services
from openpromo.api.codec import decode
from openpromo.api.idempotency import idempotent
from openpromo.api.routing import INTEGRATION, body, run_blocking
from openpromo.services.auth import IntegrationPrincipal
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


@put(
    "/v2/customer_profiles/{integration_id:str}",
    operation_id="updateCustomerProfileV2",
    **INTEGRATION,
    **body(CustomerProfileIntegrationRequestV2),
)
async def update_customer_profile(
    request: Req, integration_id: str, body: bytes, run_rule_engine: RunRuleEngine = False, dry: Dry = False
) -> Response[CustomerProfileIntegrationResponseV2]:
    def update(principal: IntegrationPrincipal) -> CustomerProfileIntegrationResponseV2:
        data = decode(body, CustomerProfileIntegrationRequestV2)
        profiles = services(request).profiles
        return profiles.update(principal, integration_id, data, run_rule_engine=run_rule_engine, dry=dry)

    result = await run_blocking(lambda: idempotent(request, body, update))
    return cast("Response[CustomerProfileIntegrationResponseV2]", result)


@put(
    "/v2/customer_profiles",
    operation_id="updateCustomerProfilesV2",
    **INTEGRATION,
    **body(MultipleCustomerProfileIntegrationRequest),
)
async def update_customer_profiles(
    request: Req, body: bytes, silent: Silent = "yes"
) -> Response[MultipleCustomerProfileIntegrationResponseV2]:
    if silent not in ("yes", "no"):
        raise InvalidInput("silent is yes or no", parameter="silent")

    def update(principal: IntegrationPrincipal) -> MultipleCustomerProfileIntegrationResponseV2:
        data = decode(body, MultipleCustomerProfileIntegrationRequest)
        return services(request).profiles.update_many(principal, data)

    result = await run_blocking(lambda: idempotent(request, body, update))
    if silent == "yes":
        return cast("Response[MultipleCustomerProfileIntegrationResponseV2]", Response(b"", status_code=204))
    return cast("Response[MultipleCustomerProfileIntegrationResponseV2]", result)


ROUTES = [update_customer_profile, update_customer_profiles]

__all__ = ["ROUTES"]
