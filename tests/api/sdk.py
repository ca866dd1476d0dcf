"""Talon.One's own models (``talon-one-sdk`` 26.2, pydantic v2, strict types) as the check of our
response shapes: a missing required field or a wrong type fails ``from_dict``.

The SDK's quirks are worked around here, nowhere else:
- ``Collection.name``'s pattern uses POSIX classes (``[:cntrl:]``) that Python's ``re`` reads as plain
  characters, so no real name passes it; the name is checked against the spec's pattern here instead.
- ``Rule.condition``/``effects`` and ``Binding.expression`` are typed as lists of objects, but Talang
  expressions are JSON arrays of anything (``["and", true]``); they are checked to be lists here and
  handed to the SDK as lists of empty objects.
- The spec's ``Import`` is ``ModelImport`` in the SDK.
- ``LoyaltyCard.identifier`` (and the transfer's old and new identifiers, and the card transactions'
  ``cardIdentifier``) take
  ``^[A-Za-z0-9._%+@-]+$`` in the spec, 4 to 108 characters, but ``^[A-Za-z0-9_-]*$`` in the SDK: they
  are checked against the spec's pattern here and handed to the SDK as a plain identifier.
"""

from __future__ import annotations

import re
from typing import Any

import talon_one.models as sdk

_RENAMED = {"Import": "ModelImport"}
_COLLECTION_NAME = re.compile(r"^[^\x00-\x1f\x7f\s][^\x00-\x1f\x7f]*$")
_COLLECTIONS = {"Collection", "CollectionWithoutPayload"}
_CARD_IDENTIFIER = re.compile(r"^[A-Za-z0-9._%+@-]{4,108}$")
_CARD_IDENTIFIERS = {
    "LoyaltyCard": ("identifier", "oldCardIdentifier", "newCardIdentifier"),
    "CardLedgerTransactionLogEntryIntegrationAPI": ("cardIdentifier",),
}


def _talang(value: Any) -> list[dict[str, Any]]:
    assert isinstance(value, list), value
    return [{} for _ in value]


def _ruleset(document: dict[str, Any]) -> dict[str, Any]:
    def rule(r: dict[str, Any]) -> dict[str, Any]:
        return {
            **r,
            "condition": _talang(r["condition"]),
            "effects": _talang(r["effects"]),
            **({"bindings": [binding(b) for b in r["bindings"]]} if r.get("bindings") else {}),
        }

    def binding(b: dict[str, Any]) -> dict[str, Any]:
        return {**b, "expression": _talang(b["expression"])}

    out = {**document, "rules": [rule(r) for r in document["rules"]]}
    out["bindings"] = [binding(b) for b in document["bindings"]]
    if document.get("strikethroughRules"):
        out["strikethroughRules"] = [rule(r) for r in document["strikethroughRules"]]
    return out


def check(model: str, body: Any) -> Any:
    """Validate one response object against the spec's model ``model``; return it."""
    assert isinstance(body, dict), body
    document = dict(body)
    if model in _COLLECTIONS:
        assert _COLLECTION_NAME.match(document["name"]), document["name"]
        document["name"] = "x ]x"  # matches the SDK's misread pattern
    if model == "Ruleset":
        document = _ruleset(document)
    for name in _CARD_IDENTIFIERS.get(model, ()):
        if name in document:
            assert _CARD_IDENTIFIER.match(document[name]), document[name]
            document[name] = "card-identifier"
    parsed = getattr(sdk, _RENAMED.get(model, model)).from_dict(document)
    assert parsed is not None
    return body


def check_page(body: Any, model: str, *, total: bool) -> list[Any]:
    """A page ``{"hasMore", "data"}`` (or ``{"totalResultSize", "data"}``) of ``model`` objects."""
    assert isinstance(body, dict), body
    assert set(body) == ({"totalResultSize", "data"} if total else {"hasMore", "data"}), body
    assert isinstance(body["totalResultSize" if total else "hasMore"], int | bool)
    for item in body["data"]:
        check(model, item)
    data: list[Any] = body["data"]
    return data


__all__ = ["check", "check_page"]
