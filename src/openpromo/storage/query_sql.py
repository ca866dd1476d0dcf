"""Shapes (``storage.query_shapes``) as SQL: each kind of condition one small method, the parameters
named ``q0``, ``q1``, ... in the order the shape collected their values."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from openpromo.storage.database import CASEFOLD
from openpromo.storage.query_shapes import FOLDED, Shape
from openpromo.storage.schema import metadata

_KEY = re.compile(r"^\w+$")
_NON_ASCII = "*[^ -~]*"  # GLOB: text with a character outside printable ASCII


@dataclass
class Scope:
    name: str  # the table's
    table: sa.FromClause
    element: Any = None  # the element column of a JSON array's elements


@dataclass
class Build:
    """Builds the SQL of a shape, naming its parameters ``q0``, ``q1``, ... in ``Describe``'s order."""

    postgres: bool
    unranged: bool = False
    """Range conditions take no index (``+column``): SQLite's, for lists in id order (see ``run_query``)."""
    count: int = 0

    def ranged(self, column: Any) -> Any:
        return (
            UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)
            if self.unranged
            else column
        )

    def param(self, *, type_: Any = None) -> Any:
        name = f"q{self.count}"
        self.count += 1
        return sa.bindparam(name, type_=type_)

    def params(self, count: int, *, type_: Any = None) -> list[Any]:
        return [self.param(type_=type_) for _ in range(count)]

    def field(self, scope: Scope, name: str) -> Any:
        """A column, a value inside a JSON column (``col.key``), or in element scope the element or a value
        inside it; values inside JSON are text on PostgreSQL and the JSON's own type on SQLite."""
        if scope.element is None:
            column, _, path = name.partition(".")
            base = scope.table.c[column]
            if not path:
                return base
        else:
            base, path = scope.element, name
        keys = _keys(path)
        if self.postgres:
            return base.op("#>>", return_type=sa.Text())(sa.literal_column("'{" + ",".join(keys) + "}'"))
        if not keys:
            return base
        return sa.func.json_extract(base, "$." + ".".join(keys))

    def json_field(self, scope: Scope, name: str) -> Any:
        """A JSON column, or a document inside one (``col.key``), as JSON (for its elements)."""
        column, _, path = name.partition(".")
        base = scope.table.c[column]
        if not path:
            return base
        keys = _keys(path)
        if self.postgres:
            return base.op("#>", return_type=JSONB())(sa.literal_column("'{" + ",".join(keys) + "}'"))
        return sa.func.json_extract(base, "$." + ".".join(keys))

    def lower(self, expr: Any) -> Any:
        return sa.func.lower(expr) if self.postgres else getattr(sa.func, CASEFOLD)(expr)

    def all(self, scope: Scope, shapes: Sequence[Shape]) -> list[Any]:
        return [self.one(scope, s) for s in shapes]

    def one(self, scope: Scope, shape: Shape) -> Any:
        build = _BY_KIND.get(shape[0])
        if build is None:
            raise ValueError(f"unknown shape {shape!r}")
        return build(self, scope, shape)

    def eq(self, scope: Scope, shape: Shape) -> Any:
        return self.field(scope, shape[1]) == self.param()

    def in_(self, scope: Scope, shape: Shape) -> Any:
        return self.field(scope, shape[1]).in_(self.params(shape[2]))

    def null(self, scope: Scope, shape: Shape) -> Any:
        return self.field(scope, shape[1]).is_(None)

    def never(self, scope: Scope, shape: Shape) -> Any:
        return sa.false()

    def compare(self, scope: Scope, shape: Shape) -> Any:
        column, op = self.field(scope, shape[1]), shape[2]
        return self.ranged(column).op(op, is_comparison=True)(self.param(type_=column.type))

    def contains(self, scope: Scope, shape: Shape) -> Any:
        text = sa.func.lower(self.field(scope, shape[1]))
        return sa.func.strpos(text, sa.func.lower(self.param(type_=sa.String()))) > 0

    def contains_ascii(self, scope: Scope, shape: Shape) -> Any:
        text = self.field(scope, shape[1])
        like = text.like(self.param(type_=sa.String()), escape="\\")
        folded = sa.func.instr(self.lower(text), self.param(type_=sa.String())) > 0
        return sa.or_(like, sa.and_(text.op("GLOB")(sa.literal(_NON_ASCII)), folded))

    def contains_folded(self, scope: Scope, shape: Shape) -> Any:
        return sa.func.instr(self.lower(self.field(scope, shape[1])), self.param(type_=sa.String())) > 0

    def caseless(self, scope: Scope, shape: Shape) -> Any:
        _, name, count, folded = shape
        text = self.field(scope, name)
        narrowed = []
        if folded:
            column = scope.table.c[FOLDED[(scope.name, name)]]
            narrowed.append(column.in_(self.params(folded, type_=sa.String())))
        values = self.params(count, type_=sa.String())
        if self.postgres:
            values = [sa.func.lower(v) for v in values]
        return sa.and_(*narrowed, self.lower(text).in_(values))

    def folded(self, scope: Scope, shape: Shape) -> Any:
        column = scope.table.c[shape[1]]
        find = sa.func.strpos if self.postgres else sa.func.instr
        return find(column, self.param(type_=sa.String())) > 0

    def valid(self, scope: Scope, shape: Shape) -> Any:
        _, start, expiry, wanted = shape
        now = self.param(type_=scope.table.c[start].type)
        begins, ends = self.ranged(scope.table.c[start]), self.ranged(scope.table.c[expiry])
        if wanted == "expired":
            return sa.and_(ends.is_not(None), ends <= now)
        if wanted == "validFuture":
            return sa.and_(begins.is_not(None), begins > now)
        return sa.and_(sa.or_(begins.is_(None), begins <= now), sa.or_(ends.is_(None), ends > now))

    def usable(self, scope: Scope, shape: Shape) -> Any:
        _, counter, limit, wanted = shape
        counter_col, limit_col = scope.table.c[counter], scope.table.c[limit]
        usable = sa.or_(limit_col == 0, counter_col < limit_col)
        return usable if wanted else sa.not_(usable)

    def any_(self, scope: Scope, shape: Shape) -> Any:
        parts = self.all(scope, shape[1])
        return sa.or_(*parts) if parts else sa.false()

    def all_(self, scope: Scope, shape: Shape) -> Any:
        parts = self.all(scope, shape[1])
        return sa.and_(*parts) if parts else sa.true()

    def not_(self, scope: Scope, shape: Shape) -> Any:
        return sa.not_(self.one(scope, shape[1]))

    def contains_element(self, scope: Scope, shape: Shape) -> Any:
        return self.json_field(scope, shape[1]).op("@>")(sa.cast(self.param(type_=sa.String()), JSONB))

    def has(self, scope: Scope, shape: Shape) -> Any:
        _, name, shapes = shape
        column = self.json_field(scope, name)
        if self.postgres:
            array = sa.case(
                (sa.func.jsonb_typeof(column) == "array", column),
                else_=sa.literal_column("'[]'::jsonb"),
            )
            elements = sa.func.jsonb_array_elements(array).table_valued("value").alias()
        else:
            elements = sa.func.json_each(column).table_valued("value").alias()
        inner = Scope(scope.name, scope.table, elements.c.value)
        return sa.exists().select_from(elements).where(*self.all(inner, shapes))

    def related(self, scope: Scope, shape: Shape) -> Any:
        _, table, column, outer, shapes = shape
        other = metadata.tables[table].alias()
        inner = Scope(table, other)
        mine = self.field(scope, outer)
        if self.postgres and (scope.element is not None or "." in outer):
            mine = sa.cast(mine, other.c[column].type)  # JSON's text as the column's type
        return sa.exists().where(other.c[column] == mine, *self.all(inner, shapes))


def _keys(path: str) -> list[str]:
    keys = path.split(".") if path else []
    if any(not _KEY.match(k) for k in keys):
        raise ValueError(f"not a field path: {path!r}")
    return keys


_BY_KIND: dict[str, Callable[[Build, Scope, Shape], Any]] = {
    "eq": Build.eq,
    "in": Build.in_,
    "null": Build.null,
    "never": Build.never,
    "cmp": Build.compare,
    "contains": Build.contains,
    "contains-ascii": Build.contains_ascii,
    "contains-folded": Build.contains_folded,
    "caseless": Build.caseless,
    "folded": Build.folded,
    "valid": Build.valid,
    "usable": Build.usable,
    "any": Build.any_,
    "all": Build.all_,
    "not": Build.not_,
    "contains-element": Build.contains_element,
    "has": Build.has,
    "related": Build.related,
}


__all__ = ["Build", "Scope"]
