"""Integration API: customer sessions (update, get, reopen)."""

from __future__ import annotations

from typing import Annotated, Any, cast

from litestar import Request, Response, get, post, put
from litestar.params import QueryParameter

from openpromo.api.auth import integration, services
from openpromo.api.codec import decode
from openpromo.api.idempotency import idempotent
from openpromo.api.routing import INTEGRATION, body, run_blocking, time_parameter
from openpromo.services.auth import IntegrationPrincipal
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
    def update(principal: IntegrationPrincipal) -> IntegrationStateV2:
        data = decode(body, IntegrationRequest)
        sessions = services(request).sessions
        return sessions.update(principal, customer_session_id, data, dry=dry, now=time_parameter("now", now))

    # The body is encoded already; the annotation documents its shape in the OpenAPI document.
    return cast("Response[IntegrationStateV2]", await run_blocking(lambda: idempotent(request, body, update)))


@get("/v2/customer_sessions/{customer_session_id:str}", operation_id="getCustomerSession", **INTEGRATION)
async def get_customer_session(request: Req, customer_session_id: str) -> IntegrationCustomerSessionResponse:
    def run() -> IntegrationCustomerSessionResponse:
        return services(request).sessions.get(integration(request), customer_session_id)

    return await run_blocking(run)


@put(
    "/v2/customer_sessions/{customer_session_id:str}/reopen",
    operation_id="reopenCustomerSession",
    **INTEGRATION,
)
async def reopen_customer_session(
    request: Req, customer_session_id: str, body: bytes
) -> Response[ReopenSessionResponse]:
    def reopen(principal: IntegrationPrincipal) -> ReopenSessionResponse:
        return services(request).sessions.reopen(principal, customer_session_id)

    return cast(
        "Response[ReopenSessionResponse]", await run_blocking(lambda: idempotent(request, body, reopen))
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
    def give_back(principal: IntegrationPrincipal) -> IntegrationStateV2:
        data = decode(body, ReturnIntegrationRequest)
        return services(request).sessions.return_items(
            principal, customer_session_id, data, dry=dry, run_rule_engine=run_rule_engine
        )

    return cast(
        "Response[IntegrationStateV2]", await run_blocking(lambda: idempotent(request, body, give_back))
    )


ROUTES = [update_customer_session, get_customer_session, reopen_customer_session, return_cart_items]

__all__ = ["ROUTES"]
