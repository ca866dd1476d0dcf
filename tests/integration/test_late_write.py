"""Units of work with ``late_write``: on SQLite they read without the writer lock until ``writing()``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from openpromo.storage.database import Database
from openpromo.storage.uow import SqlUnitOfWork

metadata = sa.MetaData()
probe = sa.Table("late_write_probe", metadata, sa.Column("id", sa.Integer, primary_key=True))


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'late.db'}", pool_size=2)
    metadata.create_all(database.engine)
    yield database
    database.dispose()


def _ids(database: Database) -> list[int]:
    with database.engine.connect() as conn:
        return [row.id for row in conn.execute(sa.select(probe.c.id).order_by(probe.c.id))]


def _write_elsewhere(database: Database, row_id: int) -> threading.Event:
    """Commit a row from another thread; the event is set once it has."""
    done = threading.Event()

    def write() -> None:
        with database.transaction(write=True) as conn:
            conn.execute(probe.insert().values(id=row_id))
        done.set()

    threading.Thread(target=write, daemon=True).start()
    return done


def test_a_late_write_unit_of_work_reads_without_the_writer_lock(database: Database) -> None:
    with SqlUnitOfWork(database, late_write=True) as uow:
        assert uow.conn.execute(sa.select(sa.func.count()).select_from(probe)).scalar_one() == 0
        # another writer commits while this one only reads
        assert _write_elsewhere(database, 1).wait(5)
        uow.writing()
        # from writing() on it holds the lock, and it sees what was committed before it took it
        assert uow.conn.execute(sa.select(sa.func.count()).select_from(probe)).scalar_one() == 1
        waiting = _write_elsewhere(database, 3)
        assert not waiting.wait(0.5)
        uow.conn.execute(probe.insert().values(id=2))
        uow.commit()
    assert waiting.wait(5)
    assert _ids(database) == [1, 2, 3]


def test_a_write_before_writing_fails_and_leaves_nothing(database: Database) -> None:
    with pytest.raises(RuntimeError, match="writing"), SqlUnitOfWork(database, late_write=True) as uow:
        uow.conn.execute(probe.insert().values(id=1))
    assert _ids(database) == []


def test_a_late_write_unit_of_work_that_never_writes_never_takes_the_lock(database: Database) -> None:
    with SqlUnitOfWork(database, late_write=True) as uow:
        assert _write_elsewhere(database, 1).wait(5)
        uow.commit()
    assert _ids(database) == [1]
