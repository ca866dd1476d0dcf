"""The generic ``Records`` port on SQLAlchemy Core: tables by name, rows as dicts of column values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from openpromo.services.ports import Row, Slice
from openpromo.storage.schema import metadata


def table_of(name: str) -> sa.Table:
    return metadata.tables[name]


def _conditions(tbl: sa.Table, where: Mapping[str, Any]) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    for column, value in where.items():
        col = tbl.c[column]
        if isinstance(value, list | tuple | set | frozenset):
            conditions.append(col.in_(list(value)))
        elif value is None:
            conditions.append(col.is_(None))
        else:
            conditions.append(col == value)
    return conditions


class SqlRecords:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def insert(self, table: str, values: Mapping[str, Any]) -> int:
        tbl = table_of(table)
        if "id" not in tbl.c:
            self.conn.execute(tbl.insert().values(**values))
            return 0
        result = self.conn.execute(tbl.insert().values(**values).returning(tbl.c.id))
        return int(result.scalar_one())

    def insert_many(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        # executemany needs one set of columns; rows that leave different columns to their defaults
        # go in one statement per set.
        groups: dict[frozenset[str], list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(frozenset(row), []).append(dict(row))
        for group in groups.values():
            self.conn.execute(table_of(table).insert(), group)

    def get(self, table: str, ident: int, **scope: Any) -> Row | None:
        return self.find_one(table, id=ident, **scope)

    def find_one(self, table: str, **where: Any) -> Row | None:
        tbl = table_of(table)
        row = self.conn.execute(sa.select(tbl).where(*_conditions(tbl, where)).limit(1)).first()
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
        conditions = _conditions(tbl, where)
        descending = order.startswith("-")
        name = order.lstrip("-+")
        keys = list(tbl.primary_key.columns)
        order_by = [tbl.c[name].desc() if descending else tbl.c[name].asc()] if name in tbl.c else []
        query = sa.select(tbl).where(*conditions).order_by(*order_by, *(k.asc() for k in keys))
        if skip:
            query = query.offset(skip)
        if limit is not None:
            query = query.limit(limit + 1)
        rows = [dict(r._mapping) for r in self.conn.execute(query)]
        has_more = limit is not None and len(rows) > limit
        total = None
        if with_total:
            total = int(
                self.conn.execute(sa.select(sa.func.count()).select_from(tbl).where(*conditions)).scalar_one()
            )
        return Slice(rows=rows[:limit] if limit is not None else rows, has_more=has_more, total=total)

    def count(self, table: str, **where: Any) -> int:
        tbl = table_of(table)
        query = sa.select(sa.func.count()).select_from(tbl).where(*_conditions(tbl, where))
        return int(self.conn.execute(query).scalar_one())

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
        query = tbl.update().where(*_conditions(tbl, {"id": ident, **scope})).values(**values)
        return self.conn.execute(query).rowcount > 0

    def delete(self, table: str, ident: int, **scope: Any) -> bool:
        return self.delete_where(table, id=ident, **scope) > 0

    def delete_where(self, table: str, **where: Any) -> int:
        tbl = table_of(table)
        return int(self.conn.execute(tbl.delete().where(*_conditions(tbl, where))).rowcount)


__all__ = ["SqlRecords", "table_of"]
