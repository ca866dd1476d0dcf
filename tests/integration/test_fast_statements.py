"""Prepared statements (``storage.fast``) give the same values and errors as ``Connection.execute``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from openpromo.storage.database import READING, Database
from openpromo.storage.fast import ROWS_PER_STATEMENT, Prepared, write_rows
from openpromo.storage.records import bound_values
from openpromo.storage.schema.columns import Amount, Id, Json, UtcDateTime
from tests.conftest import scratch_database

metadata = sa.MetaData()
things = sa.Table(
    "fast_things",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(50), nullable=False, unique=True),
    sa.Column("amount", Amount(), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("doc", Json, nullable=True),
    sa.Column("flag", sa.Boolean(), nullable=False),
)
insert = things.insert().values(
    name=sa.bindparam("name"),
    amount=sa.bindparam("amount", type_=Amount()),
    at=sa.bindparam("at", type_=UtcDateTime()),
    doc=sa.bindparam("doc", type_=Json),
    flag=sa.bindparam("flag", type_=sa.Boolean()),
)
ROW = {
    "name": "first",
    "amount": Decimal("12.345678"),
    "at": datetime(2026, 12, 6, 8, 30, 1, 250000, tzinfo=UTC),
    "doc": {"price": Decimal("9.99"), "tags": ["a", None], "n": 3},
    "flag": True,
}


def _with_table(request: pytest.FixtureRequest, kind: str, tmp_path: Path) -> Iterator[Database]:
    for database in scratch_database(request, kind, tmp_path / "fast.db", "fast"):
        metadata.create_all(database.engine)
        yield database


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from _with_table(request, request.param, tmp_path)


@pytest.fixture
def postgres_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from _with_table(request, "postgres", tmp_path)


def test_values_round_trip_as_through_sqlalchemy(database: Database) -> None:
    with database.transaction() as conn:
        cursor = Prepared(insert.returning(things.c.id), conn.dialect).run(conn, ROW)
        new_id = cursor.fetchone()[0]
        cursor.close()
        query = sa.select(things, sa.literal(7).label("seven")).where(things.c.id == sa.bindparam("id"))
        fast = Prepared(query, conn.dialect).first(conn, {"id": new_id})
        slow = dict(conn.execute(query, {"id": new_id}).one()._mapping)
    assert fast == slow == {"id": new_id, **ROW, "seven": 7}
    assert isinstance(fast["amount"], Decimal)
    assert fast["at"].tzinfo is not None


def test_a_driver_error_is_raised_as_sqlalchemys(database: Database) -> None:
    with database.transaction() as conn:
        Prepared(insert, conn.dialect).execute(conn, ROW)
    with pytest.raises(sa.exc.IntegrityError), database.transaction() as conn:
        Prepared(insert, conn.dialect).execute(conn, ROW)


def test_a_write_where_the_unit_of_work_only_reads_fails(database: Database) -> None:
    with pytest.raises(RuntimeError, match="writing"), database.transaction() as conn:
        conn.info[READING] = True
        Prepared(insert, conn.dialect).execute(conn, ROW)
    with database.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(things)).scalar_one() == 0


def test_expanding_parameters_are_refused() -> None:
    query = sa.select(things.c.id).where(things.c.name.in_(sa.bindparam("names", expanding=True)))
    with pytest.raises(ValueError, match="expanding"):
        Prepared(query, sa.create_engine("sqlite://").dialect)


def test_a_lost_connection_is_invalidated_and_the_pool_replaces_it(postgres_database: Database) -> None:
    database = postgres_database  # an embedded SQLite connection cannot be lost
    count = sa.select(sa.func.count()).select_from(things)
    with (
        database.engine.connect() as admin,
        suppress(sa.exc.SQLAlchemyError),  # ending the transaction of a lost connection fails too
        database.transaction() as conn,
    ):
        backend = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        with pytest.raises(sa.exc.DBAPIError) as raised:
            Prepared(count, conn.dialect).first(conn, {})
        invalidated = conn.invalidated
    # asserted out here: the failing rollback of the lost connection would hide a failed assert inside
    assert raised.value.connection_invalidated and invalidated
    with database.transaction() as conn:
        assert Prepared(count, conn.dialect).first(conn, {}) == {"count_1": 0}


@pytest.mark.parametrize("count", [1, ROWS_PER_STATEMENT, ROWS_PER_STATEMENT * 2 + 3])
def test_write_rows_writes_every_row_with_its_own_values(database: Database, count: int) -> None:
    rows = [{**ROW, "name": f"row {i}", "amount": Decimal(i) / 8, "flag": i % 2 == 0} for i in range(count)]

    def build(prefixes: list[str]) -> sa.Insert:
        return things.insert().values([bound_values(things, ROW, prefix) for prefix in prefixes])

    with database.transaction() as conn:
        write_rows(conn, ("test-things",), build, rows)
        write_rows(conn, ("test-things",), build, [])
        written = conn.execute(sa.select(things).order_by(things.c.id)).all()
    assert [{k: v for k, v in r._mapping.items() if k != "id"} for r in written] == rows


def test_write_rows_commits_whole_or_not_at_all(database: Database) -> None:
    rows = [{**ROW, "name": f"row {i}"} for i in range(ROWS_PER_STATEMENT)] + [{**ROW, "name": "row 3"}]

    def build(prefixes: list[str]) -> sa.Insert:
        return things.insert().values([bound_values(things, ROW, prefix) for prefix in prefixes])

    with pytest.raises(sa.exc.IntegrityError), database.transaction() as conn:
        write_rows(conn, ("test-things",), build, rows)  # the duplicate is in the second statement
    with database.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(things)).scalar_one() == 0
