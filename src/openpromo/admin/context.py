"""The services a command works with, on the configured database, as the operator."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from openpromo.config import Settings
from openpromo.services.auth import ACCOUNT_ID, ManagementPrincipal

if TYPE_CHECKING:
    from openpromo.services.container import Services

OPERATOR = ManagementPrincipal(ACCOUNT_ID, None, None, True)
"""Who a command acts as: the account's operator, with the root key's rights."""


def report_root_key(generated: str | None, file: TextIO | None = None) -> None:
    if generated:
        note = "Generated the root management key (shown once; set OPENPROMO_MANAGEMENT_KEY to choose it):"
        print(note, file=file)
        print(f"  OPENPROMO_MANAGEMENT_KEY={generated}", file=file)


@contextmanager
def services(settings: Settings, *, migrated: bool = True) -> Iterator[Services]:
    """The services on ``settings``' database; ``migrated``: apply pending migrations and make the account
    first, as ``serve`` does (a command may then run before the first ``serve``), without waiting for a
    database that does not answer (``admin.failures`` says so in one line). The composition root
    is imported here, not with the module, so that ``--help`` and ``--version`` answer at once."""
    from openpromo.bootstrap import build_services, prepare
    from openpromo.storage.database import Database

    if migrated:
        report_root_key(prepare(settings, wait=False).generated_root_key, sys.stderr)
    database = Database(settings.database_url, pool_size=1)
    try:
        yield build_services(database, settings)
    finally:
        database.dispose()


__all__ = ["OPERATOR", "report_root_key", "services"]
