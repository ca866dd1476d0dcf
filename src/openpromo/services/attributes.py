"""Custom attributes and additional costs as the account defines them, and the check of values sent for
them: an undefined attribute or a value of the wrong type is a 400 naming the field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo.services.errors import ErrorDetail
from openpromo.services.ports import Records, Row

_NUMBER = (int, Decimal, float)


@dataclass(frozen=True, slots=True)
class Definitions:
    """What the account has defined: custom attributes by (entity, name) → type, additional costs by name."""

    attributes: Mapping[tuple[str, str], str]
    costs: Mapping[str, Row]


def check_attributes(
    values: Mapping[str, Any], entity: str, pointer: str, definitions: Definitions
) -> list[ErrorDetail]:
    problems = []
    for name, value in values.items():
        kind = definitions.attributes.get((entity, name))
        if kind is None:
            problems.append(
                ErrorDetail(
                    "Unknown",
                    f'The attribute "{name}" is not defined on {entity} entities.',
                    f"{pointer}/{name}",
                )
            )
        elif not _has_type(value, kind):
            problems.append(
                ErrorDetail(
                    "Invalid type", f'The attribute "{name}" must be of type {kind}.', f"{pointer}/{name}"
                )
            )
    return problems


def _has_type(value: Any, kind: str) -> bool:
    if kind.startswith("(list "):
        inner = kind[6:-1]
        return isinstance(value, list) and all(_has_type(v, inner) for v in value)
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        return isinstance(value, _NUMBER) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "time":
        if not isinstance(value, str):
            return False
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return False
        return True
    return True  # location and other structured types are stored as sent


def load_definitions(records: Records, account_id: int, entities: Sequence[str]) -> Definitions:
    attributes = {
        (row["entity"], row["name"]): row["type"]
        for row in records.find("attributes", {"account_id": account_id, "entity": list(entities)}).rows
    }
    costs = {row["name"]: row for row in records.find("additional_costs", {"account_id": account_id}).rows}
    return Definitions(attributes, costs)


__all__ = ["Definitions", "check_attributes", "load_definitions"]
