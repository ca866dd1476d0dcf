"""Settings from ``OPENPROMO_*`` environment variables and command-line flags (flags win), parsed once."""

from __future__ import annotations

import os
from collections.abc import Mapping
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
LOG_LEVELS = ("debug", "info", "warning", "error")
LOG_FORMATS = ("json", "text")


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

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **flags: Any) -> Settings:
        env = os.environ if env is None else env
        settings = cls(
            database_url=env.get("OPENPROMO_DATABASE_URL") or DEFAULT_DATABASE_URL,
            host=env.get("OPENPROMO_HOST") or DEFAULT_HOST,
            port=int(env.get("OPENPROMO_PORT") or DEFAULT_PORT),
            workers=int(env.get("OPENPROMO_WORKERS") or 1),
            management_key=env.get("OPENPROMO_MANAGEMENT_KEY") or None,
            bench_routes=env.get("OPENPROMO_BENCH_ROUTES") == "1",
            threads=int(env["OPENPROMO_THREADS"]) if env.get("OPENPROMO_THREADS", "").strip() else None,
            keepalive_requests=int(env["OPENPROMO_KEEPALIVE_REQUESTS"])
            if env.get("OPENPROMO_KEEPALIVE_REQUESTS", "").strip()
            else None,
            max_body_bytes=int(env.get("OPENPROMO_MAX_BODY_BYTES") or DEFAULT_MAX_BODY_BYTES),
            max_upload_bytes=int(env.get("OPENPROMO_MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD_BYTES),
            pool_size=int(env.get("OPENPROMO_POOL_SIZE") or DEFAULT_POOL_SIZE),
            pool_overflow=int(env["OPENPROMO_POOL_OVERFLOW"])
            if env.get("OPENPROMO_POOL_OVERFLOW", "").strip()
            else None,
            token_lifetime_seconds=int(env.get("OPENPROMO_TOKEN_LIFETIME") or DEFAULT_TOKEN_LIFETIME_SECONDS),
            log_level=(env.get("OPENPROMO_LOG_LEVEL") or "info").lower(),
            log_format=(env.get("OPENPROMO_LOG_FORMAT") or "text").lower(),
            access_log=(env.get("OPENPROMO_ACCESS_LOG") or "1") not in ("0", "false", "off", "no"),
            database_wait_seconds=float(env.get("OPENPROMO_DATABASE_WAIT") or DEFAULT_DATABASE_WAIT_SECONDS),
        )
        return replace(settings, **{k: v for k, v in flags.items() if v is not None})

    def keepalive_limit(self) -> int:
        """``keepalive_requests``, by default 100 when several workers share the work and no limit with
        one: there is nothing to spread then, and the request after a reconnection waits for a turn of
        the worker's loop (on SQLite, the 1% of requests that reconnect made the p99 of one worker 5x
        its p50)."""
        if self.keepalive_requests is not None:
            return self.keepalive_requests
        return DEFAULT_KEEPALIVE_REQUESTS if self.workers > 1 else 0


def default_threads(is_sqlite: bool) -> int:
    """``OPENPROMO_THREADS`` when unset: 0 on SQLite (use cases on the event loop), 2 on PostgreSQL."""
    return 0 if is_sqlite else 2


__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_UPLOAD_BYTES",
    "LOG_FORMATS",
    "LOG_LEVELS",
    "Settings",
    "default_threads",
]
