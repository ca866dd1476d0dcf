"""SqlUnitOfWork: one database transaction per use case, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import ExitStack, suppress
from types import TracebackType
from typing import Self

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from openpromo.services.errors import Conflict, ServiceError, Unavailable
from openpromo.services.locking import PARALLEL
from openpromo.storage.data.achievements import SqlAchievementData
from openpromo.storage.data.audiences import SqlAudienceData
from openpromo.storage.data.catalogs import SqlCatalogData
from openpromo.storage.data.customers import SqlCustomerData
from openpromo.storage.data.ledgers import SqlLedgerData
from openpromo.storage.data.loyalty import SqlLoyaltyData
from openpromo.storage.data.offers import SqlOfferData
from openpromo.storage.data.prices import SqlPriceData
from openpromo.storage.data.sessions import SqlSessionData
from openpromo.storage.database import CONFIG_CHANGED, READING, Database
from openpromo.storage.fast import prepared
from openpromo.storage.key_locks import CONFIG_VERSION, key_hash
from openpromo.storage.outage import drop_connections, unreachable
from openpromo.storage.records import SqlRecords
from openpromo.storage.schema.core import config_state


def try_advisory_locks(conn: Connection, keys: Iterable[str]) -> bool:
    """Take every key as a transaction-level advisory lock; False if one is held. The same round trip
    reads the configuration version (kept in ``conn.info``), which every locked request needs next."""
    hashes = sorted({key_hash(k) for k in keys})
    if not hashes:
        return True
    count = len(hashes)

    def build() -> sa.TextClause:
        taken = " AND ".join(f"pg_try_advisory_xact_lock(:k{i})" for i in range(count))
        return sa.text(
            f"SELECT {taken} AS locked, (SELECT version FROM config_state WHERE id = 1) AS version"
        )

    found = prepared(conn, ("advisory-locks", count), build).first(
        conn, {f"k{i}": h for i, h in enumerate(hashes)}
    )
    assert found is not None
    conn.info[CONFIG_VERSION] = int(found["version"])
    return bool(found["locked"])


class SqlUnitOfWork:
    def __init__(
        self, database: Database, *, write: bool = True, locks: Sequence[str] = (), late_write: bool = False
    ) -> None:
        self._database = database
        self._write = write
        self._locks = locks
        self._late = late_write and write and database.is_sqlite
        """On SQLite: read without the writer lock until ``writing``."""
        self._stack = ExitStack()
        self._committed = False
        self.conn: Connection
        self.records: SqlRecords
        self.sessions: SqlSessionData
        self.ledgers: SqlLedgerData
        self.loyalty: SqlLoyaltyData
        self.offers: SqlOfferData
        self.writes_later = False
        """True while it reads without the database's writer lock (``late_write`` on SQLite)."""
        self.version: int | None = None
        """The configuration version, when it was read with the request keys (PostgreSQL)."""

    def __enter__(self) -> Self:
        try:
            return self._enter()
        except BaseException as exc:
            reason = unreachable(exc)
            if reason is None:
                raise
            self._database.state.lost(reason)
            if isinstance(exc, Unavailable):
                raise
            raise Unavailable(reason) from exc

    def _enter(self) -> Self:
        file_locks = self._database.key_locks
        if self._locks and file_locks is not None:
            held = file_locks.try_acquire(self._locks)
            if held is None:
                raise Conflict(PARALLEL)
            self._stack.callback(file_locks.release, held)
        try:
            self.conn = self._stack.enter_context(
                self._database.transaction(write=self._write and not self._late)
            )
            if self._late:
                self.conn.info[READING] = True
            self.conn.info.pop(CONFIG_VERSION, None)  # info belongs to the pooled connection
            if self._locks and file_locks is None and not try_advisory_locks(self.conn, self._locks):
                raise Conflict(PARALLEL)
        except BaseException:
            conn = getattr(self, "conn", None)
            if conn is not None and conn.in_transaction():
                with suppress(Exception):  # a lost connection rolls back without the server
                    conn.rollback()
            self._stack.close()
            raise
        self.records = SqlRecords(self.conn)
        self.sessions = SqlSessionData(self.conn)
        self.ledgers = SqlLedgerData(self.conn)
        self.loyalty = SqlLoyaltyData(self.conn)
        self.offers = SqlOfferData(self.conn)
        self.writes_later = self._late
        self.version = self.conn.info.get(CONFIG_VERSION)
        if self.version is None and self._locks:
            self.version = self.sessions.config_version()  # what every locked request reads next
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        lost = self.conn.invalidated  # the connection died on the way: its info went with it
        if not lost:
            self.conn.info.pop(CONFIG_CHANGED, None)
            self.conn.info.pop(CONFIG_VERSION, None)
            self.conn.info.pop(READING, None)
        outage = None if exc is None else self._outage(exc, lost)
        try:
            if not self._committed and self.conn.in_transaction():
                self.conn.rollback()
        except BaseException:  # a connection that died with the database cannot roll back
            if outage is None:
                raise
        finally:
            self._stack.close()
        if outage is not None:
            self._database.state.lost(outage.reason)
            if outage is not exc:
                raise outage from exc
        elif exc is None or isinstance(exc, ServiceError):
            self._database.state.answered()

    def _outage(self, exc: BaseException, lost: bool) -> Unavailable | None:
        """``Unavailable`` (503) for ``exc`` when it means the database cannot be reached, or when this
        unit of work's connection was lost on the way (whatever the use case made of that); else None."""
        reason = unreachable(exc)
        if reason is None and not lost:
            return None
        if isinstance(exc, Unavailable):
            return exc
        if not lost:  # a driver error raised past SQLAlchemy (SQLite's BEGIN): drop the connection
            drop_connections(self.conn, exc)
        return Unavailable(reason or "the connection was lost")

    @property
    def customers(self) -> SqlCustomerData:
        """Made when a use case asks for it (the session update never does)."""
        return SqlCustomerData(self.conn)

    @property
    def audiences(self) -> SqlAudienceData:
        """Made when a use case asks for it: audiences and their memberships."""
        return SqlAudienceData(self.conn)

    @property
    def achievements(self) -> SqlAchievementData:
        """Made when a use case asks for it: customers' progress in achievements."""
        return SqlAchievementData(self.conn)

    @property
    def catalogs(self) -> SqlCatalogData:
        """Made when a use case asks for it: catalogs and their items."""
        return SqlCatalogData(self.conn)

    @property
    def prices(self) -> SqlPriceData:
        """Made when a use case asks for it (the session update never does)."""
        return SqlPriceData(self.conn)

    def writing(self) -> None:
        """From here on this unit of work writes (see ``UnitOfWork.writing``)."""
        self.writes_later = False
        if self.conn.info.pop(READING, None):
            self._stack.enter_context(self._database.upgraded(self.conn))

    def commit(self) -> None:
        if self.conn.info.pop(CONFIG_CHANGED, False):
            self.conn.execute(config_state.update().values(version=config_state.c.version + 1))
        self.conn.commit()
        self._committed = True


class SqlUnitOfWorkFactory:
    def __init__(self, database: Database) -> None:
        self.database = database

    def __call__(
        self, *, write: bool = True, locks: Sequence[str] = (), late_write: bool = False
    ) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.database, write=write, locks=locks, late_write=late_write)


__all__ = ["SqlUnitOfWork", "SqlUnitOfWorkFactory"]
