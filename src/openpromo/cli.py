"""``openpromo``: parses the command line, runs the command (``openpromo.admin``) and reports a failure
as one line: exit status 2 for bad usage, 1 for an operation that failed (``admin.failures``)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from openpromo.admin import data_commands, keys, serve, status, users
from openpromo.admin.failures import explain
from openpromo.admin.flags import Parser, settings_of
from openpromo.admin.version import version

COMMANDS = (
    serve.add_commands,
    users.add_commands,
    keys.add_commands,
    status.add_commands,
    data_commands.add_commands,
)
"""Each adds its command group to the parser, in the order ``--help`` lists them."""


def _parser() -> Parser:
    parser = Parser(
        prog="openpromo",
        description="OpenPromo, a promotion engine that speaks Talon.One's Integration API.",
        epilog="Run 'openpromo COMMAND --help' for a command's flags and their defaults.",
    )
    parser.add_argument("--version", action="version", version=f"openpromo {version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(settings_of(args), args))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        explained = explain(exc)
        if explained is None:
            raise
        message, code = explained
        print(f"openpromo: {message}", file=sys.stderr)
        return code


__all__ = ["main"]
