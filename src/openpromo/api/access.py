"""The outermost layer of every HTTP request: its id, its metrics and its access log line.

It wraps the whole application (``Litestar.asgi_handler``), routing included, so requests to unknown
paths and with wrong methods are counted too (operation ``unmatched``). The request id is the client's
``X-Request-Id`` when it is 1 to 128 characters of ``[A-Za-z0-9._:-]``, else a new one (32 hex digits);
every response carries it back, and every log line written while the request runs names it
(``logs.CURRENT``). The access log line names the route by its template (``/v2/customer_sessions/
{customerSessionId}``), never by its path, which may hold customers' ids; it never holds a header or
the body.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import time
from typing import Any

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from openpromo.api.openapi import camel
from openpromo.logs import CURRENT, RequestContext
from openpromo.metrics import REQUEST_SECONDS, REQUESTS

ACCESS = logging.getLogger("openpromo.access")
HEADER = b"x-request-id"
_VALID_ID = re.compile(rb"[A-Za-z0-9._:\-]{1,128}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})
UNMATCHED = "unmatched"


def request_id(scope: Scope) -> str:
    """The client's ``X-Request-Id`` when it is valid, else a new id."""
    for name, value in scope["headers"]:
        if name == HEADER:
            if _VALID_ID.fullmatch(value):
                return value.decode("ascii")
            break
    return os.urandom(16).hex()


_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")


@functools.lru_cache(maxsize=1024)
def route(template: str) -> str:
    """A route's template as the API documents it: ``/v2/customer_sessions/{customerSessionId}``."""
    return _PARAMETER.sub(lambda m: "{" + camel(m.group(1)) + "}", template)


def operation(scope: Scope) -> str:
    """The operationId of the route that served the request, or ``unmatched`` (no route, wrong method)."""
    handler = scope.get("route_handler")
    if handler is None:
        return UNMATCHED
    name = getattr(handler, "operation_id", None)
    if not isinstance(name, str):
        name = getattr(handler, "handler_name", None)
    return name if isinstance(name, str) and name else UNMATCHED


_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
"""The request metrics' children by (operation, method, status): ``labels()`` looks them up under a lock."""


def _count(name: str, method: str, status: int) -> tuple[Any, Any]:
    children = (REQUESTS.labels(name, method, str(status)), REQUEST_SECONDS.labels(name))
    _children[(name, method, status)] = children
    return children


def observed(app: ASGIApp, *, access_log: bool) -> ASGIApp:
    """``app`` with request ids, request metrics and (``access_log``) one access log line per request."""

    async def observe(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        start = time.perf_counter()
        context = RequestContext(request_id(scope))
        token = CURRENT.set(context)
        echoed = (HEADER, context.request_id.encode())
        status, done = 500, False

        def finish() -> None:
            nonlocal done
            done = True
            _record(scope, status, time.perf_counter() - start, context, access_log)

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), echoed]}
            elif message["type"] == "http.response.body" and not message.get("more_body") and not done:
                finish()  # before the client has the whole answer: its counts and line are in place
            await send(message)

        try:
            await app(scope, receive, sending)
        finally:
            if not done:
                finish()
            CURRENT.reset(token)

    return observe


def _record(scope: Scope, status: int, seconds: float, context: RequestContext, access_log: bool) -> None:
    """Count the request, and write its access line when ``access_log``."""
    name = operation(scope)
    method = str(scope.get("method", ""))
    method = method if method in _METHODS else "OTHER"
    counted = _children.get((name, method, status))
    if counted is None:
        counted = _count(name, method, status)
    counted[0].inc()
    counted[1].observe(seconds)
    if access_log and ACCESS.isEnabledFor(logging.INFO):
        _access_line(scope, method, name, status, seconds, context)


def _access_line(
    scope: Scope, method: str, name: str, status: int, seconds: float, context: RequestContext
) -> None:
    fields: dict[str, object] = {
        "method": method,
        "route": route(scope.get("path_template", "")) if name != UNMATCHED else None,
        "operation": name,
        "status": status,
        "duration_ms": round(seconds * 1000, 3),
    }
    if context.application_id is not None:
        fields["application_id"] = context.application_id
    ACCESS.info("request", extra=fields)


__all__ = ["ACCESS", "HEADER", "UNMATCHED", "observed", "operation", "request_id", "route"]
