"""``openpromo keys create | list | revoke``: Integration API keys of an application, and management
keys. A key is printed once, alone on standard output (what it is goes to standard error), and stored
as a digest."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from openpromo.admin.context import OPERATOR, services
from openpromo.admin.failures import Usage
from openpromo.admin.flags import Commands, add_database
from openpromo.config import Settings
from openpromo.services.models.base import Time

if TYPE_CHECKING:
    from openpromo.services.management.keys import KeyInfo

DESCRIPTION = """Integration API keys of an application and management keys. A new key is printed once,
alone on standard output (what it is goes to standard error); only its digest is stored."""


def _time(value: datetime | None) -> str:
    return "never" if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _expires(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return Time.parse(text.strip())
    except ValueError:
        raise Usage(f"--expires must be an RFC 3339 time like 2030-01-01T00:00:00Z, got {text!r}") from None


def _kind(key: KeyInfo) -> str:
    if key.application_id is not None:
        return f"application {key.application_id}"
    return "management (root)" if key.root else "management"


def add_commands(commands: Commands) -> None:
    keys = commands.add_parser(
        "keys", help="manage Integration API and management keys", description=DESCRIPTION
    )
    actions = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a key and print it once")
    kind = create.add_mutually_exclusive_group(required=True)
    kind.add_argument(
        "--application", type=int, metavar="ID", help="an Integration API key of this application"
    )
    kind.add_argument("--management", action="store_true", help="a management key (the Management API)")
    create.add_argument(
        "--name", default="openpromo keys create", help="what the key is for (default: %(default)s)"
    )
    create.add_argument("--expires", metavar="RFC3339", help="when the key stops working (default: never)")
    create.set_defaults(run=run_create)
    listed = actions.add_parser("list", help="list the keys in force (never the keys themselves)")
    listed.add_argument(
        "--application", type=int, metavar="ID", help="only this application's keys (default: all)"
    )
    listed.set_defaults(run=run_list)
    revoke = actions.add_parser("revoke", help="revoke a key: requests with it get 401 from then on")
    revoke.add_argument("id", type=int, help="the key's id, as keys list shows it")
    revoke.add_argument(
        "--management",
        action="store_true",
        help="the id is a management key's (default: an Integration API key's)",
    )
    revoke.set_defaults(run=run_revoke)
    for parser in (create, listed, revoke):
        add_database(parser)


def run_create(settings: Settings, args: argparse.Namespace) -> int:
    expires = _expires(args.expires)
    with services(settings) as use:
        if args.management:
            made = use.operator.keys.create_management(OPERATOR, args.name, expires)
        else:
            made = use.operator.keys.create_integration(OPERATOR, args.application, args.name, expires)
    what = "Integration API key" if made.info.application_id is not None else "management key"
    print(
        f"created {what} {made.info.id} ({_kind(made.info)}, {made.info.name!r}, expires "
        f"{_time(made.info.expires)}); the key, shown this once:",
        file=sys.stderr,
    )
    print(made.key, flush=True)
    return 0


def run_list(settings: Settings, args: argparse.Namespace) -> int:
    with services(settings) as use:
        keys = use.operator.keys.list(OPERATOR, args.application)
    print(f"{'ID':>6}  {'KIND':<18}  {'CREATED':<20}  {'EXPIRES':<20}  NAME")
    for key in keys:
        print(
            f"{key.id:>6}  {_kind(key):<18}  {_time(key.created):<20}  {_time(key.expires):<20}  {key.name}"
        )
    return 0


def run_revoke(settings: Settings, args: argparse.Namespace) -> int:
    with services(settings) as use:
        key = use.operator.keys.revoke(OPERATOR, args.id, management=args.management)
    print(f"revoked key {key.id} ({_kind(key)}, {key.name!r})")
    return 0


__all__ = ["add_commands", "run_create", "run_list", "run_revoke"]
