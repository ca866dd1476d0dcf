"""Integration API writes run through ``idempotent`` (called by ``endpoint.integration_write``): with
an ``Idempotency-Key`` header the response is stored and replayed for 24 hours (see
``openpromo.services.idempotency``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from litestar import MediaType, Request, Response

from openpromo.api.auth import integration, services
from openpromo.api.codec import encoder
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.idempotency import fingerprint

T = TypeVar("T")


def idempotent(
    request: Request[Any, Any, Any],
    body: bytes,
    run: Callable[[IntegrationPrincipal], T],
    status_code: int = 200,
) -> Response[bytes]:
    """Authenticate, then run the use case once per Idempotency-Key (blocking: call it in a thread)."""
    principal = integration(request)
    key = request.headers.get("idempotency-key")
    if key is None:
        return Response(encoder.encode(run(principal)), status_code=status_code, media_type=MediaType.JSON)
    store = services(request).idempotency
    request_hash = fingerprint(request.method, request.url.path, request.url.query or "", body)
    stored = store.replay(principal.application_id, key, request_hash)
    if stored is not None:
        return Response(stored.body, status_code=stored.status_code, media_type=MediaType.JSON)
    payload = encoder.encode(run(principal))
    store.store(principal.application_id, key, request_hash, status_code, payload)
    return Response(payload, status_code=status_code, media_type=MediaType.JSON)


__all__ = ["idempotent"]
