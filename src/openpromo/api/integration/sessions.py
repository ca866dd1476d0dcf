"""Integration API: customer sessions (update, get, reopen)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post, put
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.routing import INTEGRATION, body, time_parameter
from openpromo.services.models.sessions import (
    IntegrationCustomerSessionResponse,
    IntegrationRequest,
    IntegrationStateV2,
    ReopenSessionResponse,
    ReturnIntegrationRequest,
)

Req = Request[Any, Any, Any]
Dry = Annotated[bool, QueryParameter(name="dry", required=False)]
Now = Annotated[str | None, QueryParameter(name="now", required=False)]
RunRuleEngine = Annotated[bool, QueryParameter(name="runRuleEngine", required=False)]


@put(
    "/v2/customer_sessions/{customer_session_id:str}",
    operation_id="updateCustomerSessionV2",
    **INTEGRATION,
    **body(IntegrationRequest),
)
async def update_customer_session(
    request: Req, customer_session_id: str, body: bytes, dry: Dry = False, now: Now = None
) -> Response[IntegrationStateV2]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.sessions.update(
            principal,
            customer_session_id,
            endpoint.decoded(body, IntegrationRequest),
            dry=dry,
            now=time_parameter("now", now),
        ),
    )


@get("/v2/customer_sessions/{customer_session_id:str}", operation_id="getCustomerSession", **INTEGRATION)
async def get_customer_session(request: Req, customer_session_id: str) -> IntegrationCustomerSessionResponse:
    return await endpoint.integration(
        request, lambda use, principal: use.sessions.get(principal, customer_session_id)
    )


@put(
    "/v2/customer_sessions/{customer_session_id:str}/reopen",
    operation_id="reopenCustomerSession",
    **INTEGRATION,
)
async def reopen_customer_session(
    request: Req, customer_session_id: str, body: bytes
) -> Response[ReopenSessionResponse]:
    return await endpoint.integration_write(
        request, body, lambda use, principal: use.sessions.reopen(principal, customer_session_id)
    )


@post(
    "/v2/customer_sessions/{customer_session_id:str}/returns",
    operation_id="returnCartItems",
    status_code=200,
    **INTEGRATION,
    **body(ReturnIntegrationRequest),
)
async def return_cart_items(
    request: Req,
    customer_session_id: str,
    body: bytes,
    dry: Dry = False,
    run_rule_engine: RunRuleEngine = False,
) -> Response[IntegrationStateV2]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.sessions.return_items(
            principal,
            customer_session_id,
            endpoint.decoded(body, ReturnIntegrationRequest),
            dry=dry,
            run_rule_engine=run_rule_engine,
        ),
    )


ROUTES = [update_customer_session, get_customer_session, reopen_customer_session, return_cart_items]

__all__ = ["ROUTES"]
