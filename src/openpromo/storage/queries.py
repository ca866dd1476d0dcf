"""List queries in SQL: the conditions of ``services.ports`` (``Eq``, ``Contains``, ``Valid``, ...), an order
and a page, turned into one ``SELECT ... WHERE ... ORDER BY ... LIMIT ... OFFSET`` (and a ``COUNT(*)`` when
the total is asked for).

A query is first reduced to its *shape*: the table, the tree of conditions with their fields and kinds
but without their values, and the order. Each shape is built and compiled once per dialect and run on
the driver's cursor (``storage.fast.prepared``, as the session hot path's statements are): values, the
page's ``LIMIT`` and ``OFFSET`` included, are bound parameters, collected while the shape is taken in
the order the builder names them (``q0``, ``q1``, ...). An IN list has one parameter per value, padded
to the next power of two with its last value, so a few shapes serve every length.

What each condition means in SQL, and where the two databases differ:

* ``Contains`` is Python's ``casefold`` containment. On SQLite, which folds only ASCII in ``LIKE``, an ASCII
  part is matched with ``LIKE`` (exact for ASCII text) and only text with other characters goes through
  ``openpromo_casefold`` (a Python function registered on each connection, ``storage.database``); other
  parts always do. On PostgreSQL both sides go through ``lower()``, which is ``casefold`` except for the
  few characters that fold to several (``ß``, ligatures) or differently (final sigma), and depends on the
  database's ``LC_CTYPE`` (``C`` folds ASCII only). ``Caseless`` likewise.
* ``Folded`` matches a stored folded copy of the field (``FOLDED``: ``coupons.folded_value``,
  ``referrals.folded_code``), which ``SqlRecords`` writes with every insert and update of the field.
* ``HasElement`` is an ``EXISTS`` over ``json_each`` (SQLite) or ``jsonb_array_elements`` (PostgreSQL; a
  value that is not an array has no elements); on PostgreSQL one element equal to one value is
  ``@>`` (containment). Values inside JSON compare as text on PostgreSQL (``->>``): the value's JSON text.
* Text columns sort by code point on both databases (``COLLATE "C"`` on PostgreSQL, SQLite's ``BINARY``),
  as Python compares strings. Ascending puts nulls first and descending last (explicit on PostgreSQL,
  SQLite's own order), then rows go by id in the same direction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from openpromo.services import ports as p
from openpromo.services.codes import fold_code
from openpromo.services.ports import Slice
from openpromo.storage.database import CASEFOLD
from openpromo.storage.fast import prepared
from openpromo.storage.schema import metadata

_INT64 = range(-(2**63), 2**63)

FOLDED: dict[tuple[str, str], str] = {
    ("coupons", "value"): "folded_value",
    ("referrals", "code"): "folded_code",
}
"""``(table, field)`` -> the column that keeps the field folded (``services.codes.fold_code``)."""

_KEY = re.compile(r"^\w+$")
_NON_ASCII = "*[^ -~]*"  # GLOB: text with a character outside printable ASCII


def folded_columns(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with the folded copies of the fields they set (``FOLDED``)."""
    extra = {
        column: fold_code(values[name])
        for (tbl, name), column in FOLDED.items()
        if tbl == table and isinstance(values.get(name), str)
    }
    return {**values, **extra} if extra else dict(values)


def _storable(value: Any) -> bool:
    return not isinstance(value, int) or isinstance(value, bool) or value in _INT64


def _is_many(value: Any) -> bool:
    return isinstance(value, list | tuple | set | frozenset)


def _like_pattern(part: str) -> str:
    return "%" + part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _json_text(value: Any) -> str:
    """A value as PostgreSQL's ``->>`` gives it: strings bare, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


# -- shapes ---------------------------------------------------------------------------------------------

Shape = tuple[Any, ...]


@dataclass
class _Describe:
    """Takes a query's shape and collects its values, in the order ``_Build`` names its parameters."""

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

    def _in_json(self, name: str, scope: str) -> bool:
        return scope == "element" or "." in name

    def one(self, table: str, c: p.Condition, scope: str) -> Shape:
        if isinstance(c, p.Eq):
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
        if isinstance(c, p.Compare):
            self.value(c.value)
            return ("cmp", c.field, c.op)
        if isinstance(c, p.Within):
            bounds: list[p.Condition] = []
            if c.before is not None:
                bounds.append(p.Compare(c.field, "<", c.before))
            if c.after is not None:
                bounds.append(p.Compare(c.field, ">", c.after))
            return ("all", self.all(table, bounds, scope))
        if isinstance(c, p.Contains):
            folded = c.part.casefold()
            if self.postgres:
                self.value(c.part)
                return ("contains", c.field)
            if c.part.isascii():
                self.value(_like_pattern(folded))
                self.value(folded)
                return ("contains-ascii", c.field)
            self.value(folded)
            return ("contains-folded", c.field)
        if isinstance(c, p.Caseless):
            prefilter = scope == "row" and (table, c.field) in FOLDED
            if not c.values:
                return ("never",)
            # equal when casefolded means equal when folded: the stored copy narrows first
            narrowing = self.values([fold_code(v) for v in c.values]) if prefilter else 0
            return (
                "caseless",
                c.field,
                self.values([v if self.postgres else v.casefold() for v in c.values]),
                narrowing,
            )
        if isinstance(c, p.Folded):
            if scope != "row" or (table, c.field) not in FOLDED:
                raise ValueError(f"{table}.{c.field} has no folded copy")
            self.value(fold_code(c.part))
            return ("folded", FOLDED[(table, c.field)])
        if isinstance(c, p.Valid):
            self.value(c.now)
            return ("valid", c.start, c.expiry, c.wanted)
        if isinstance(c, p.Usable):
            return ("usable", c.counter, c.limit, c.wanted)
        if isinstance(c, p.AnyOf):
            return ("any", self.all(table, c.conditions, scope))
        if isinstance(c, p.AllOf):
            return ("all", self.all(table, c.conditions, scope))
        if isinstance(c, p.Not):
            return ("not", self.one(table, c.condition, scope))
        if isinstance(c, p.HasElement):
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
        if isinstance(c, p.Related):
            return ("related", c.table, c.column, c.field, self.all(c.table, c.where, "row"))
        raise TypeError(f"not a condition: {c!r}")


# -- statements -----------------------------------------------------------------------------------------


@dataclass
class _Scope:
    name: str  # the table's
    table: sa.FromClause
    element: Any = None  # the element column of a JSON array's elements


@dataclass
class _Build:
    """Builds the SQL of a shape, naming its parameters ``q0``, ``q1``, ... in ``_Describe``'s order."""

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

    def field(self, scope: _Scope, name: str) -> Any:
        """A column, a value inside a JSON column (``col.key``), or in element scope the element or a value
        inside it; values inside JSON are text on PostgreSQL and the JSON's own type on SQLite."""
        if scope.element is None:
            column, _, path = name.partition(".")
            base = scope.table.c[column]
            if not path:
                return base
        else:
            base, path = scope.element, name
        keys = path.split(".") if path else []
        if any(not _KEY.match(k) for k in keys):
            raise ValueError(f"not a field path: {name!r}")
        if self.postgres:
            return base.op("#>>", return_type=sa.Text())(sa.literal_column("'{" + ",".join(keys) + "}'"))
        if not keys:
            return base
        return sa.func.json_extract(base, "$." + ".".join(keys))

    def json_field(self, scope: _Scope, name: str) -> Any:
        """A JSON column, or a document inside one (``col.key``), as JSON (for its elements)."""
        column, _, path = name.partition(".")
        base = scope.table.c[column]
        if not path:
            return base
        keys = path.split(".")
        if any(not _KEY.match(k) for k in keys):
            raise ValueError(f"not a field path: {name!r}")
        if self.postgres:
            return base.op("#>", return_type=JSONB())(sa.literal_column("'{" + ",".join(keys) + "}'"))
        return sa.func.json_extract(base, "$." + ".".join(keys))

    def _lower(self, expr: Any) -> Any:
        return sa.func.lower(expr) if self.postgres else getattr(sa.func, CASEFOLD)(expr)

    def all(self, scope: _Scope, shapes: Sequence[Shape]) -> list[Any]:
        return [self.one(scope, s) for s in shapes]

    def one(self, scope: _Scope, shape: Shape) -> Any:
        kind = shape[0]
        if kind == "eq":
            return self.field(scope, shape[1]) == self.param()
        if kind == "in":
            return self.field(scope, shape[1]).in_(self.params(shape[2]))
        if kind == "null":
            return self.field(scope, shape[1]).is_(None)
        if kind == "never":
            return sa.false()
        if kind == "cmp":
            column, op = self.field(scope, shape[1]), shape[2]
            return self.ranged(column).op(op, is_comparison=True)(self.param(type_=column.type))
        if kind == "contains":
            text = sa.func.lower(self.field(scope, shape[1]))
            return sa.func.strpos(text, sa.func.lower(self.param(type_=sa.String()))) > 0
        if kind == "contains-ascii":
            text = self.field(scope, shape[1])
            like = text.like(self.param(type_=sa.String()), escape="\\")
            folded = sa.func.instr(self._lower(text), self.param(type_=sa.String())) > 0
            return sa.or_(like, sa.and_(text.op("GLOB")(sa.literal(_NON_ASCII)), folded))
        if kind == "contains-folded":
            return sa.func.instr(self._lower(self.field(scope, shape[1])), self.param(type_=sa.String())) > 0
        if kind == "caseless":
            _, name, count, folded = shape
            text = self.field(scope, name)
            narrowed = []
            if folded:
                column = scope.table.c[FOLDED[(scope.name, name)]]
                narrowed.append(column.in_(self.params(folded, type_=sa.String())))
            values = self.params(count, type_=sa.String())
            if self.postgres:
                values = [sa.func.lower(v) for v in values]
            return sa.and_(*narrowed, self._lower(text).in_(values))
        if kind == "folded":
            column = scope.table.c[shape[1]]
            find = sa.func.strpos if self.postgres else sa.func.instr
            return find(column, self.param(type_=sa.String())) > 0
        if kind == "valid":
            _, start, expiry, wanted = shape
            now = self.param(type_=scope.table.c[start].type)
            begins, ends = self.ranged(scope.table.c[start]), self.ranged(scope.table.c[expiry])
            if wanted == "expired":
                return sa.and_(ends.is_not(None), ends <= now)
            if wanted == "validFuture":
                return sa.and_(begins.is_not(None), begins > now)
            return sa.and_(sa.or_(begins.is_(None), begins <= now), sa.or_(ends.is_(None), ends > now))
        if kind == "usable":
            _, counter, limit, wanted = shape
            counter_col, limit_col = scope.table.c[counter], scope.table.c[limit]
            usable = sa.or_(limit_col == 0, counter_col < limit_col)
            return usable if wanted else sa.not_(usable)
        if kind == "any":
            parts = self.all(scope, shape[1])
            return sa.or_(*parts) if parts else sa.false()
        if kind == "all":
            parts = self.all(scope, shape[1])
            return sa.and_(*parts) if parts else sa.true()
        if kind == "not":
            return sa.not_(self.one(scope, shape[1]))
        if kind == "contains-element":
            return self.json_field(scope, shape[1]).op("@>")(sa.cast(self.param(type_=sa.String()), JSONB))
        if kind == "has":
            return self._has(scope, shape[1], shape[2])
        if kind == "related":
            _, table, column, outer, shapes = shape
            other = metadata.tables[table].alias()
            inner = _Scope(table, other)
            mine = self.field(scope, outer)
            if self.postgres and (scope.element is not None or "." in outer):
                mine = sa.cast(mine, other.c[column].type)  # JSON's text as the column's type
            return sa.exists().where(other.c[column] == mine, *self.all(inner, shapes))
        raise ValueError(f"unknown shape {shape!r}")

    def _has(self, scope: _Scope, name: str, shapes: Sequence[Shape]) -> Any:
        column = self.json_field(scope, name)
        if self.postgres:
            array = sa.case(
                (sa.func.jsonb_typeof(column) == "array", column),
                else_=sa.literal_column("'[]'::jsonb"),
            )
            elements = sa.func.jsonb_array_elements(array).table_valued("value").alias()
        else:
            elements = sa.func.json_each(column).table_valued("value").alias()
        inner = _Scope(scope.name, scope.table, elements.c.value)
        return sa.exists().select_from(elements).where(*self.all(inner, shapes))


def _order_by(tbl: sa.Table, order: str, postgres: bool) -> list[Any]:
    descending = order.startswith("-")
    name = order.lstrip("-+")
    keys = [tbl.c[name]] if name not in tbl.primary_key.columns else []
    keys += list(tbl.primary_key.columns)
    clauses = []
    for column in keys:
        key: Any = column
        if postgres and isinstance(column.type, sa.String):
            key = column.collate("C")
        key = key.desc() if descending else key.asc()
        if postgres and column.nullable:
            key = key.nulls_last() if descending else key.nulls_first()
        clauses.append(key)
    return clauses


def _where(tbl: sa.Table, shape: Shape, postgres: bool, *, unranged: bool = False) -> list[Any]:
    return _Build(postgres, unranged).all(_Scope(tbl.name, tbl), shape)


def run_query(
    conn: Connection,
    table: str,
    conditions: Sequence[p.Condition],
    *,
    order: str = "id",
    skip: int = 0,
    limit: int | None = None,
    with_total: bool = False,
) -> Slice:
    """``Records.query``: one page of ``table``'s rows meeting ``conditions`` (see the module's notes)."""
    tbl = metadata.tables[table]
    postgres = conn.dialect.name == "postgresql"
    describe = _Describe(postgres)
    shape = describe.all(table, conditions, "row")
    params = {f"q{i}": v for i, v in enumerate(describe.params)}
    paged = limit is not None

    # SQLite plans without statistics and takes an index for any range condition (a window, validity),
    # then sorts every row in the range: 27,000 expired coupons for a page of 50 (50-100 ms). A list in id
    # order reads its rows from the id index of its scope instead ((campaign_id, id), (application_id,
    # id), ...), in page order, and stops when the page is full. Other orders are left to the planner.
    unranged = not postgres and order.lstrip("-+") in ("id", *(c.name for c in tbl.primary_key.columns))

    def build() -> Any:
        where = _where(tbl, shape, postgres, unranged=unranged)
        query = sa.select(tbl).where(*where).order_by(*_order_by(tbl, order, postgres))
        if paged:
            query = query.limit(sa.bindparam("page_limit", type_=sa.Integer()))
        return query.offset(sa.bindparam("page_skip", type_=sa.Integer()))

    page = {"page_skip": skip, **({"page_limit": limit + 1} if limit is not None else {})}
    rows = prepared(conn, ("list-query", table, shape, order, paged), build).rows(conn, {**params, **page})
    has_more = limit is not None and len(rows) > limit
    total = None
    if with_total:
        counting = prepared(
            conn,
            ("list-count", table, shape),
            lambda: (
                sa.select(sa.func.count().label("total"))
                .select_from(tbl)
                .where(*_where(tbl, shape, postgres))
            ),
        )
        total = int(counting.rows(conn, params)[0]["total"])
    return Slice(rows=rows[:limit] if limit is not None else rows, has_more=has_more, total=total)


def run_elements(
    conn: Connection,
    table: str,
    column: str,
    where: Mapping[str, Any],
    *,
    skip: int = 0,
    limit: int | None = None,
) -> Slice:
    """``Records.elements``: a page of the JSON array in ``column`` of the row matching ``where``, in the
    database (the array is not sent whole)."""
    tbl = metadata.tables[table]
    postgres = conn.dialect.name == "postgresql"
    names = tuple(where)
    paged = limit is not None

    def build() -> Any:
        array = tbl.c[column]
        if postgres:
            elements = (
                sa.func.jsonb_array_elements(array)
                .table_valued(sa.column("value", array.type), with_ordinality="position")
                .render_derived(name="elements")
            )
            value: Any = elements.c.value
            position: Any = elements.c.position
        else:
            elements = sa.func.json_each(array).table_valued("fullkey", "key").alias()
            value = sa.type_coerce(array.op("->")(elements.c.fullkey), array.type).label("value")
            position = elements.c.key
        query = (
            sa.select(value.label("value"))
            .select_from(tbl)
            .join(elements, sa.true())
            .where(*(tbl.c[n] == sa.bindparam(f"w_{n}") for n in names))
            .order_by(position)
        )
        if paged:
            query = query.limit(sa.bindparam("page_limit", type_=sa.Integer()))
        return query.offset(sa.bindparam("page_skip", type_=sa.Integer()))

    params = {f"w_{n}": v for n, v in where.items()}
    params["page_skip"] = skip
    if limit is not None:
        params["page_limit"] = limit + 1
    statement = prepared(conn, ("list-elements", table, column, names, paged), build)
    values = [row["value"] for row in statement.rows(conn, params)]
    has_more = limit is not None and len(values) > limit
    kept = values[:limit] if limit is not None else values
    return Slice(rows=[{"value": v} for v in kept], has_more=has_more)


__all__ = ["FOLDED", "folded_columns", "run_elements", "run_query"]
