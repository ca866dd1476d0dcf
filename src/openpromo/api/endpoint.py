"""How a route handler calls its use case: its body is one ``return await endpoint.<kind>(...)``.

Each function here takes the request and a function of the use cases (``Services``, named as on the
container) and of the authenticated caller, and runs it as one blocking use case
(``routing.run_blocking``: on the event loop, or in one hop to the thread pool), the key checked first
inside that call::

    return await endpoint.management(
        request,
        lambda use, principal: use.applications.update(
            principal, application_id, endpoint.decoded(body, UpdateApplication)
        ),
    )

Decode the body inside the function (``endpoint.decoded``), never before the call: a request with an
unknown key is a 401 whatever its body holds. ``integration_write`` runs the function at most once per
``Idempotency-Key`` (``api.idempotency``) and answers the JSON it encoded, or a 204 when ``silent``;
``upload`` reads a CSV upload between the key check and the use case; ``csv_export`` answers the CSV text
a use case wrote as ``application/csv``; ``public`` has no caller.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar, cast

from litestar import Request, Response

from openpromo.api import auth
from openpromo.api.auth import services
from openpromo.api.codec import decode
from openpromo.api.idempotency import idempotent
from openpromo.api.routing import run_blocking
from openpromo.api.uploads import authorised_upload
from openpromo.services.auth import IntegrationPrincipal, ManagementPrincipal
from openpromo.services.container import Services

T = TypeVar("T")
B = TypeVar("B")
Req = Request[Any, Any, Any]


def decoded(body: bytes, model: type[B]) -> B:
    """The request body as ``model``, or a 400 naming the offending field (``codec.decode``)."""
    return decode(body, model)


async def management(request: Req, call: Callable[[Services, ManagementPrincipal], T]) -> T:
    """A Management API use case: the ``ManagementKey-v1`` key or ``Bearer`` token, then ``call``."""
    return await run_blocking(partial(_management, request, call))


async def integration(request: Req, call: Callable[[Services, IntegrationPrincipal], T]) -> T:
    """An Integration API read: the ``ApiKey-v1`` key, then ``call``."""
    return await run_blocking(partial(_integration, request, call))


async def integration_write(
    request: Req,
    body: bytes,
    call: Callable[[Services, IntegrationPrincipal], T],
    *,
    silent: bool = False,
    status_code: int = 200,
) -> Response[T]:
    """An Integration API write: the key, then ``call`` once per ``Idempotency-Key`` (``body`` is part of
    the request's fingerprint); the answer is the encoded JSON with ``status_code`` (the spec's: 201 for
    a creation), or empty with 204 when ``silent``."""
    use = services(request)
    response = await run_blocking(partial(idempotent, request, body, partial(call, use), status_code))
    if silent:
        return cast("Response[T]", Response(b"", status_code=204))
    # The body is encoded already; ``T``, in the handler's annotation, documents its shape in /openapi.json.
    return cast("Response[T]", response)


async def upload(request: Req, call: Callable[[Services, ManagementPrincipal, bytes], T]) -> T:
    """A Management API CSV import: the key (in a blocking call of its own), then the upload, read on the
    event loop (``uploads.upload``), then ``call`` with its content."""
    principal, content = await authorised_upload(request)
    return await run_blocking(partial(call, services(request), principal, content))


CSV = "application/csv"


async def csv_export(request: Req, call: Callable[[Services, ManagementPrincipal], str]) -> Response[bytes]:
    """A Management API CSV export: the key, then ``call``, whose CSV text is answered as
    ``application/csv``."""
    text = await run_blocking(partial(_management, request, call))
    return Response(text.encode(), media_type=CSV)


async def public(request: Req, call: Callable[[Services], T]) -> T:
    """A use case without a caller (logging in)."""
    return await run_blocking(partial(call, services(request)))


def _management(request: Req, call: Callable[[Services, ManagementPrincipal], T]) -> T:
    principal = auth.management(request)
    return call(services(request), principal)


def _integration(request: Req, call: Callable[[Services, IntegrationPrincipal], T]) -> T:
    principal = auth.integration(request)
    return call(services(request), principal)


__all__ = [
    "CSV",
    "Req",
    "csv_export",
    "decoded",
    "integration",
    "integration_write",
    "management",
    "public",
    "upload",
]
