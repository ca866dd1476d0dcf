"""``openpromo status``: the version, the database, its schema revision and pending migrations, the
applications and the running campaigns; ``--json`` for machines. It changes nothing (no migration)."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openpromo.admin.context import OPERATOR, services
from openpromo.admin.flags import Commands, add_database
from openpromo.admin.version import version
from openpromo.config import Settings, redact_url

if TYPE_CHECKING:
    from openpromo.storage.database import Database

DESCRIPTION = """The version, the database (without its password), the schema revision and the pending
migrations, the applications and the running campaigns. Changes nothing."""


@dataclass(frozen=True, slots=True)
class Schema:
    revision: str | None
    """None: no schema yet."""
    head: str
    pending: list[str]


def schema(database: Database) -> Schema:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from openpromo.storage.migrations import alembic_config

    script = ScriptDirectory.from_config(alembic_config(database))
    with database.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    order = [r.revision for r in reversed(list(script.walk_revisions()))]
    done = order.index(current) + 1 if current in order else 0
    return Schema(current, order[-1], order[done:])


def add_commands(commands: Commands) -> None:
    status = commands.add_parser(
        "status", help="show the version, database, schema and contents", description=DESCRIPTION
    )
    status.add_argument(
        "--json", action="store_true", help="one JSON object instead of lines (default: lines)"
    )
    add_database(status)
    status.set_defaults(run=run_status)


def report(settings: Settings) -> dict[str, Any]:
    from openpromo.services.management.overview import Overview
    from openpromo.storage.database import Database

    database = Database(settings.database_url, pool_size=1)
    try:
        found = schema(database)
    finally:
        database.dispose()
    overview = Overview([], 0)
    if found.revision is not None:
        with services(settings, migrated=False) as use:
            overview = use.operator.overview.overview(OPERATOR)
    return {
        "version": version(),
        "database": redact_url(settings.database_url),
        "revision": found.revision,
        "head": found.head,
        "pendingMigrations": found.pending,
        "applicationCount": len(overview.applications),
        "applications": [{"id": i, "name": name} for i, name in overview.applications],
        "runningCampaigns": overview.running_campaigns,
    }


def _lines(status: dict[str, Any]) -> list[str]:
    pending = status["pendingMigrations"]
    schema_line = f"revision {status['revision'] or 'none'}, " + (
        f"{len(pending)} pending: {', '.join(pending)} (run openpromo migrate)" if pending else "current"
    )
    names = ", ".join(app["name"] for app in status["applications"])
    return [
        f"OpenPromo {status['version']}",
        f"database: {status['database']}",
        f"schema: {schema_line}",
        f"applications: {status['applicationCount']}" + (f" ({names})" if names else ""),
        f"running campaigns: {status['runningCampaigns']}",
    ]


def run_status(settings: Settings, args: argparse.Namespace) -> int:
    status = report(settings)
    print(json.dumps(status, indent=2) if args.json else "\n".join(_lines(status)))
    return 0


__all__ = ["Schema", "add_commands", "report", "run_status", "schema"]
