"""When the database does not answer: which driver errors mean that, and the worker's view of it.

An error means the database is unreachable when the driver could not connect (refused, timed out, too
many clients, a SQLite file it cannot open), lost its connection (PostgreSQL's connection exceptions,
a terminated backend, a server shutting down) or could not read or write the file (SQLite's disk I/O
errors). Everything else (SQL errors, constraint violations, lock timeouts, serialization failures) is
not: those stay what they are, so a bug is never hidden behind a 503.

Such an error is a disconnect for SQLAlchemy (``handle_error`` below and ``storage.fast``): the
connection and every connection pooled before it are dropped, and the pool connects anew on the next
checkout, so the worker recovers by itself once the database is back, without a ``SELECT 1`` before
every checkout (``pool_pre_ping`` would cost a round trip per transaction). The unit of work turns the
error into ``Unavailable`` (503) and tells ``DatabaseState``, which logs one line when the state changes.

A SQLite file has no connection to lose: a connection keeps the file it opened even once the path is
renamed or deleted, and would go on serving a file no one will ever see again. Every checkout therefore
checks that the path still names the file the connection opened (one ``stat``), and a connection to a
file that went away is dropped; the new one fails to open while the file is missing (a server never
creates a new, empty database in its place: ``Database(create=False)``).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from openpromo.metrics import DATABASE_UP
from openpromo.services.errors import Busy, Unavailable

log = logging.getLogger("openpromo.database")

_SQLITE_UNREACHABLE = ("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_READONLY_DBMOVED", "SQLITE_FULL")
"""SQLite result codes (and their extended codes) that mean the file cannot be used at all (or written:
the disk is full)."""
_POSTGRES_UNREACHABLE = ("08", "57P01", "57P02", "57P03", "53100", "53200", "53300")
"""SQLSTATE prefixes: connection exceptions, admin/crash shutdown, cannot connect now, disk full, out of
memory, too many clients."""


def unreachable(error: BaseException) -> str | None:
    """Why ``error`` means the database cannot be reached (the driver's first line, never a statement or
    its parameters), or None when it means something else."""
    if isinstance(error, Busy):
        return None  # the database is up: only its writer lock was taken for too long
    if isinstance(error, Unavailable):
        return error.reason
    if isinstance(error, sa.exc.DBAPIError):
        orig = error.orig
        if error.connection_invalidated or (orig is not None and _driver_unreachable(orig)):
            return _first_line(orig if orig is not None else error)
        return None
    if _driver_unreachable(error):
        return _first_line(error)
    return None


def _driver_unreachable(error: BaseException) -> bool:
    if isinstance(error, sqlite3.Error):
        name = getattr(error, "sqlite_errorname", "") or ""
        return name.startswith(_SQLITE_UNREACHABLE) or "unable to open database file" in str(error)
    module = type(error).__module__
    if not module.startswith("psycopg"):
        return False
    sqlstate = getattr(error, "sqlstate", None)
    if sqlstate is None:  # the client's own: could not connect, the connection is closed or broken
        return type(error).__name__ in ("OperationalError", "InterfaceError")
    return str(sqlstate).startswith(_POSTGRES_UNREACHABLE)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:300]


def is_disconnect(dialect: Any, error: BaseException, connection: Any, cursor: Any) -> bool:
    """SQLAlchemy's own test (``dialect.is_disconnect``) or ours, for statements run past ``Connection``."""
    return bool(dialect.is_disconnect(error, connection, cursor)) or _driver_unreachable(error)


def drop_connections(conn: Connection, error: BaseException) -> None:
    """As SQLAlchemy does on a disconnect: this connection is invalidated, and every connection pooled
    before now is replaced at its next checkout (they lost the same server)."""
    if conn.invalidated:
        return
    conn.engine.pool._invalidate(conn.connection, error, _checkin=False)  # SQLAlchemy's own step
    conn.invalidate(error)


def _on_error(context: sa.engine.ExceptionContext) -> None:
    if not context.is_disconnect and _driver_unreachable(context.original_exception):
        context.is_disconnect = True


class DatabaseState:
    """Whether this worker's database answers: one log line and one gauge change per change of state."""

    def __init__(self, where: str) -> None:
        """``where``: the database's URL without its password, for the log."""
        self.where = where
        self.up = True
        self._lock = threading.Lock()
        DATABASE_UP.set(1)

    def lost(self, reason: str) -> None:
        if not self.up:
            return
        with self._lock:
            if not self.up:
                return
            self.up = False
        DATABASE_UP.set(0)
        log.warning("database unreachable: %s (%s)", reason, self.where)

    def answered(self) -> None:
        if self.up:
            return
        with self._lock:
            if self.up:
                return
            self.up = True
        DATABASE_UP.set(1)
        log.warning("database back (%s)", self.where)


def _file_id(path: str) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_dev, stat.st_ino


def watch_sqlite_file(engine: Engine, path: str) -> None:
    """Drop a pooled connection whose file is no longer the one at ``path`` (moved, deleted, replaced)."""

    def connected(_dbapi_connection: Any, record: Any) -> None:
        try:
            record.info["file"] = _file_id(path)
        except OSError:  # gone since it opened: the checkout that follows drops it
            record.info["file"] = None

    def checkout(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        try:
            current = _file_id(path)
        except OSError as exc:
            raise sa.exc.DisconnectionError(f"the database file is gone: {exc}") from exc
        if record.info.get("file") != current:
            raise sa.exc.InvalidatePoolError("the database file was replaced")

    sa.event.listen(engine, "connect", connected)
    sa.event.listen(engine, "checkout", checkout)


def listen_for_outages(engine: Engine) -> None:
    sa.event.listen(engine, "handle_error", _on_error)


__all__ = [
    "DatabaseState",
    "drop_connections",
    "is_disconnect",
    "listen_for_outages",
    "unreachable",
    "watch_sqlite_file",
]
