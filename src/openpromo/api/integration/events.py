"""Integration API: custom events (``trackEventV2``, and the older ``trackEvent``; docs/events.md)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, post
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.integration.profiles import Dry, Silent, silent_flag
from openpromo.api.routing import INTEGRATION, body
from openpromo.services.models.events import (
    IntegrationEventV2Request,
    IntegrationEventV2Response,
    IntegrationState,
    NewEvent,
)

Req = Request[Any, Any, Any]
ForceComplete = Annotated[bool, QueryParameter(name="forceCompleteEvaluation", required=False)]


@post(
    "/v2/events",
    operation_id="trackEventV2",
    status_code=200,
    **INTEGRATION,
    **body(IntegrationEventV2Request),
)
async def track_event_v2(
    request: Req,
    body: bytes,
    silent: Silent = "yes",
    dry: Dry = False,
    force_complete_evaluation: ForceComplete = False,
) -> Response[IntegrationEventV2Response]:
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.events.track(
            principal,
            endpoint.decoded(body, IntegrationEventV2Request),
            dry=dry,
            force_complete=force_complete_evaluation,
        ),
        silent=silent_flag(silent),
    )


@post("/v1/events", operation_id="trackEvent", status_code=201, **INTEGRATION, **body(NewEvent))
async def track_event(request: Req, body: bytes, dry: Dry = False) -> Response[IntegrationState]:
    """The older generation's event: answers 201 with its ``IntegrationState``."""
    return await endpoint.integration_write(
        request,
        body,
        lambda use, principal: use.events.track_v1(principal, endpoint.decoded(body, NewEvent), dry=dry),
        status_code=201,
    )


ROUTES = [track_event_v2, track_event]

__all__ = ["ROUTES"]
