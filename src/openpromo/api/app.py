"""The ASGI application: routes, error mapping, metrics, and our msgspec JSON encoder."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, MediaType, Response
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.serialization import default_serializer
from litestar.types import Serializer

from openpromo import __version__
from openpromo.api import integration, management, system
from openpromo.api.codec import encoder
from openpromo.api.errors import EXCEPTION_HANDLERS
from openpromo.services.container import Services


class JSONResponse(Response[Any]):
    """Renders JSON with our encoder: Decimals as JSON numbers, never strings or floats."""

    def render(self, content: Any, media_type: str, enc_hook: Serializer = default_serializer) -> bytes:
        if media_type == MediaType.JSON and not isinstance(content, bytes | str):
            return encoder.encode(content)
        return super().render(content, media_type, enc_hook)


def create_app(services: Services) -> Litestar:
    return Litestar(
        route_handlers=[*system.ROUTES, *management.ROUTES, *integration.ROUTES],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        middleware=[system.metrics_middleware],
        response_class=JSONResponse,
        state=State({"services": services}),
        openapi_config=OpenAPIConfig(title="OpenPromo", version=__version__, path="/schema"),
        logging_config=None,
        debug=False,
    )


__all__ = ["create_app"]
