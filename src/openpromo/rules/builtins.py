"""The function registry: every built-in of the dialect, keyed by lower-cased name.

Names match case-insensitively (``SetDiscount`` is ``setDiscount``).  The registry is the single
source of truth for the checker, the compiler and the generated reference in ``docs/talang.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from . import actions, arithmetic, discounts, lists, logic, paths, text, times
from .signatures import Builtin

__all__ = ["REGISTRY", "lookup"]


def _build() -> Mapping[str, Builtin]:
    table: dict[str, Builtin] = {}
    for module in (paths, logic, arithmetic, text, lists, times, discounts, actions):
        for builtin in module.BUILTINS:
            key = builtin.name.lower()
            if key in table:
                raise RuntimeError(f"duplicate built-in {builtin.name}")
            table[key] = builtin
    return MappingProxyType(table)


REGISTRY: Mapping[str, Builtin] = _build()


def lookup(name: str) -> Builtin | None:
    return REGISTRY.get(name.lower())
