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

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from openpromo.services import ports as p
from openpromo.services.codes import fold_code
from openpromo.services.ports import Slice
from openpromo.storage.fast import prepared
from openpromo.storage.query_shapes import FOLDED, Describe, Shape
from openpromo.storage.query_sql import Build, Scope
from openpromo.storage.schema import metadata


def folded_columns(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with the folded copies of the fields they set (``FOLDED``)."""
    extra = {
        column: fold_code(values[name])
        for (tbl, name), column in FOLDED.items()
        if tbl == table and isinstance(values.get(name), str)
    }
    return {**values, **extra} if extra else dict(values)


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
    return Build(postgres, unranged).all(Scope(tbl.name, tbl), shape)


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
    describe = Describe(postgres)
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
        return query.offset(sa.bindparam("page_skip", type_=sa.BigInteger()))

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
        return query.offset(sa.bindparam("page_skip", type_=sa.BigInteger()))

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
