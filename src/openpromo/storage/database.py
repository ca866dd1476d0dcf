"""The database engine for a URL: SQLite (WAL, one writer at a time) or PostgreSQL (psycopg 3 pool).

SQLite allows one writer. Several worker processes relying on ``busy_timeout`` (sleep and retry) give
second-long tail latencies, so every write transaction here takes a blocking lock first: a
``threading.Lock`` inside the process and an ``fcntl.flock`` on ``<database>.lock`` across processes,
then ``BEGIN IMMEDIATE``. Readers never take it (WAL lets them run beside the writer).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

from openpromo.config import DEFAULT_WRITE_LOCK_SECONDS
from openpromo.metrics import DATABASE_SECONDS
from openpromo.services.errors import Unavailable
from openpromo.services.models.base import encode_hook
from openpromo.storage.key_locks import FileKeyLocks, KeyLocks, ProcessKeyLocks
from openpromo.storage.outage import DatabaseState, listen_for_outages, unreachable, watch_sqlite_file
from openpromo.storage.writer_lock import WriterLock

_json_encoder = msgspec.json.Encoder(decimal_format="number", enc_hook=encode_hook)
_json_decoder = msgspec.json.Decoder(float_hook=Decimal)


def _json_serializer(value: Any) -> str:
    return _json_encoder.encode(value).decode()


def _json_deserializer(value: str | bytes) -> Any:
    return _json_decoder.decode(value)


def normalize_url(url: str) -> str:
    """Map the URLs users write (``sqlite:///x.db``, ``postgresql://...``) to our drivers."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+pysqlite")
    return parsed.render_as_string(hide_password=False)


POSTGRES_CONNECT_TIMEOUT = 5
"""Seconds a new PostgreSQL connection may take (libpq's ``connect_timeout``) unless the URL says."""


class Database:
    """Owns the SQLAlchemy engine and hands out transactions (``write=True`` for read-write ones)."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        pool_overflow: int | None = None,
        in_memory: bool = False,
        create: bool = True,
        write_lock_seconds: float = DEFAULT_WRITE_LOCK_SECONDS,
    ) -> None:
        """``pool_overflow``: connections beyond ``pool_size`` under load (None: as many again);
        ``write_lock_seconds``: SQLite: how long a write waits for the writer lock (then ``Unavailable``);
        ``in_memory``: allow ``sqlite:///:memory:``, one connection of this process (tests of use
        cases in process); a server needs a file every worker shares. ``create=False``: a missing SQLite
        file is an outage, never a new empty database (a served worker's)."""
        overflow = pool_size if pool_overflow is None else pool_overflow
        self.url = normalize_url(url)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.state = DatabaseState(make_url(url).render_as_string(hide_password=True))
        """Whether the database answers, as this process last saw it (``storage.outage``)."""
        self._writer_lock: WriterLock | None = None
        self.key_locks: KeyLocks | None = None
        if self.is_sqlite:
            self.engine: Engine = self._sqlite(
                parsed.database or "", (pool_size, overflow), in_memory, create, write_lock_seconds
            )
        else:
            self.engine = _postgres_engine(self.url, pool_size, overflow)
        listen_for_outages(self.engine)

        self._instrument()
        sa.event.listen(self.engine, "before_execute", _note_config_change)

    def _sqlite(
        self, database: str, sizes: tuple[int, int], in_memory: bool, create: bool, lock_seconds: float
    ) -> Engine:
        """``sizes``: the pool's size and overflow; ``lock_seconds``: the writer lock's wait."""
        pool_size, overflow = sizes
        memory = database in ("", ":memory:")
        if memory and not in_memory:
            raise ValueError("OpenPromo needs a SQLite file (sqlite:///PATH), not an in-memory database")
        path = os.path.abspath(database)
        pool: dict[str, Any] = (
            {"poolclass": sa.pool.StaticPool}
            if memory
            else {"pool_size": pool_size, "max_overflow": overflow}
        )
        if not memory and not create:
            pool["creator"] = _existing_file(path)
        engine = sa.create_engine(
            self.url,
            connect_args={"check_same_thread": False, "timeout": 30},
            json_serializer=_json_serializer,
            json_deserializer=_json_deserializer,
            hide_parameters=True,  # errors never log customers' ids or attribute values
            **pool,
        )
        self._writer_lock = WriterLock(None if memory else path + ".lock", lock_seconds)
        self.key_locks = ProcessKeyLocks() if memory else FileKeyLocks(path + ".keylocks")
        sa.event.listen(engine, "connect", _sqlite_on_connect)
        sa.event.listen(engine, "begin", _sqlite_on_begin)
        if not memory:
            watch_sqlite_file(engine, path)
        return engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Connection]:
        """A connection inside one transaction, committed when the block ends (unless the caller
        committed or rolled back already), rolled back when it raises."""
        with self.engine.connect() as conn:
            conn.info["write"] = write
            conn.info.pop(READING, None)  # info belongs to the pooled connection
            locked = self._writer_lock.held() if write and self._writer_lock is not None else nullcontext()
            with locked:
                # Not ``with conn.begin()``: ``upgraded`` ends this transaction and begins another.
                conn.begin()
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction():
                        conn.rollback()
                    raise
                if conn.in_transaction():
                    conn.commit()

    @contextmanager
    def upgraded(self, conn: Connection) -> Iterator[None]:
        """Turn a read transaction on SQLite into a write transaction: end it (it wrote nothing), take the
        writer lock, ``BEGIN IMMEDIATE``; the lock is held until the block ends. What was read before came
        from an older snapshot: only for callers that hold request locks on what they read and write
        (``SqlUnitOfWork.writing``). On PostgreSQL nothing changes."""
        if self._writer_lock is None:
            yield
            return
        conn.rollback()
        with self._writer_lock.held():
            conn.info["write"] = True
            conn.begin()
            yield

    def _instrument(self) -> None:
        """Time every statement into ``openpromo_database_seconds`` (by statement kind)."""

        observers: dict[str, Any] = {}

        def before(
            _conn: Connection, _cursor: Any, _statement: str, _params: Any, context: Any, *_: Any
        ) -> None:
            context.openpromo_started = time.perf_counter()

        def after(
            _conn: Connection, _cursor: Any, statement: str, _params: Any, context: Any, *_: Any
        ) -> None:
            elapsed = time.perf_counter() - context.openpromo_started
            head = statement[:8]
            observe = observers.get(head)
            if observe is None:
                kind = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "OTHER"
                observe = observers[head] = DATABASE_SECONDS.labels(kind).observe
            observe(elapsed)

        sa.event.listen(self.engine, "before_cursor_execute", before)
        sa.event.listen(self.engine, "after_cursor_execute", after)

    def probe(self) -> str | None:
        """``SELECT 1``: None when the database answers, else why not (an outage; anything else raises).
        A pooled connection that died with an earlier outage is dropped, and the probe tried once more on
        a new connection."""
        reason = None
        for _attempt in (1, 2):
            try:
                with self.engine.connect() as conn:
                    conn.execute(sa.text("SELECT 1"))
                return None
            except sa.exc.DBAPIError as exc:
                reason = unreachable(exc)
                if reason is None:
                    raise
                if not exc.connection_invalidated:  # could not connect: a new connection fares no better
                    return reason
        return reason

    def ping(self) -> None:
        """``probe`` for readiness: raises ``Unavailable`` while the database does not answer, and keeps
        ``state`` (one log line per change)."""
        reason = self.probe()
        if reason is not None:
            self.state.lost(reason)
            raise Unavailable(reason)
        self.state.answered()

    def dispose(self) -> None:
        self.engine.dispose()


CONFIG_TABLES = frozenset(
    {
        "accounts",
        "achievements",
        "api_keys",
        "additional_costs",
        "applications",
        "attributes",
        "audiences",
        "campaign_evaluation_groups",
        "campaigns",
        "catalogs",
        "event_types",
        "giveaway_pools",
        "loyalty_programs",
        "loyalty_tiers",
        "rulesets",
        "stores",
    }
)
"""Tables whose rows make up an application's configuration snapshot (``services.snapshots``)."""

CONFIG_CHANGED = "config_changed"


READING = "reading"
"""Set on a connection whose transaction must not write yet (``SqlUnitOfWork(late_write=True)``)."""


def note_write(conn: Connection, table: Any) -> None:
    """Before a write to ``table``, on either execution path (``Connection.execute``, ``storage.fast``):
    a write in a transaction that has not said it writes (``READING``) is a bug, since it would write
    without SQLite's writer lock, so it fails; a write to configuration marks the transaction, and
    committing it bumps ``config_state``."""
    if conn.info.get(READING):
        raise RuntimeError("a unit of work with late_write=True wrote before calling writing()")
    if isinstance(table, sa.TableClause) and table.name in CONFIG_TABLES:
        conn.info[CONFIG_CHANGED] = True


def _note_config_change(conn: Connection, clause: Any, *_: Any) -> None:
    if isinstance(clause, sa.Insert | sa.Update | sa.Delete):
        note_write(conn, clause.table)


CASEFOLD = "openpromo_casefold"
"""A SQL function on SQLite connections: Python's ``str.casefold`` (SQLite's own ``lower`` and ``LIKE``
fold ASCII only), for the case-insensitive conditions of list queries (``storage.queries``)."""


def _casefold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _postgres_engine(url: str, pool_size: int, overflow: int) -> Engine:
    """psycopg's pool; a new connection may take ``POSTGRES_CONNECT_TIMEOUT`` unless the URL says."""
    query = make_url(url).query
    timeout = {} if "connect_timeout" in query else {"connect_timeout": POSTGRES_CONNECT_TIMEOUT}
    return sa.create_engine(
        url,
        pool_size=pool_size,
        max_overflow=overflow,
        connect_args=timeout,
        json_serializer=_json_serializer,
        json_deserializer=_json_deserializer,
        hide_parameters=True,
    )


def _existing_file(path: str) -> Any:
    """Connections to the SQLite file at ``path`` that fail while it is missing instead of creating it."""
    uri = f"file:{quote(path)}?mode=rw"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30)

    return connect


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module so BEGIN IMMEDIATE is ours to emit.
    dbapi_connection.isolation_level = None
    dbapi_connection.create_function(CASEFOLD, 1, _casefold, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    # Straight to the driver: BEGIN needs no parameters, results or events (``storage.fast``).
    conn.connection.driver_connection.execute(  # type: ignore[union-attr]
        "BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN"
    )


__all__ = [
    "CASEFOLD",
    "CONFIG_CHANGED",
    "CONFIG_TABLES",
    "READING",
    "Database",
    "normalize_url",
    "note_write",
]
