"""Management API: logging in (``POST /v1/sessions``) and out (``DELETE /v1/sessions``)."""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, post

from openpromo.api import endpoint
from openpromo.api.routing import MANAGEMENT, PUBLIC_MANAGEMENT, body
from openpromo.services.auth import AuthService, ManagementPrincipal
from openpromo.services.models.users import LoginParams, LoginSession

Req = Request[Any, Any, Any]


def _client(request: Req) -> str:
    """The caller's address, which failed logins are counted by (with the email)."""
    return request.client.host if request.client else ""


def _login(auth: AuthService, params: LoginParams, client: str) -> LoginSession:
    result = auth.login(params.email, params.password, client)
    return LoginSession(user_id=result.user_id, token=result.token, created=result.created)


def _logout(auth: AuthService, principal: ManagementPrincipal, header: str) -> None:
    """Ends the Bearer token the request came with; a ``ManagementKey-v1`` key has nothing to end."""
    if header.lower().startswith("bearer "):
        auth.logout(header[7:].strip(), principal)


@post("/v1/sessions", operation_id="createSession", status_code=201, **PUBLIC_MANAGEMENT, **body(LoginParams))
async def create_session(request: Req, body: bytes) -> LoginSession:
    return await endpoint.public(
        request, lambda use: _login(use.auth, endpoint.decoded(body, LoginParams), _client(request))
    )


@delete("/v1/sessions", operation_id="destroySession", **MANAGEMENT)
async def destroy_session(request: Req) -> None:
    return await endpoint.management(
        request, lambda use, principal: _logout(use.auth, principal, request.headers.get("authorization", ""))
    )


ROUTES = [create_session, destroy_session]

__all__ = ["ROUTES"]
