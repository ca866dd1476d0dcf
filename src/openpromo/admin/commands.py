"""The data commands' flags and what they run: ``backup PATH`` and ``campaigns export|import``.

A command that fails prints one line on stderr and exits 1; argparse's usage errors exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from openpromo.admin.backup import BackupFailed, backup
from openpromo.config import Settings

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

_URL_HELP = "the database (default: OPENPROMO_DATABASE_URL, else sqlite:///./openpromo.db)"


def add_data_commands(commands: SubParsers) -> None:
    _add_backup(commands)


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


def run_data_command(args: argparse.Namespace, settings: Settings) -> int:
    try:
        written = backup(settings.database_url, args.path, force=args.force)
    except BackupFailed as exc:
        print(f"openpromo backup: {exc}", file=sys.stderr)
        return 1
    print(written.summary())
    return 0


__all__ = ["add_data_commands", "run_data_command"]
