"""The data commands' flags and what they run: ``backup PATH`` and ``campaigns export|import``.

A command that fails says why on stderr, in one line (an import: one more line per problem of its file),
and exits 1, never with a traceback; argparse's usage errors exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from openpromo.config import Settings

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

_URL_HELP = "the database (default: OPENPROMO_DATABASE_URL, else sqlite:///./openpromo.db)"


def add_data_commands(commands: SubParsers) -> None:
    _add_backup(commands)
    _add_campaigns(commands)


def _add_backup(commands: SubParsers) -> None:
    parser = commands.add_parser(
        "backup",
        help="write a consistent copy of the database to PATH, safe while the server runs",
        description="SQLite: an online backup into a standalone database file. "
        "PostgreSQL: pg_dump --format=custom (restore with pg_restore).",
    )
    parser.add_argument("path", metavar="PATH", type=Path, help="the file to write")
    parser.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    parser.add_argument("--database-url", help=_URL_HELP)


def _add_campaigns(commands: SubParsers) -> None:
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
    export.add_argument("--database-url", help=_URL_HELP)
    load = actions.add_parser(
        "import", help="create or update (matched by name) the file's campaigns, all in one transaction"
    )
    load.add_argument("--application", type=int, required=True, metavar="ID", help="the application's id")
    load.add_argument("file", metavar="FILE", type=Path, help="a campaign file (from campaigns export)")
    load.add_argument("--dry-run", action="store_true", help="check the file and report, write nothing")
    load.add_argument("--database-url", help=_URL_HELP)


def run_data_command(args: argparse.Namespace, settings: Settings) -> int:
    """Each command imports only what it runs (a command's start-up is most of its time)."""
    if args.command == "campaigns":
        from openpromo.admin.campaign_commands import run_campaigns

        return run_campaigns(args, settings)
    from openpromo.admin.backup import BackupFailed, backup

    try:
        written = backup(settings.database_url, args.path, force=args.force)
    except BackupFailed as exc:
        print(f"openpromo backup: {exc}", file=sys.stderr)
        return 1
    print(written.summary())
    return 0


__all__ = ["add_data_commands", "run_data_command"]
