"""The data commands' flags and what they run: ``backup PATH`` and ``campaigns export|import``.

A command that fails says why on stderr, in one line (an import: one more line per problem of its file),
and exits 1, never with a traceback; argparse's usage errors exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from openpromo.admin.flags import Commands, add_database
from openpromo.config import Settings


def add_commands(commands: Commands) -> None:
    _add_backup(commands)
    _add_campaigns(commands)


def _add_backup(commands: Commands) -> None:
    parser = commands.add_parser(
        "backup",
        help="write a consistent copy of the database to PATH, safe while the server runs",
        description="SQLite: an online backup into a standalone database file. "
        "PostgreSQL: pg_dump --format=custom (restore with pg_restore).",
    )
    parser.add_argument("path", metavar="PATH", type=Path, help="the file to write")
    parser.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    add_database(parser)
    parser.set_defaults(run=_run_backup)


def _add_campaigns(commands: Commands) -> None:
    parser = commands.add_parser(
        "campaigns",
        help="export an application's campaigns to a JSON file, or import one",
        description="Campaign files hold campaigns with their rulesets, limits, evaluation groups and "
        "attributes, so that campaigns can live in version control (docs/campaign-files.md).",
    )
    actions = parser.add_subparsers(dest="campaigns_command", required=True)
    export = actions.add_parser("export", help="print the application's campaigns as a campaign file")
    export.add_argument("--application", type=int, required=True, metavar="ID", help="the application's id")
    export.add_argument(
        "--campaign",
        type=int,
        action="append",
        default=[],
        metavar="ID",
        help="export only this campaign (repeatable; default: every campaign)",
    )
    add_database(export)
    load = actions.add_parser(
        "import", help="create or update (matched by name) the file's campaigns, all in one transaction"
    )
    load.add_argument("--application", type=int, required=True, metavar="ID", help="the application's id")
    load.add_argument("file", metavar="FILE", type=Path, help="a campaign file (from campaigns export)")
    load.add_argument("--dry-run", action="store_true", help="check the file and report, write nothing")
    add_database(load)
    parser.set_defaults(run=_run_campaigns)


# Each command imports only what it runs (a command's start-up is most of its time).


def _run_campaigns(settings: Settings, args: argparse.Namespace) -> int:
    from openpromo.admin.campaign_commands import run_campaigns

    return run_campaigns(args, settings)


def _run_backup(settings: Settings, args: argparse.Namespace) -> int:
    from openpromo.admin.backup import BackupFailed, backup

    try:
        written = backup(settings.database_url, args.path, force=args.force)
    except BackupFailed as exc:
        print(f"openpromo backup: {exc}", file=sys.stderr)
        return 1
    print(written.summary())
    return 0


__all__ = ["add_commands"]
