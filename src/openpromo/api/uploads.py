"""CSV uploads of the Management API: ``multipart/form-data`` with the file in ``upFile`` (a plain
``text/csv`` body is accepted too)."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Request

from openpromo.api.auth import management
from openpromo.api.routing import run_blocking
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import InvalidInput


async def upload(request: Request[Any, Any, Any]) -> bytes:
    if request.content_type[0].startswith("multipart/"):
        form = await request.form()
        file = form.get("upFile")
        if file is None or isinstance(file, str):
            raise InvalidInput("the upload needs a file in the upFile field", pointer="/upFile")
        content: bytes = await file.read()
        return content
    return await request.body()


async def authorised_upload(request: Request[Any, Any, Any]) -> tuple[ManagementPrincipal, bytes]:
    """The caller, then the file: a request without a valid key is a 401 before its upload is read."""
    principal = await run_blocking(partial(management, request))
    return principal, await upload(request)


__all__ = ["authorised_upload", "upload"]
