"""``openpromo users create | list | disable | enable | set-password``: Campaign Manager users, who log in
with ``POST /v1/sessions``."""

from __future__ import annotations

import argparse
import getpass
import sys

from openpromo.admin.context import OPERATOR, services
from openpromo.admin.failures import Usage
from openpromo.admin.flags import Commands, add_database
from openpromo.config import Settings
from openpromo.services.management.users import ACTIVE, DISABLED

DESCRIPTION = """Campaign Manager users, who log in with POST /v1/sessions. A disabled user cannot log in and
their tokens stop working."""


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise Usage("no terminal to ask for the password: give it on standard input with --password-stdin")
    try:
        return getpass.getpass("Password: ")
    except EOFError:
        raise Usage("no password given") from None


def _with_password(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (default: prompt for it)",
    )


def add_commands(commands: Commands) -> None:
    users = commands.add_parser("users", help="manage Campaign Manager users", description=DESCRIPTION)
    actions = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a user who can log in with POST /v1/sessions")
    create.add_argument("--email", required=True, help="the user's email address, the login name")
    create.add_argument("--name", default="", help="the user's name (default: none)")
    _with_password(create)
    create.set_defaults(run=run_create)
    listed = actions.add_parser("list", help="list the users: id, email, name, state, created")
    listed.set_defaults(run=run_list)
    for name, run, what in (
        ("disable", run_disable, "stop a user from logging in and end their tokens"),
        ("enable", run_enable, "let a disabled user log in again"),
        ("set-password", run_set_password, "give a user a new password (ends their tokens)"),
    ):
        action = actions.add_parser(name, help=what, description=what[:1].upper() + what[1:] + ".")
        action.add_argument("email", help="the user's email address")
        if name == "set-password":
            _with_password(action)
        action.set_defaults(run=run)
    for parser in (create, listed, *(actions.choices[n] for n in ("disable", "enable", "set-password"))):
        add_database(parser)


def run_create(settings: Settings, args: argparse.Namespace) -> int:
    password = _password(args)
    with services(settings) as use:
        user_id = use.auth.create_user(args.email, password, name=args.name)
    print(f"user {user_id} created: {args.email.strip().lower()}")
    return 0


def run_list(settings: Settings, _args: argparse.Namespace) -> int:
    with services(settings) as use:
        users = use.operator.users.list(OPERATOR)
    print(f"{'ID':>6}  {'STATE':<8}  {'CREATED':<20}  EMAIL (NAME)")
    for user in users:
        created = user.created.strftime("%Y-%m-%dT%H:%M:%SZ")
        named = f" ({user.name})" if user.name else ""
        print(f"{user.id:>6}  {user.state:<8}  {created:<20}  {user.email}{named}")
    return 0


def run_disable(settings: Settings, args: argparse.Namespace) -> int:
    with services(settings) as use:
        user = use.operator.users.set_state(OPERATOR, args.email, DISABLED)
    print(f"user {user.id} disabled: {user.email}")
    return 0


def run_enable(settings: Settings, args: argparse.Namespace) -> int:
    with services(settings) as use:
        user = use.operator.users.set_state(OPERATOR, args.email, ACTIVE)
    print(f"user {user.id} enabled: {user.email}")
    return 0


def run_set_password(settings: Settings, args: argparse.Namespace) -> int:
    password = _password(args)
    with services(settings) as use:
        user = use.operator.users.set_password(OPERATOR, args.email, password)
    print(f"password of user {user.id} changed: {user.email}")
    return 0


__all__ = ["add_commands", "run_create", "run_disable", "run_enable", "run_list", "run_set_password"]
