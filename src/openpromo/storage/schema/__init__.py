"""One schema for SQLite and PostgreSQL: every table of the mission, on one MetaData."""

from openpromo.storage.schema.account import *  # noqa: F403
from openpromo.storage.schema.core import *  # noqa: F403
from openpromo.storage.schema.core import metadata

__all__ = ["metadata"]
