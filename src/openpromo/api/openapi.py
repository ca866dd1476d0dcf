"""OpenPromo's own OpenAPI document: Litestar's, plus the JSON request bodies our handlers decode
themselves (declared per route with ``routing.body(Model)``), with schemas from msgspec. Path
parameters are named as Talon.One's document names them (``{applicationId}``, not the handlers'
``{application_id}``). Every operation declares the credentials it takes (``securitySchemes``) and the
errors it can answer, in Talon.One's error shape (``ErrorResponseWithStatus``): 400, 401, 404 when its path
names something, 409 when it writes; 204 where ``silent`` can ask for no answer. Records are described
by msgspec, as they are encoded (decimals as numbers)."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Litestar
from litestar.routes import HTTPRoute

from openpromo.services.models.base import Model, schema_hook

_ERROR_REF = {"$ref": "#/components/schemas/ErrorResponseWithStatus"}
_ERRORS = {
    "ErrorResponseWithStatus": {
        "type": "object",
        "required": ["message", "errors", "StatusCode"],
        "properties": {
            "message": {"type": "string"},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/APIError"}},
            "StatusCode": {"type": "integer"},
        },
    },
    "APIError": {
        "type": "object",
        "required": ["title", "details", "source"],
        "properties": {
            "title": {"type": "string"},
            "details": {"type": "string"},
            "source": {
                "type": "object",
                "properties": {"pointer": {"type": "string"}, "parameter": {"type": "string"}},
            },
        },
    },
}
_SECURITY = {
    "api_key_v1": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "An Integration API key of an application: `ApiKey-v1 <key>`.",
    },
    "management_key": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "A management key: `ManagementKey-v1 <key>`.",
    },
    "manager_auth": {
        "type": "http",
        "scheme": "bearer",
        "description": "The token of a Campaign Manager user (`POST /v1/sessions`): `Bearer <token>`.",
    },
}
_REASONS = {
    "400": "Bad request",
    "401": "Unauthorized",
    "404": "Not found",
    "409": "Conflict",
    "413": "Request body too large (OPENPROMO_MAX_BODY_BYTES; uploads OPENPROMO_MAX_UPLOAD_BYTES)",
    "429": "Too many requests (logging in: too many failed attempts; see Retry-After)",
}


def build_document(app: Litestar) -> dict[str, Any]:
    document: dict[str, Any] = app.openapi_schema.to_schema()
    bodies, answers, guarded, finding = _handlers(app)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    body_models = sorted({m for _, _, m in bodies}, key=lambda m: m.__name__)
    described = {m for m in _records() if m.__name__ in schemas}  # every record Litestar described
    models = sorted(set(body_models) | answers | described, key=lambda m: m.__name__)
    refs, components = msgspec.json.schema_components(
        models, ref_template="#/components/schemas/{name}", schema_hook=schema_hook
    )
    for name, schema in components.items():
        schemas[name] = _numbers(schema)  # msgspec's, not Litestar's: decimals are numbers on the wire
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
    schemas.update(_ERRORS)
    document["components"]["securitySchemes"] = _SECURITY
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                _declare(path, method, operation, (path, method) in guarded, (path, method) in finding)
    return document


def _handlers(
    app: Litestar,
) -> tuple[list[tuple[str, str, type[Any]]], set[type[Any]], set[tuple[str, str]], set[tuple[str, str]]]:
    """The bodies routes decode themselves, the records they answer, the operations behind a guard, and
    those without a path parameter that answer 404 for what their body names
    (``routing.body(model, names_ids=True)``)."""
    bodies: list[tuple[str, str, type[Any]]] = []
    answers: set[type[Any]] = set()
    guarded: set[tuple[str, str]] = set()
    finding: set[tuple[str, str]] = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            methods = [str(m).lower() for m in handler.http_methods]
            if handler.guards:
                guarded.update((_camel_path(route.path_format), m) for m in methods)
            answer = handler.parsed_fn_signature.return_type.annotation
            if isinstance(answer, type) and issubclass(answer, msgspec.Struct):
                answers.add(answer)
            model = handler.opt.get("body")
            if model is not None:
                bodies.extend((route.path_format, m, model) for m in methods)
            if handler.opt.get("names_ids"):
                finding.update((_camel_path(route.path_format), m) for m in methods)
    return bodies, answers, guarded, finding


def _records() -> set[type[Any]]:
    """Every record of the API (the subclasses of ``models.base.Model``), the nested ones included."""
    found: set[type[Any]] = set()
    pending: list[type[Any]] = [Model]
    while pending:
        for sub in pending.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                pending.append(sub)
    return found


def _numbers(schema: Any) -> Any:
    """msgspec describes a Decimal as a string; the API encodes decimals as JSON numbers."""
    if isinstance(schema, dict):
        if schema.get("type") == "string" and schema.get("format") == "decimal":
            return {"type": "number"}
        return {key: _numbers(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_numbers(value) for value in schema]
    return schema


def _declare(path: str, method: str, operation: dict[str, Any], guarded: bool, finding: bool = False) -> None:
    """The operation's credentials and the errors it can answer."""
    integration = "integration" in operation.get("tags", [])
    if guarded:
        operation["security"] = (
            [{"api_key_v1": []}] if integration else [{"management_key": []}, {"manager_auth": []}]
        )
    else:
        operation["security"] = []
    statuses = {"400", "401"}
    if not guarded and method == "post":
        statuses.add(
            "429"
        )  # logging in is throttled  # 401: a missing or wrong key, or (logging in) a wrong password
    if "{" in path or finding:
        statuses.add("404")
    if method in ("post", "put", "patch", "delete"):
        statuses.add("409")
    if "requestBody" in operation:
        statuses.add("413")
    responses = operation["responses"]
    if any(p.get("name") == "silent" for p in operation.get("parameters", [])):
        responses.setdefault("204", {"description": "Done (silent: no answer asked for)"})
    if "204" in responses:
        responses["204"].pop("content", None)  # a handler answering ``Response[None]``: no body at all
    for status in sorted(statuses):
        responses[status] = {
            "description": _REASONS[status],
            "content": {"application/json": {"schema": _ERROR_REF}},
        }


_PARAMETER = re.compile(r"\{([a-z0-9_]+)\}")


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _camel_path(path: str) -> str:
    return _PARAMETER.sub(lambda m: "{" + camel(m.group(1)) + "}", path)


def _camel_parameters(item: dict[str, Any]) -> dict[str, Any]:
    for operation in item.values():
        if isinstance(operation, dict):
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path":
                    parameter["name"] = camel(parameter["name"])
    return item


__all__ = ["build_document", "camel"]
