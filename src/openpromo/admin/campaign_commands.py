"""``campaigns export`` and ``campaigns import`` run against the database, as the account's root.

They act for the root management key (the command line is trusted as the operator is), through the
same use cases the Management API runs, on the database of ``--database-url``; they do not migrate it
(``openpromo migrate`` or ``serve`` does). Only the one use case is built here, not the server's whole
composition (``openpromo.bootstrap``), so that a command starts in a fraction of a second.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from openpromo.admin.campaign_files import FileProblems, encode, parse, problem_lines, summary
from openpromo.config import Settings
from openpromo.services.auth import ACCOUNT_ID, ManagementPrincipal
from openpromo.services.errors import InvalidInput, ServiceError
from openpromo.services.management.campaign_files import CampaignFileService
from openpromo.services.models.campaign_files import CampaignFile
from openpromo.storage.database import Database, normalize_url
from openpromo.storage.uow import SqlUnitOfWorkFactory

ROOT = ManagementPrincipal(account_id=ACCOUNT_ID, user_id=None, key_id=None, root=True)


class _Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def run_campaigns(args: argparse.Namespace, settings: Settings) -> int:
    name = f"openpromo campaigns {args.campaigns_command}"
    try:
        data = parse(args.file.read_bytes()) if args.campaigns_command == "import" else None
    except OSError as exc:
        return _fail(name, f"cannot read {args.file}: {exc.strerror or exc}")
    except FileProblems as exc:
        return _fail(name, _nothing_imported(args, exc.lines), exc.lines)
    problem = _url_problem(settings.database_url)
    if problem is not None:
        return _fail(name, problem)
    database = Database(settings.database_url, pool_size=1)
    try:
        return _run(args, CampaignFileService(SqlUnitOfWorkFactory(database), _Clock()), data)
    except InvalidInput as exc:
        lines = problem_lines(exc.details)
        return _fail(name, _nothing_imported(args, lines), lines)
    except ServiceError as exc:
        return _fail(name, exc.message)
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return _fail(name, f"database error: {first}")
    finally:
        database.dispose()


def _url_problem(database_url: str) -> str | None:
    """What makes the URL unusable here, before anything opens it (SQLite would create a missing file)."""
    try:
        url = make_url(normalize_url(database_url))  # as the server reads it: postgres:// too
    except ArgumentError:
        return f"cannot read the database URL {database_url!r}"
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return f"no SQLite database at {url.database}"
    return None


def _run(args: argparse.Namespace, files: CampaignFileService, data: CampaignFile | None) -> int:
    if data is None:
        sys.stdout.write(encode(files.export(ROOT, args.application, args.campaign)))
        return 0
    report = files.import_file(ROOT, args.application, data, dry_run=args.dry_run)
    print("\n".join(summary(report, args.application)))
    return 0


def _nothing_imported(args: argparse.Namespace, problems: list[str]) -> str:
    return f"{args.file}: {len(problems)} problem(s), nothing was imported"


def _fail(name: str, message: str, problems: list[str] | None = None) -> int:
    """The problems, one ``pointer: problem`` line each, then what failed."""
    for line in problems or []:
        print(line, file=sys.stderr)
    print(f"{name}: {message}", file=sys.stderr)
    return 1


__all__ = ["ROOT", "run_campaigns"]
