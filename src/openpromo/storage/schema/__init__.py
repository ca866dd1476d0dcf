"""One schema for SQLite and PostgreSQL: every table of the mission, on one MetaData."""

from openpromo.storage.schema.account import *  # noqa: F403
from openpromo.storage.schema.campaigns import *  # noqa: F403
from openpromo.storage.schema.core import *  # noqa: F403
from openpromo.storage.schema.core import metadata
from openpromo.storage.schema.loyalty import *  # noqa: F403
from openpromo.storage.schema.sessions import *  # noqa: F403

__all__ = ["metadata"]
