"""Conditions (``services.ports``) reduced to their *shape*: the tree of conditions with their fields and
kinds but without their values, which are collected on the side in the order ``storage.query_sql`` names
its parameters. A shape is what a list statement is built and prepared for once (``storage.queries``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpromo.services import ports as p
from openpromo.services.codes import fold_code

_INT64 = range(-(2**63), 2**63)

FOLDED: dict[tuple[str, str], str] = {
    ("coupons", "value"): "folded_value",
    ("referrals", "code"): "folded_code",
}
"""``(table, field)`` -> the column that keeps the field folded (``services.codes.fold_code``)."""

Shape = tuple[Any, ...]


def _storable(value: Any) -> bool:
    return not isinstance(value, int) or isinstance(value, bool) or value in _INT64


def _is_many(value: Any) -> bool:
    return isinstance(value, list | tuple | set | frozenset)


def like_pattern(part: str) -> str:
    return "%" + part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _json_text(value: Any) -> str:
    """A value as PostgreSQL's ``->>`` gives it: strings bare, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


@dataclass
class Describe:
    """Takes a query's shape and collects its values, in the order ``query_sql.Build`` names its
    parameters."""

    postgres: bool
    params: list[Any] = field(default_factory=list)

    def value(self, value: Any) -> None:
        self.params.append(value)

    def values(self, values: Sequence[Any]) -> int:
        """An IN list's values, padded to the next power of two with its last value (which changes
        nothing), so that few shapes serve every length; returns how many were taken."""
        size = 1 << (len(values) - 1).bit_length()
        self.params.extend([*values, *[values[-1]] * (size - len(values))])
        return size

    def all(self, table: str, conditions: Sequence[p.Condition], scope: str) -> Shape:
        return tuple(self.one(table, c, scope) for c in conditions)

    def one(self, table: str, c: p.Condition, scope: str) -> Shape:
        describe = _BY_TYPE.get(type(c))
        if describe is None:
            raise TypeError(f"not a condition: {c!r}")
        return describe(self, table, c, scope)

    def _in_json(self, name: str, scope: str) -> bool:
        return scope == "element" or "." in name

    def eq(self, table: str, c: p.Eq, scope: str) -> Shape:
        as_text = self.postgres and self._in_json(c.field, scope)
        if _is_many(c.value):
            kept = [v for v in c.value if _storable(v)]
            if not kept:
                return ("never",)
            return ("in", c.field, self.values([_json_text(v) for v in kept] if as_text else kept))
        if c.value is None:
            return ("null", c.field)
        if not _storable(c.value):
            return ("never",)
        self.value(_json_text(c.value) if as_text else c.value)
        return ("eq", c.field)

    def compare(self, table: str, c: p.Compare, scope: str) -> Shape:
        self.value(c.value)
        return ("cmp", c.field, c.op)

    def within(self, table: str, c: p.Within, scope: str) -> Shape:
        bounds: list[p.Condition] = []
        if c.before is not None:
            bounds.append(p.Compare(c.field, "<", c.before))
        if c.after is not None:
            bounds.append(p.Compare(c.field, ">", c.after))
        return ("all", self.all(table, bounds, scope))

    def contains(self, table: str, c: p.Contains, scope: str) -> Shape:
        folded = c.part.casefold()
        if self.postgres:
            self.value(c.part)
            return ("contains", c.field)
        if c.part.isascii():
            self.value(like_pattern(folded))
            self.value(folded)
            return ("contains-ascii", c.field)
        self.value(folded)
        return ("contains-folded", c.field)

    def caseless(self, table: str, c: p.Caseless, scope: str) -> Shape:
        if not c.values:
            return ("never",)
        prefilter = scope == "row" and (table, c.field) in FOLDED
        # equal when casefolded means equal when folded: the stored copy narrows first
        narrowing = self.values([fold_code(v) for v in c.values]) if prefilter else 0
        values = [v if self.postgres else v.casefold() for v in c.values]
        return ("caseless", c.field, self.values(values), narrowing)

    def folded(self, table: str, c: p.Folded, scope: str) -> Shape:
        if scope != "row" or (table, c.field) not in FOLDED:
            raise ValueError(f"{table}.{c.field} has no folded copy")
        self.value(fold_code(c.part))
        return ("folded", FOLDED[(table, c.field)])

    def valid(self, table: str, c: p.Valid, scope: str) -> Shape:
        self.value(c.now)
        return ("valid", c.start, c.expiry, c.wanted)

    def usable(self, table: str, c: p.Usable, scope: str) -> Shape:
        return ("usable", c.counter, c.limit, c.wanted)

    def any_of(self, table: str, c: p.AnyOf, scope: str) -> Shape:
        return ("any", self.all(table, c.conditions, scope))

    def all_of(self, table: str, c: p.AllOf, scope: str) -> Shape:
        return ("all", self.all(table, c.conditions, scope))

    def not_(self, table: str, c: p.Not, scope: str) -> Shape:
        return ("not", self.one(table, c.condition, scope))

    def has_element(self, table: str, c: p.HasElement, scope: str) -> Shape:
        if scope != "row":
            raise ValueError("HasElement is for a row's JSON arrays")
        only = c.where[0] if len(c.where) == 1 else None
        if (
            self.postgres
            and isinstance(only, p.Eq)
            and only.field == ""
            and not _is_many(only.value)
            and only.value is not None
        ):
            self.value(json.dumps([only.value]))
            return ("contains-element", c.field)
        return ("has", c.field, self.all(table, c.where, "element"))

    def related(self, table: str, c: p.Related, scope: str) -> Shape:
        return ("related", c.table, c.column, c.field, self.all(c.table, c.where, "row"))


_BY_TYPE: dict[type, Callable[[Describe, str, Any, str], Shape]] = {
    p.Eq: Describe.eq,
    p.Compare: Describe.compare,
    p.Within: Describe.within,
    p.Contains: Describe.contains,
    p.Caseless: Describe.caseless,
    p.Folded: Describe.folded,
    p.Valid: Describe.valid,
    p.Usable: Describe.usable,
    p.AnyOf: Describe.any_of,
    p.AllOf: Describe.all_of,
    p.Not: Describe.not_,
    p.HasElement: Describe.has_element,
    p.Related: Describe.related,
}


__all__ = ["FOLDED", "Describe", "Shape", "like_pattern"]
