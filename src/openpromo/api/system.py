"""Unauthenticated system routes: ``/healthz``, ``/readyz``, ``/metrics``, ``/openapi.json``; the
keep-alive request limit (request metrics: ``api.access``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import anyio
import anyio.to_thread
import msgspec
from anyio import CapacityLimiter
from litestar import MediaType, Request, Response, get
from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    Scope,
    Send,
)

from openpromo.api.auth import services
from openpromo.api.codec import encoder
from openpromo.api.errors import error_body
from openpromo.api.openapi import camel
from openpromo.metrics import exposition
from openpromo.services.errors import ErrorDetail, Unavailable


@get("/healthz", include_in_schema=False, sync_to_thread=False)
def healthz() -> Response[dict[str, str]]:
    """Liveness: the process serves requests. No database call, so an orchestrator never restarts a
    healthy process because its database is down (``/readyz`` says that)."""
    return Response({"status": "ok"})


READY_TIMEOUT = 3.0
"""Seconds ``/readyz`` waits for ``SELECT 1`` before it answers 503 (a server that does not answer)."""
_probes = CapacityLimiter(4)
"""Threads of their own for probes: a probe never waits behind use cases, and one abandoned on its
timeout (still waiting for the network) never holds a use case's thread."""


@get("/readyz", include_in_schema=False)
async def readyz(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
    """Readiness: 200 while the database answers ``SELECT 1`` within ``READY_TIMEOUT``, else 503."""
    ping = services(request).ping
    try:
        with anyio.fail_after(READY_TIMEOUT):
            await anyio.to_thread.run_sync(ping, abandon_on_cancel=True, limiter=_probes)
    except (Unavailable, TimeoutError):
        return Response({"status": "unavailable"}, status_code=503, headers={"Retry-After": "5"})
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


def refuse_nul(app: ASGIApp) -> ASGIApp:
    """A NUL character in the path or a query parameter is a 400 before any route runs: PostgreSQL cannot
    store one (bodies are checked by ``codec.decode``). A numeric id in the path outside 64 bits names
    nothing that can exist: a 404 before any route runs, so no adapter has to guard its statements."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            refusal = _refusal(scope)
            if refusal is not None:
                status, body = refusal
                headers = [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ]
                start: HTTPResponseStartEvent = {
                    "type": "http.response.start",
                    "status": status,
                    "headers": headers,
                }
                await send(start)
                end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
                await send(end)
                return
        await app(scope, receive, send)

    return middleware


_INT64 = range(-(2**63), 2**63)


def _refusal(scope: Scope) -> tuple[int, bytes] | None:
    parameter = _nul_parameter(scope)
    if parameter is not None:
        detail = ErrorDetail("Invalid value", "text may not contain a NUL character", parameter=parameter)
        return 400, encoder.encode(error_body(400, "Invalid input", [detail]))
    for name, value in (scope.get("path_params") or {}).items():
        if isinstance(value, int) and value not in _INT64:
            detail = ErrorDetail("Not found", f"no resource has this {camel(name)}", parameter=camel(name))
            return 404, encoder.encode(error_body(404, "Not found", [detail]))
    return None


def _nul_parameter(scope: Scope) -> str | None:
    if "\x00" in scope["path"]:
        return "path"
    query = scope.get("query_string", b"")
    if b"%00" not in query and b"\x00" not in query:
        return None
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            return name.replace("\x00", "") or "query"
    return "query"


def keepalive_limit(every: int) -> Callable[[ASGIApp], ASGIApp]:
    """Close a keep-alive connection after ``every`` responses (``Connection: close`` on the last), as
    nginx's ``keepalive_requests`` does; 0 never closes.

    A keep-alive connection stays on the worker that accepted it, and a burst of new connections (a
    client's pool filling up at once) can land unevenly: one worker queues while another idles. A client
    reconnects after the close, and its new connection is placed again (``openpromo.workers``: by load on a
    shared socket, evenly over sockets of their own). A connection is known by its client address and
    port; counts of connections the client closed itself are dropped in bulk."""

    def middleware_factory(app: ASGIApp) -> ASGIApp:
        if every <= 0:
            return app
        served: dict[tuple[str, int], int] = {}

        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            client = scope.get("client")
            if scope["type"] != ScopeType.HTTP or client is None:
                await app(scope, receive, send)
                return
            key = (client[0], client[1])
            count = served.get(key, 0) + 1
            if count < every:
                if len(served) >= _TRACKED_CONNECTIONS:
                    served.clear()
                served[key] = count
                await app(scope, receive, send)
                return
            served.pop(key, None)

            async def closing(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers") or ())
                    if not any(name.lower() == b"connection" for name, _ in headers):
                        headers.append((b"connection", b"close"))
                    message = {**message, "headers": headers}
                await send(message)

            await app(scope, receive, closing)

        return middleware

    return middleware_factory


_TRACKED_CONNECTIONS = 10_000
"""More connections than one worker keeps open; reaching it means most are gone, so the counts restart."""

ROUTES = [healthz, readyz, metrics, openapi_json]

__all__ = ["ROUTES", "keepalive_limit", "refuse_nul"]
