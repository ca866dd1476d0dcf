"""Unauthenticated system routes: ``/healthz``, ``/metrics``, ``/openapi.json``; and request metrics."""

from __future__ import annotations

import time
from typing import Any

import msgspec
from litestar import MediaType, Request, Response, get
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from openpromo.api.auth import services
from openpromo.metrics import REQUEST_SECONDS, REQUESTS, exposition


@get("/healthz", include_in_schema=False, sync_to_thread=True)
def healthz(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
    try:
        services(request).ping()
    except Exception:
        return Response({"status": "unavailable"}, status_code=503)
    return Response({"status": "ok"})


@get("/metrics", include_in_schema=False, sync_to_thread=False)
def metrics() -> Response[bytes]:
    payload, content_type = exposition()
    return Response(payload, media_type=content_type)


@get("/openapi.json", include_in_schema=False, sync_to_thread=False)
def openapi_json(request: Request[Any, Any, Any]) -> Response[bytes]:
    document = request.app.state.get("openapi_document")
    if document is None:
        from openpromo.api.openapi import build_document

        document = msgspec.json.encode(build_document(request.app))
        request.app.state["openapi_document"] = document
    return Response(document, media_type=MediaType.JSON)


def metrics_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, send_wrapper)
        finally:
            handler = scope.get("route_handler")
            operation = getattr(handler, "operation_id", None) or "unmatched"
            if not isinstance(operation, str):
                operation = getattr(handler, "handler_name", "unmatched")
            REQUESTS.labels(operation, str(scope.get("method", "")), str(status)).inc()
            REQUEST_SECONDS.labels(operation).observe(time.perf_counter() - start)

    return middleware


ROUTES = [healthz, metrics, openapi_json]

__all__ = ["ROUTES", "metrics_middleware"]
