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

from sqlalchemy.exc import SQLAlchemyError

from openpromo.admin.campaign_files import FileProblems, encode, problem_lines, read, summary
from openpromo.config import Settings
from openpromo.services.auth import ACCOUNT_ID, ManagementPrincipal
from openpromo.services.errors import InvalidInput, ServiceError
from openpromo.services.management.campaign_files import CampaignFileService
from openpromo.storage.database import Database
from openpromo.storage.uow import SqlUnitOfWorkFactory

ROOT = ManagementPrincipal(account_id=ACCOUNT_ID, user_id=None, key_id=None, root=True)


class _Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def run_campaigns(args: argparse.Namespace, settings: Settings) -> int:
    name = f"openpromo campaigns {args.campaigns_command}"
    try:
        database = Database(settings.database_url, pool_size=1)
    except (ValueError, SQLAlchemyError) as exc:
        return _fail(name, f"cannot use the database URL: {exc}")
    try:
        return _run(args, CampaignFileService(SqlUnitOfWorkFactory(database), _Clock()))
    except FileProblems as exc:
        return _fail(name, _nothing_imported(args, exc.lines), exc.lines)
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


def _run(args: argparse.Namespace, files: CampaignFileService) -> int:
    if args.campaigns_command == "export":
        sys.stdout.write(encode(files.export(ROOT, args.application, args.campaign)))
        return 0
    report = files.import_file(ROOT, args.application, read(args.file), dry_run=args.dry_run)
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
