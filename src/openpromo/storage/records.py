"""The generic ``Records`` port on SQLAlchemy Core: tables by name, rows as dicts of column values.

Ids are 64-bit, so a condition on an integer no column can hold matches nothing (instead of overflowing
the driver). A write that breaks a unique constraint, which a parallel writer can cause after a service
checked for duplicates, is a ``Conflict``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from openpromo.services.errors import Conflict
from openpromo.services.ports import Condition, Row, Slice
from openpromo.storage.fast import write_rows
from openpromo.storage.queries import FOLDED, folded_columns, run_elements, run_query
from openpromo.storage.schema import metadata

_INT64 = range(-(2**63), 2**63)


def table_of(name: str) -> sa.Table:
    return metadata.tables[name]


def _storable(value: Any) -> bool:
    return not isinstance(value, int) or isinstance(value, bool) or value in _INT64


def _conditions(tbl: sa.Table, where: Mapping[str, Any]) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    for column, value in where.items():
        col = tbl.c[column]
        if isinstance(value, list | tuple | set | frozenset):
            conditions.append(col.in_([v for v in value if _storable(v)]))
        elif value is None:
            conditions.append(col.is_(None))
        elif not _storable(value):
            conditions.append(sa.false())
        else:
            conditions.append(col == value)
    return conditions


# Statements are built once per table and shape of the request (which columns, equality, IN or NULL) and
# executed with bound parameters, so a call does not rebuild its SQL expression every time.
Shape = tuple[tuple[str, str], ...]
_statements: dict[tuple[Any, ...], Any] = {}


def _kind(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return "in"
    if value is None:
        return "null"
    return "eq" if _storable(value) else "never"


def _shape(where: Mapping[str, Any]) -> Shape:
    return tuple((k, _kind(v)) for k, v in where.items())


def _bound(tbl: sa.Table, shape: Shape) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    for column, kind in shape:
        col = tbl.c[column]
        if kind == "in":
            conditions.append(col.in_(sa.bindparam(f"w_{column}", expanding=True)))
        elif kind == "null":
            conditions.append(col.is_(None))
        elif kind == "never":
            conditions.append(sa.false())
        else:
            conditions.append(col == sa.bindparam(f"w_{column}"))
    return conditions


def _params(where: Mapping[str, Any]) -> dict[str, Any]:
    params = {}
    for k, v in where.items():
        if isinstance(v, list | tuple | set | frozenset):
            params[f"w_{k}"] = [item for item in v if _storable(item)]
        elif v is not None and _storable(v):
            params[f"w_{k}"] = v
    return params


def _cached(key: tuple[Any, ...], build: Any) -> Any:
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = build()
    return statement


def bound_values(tbl: sa.Table, columns: Iterable[str], prefix: str = "v_") -> dict[str, Any]:
    """``{column: bound parameter}`` typed as the column, each named ``prefix + column``, for statements
    built once and run with their values as parameters."""
    return {c: sa.bindparam(f"{prefix}{c}", type_=tbl.c[c].type) for c in columns}


def bound_params(values: Mapping[str, Any], prefix: str = "v_") -> dict[str, Any]:
    """The parameters for ``bound_values(tbl, values, prefix)``: each value named ``prefix + column``."""
    return {f"{prefix}{c}": v for c, v in values.items()}


def bound_insert(tbl: sa.Table, columns: Iterable[str]) -> sa.Insert:
    """An insert of ``columns``, their values given as ``v_<column>``."""
    return tbl.insert().values(bound_values(tbl, columns))


def _insert_rows(tbl: sa.Table, columns: Iterable[str], prefixes: list[str]) -> sa.Insert:
    """An insert of one row per prefix, each row's values given as ``<prefix><column>``."""
    return tbl.insert().values([bound_values(tbl, columns, prefix) for prefix in prefixes])


def _unique(table: str) -> Conflict:
    return Conflict(f"the {table.replace('_', ' ')} record conflicts with one that exists already")


_DERIVING = frozenset(table for table, _ in FOLDED)
"""Tables with folded copies of fields (``storage.queries.FOLDED``), written with the field."""


class SqlRecords:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def insert(self, table: str, values: Mapping[str, Any]) -> int:
        tbl = table_of(table)
        if table in _DERIVING:
            values = folded_columns(table, values)
        try:
            if "id" not in tbl.c:
                self.conn.execute(_cached(("insert", table), tbl.insert), dict(values))
                return 0
            statement = _cached(("insert-id", table), lambda: tbl.insert().returning(tbl.c.id))
            return int(self.conn.execute(statement, dict(values)).scalar_one())
        except sa.exc.IntegrityError:
            raise _unique(table) from None

    def insert_many(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        # A multi-row insert needs one set of columns; rows that leave different columns to their
        # defaults go in one statement per set.
        if table in _DERIVING:
            rows = [folded_columns(table, row) for row in rows]
        groups: dict[frozenset[str], list[Mapping[str, Any]]] = {}
        for row in rows:
            groups.setdefault(frozenset(row), []).append(row)
        try:
            for columns, group in groups.items():
                names = tuple(sorted(columns))
                write_rows(
                    self.conn,
                    ("insert-many", table, names),
                    partial(_insert_rows, table_of(table), names),
                    group,
                )
        except sa.exc.IntegrityError:
            raise _unique(table) from None

    def get(self, table: str, ident: int, **scope: Any) -> Row | None:
        return self.find_one(table, id=ident, **scope)

    def find_one(self, table: str, **where: Any) -> Row | None:
        tbl = table_of(table)
        shape = _shape(where)
        statement = _cached(("one", table, shape), lambda: sa.select(tbl).where(*_bound(tbl, shape)).limit(1))
        row = self.conn.execute(statement, _params(where)).first()
        return dict(row._mapping) if row is not None else None

    def find(
        self,
        table: str,
        where: Mapping[str, Any],
        *,
        skip: int = 0,
        limit: int | None = None,
        order: str = "id",
        with_total: bool = False,
    ) -> Slice:
        tbl = table_of(table)
        shape = _shape(where)

        # An IN list finds few rows: on SQLite the sort keys are ``+column`` so that its planner, which has
        # no statistics here, takes the index the IN list can use rather than one in the sort's order
        # (``(application_id, id)`` for an application's sessions by integration ids scanned them all).
        sqlite_in = self.conn.dialect.name == "sqlite" and any(kind == "in" for _, kind in shape)

        def build() -> Any:
            descending = order.startswith("-")
            name = order.lstrip("-+")
            keys = list(tbl.primary_key.columns)
            order_by = (
                [_key(tbl.c[name]).desc() if descending else _key(tbl.c[name]).asc()] if name in tbl.c else []
            )
            query = (
                sa.select(tbl).where(*_bound(tbl, shape)).order_by(*order_by, *(_key(k).asc() for k in keys))
            )
            if skip:
                query = query.offset(skip)
            if limit is not None:
                query = query.limit(limit + 1)
            return query

        params = _params(where)

        def _key(column: Any) -> Any:
            return UnaryExpression(column, operator=operators.custom_op("+")) if sqlite_in else column

        statement = _cached(("find", table, shape, order, skip, limit, sqlite_in), build)
        rows = [dict(r._mapping) for r in self.conn.execute(statement, params)]
        has_more = limit is not None and len(rows) > limit
        total = None
        if with_total:
            total = self._count(tbl, table, shape, params)
        return Slice(rows=rows[:limit] if limit is not None else rows, has_more=has_more, total=total)

    def query(
        self,
        table: str,
        conditions: Sequence[Condition],
        *,
        order: str = "id",
        skip: int = 0,
        limit: int | None = None,
        with_total: bool = False,
    ) -> Slice:
        return run_query(
            self.conn, table, conditions, order=order, skip=skip, limit=limit, with_total=with_total
        )

    def elements(
        self, table: str, column: str, where: Mapping[str, Any], *, skip: int = 0, limit: int | None = None
    ) -> Slice:
        return run_elements(self.conn, table, column, where, skip=skip, limit=limit)

    def count(self, table: str, **where: Any) -> int:
        return self._count(table_of(table), table, _shape(where), _params(where))

    def _count(self, tbl: sa.Table, table: str, shape: Shape, params: dict[str, Any]) -> int:
        statement = _cached(
            ("count", table, shape),
            lambda: sa.select(sa.func.count()).select_from(tbl).where(*_bound(tbl, shape)),
        )
        return int(self.conn.execute(statement, params).scalar_one())

    def existing(self, table: str, column: str, values: Sequence[Any], **where: Any) -> set[Any]:
        tbl = table_of(table)
        found: set[Any] = set()
        col = tbl.c[column]
        for start in range(0, len(values), 500):
            chunk = list(values[start : start + 500])
            query = sa.select(col).where(col.in_(chunk), *_conditions(tbl, where))
            found.update(self.conn.execute(query).scalars())
        return found

    def update(self, table: str, ident: int, values: Mapping[str, Any], **scope: Any) -> bool:
        tbl = table_of(table)
        if table in _DERIVING:
            values = folded_columns(table, values)
        where = {"id": ident, **scope}
        if any(isinstance(v, sa.ClauseElement) for v in values.values()):
            query: Any = tbl.update().where(*_conditions(tbl, where)).values(**values)
            params: dict[str, Any] = {}
        else:
            shape, columns = _shape(where), tuple(values)
            query = _cached(
                ("update", table, shape, columns),
                lambda: tbl.update().where(*_bound(tbl, shape)).values(bound_values(tbl, columns)),
            )
            params = {**_params(where), **bound_params(values)}
        try:
            return self.conn.execute(query, params).rowcount > 0
        except sa.exc.IntegrityError:
            raise _unique(table) from None

    def delete(self, table: str, ident: int, **scope: Any) -> bool:
        return self.delete_where(table, id=ident, **scope) > 0

    def delete_where(self, table: str, **where: Any) -> int:
        tbl = table_of(table)
        shape = _shape(where)
        statement = _cached(("delete", table, shape), lambda: tbl.delete().where(*_bound(tbl, shape)))
        return int(self.conn.execute(statement, _params(where)).rowcount)


__all__ = ["SqlRecords", "bound_insert", "bound_params", "bound_values", "table_of"]
