"""Alembic migrations for OpenPromo's one schema; ``upgrade`` applies every pending revision."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from openpromo.storage.database import Database

_HERE = Path(__file__).parent


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_HERE))
    config.set_main_option("sqlalchemy.url", database.url.replace("%", "%%"))
    config.attributes["database"] = database
    return config


def upgrade(database: Database) -> None:
    """Apply pending migrations (a no-op when the schema is current)."""
    config = alembic_config(database)
    with database.transaction(write=True) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def is_current(database: Database) -> bool:
    config = alembic_config(database)
    head = ScriptDirectory.from_config(config).get_current_head()
    with database.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() == head


__all__ = ["alembic_config", "is_current", "upgrade"]
