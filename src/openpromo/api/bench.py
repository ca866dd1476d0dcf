"""Benchmark-only route, served only with ``OPENPROMO_BENCH_ROUTES=1`` (``make bench`` sets it).

``PUT /bench/echo/{id}`` does what the session endpoint does before the use case, through ``endpoint``:
the same thread hop, the same Integration key check and the same typed decoding of the body; then it
answers a small fixed JSON. Its cost is the server's floor for a session update's body. Never in the
OpenAPI document.
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, put

from openpromo.api import endpoint
from openpromo.services.models.sessions import IntegrationRequest

ANSWER = b'{"effects":[],"createdCoupons":[],"createdReferrals":[]}'


def _answer(body: bytes) -> Response[bytes]:
    endpoint.decoded(body, IntegrationRequest)
    return Response(ANSWER, media_type=MediaType.JSON)


@put("/bench/echo/{session_id:str}", operation_id="benchEcho", include_in_schema=False)
async def echo(request: Request[Any, Any, Any], session_id: str, body: bytes) -> Response[bytes]:
    return await endpoint.integration(request, lambda _use, _principal: _answer(body))


ROUTES = [echo]

__all__ = ["ANSWER", "ROUTES"]
