"""The ``Authorization`` header: ``ApiKey-v1 <key>``, ``ManagementKey-v1 <key>`` or ``Bearer <token>``.

The guards check only the header's presence and scheme, in the event loop, before Litestar reads query
parameters: a request without the right kind of credential is a 401 whatever else is wrong with it.
The key itself is checked first inside the use case's blocking call (``integration``, ``management``,
called by ``api.endpoint``).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from openpromo.logs import note_application
from openpromo.services.auth import IntegrationPrincipal, ManagementPrincipal
from openpromo.services.container import Services
from openpromo.services.errors import Unauthorized


def services(request: Request[Any, Any, Any]) -> Services:
    return request.app.state["services"]  # type: ignore[no-any-return]


_INTEGRATION_SCHEMES = frozenset({"apikey-v1"})
_MANAGEMENT_SCHEMES = frozenset({"managementkey-v1", "bearer"})


def _credentials(request: ASGIConnection[Any, Any, Any, Any]) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.strip().partition(" ")
    credential = credential.strip()
    if not scheme or not credential:
        raise Unauthorized("Missing Authorization header")
    return scheme.lower(), credential


def _integration_scheme(request: ASGIConnection[Any, Any, Any, Any]) -> str:
    scheme, credential = _credentials(request)
    if scheme not in _INTEGRATION_SCHEMES:
        raise Unauthorized("The Integration API needs an ApiKey-v1 key")
    return credential


def _management_scheme(request: ASGIConnection[Any, Any, Any, Any]) -> tuple[str, str]:
    scheme, credential = _credentials(request)
    if scheme not in _MANAGEMENT_SCHEMES:
        raise Unauthorized("The Management API needs a ManagementKey-v1 key or a Bearer token")
    return scheme, credential


# The guards are ``async`` although they never await: Litestar runs a plain function guard in the
# thread pool, which would cost every request a second thread hop.
async def integration_guard(
    connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler
) -> None:
    _integration_scheme(connection)


async def management_guard(
    connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler
) -> None:
    _management_scheme(connection)


def integration(request: Request[Any, Any, Any]) -> IntegrationPrincipal:
    principal = services(request).auth.integration(_integration_scheme(request))
    note_application(principal.application_id)  # the access log names the application
    return principal


def management(request: Request[Any, Any, Any]) -> ManagementPrincipal:
    scheme, credential = _management_scheme(request)
    auth = services(request).auth
    if scheme == "bearer":
        return auth.bearer(credential)
    return auth.management_key(credential)


__all__ = ["integration", "integration_guard", "management", "management_guard", "services"]
