"""Shared aliases used across the layers. A leaf module: it imports nothing from OpenPromo."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeAlias

Money: TypeAlias = Decimal
"""Every amount of money or loyalty points is a Decimal, never a float."""

JSONScalar: TypeAlias = str | int | float | bool | Decimal | None
JSONValue: TypeAlias = JSONScalar | list["JSONValue"] | dict[str, "JSONValue"]
JSONObject: TypeAlias = dict[str, JSONValue]

__all__ = ["JSONObject", "JSONScalar", "JSONValue", "Money"]
