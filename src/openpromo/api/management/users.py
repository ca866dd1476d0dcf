"""Management API: logging in (``POST /v1/sessions``) and out (``DELETE /v1/sessions``)."""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, post

from openpromo.api.auth import management, services
from openpromo.api.codec import decode
from openpromo.api.routing import MANAGEMENT, PUBLIC_MANAGEMENT, body, run_blocking
from openpromo.services.models.users import LoginParams, LoginSession

Req = Request[Any, Any, Any]


@post("/v1/sessions", operation_id="createSession", status_code=201, **PUBLIC_MANAGEMENT, **body(LoginParams))
async def create_session(request: Req, body: bytes) -> LoginSession:
    def run() -> LoginSession:
        params = decode(body, LoginParams)
        result = services(request).auth.login(params.email, params.password)
        return LoginSession(user_id=result.user_id, token=result.token, created=result.created)

    return await run_blocking(run)


@delete("/v1/sessions", operation_id="destroySession", **MANAGEMENT)
async def destroy_session(request: Req) -> None:
    def run() -> None:
        principal = management(request)
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            services(request).auth.logout(header[7:].strip(), principal)

    return await run_blocking(run)


ROUTES = [create_session, destroy_session]

__all__ = ["ROUTES"]
