"""Which real driver errors are an outage (503) and which stay what they are: a SQL error or a violated
constraint is a bug or a conflict, never hidden behind a 503."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from openpromo.services.errors import Unavailable
from openpromo.storage.database import Database
from openpromo.storage.outage import unreachable
from openpromo.storage.uow import SqlUnitOfWorkFactory
from tests.conftest import _free_port, _postgres_admin_url


def _error(database: Database, *statements: str) -> BaseException:
    with pytest.raises(Exception) as caught, database.engine.connect() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))
    return caught.value


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'errors.db'}")
    with database.engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        conn.execute(sa.text("INSERT INTO t (id) VALUES (1)"))
    yield database
    database.dispose()


def test_sqlite_errors_of_the_statement_are_not_outages(sqlite: Database) -> None:
    assert unreachable(_error(sqlite, "INSERT INTO t (id) VALUES (1)")) is None  # constraint
    assert unreachable(_error(sqlite, "SELEC 1")) is None  # a syntax error is an OperationalError too
    assert unreachable(_error(sqlite, "SELECT * FROM missing")) is None


def test_a_sqlite_file_that_cannot_be_opened_is_an_outage(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'gone' / 'x.db'}", create=False)
    try:
        reason = unreachable(_error(database, "SELECT 1"))
        assert reason == "unable to open database file"
        with pytest.raises(Unavailable), SqlUnitOfWorkFactory(database)(write=False):
            pass
        assert database.probe() == reason and not database.state.up
    finally:
        database.dispose()


def test_a_full_sqlite_disk_is_an_outage_not_a_500(sqlite: Database) -> None:
    # a database that may not grow fails its writes as a full disk does (SQLITE_FULL)
    fill = "INSERT INTO t (id) SELECT id + (SELECT max(id) FROM t) FROM t"
    error = _error(sqlite, "PRAGMA max_page_count = 2", *[fill] * 20)
    assert unreachable(error) == "database or disk is full"


def test_a_use_case_that_breaks_a_constraint_keeps_its_error(sqlite: Database) -> None:
    with pytest.raises(sa.exc.IntegrityError), SqlUnitOfWorkFactory(sqlite)() as uow:
        uow.conn.execute(sa.text("INSERT INTO t (id) VALUES (1)"))
    assert sqlite.state.up


@pytest.mark.postgres
def test_postgresql_errors_of_the_statement_are_not_outages(postgres_url: str) -> None:
    database = Database(postgres_url, pool_size=1)
    try:
        assert unreachable(_error(database, "SELEC 1")) is None
        assert unreachable(_error(database, "SET statement_timeout = 1", "SELECT pg_sleep(1)")) is None
        assert unreachable(_error(database, "SELECT 1/0")) is None
    finally:
        database.dispose()


@pytest.mark.postgres
def test_a_terminated_postgresql_connection_is_an_outage_and_is_replaced(postgres_url: str) -> None:
    database = Database(postgres_url, pool_size=1)
    try:
        with database.engine.connect() as conn:
            pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        with psycopg.connect(_postgres_admin_url(), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        error = _error(database, "SELECT 1")
        assert unreachable(error) == "terminating connection due to administrator command"
        assert database.probe() is None  # a new connection
    finally:
        database.dispose()


def test_a_postgresql_server_that_refuses_connections_is_an_outage() -> None:
    database = Database(f"postgresql://postgres@127.0.0.1:{_free_port()}/test", pool_size=1)
    try:
        reason = database.probe()
        assert reason is not None and reason.startswith("connection failed") and "refused" in reason
    finally:
        database.dispose()
