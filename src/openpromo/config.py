"""Settings from ``OPENPROMO_*`` environment variables and command-line flags (flags win), parsed once.

Every setting is one ``Option``: its variable, its ``serve`` flag, how its text is read and checked, its
default as ``--help`` shows it, and what it means. ``Settings.from_env`` reads them all and raises a
``SettingsError`` naming the variable or flag of the first bad value; ``Settings.to_env`` writes the
resolved settings back as variables, so that the worker processes ``serve`` starts see its flags.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

DEFAULT_DATABASE_URL = "sqlite:///./openpromo.db"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9000
DEFAULT_KEEPALIVE_REQUESTS = 100
DEFAULT_MAX_BODY_BYTES = 10_000_000
DEFAULT_MAX_UPLOAD_BYTES = 500_000_000
DEFAULT_POOL_SIZE = 10
DEFAULT_TOKEN_LIFETIME_SECONDS = 12 * 3600
DEFAULT_DATABASE_WAIT_SECONDS = 30.0
DEFAULT_WRITE_LOCK_SECONDS = 10.0
LOG_LEVELS = ("debug", "info", "warning", "error")
LOG_FORMATS = ("json", "text")
DATABASE_SCHEMES = ("sqlite", "sqlite+pysqlite", "postgresql", "postgres", "postgresql+psycopg")
_TRUE = ("1", "true", "on", "yes")
_FALSE = ("0", "false", "off", "no")


class SettingsError(ValueError):
    """A setting with a value OpenPromo cannot use; the message names the variable or flag."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    workers: int = 1
    management_key: str | None = None
    demo: bool = False
    bench_routes: bool = False
    """``OPENPROMO_BENCH_ROUTES=1``: serve ``PUT /bench/echo/{id}``, the floor ``make bench`` measures."""
    threads: int | None = None
    """Use cases one worker runs at once in threads (``OPENPROMO_THREADS``); 0: one at a time on the event
    loop; None: 0 on SQLite, 2 on PostgreSQL."""
    keepalive_requests: int | None = None
    """Responses one keep-alive connection gets before it is closed (``OPENPROMO_KEEPALIVE_REQUESTS``);
    0: no limit; None: ``keepalive_limit()``'s default. Spreads long-lived connections over the workers
    (``api.system.keepalive_limit``)."""
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    """The largest request body (``OPENPROMO_MAX_BODY_BYTES``); a larger one is a 413."""
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    """The largest CSV upload of an ``import...`` operation (``OPENPROMO_MAX_UPLOAD_BYTES``)."""
    pool_size: int = DEFAULT_POOL_SIZE
    """Database connections one worker keeps open (``OPENPROMO_POOL_SIZE``)."""
    pool_overflow: int | None = None
    """Connections one worker may open beyond ``pool_size`` under load (``OPENPROMO_POOL_OVERFLOW``);
    None: as many as ``pool_size``."""
    token_lifetime_seconds: int = DEFAULT_TOKEN_LIFETIME_SECONDS
    """How long a Management session token (``POST /v1/sessions``) is valid (``OPENPROMO_TOKEN_LIFETIME``)."""
    log_level: str = "info"
    """``OPENPROMO_LOG_LEVEL``: one of ``LOG_LEVELS``."""
    log_format: str = "text"
    """``OPENPROMO_LOG_FORMAT``: ``json`` (one object per line) or ``text``."""
    access_log: bool = True
    """``OPENPROMO_ACCESS_LOG``: one line per request (``0`` turns it off)."""
    database_wait_seconds: float = DEFAULT_DATABASE_WAIT_SECONDS
    """How long ``serve`` and ``migrate`` wait for the database at start (``OPENPROMO_DATABASE_WAIT``)."""
    write_lock_seconds: float = DEFAULT_WRITE_LOCK_SECONDS
    """SQLite: how long a write waits for the database's one writer before it answers 503
    (``OPENPROMO_WRITE_LOCK_TIMEOUT``)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **flags: Any) -> Settings:
        """The settings of ``env`` (default ``os.environ``), then ``flags`` by field name (a flag's text
        as typed, or a value; None: not given). Raises ``SettingsError`` for the first bad value."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for option in OPTIONS:
            text = env.get(option.env, "").strip()
            if text:
                values[option.field] = option.read(text, option.env)
            given = flags.pop(option.field, None)
            if given is not None:
                values[option.field] = option.read(_text(given), option.flag)
        values["management_key"] = env.get("OPENPROMO_MANAGEMENT_KEY") or None
        values["bench_routes"] = env.get("OPENPROMO_BENCH_ROUTES") == "1"
        settings = cls(**values)
        return replace(settings, **{k: v for k, v in flags.items() if v is not None})

    def to_env(self) -> dict[str, str]:
        """Every option as its variable (empty for an unset one: its default), for child processes."""
        return {option.env: option.text(getattr(self, option.field)) for option in OPTIONS}

    def keepalive_limit(self) -> int:
        """``keepalive_requests``, by default 100 when several workers share the work and no limit with
        one: there is nothing to spread then, and the request after a reconnection waits for a turn of
        the worker's loop (on SQLite, the 1% of requests that reconnect made the p99 of one worker 5x
        its p50)."""
        if self.keepalive_requests is not None:
            return self.keepalive_requests
        return DEFAULT_KEEPALIVE_REQUESTS if self.workers > 1 else 0


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value).strip()


Reader = Callable[[str], Any]
"""Reads a setting's text; raises ``ValueError("must be ...")`` for a bad one."""


def integer(low: int, high: int | None = None) -> Reader:
    def read(text: str) -> int:
        bound = f"from {low} to {high}" if high is not None else f"of at least {low}"
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"must be an integer {bound}") from None
        if value < low or (high is not None and value > high):
            raise ValueError(f"must be an integer {bound}")
        return value

    return read


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError("must be a number of seconds of at least 0") from None
    if not value >= 0 or value == float("inf"):
        raise ValueError("must be a number of seconds of at least 0")
    return value


def one_of(*choices: str) -> Reader:
    def read(text: str) -> str:
        if text.lower() not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return text.lower()

    return read


def switch(text: str) -> bool:
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise ValueError("must be on or off (1/0, true/false, yes/no)")


def host(text: str) -> str:
    if any(c.isspace() for c in text) or "/" in text:
        raise ValueError("must be a host name or an IP address")
    return text


def database_url(text: str) -> str:
    scheme, separator, rest = text.partition("://")
    if not separator or scheme.lower() not in DATABASE_SCHEMES:
        raise ValueError("must be sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE")
    if scheme.lower().startswith("sqlite") and rest.lstrip("/") in ("", ":memory:"):
        raise ValueError("must name a SQLite file (sqlite:///PATH)")
    return text


def redact_url(url: str) -> str:
    """``url`` without its password (``postgresql://user:***@host/db``)."""
    scheme, separator, rest = url.partition("://")
    credentials, at, place = rest.rpartition("@")
    if not separator or not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.partition(':')[0]}:***@{place}"


@dataclass(frozen=True, slots=True)
class Option:
    """One setting: ``env`` and ``flag`` name it, ``parse`` reads its text, ``default`` is what ``--help``
    shows, ``help`` what it means."""

    field: str
    env: str
    flag: str
    parse: Reader
    default: str
    help: str
    metavar: str = "N"

    def read(self, text: str, name: str) -> Any:
        try:
            return self.parse(text)
        except ValueError as exc:
            shown = redact_url(text) if self.field == "database_url" else text
            raise SettingsError(f"{name} {exc}, got {shown!r}") from None

    def text(self, value: Any) -> str:
        return "" if value is None else _text(value)


def _option(field: str, parse: Reader, default: str, help: str, metavar: str = "N") -> Option:
    flag = "--" + field.replace("_", "-")
    return Option(field, "OPENPROMO_" + field.upper(), flag, parse, default, help, metavar)


OPTIONS: tuple[Option, ...] = (
    _option("host", host, DEFAULT_HOST, "address to listen on (0.0.0.0: every interface)", "HOST"),
    _option("port", integer(1, 65535), str(DEFAULT_PORT), "TCP port to listen on"),
    _option("workers", integer(1), "1", "worker processes (about one per CPU core)"),
    _option(
        "threads",
        integer(0),
        "0 on SQLite, 2 on PostgreSQL",
        "use cases one worker runs at once in threads; 0: one at a time on its event loop",
    ),
    _option(
        "database_url",
        database_url,
        DEFAULT_DATABASE_URL,
        "sqlite:///PATH or postgresql://USER[:PASSWORD]@HOST:PORT/DATABASE",
        "URL",
    ),
    _option("pool_size", integer(1), str(DEFAULT_POOL_SIZE), "database connections one worker keeps open"),
    _option(
        "pool_overflow",
        integer(0),
        "the pool size",
        "connections one worker may open beyond the pool size under load",
    ),
    Option(
        "token_lifetime_seconds",
        "OPENPROMO_TOKEN_LIFETIME",
        "--token-lifetime",
        integer(1),
        str(DEFAULT_TOKEN_LIFETIME_SECONDS),
        "seconds a login token of POST /v1/sessions stays valid",
        "SECONDS",
    ),
    _option(
        "keepalive_requests",
        integer(0),
        f"{DEFAULT_KEEPALIVE_REQUESTS} with several workers, no limit with one",
        "responses on one keep-alive connection before it is closed, so connections spread over the "
        "workers; 0: no limit",
    ),
    _option("max_body_bytes", integer(1), str(DEFAULT_MAX_BODY_BYTES), "largest request body; larger: 413"),
    _option("max_upload_bytes", integer(1), str(DEFAULT_MAX_UPLOAD_BYTES), "largest CSV upload of an import"),
    _option("log_level", one_of(*LOG_LEVELS), "info", "least severe log events written", "LEVEL"),
    _option(
        "log_format",
        one_of(*LOG_FORMATS),
        "text",
        "json: one object per line; text: readable lines",
        "FORMAT",
    ),
    _option("access_log", switch, "on", "one log line per request: on or off", "ON|OFF"),
    Option(
        "database_wait_seconds",
        "OPENPROMO_DATABASE_WAIT",
        "--database-wait",
        seconds,
        str(int(DEFAULT_DATABASE_WAIT_SECONDS)),
        "seconds serve and migrate wait for the database to answer at start",
        "SECONDS",
    ),
    Option(
        "write_lock_seconds",
        "OPENPROMO_WRITE_LOCK_TIMEOUT",
        "--write-lock-timeout",
        seconds,
        str(int(DEFAULT_WRITE_LOCK_SECONDS)),
        "SQLite: seconds a write waits for the one writer at a time before it answers 503",
        "SECONDS",
    ),
)
"""Every setting, in the order ``serve --help`` and the deployment guide list them."""

ENV_ONLY = ("OPENPROMO_MANAGEMENT_KEY", "OPENPROMO_BENCH_ROUTES")
"""Variables without a flag: the root management key (a flag would show it in the process list) and the
benchmark's echo route."""
VARIABLES = (*(option.env for option in OPTIONS), *ENV_ONLY)
"""Every variable ``Settings.from_env`` reads."""


def default_threads(is_sqlite: bool) -> int:
    """``OPENPROMO_THREADS`` when unset: 0 on SQLite (use cases on the event loop), 2 on PostgreSQL."""
    return 0 if is_sqlite else 2


__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_UPLOAD_BYTES",
    "DEFAULT_WRITE_LOCK_SECONDS",
    "ENV_ONLY",
    "LOG_FORMATS",
    "LOG_LEVELS",
    "OPTIONS",
    "VARIABLES",
    "Option",
    "Settings",
    "SettingsError",
    "default_threads",
    "redact_url",
]
