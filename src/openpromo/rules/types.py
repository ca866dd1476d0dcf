"""Talang's value domain and the static kind lattice used by the checker.

Values are plain Python objects so that the engine can hand in its own dicts and lists:
numbers are ``Decimal``, times are tz-aware ``datetime``, lists are ``list``/``tuple`` and maps are
any ``Mapping`` with string keys.  ``Kind`` is a bit set so that a parameter may accept a union of
kinds (``+`` takes numbers or strings) and the checker can intersect sets.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TypeAlias

__all__ = ["ANY", "Kind", "TalangValue", "kind_name", "kind_of"]

TalangValue: TypeAlias = (
    "Decimal | str | bool | datetime | list[TalangValue] | tuple[TalangValue, ...] "
    "| Mapping[str, TalangValue] | None"
)


class Kind(enum.IntFlag):
    """The runtime kinds of Talang values, combinable into unions."""

    NUMBER = 1
    STRING = 2
    BOOLEAN = 4
    TIME = 8
    NULL = 16
    LIST = 32
    MAP = 64


ANY = Kind.NUMBER | Kind.STRING | Kind.BOOLEAN | Kind.TIME | Kind.NULL | Kind.LIST | Kind.MAP

_NAMES = (
    (Kind.NUMBER, "number"),
    (Kind.STRING, "string"),
    (Kind.BOOLEAN, "boolean"),
    (Kind.TIME, "time"),
    (Kind.NULL, "null"),
    (Kind.LIST, "list"),
    (Kind.MAP, "map"),
)


def kind_name(kind: Kind) -> str:
    """Render a kind set for messages: ``number or string``, or ``any`` for the full set."""
    if kind == ANY:
        return "any"
    names = [name for flag, name in _NAMES if flag & kind]
    return " or ".join(names) if names else "nothing"


def kind_of(value: object) -> Kind:
    """The kind of a runtime value; ints and floats handed in by the engine count as numbers."""
    if value is None:
        return Kind.NULL
    if isinstance(value, bool):
        return Kind.BOOLEAN
    if isinstance(value, Decimal | int | float):
        return Kind.NUMBER
    if isinstance(value, str):
        return Kind.STRING
    if isinstance(value, datetime):
        return Kind.TIME
    if isinstance(value, Mapping):
        return Kind.MAP
    if isinstance(value, Sequence):
        return Kind.LIST
    return ANY
