"""Every error leaves as Talon.One's ``ErrorResponseWithStatus``: ``{message, errors[], StatusCode}``.

One table maps exception classes to status codes (looked up along the MRO), so no endpoint builds
error bodies by hand. A 500 is always a bug: it is logged with its traceback and counted, and the
body says only "Internal server error".
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException

from openpromo.api.codec import encoder
from openpromo.services.errors import (
    Conflict,
    ErrorDetail,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceError,
    TooManyRequests,
    Unauthorized,
    Unavailable,
)

log = logging.getLogger("openpromo.api")
_MISSING_PARAMETER = re.compile(r"Missing required \w+ parameter '([^']+)'")

STATUS: dict[type[ServiceError], int] = {
    InvalidInput: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooManyRequests: 429,
    Unavailable: 503,
}


def error_body(status: int, message: str, details: list[ErrorDetail]) -> dict[str, Any]:
    errors = []
    for d in details:
        source: dict[str, str] = {}
        if d.pointer is not None:
            source["pointer"] = d.pointer
        if d.parameter is not None:
            source["parameter"] = d.parameter
        errors.append({"title": d.title, "details": d.details, "source": source})
    return {"message": message, "errors": errors, "StatusCode": status}


def error_response(status: int, message: str, details: list[ErrorDetail]) -> Response[bytes]:
    return Response(
        encoder.encode(error_body(status, message, details)), status_code=status, media_type=MediaType.JSON
    )


def _status_of(exc: ServiceError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def service_error_handler(_request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    assert isinstance(exc, ServiceError)
    response = error_response(_status_of(exc), exc.message, exc.details)
    if isinstance(exc, TooManyRequests | Unavailable):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _wire_name(request: Request[Any, Any, Any], key: str) -> str:
    """The name a client sent (``pageSize``) for a handler argument Litestar reports (``page_size``)."""
    handler = request.scope.get("route_handler")
    parameters = getattr(getattr(handler, "parsed_fn_signature", None), "parameters", {})
    field = parameters.get(key)
    name = getattr(getattr(field, "kwarg_definition", None), "name", None)
    return name if isinstance(name, str) and name else key


def http_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    assert isinstance(exc, HTTPException)
    if isinstance(exc, ValidationException):
        details = []
        for item in exc.extra if isinstance(exc.extra, list) else []:
            key = str(item.get("key", "")) if isinstance(item, dict) else ""
            message = str(item.get("message", "")) if isinstance(item, dict) else str(item)
            source = item.get("source") if isinstance(item, dict) else None
            if source == "body":
                details.append(ErrorDetail("Invalid value", message, pointer="/" + key.replace(".", "/")))
            else:
                name = _wire_name(request, key) if key else None
                details.append(ErrorDetail("Invalid value", message, parameter=name))
        if not details:
            missing = _MISSING_PARAMETER.search(exc.detail or "")
            parameter = missing.group(1) if missing else None
            details.append(ErrorDetail("Invalid value", exc.detail or "", parameter=parameter))
        return error_response(400, "The submitted data was invalid", details)
    status = exc.status_code
    message = exc.detail or "Error"
    return error_response(status, message, [ErrorDetail(message, message)])


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    # The path as a Python literal: a %0A in an id cannot start a forged line of the log.
    log.exception("unhandled error on %s %r", request.method, request.url.path, exc_info=exc)
    return error_response(500, "Internal server error", [ErrorDetail("Internal server error")])


EXCEPTION_HANDLERS = {
    ServiceError: service_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}

__all__ = ["EXCEPTION_HANDLERS", "error_body", "error_response"]
