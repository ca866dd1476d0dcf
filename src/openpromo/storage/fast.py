"""The session hot path's statements, compiled once per dialect and run on the driver's cursor.

``Connection.execute`` costs about 75 µs of Python per statement here (execution context, events,
result metadata), several times what SQLite takes to run a hot-path statement, and about a third of a
session update's CPU. A ``Prepared`` statement keeps what SQLAlchemy compiled (the SQL text, the order of
its parameters, the bind and result processors of its column types, so values convert exactly as they do
through SQLAlchemy) and runs it on the same connection, inside the same transaction, with one driver call.
Driver errors are raised as SQLAlchemy's (``IntegrityError`` and the rest), statements are timed into the
same metric, and writes go through the same ``database.note_write`` as ``Connection.execute``'s (a write
to a configuration table marks the transaction; a write where the unit of work has not said it writes is
refused).

Only statements without expanding (``IN``) parameters can be prepared; everything else goes through
``Connection.execute`` as usual.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from openpromo.metrics import DATABASE_SECONDS
from openpromo.storage.database import note_write
from openpromo.storage.outage import drop_connections, is_disconnect

Processor = Callable[[Any], Any]


class Prepared:
    """One statement for one dialect; ``rows``/``first`` read, ``run`` returns the driver's cursor."""

    __slots__ = (
        "_binds",
        "_defaults",
        "_names",
        "_observe",
        "_result_types",
        "_results",
        "_table",
        "dml",
        "sql",
    )

    def __init__(self, statement: Any, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        if compiled.post_compile_params or compiled.literal_execute_params:
            raise ValueError("a prepared statement cannot have expanding parameters")
        self.sql: str = compiled.string
        self._names: list[str] | None = list(compiled.positiontup) if compiled.positional else None
        self._defaults = {name: bind.value for name, bind in compiled.binds.items() if bind.value is not None}
        self._binds: list[tuple[str, Processor]] = []
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                self._binds.append((name, process))
        self.dml = isinstance(statement, sa.Insert | sa.Update | sa.Delete)
        self._table = statement.table if self.dml else None
        # A text statement declares no columns: its values come as the driver gives them.
        self._result_types = [c.type for c in getattr(statement, "exported_columns", ())]
        self._results: tuple[list[str], list[Processor | None]] | None = None
        kind = self.sql.lstrip().split(None, 1)[0].upper()
        self._observe = DATABASE_SECONDS.labels(kind).observe

    def run(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        return self._run(conn, self._arguments(params))

    def _arguments(self, params: Mapping[str, Any]) -> Any:
        values = {**self._defaults, **params}
        for name, process in self._binds:
            values[name] = process(values[name])
        return [values[name] for name in self._names] if self._names is not None else values

    def _run(self, conn: Connection, arguments: Any) -> Any:
        if self.dml:
            note_write(conn, self._table)
        dialect = conn.dialect
        cursor = conn.connection.cursor()
        started = time.perf_counter()
        try:
            cursor.execute(self.sql, arguments)
        except dialect.loaded_dbapi.Error as exc:
            # As Connection.execute does: a lost connection is invalidated, with every connection pooled
            # before it, so the pool replaces them (``storage.outage``).
            lost = is_disconnect(dialect, exc, conn.connection.dbapi_connection, cursor)
            with suppress(dialect.loaded_dbapi.Error):
                cursor.close()
            if lost:
                drop_connections(conn, exc)
            raise sa.exc.DBAPIError.instance(
                self.sql,
                arguments,
                exc,
                dialect.loaded_dbapi.Error,
                dialect=dialect,
                connection_invalidated=lost,
            ) from exc
        finally:
            self._observe(time.perf_counter() - started)
        return cursor

    def rows(self, conn: Connection, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        cursor = self.run(conn, params)
        try:
            fetched = cursor.fetchall()
            # The driver builds its column descriptions anew each time they are asked for: once is enough.
            keys, processors = self._results or self._processors(conn.dialect, cursor.description)
        finally:
            cursor.close()
        return [
            {
                key: (process(value) if process is not None else value)
                for key, process, value in zip(keys, processors, row, strict=True)
            }
            for row in fetched
        ]

    def first(self, conn: Connection, params: Mapping[str, Any]) -> dict[str, Any] | None:
        found = self.rows(conn, params)
        return found[0] if found else None

    def returned(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """Run a write with ``RETURNING``; the driver's row, as it gives it (ids need no processing)."""
        cursor = self.run(conn, params)
        try:
            return cursor.fetchone()
        finally:
            cursor.close()

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> int:
        """Run a write; returns the rows it changed."""
        cursor = self.run(conn, params)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def _processors(self, dialect: Dialect, description: Any) -> tuple[list[str], list[Processor | None]]:
        keys = [column[0] for column in description]
        processors: list[Processor | None] = [None] * len(keys)
        for i, kind in enumerate(self._result_types):
            processors[i] = kind.dialect_impl(dialect).result_processor(dialect, description[i][1])
        self._results = keys, processors
        return self._results


_prepared: dict[tuple[Any, ...], Prepared] = {}


def prepared(conn: Connection, key: tuple[Any, ...], build: Callable[[], Any]) -> Prepared:
    """The statement ``build`` makes, prepared once per dialect and ``key`` (its shape)."""
    full = (conn.dialect.name, *key)
    found = _prepared.get(full)
    if found is None:
        found = _prepared[full] = Prepared(build(), conn.dialect)
    return found


ROWS_PER_STATEMENT = 16


def write_rows(
    conn: Connection,
    key: tuple[Any, ...],
    build: Callable[[list[str]], Any],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    """Write ``rows`` (each with the same names) with one multi-row statement per 16 rows:
    ``build(prefixes)`` makes the statement whose row ``i`` takes its values from the parameters named
    ``prefixes[i] + name``; it is prepared once per ``key`` and row count.

    One statement instead of the driver's ``executemany``: psycopg runs that in pipeline mode, whose
    waiting loop cost about as much CPU as the rest of the update's statements together."""
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[start : start + ROWS_PER_STATEMENT]
        prefixes = [f"r{i}_" for i in range(len(chunk))]
        statement = prepared(conn, (*key, len(chunk)), partial(build, prefixes))
        statement.execute(
            conn,
            {
                prefix + name: value
                for prefix, row in zip(prefixes, chunk, strict=True)
                for name, value in row.items()
            },
        )


__all__ = ["ROWS_PER_STATEMENT", "Prepared", "prepared", "write_rows"]
