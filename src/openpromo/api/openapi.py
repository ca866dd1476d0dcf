"""OpenPromo's own OpenAPI document: Litestar's, plus the JSON request bodies our handlers decode
themselves (declared per route with ``routing.body(Model)``), with schemas from msgspec. Path
parameters are named as Talon.One's document names them (``{applicationId}``, not the handlers'
``{application_id}``)."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Litestar
from litestar.routes import HTTPRoute

from openpromo.services.models.base import schema_hook


def build_document(app: Litestar) -> dict[str, Any]:
    document: dict[str, Any] = app.openapi_schema.to_schema()
    bodies: list[tuple[str, str, type[Any]]] = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            model = handler.opt.get("body")
            if model is None:
                continue
            bodies.extend((route.path_format, str(m).lower(), model) for m in handler.http_methods)
    models = sorted({m for _, _, m in bodies}, key=lambda m: m.__name__)
    refs, components = msgspec.json.schema_components(
        models, ref_template="#/components/schemas/{name}", schema_hook=schema_hook
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in components.items():
        schemas.setdefault(name, schema)
    by_model = dict(zip(models, refs, strict=True))
    for path, method, model in bodies:
        operation = document.get("paths", {}).get(path, {}).get(method)
        if operation is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": by_model[model]}},
            }
    document["paths"] = {
        _camel_path(path): _camel_parameters(item) for path, item in document["paths"].items()
    }
    return document


_PARAMETER = re.compile(r"\{([a-z0-9_]+)\}")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _camel_path(path: str) -> str:
    return _PARAMETER.sub(lambda m: "{" + _camel(m.group(1)) + "}", path)


def _camel_parameters(item: dict[str, Any]) -> dict[str, Any]:
    for operation in item.values():
        if isinstance(operation, dict):
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path":
                    parameter["name"] = _camel(parameter["name"])
    return item


__all__ = ["build_document"]
