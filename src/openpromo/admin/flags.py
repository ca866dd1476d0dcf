"""The settings as flags: every ``config.OPTIONS`` entry on ``serve``, ``--database-url`` on every other
command; each flag's help says its variable and its default. Flags are read as text and checked by
``Settings.from_env``, so a bad flag gets the same one line as a bad variable."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NoReturn, TypeAlias

from openpromo.config import OPTIONS, Option, Settings


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)


if TYPE_CHECKING:
    Commands: TypeAlias = argparse._SubParsersAction[Parser]
    """What ``add_subparsers`` returns: where a module's ``add_commands`` adds its commands."""
else:
    Commands = argparse._SubParsersAction


def _add(parser: argparse.ArgumentParser, option: Option) -> None:
    parser.add_argument(
        option.flag,
        dest=option.field,
        metavar=option.metavar,
        help=f"{option.help} (env {option.env}; default: {option.default})",
    )


def add_settings(parser: argparse.ArgumentParser) -> None:
    """Every setting as a flag (``serve``)."""
    for option in OPTIONS:
        _add(parser, option)


def add_database(parser: argparse.ArgumentParser) -> None:
    """The database URL flag alone (every command but ``serve``)."""
    _add(parser, next(o for o in OPTIONS if o.field == "database_url"))


def settings_of(args: argparse.Namespace) -> Settings:
    """The environment's settings with the flags given on the command line."""
    given = {option.field: getattr(args, option.field, None) for option in OPTIONS}
    return Settings.from_env(**given, demo=getattr(args, "demo", None))


__all__ = ["Commands", "Parser", "add_database", "add_settings", "settings_of"]
