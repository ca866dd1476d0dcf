"""Alembic environment: runs on the connection OpenPromo hands in (or one made from the URL)."""

from __future__ import annotations

from typing import Any

from alembic import context

from openpromo.storage.schema import metadata
from openpromo.storage.schema.core import ONE_DATABASE, POSTGRES_INDEXES

config = context.config

# Indexes of one database only (``schema.core.sqlite_only``, ``POSTGRES_INDEXES``) are made by their
# migration on their database; SQLite's are compared there, PostgreSQL's are not (Alembic reflects no
# index collation).
_SQLITE_ONLY = {
    index.name for table in metadata.tables.values() for index in table.indexes if ONE_DATABASE in index.info
}


def _compared(dialect: str) -> Any:
    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ != "index":
            return True
        if name in POSTGRES_INDEXES:
            return False
        return not (name in _SQLITE_ONLY and dialect != "sqlite")

    return include


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=_compared(connection.dialect.name),  # type: ignore[attr-defined]
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    import sqlalchemy as sa

    engine = sa.create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)


__all__: list[str] = []
