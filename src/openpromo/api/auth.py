"""The ``Authorization`` header: ``ApiKey-v1 <key>``, ``ManagementKey-v1 <key>`` or ``Bearer <token>``."""

from __future__ import annotations

from typing import Any

from litestar import Request

from openpromo.services.auth import IntegrationPrincipal, ManagementPrincipal
from openpromo.services.container import Services
from openpromo.services.errors import Unauthorized


def services(request: Request[Any, Any, Any]) -> Services:
    return request.app.state["services"]  # type: ignore[no-any-return]


def _credentials(request: Request[Any, Any, Any]) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.strip().partition(" ")
    credential = credential.strip()
    if not scheme or not credential:
        raise Unauthorized("Missing Authorization header")
    return scheme.lower(), credential


def integration(request: Request[Any, Any, Any]) -> IntegrationPrincipal:
    scheme, credential = _credentials(request)
    if scheme != "apikey-v1":
        raise Unauthorized("The Integration API needs an ApiKey-v1 key")
    return services(request).auth.integration(credential)


def management(request: Request[Any, Any, Any]) -> ManagementPrincipal:
    scheme, credential = _credentials(request)
    auth = services(request).auth
    if scheme == "managementkey-v1":
        return auth.management_key(credential)
    if scheme == "bearer":
        return auth.bearer(credential)
    raise Unauthorized("The Management API needs a ManagementKey-v1 key or a Bearer token")


__all__ = ["integration", "management", "services"]
