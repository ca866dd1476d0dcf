"""Our JSON response: rendered with ``codec.encoder`` (Decimals as JSON numbers, never strings)."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Response
from litestar.serialization import default_serializer
from litestar.types import Serializer

from openpromo.api.codec import encoder


class JSONResponse(Response[Any]):
    def render(self, content: Any, media_type: str, enc_hook: Serializer = default_serializer) -> bytes:
        if media_type == MediaType.JSON and not isinstance(content, bytes | str):
            return encoder.encode(content)
        return super().render(content, media_type, enc_hook)


__all__ = ["JSONResponse"]
