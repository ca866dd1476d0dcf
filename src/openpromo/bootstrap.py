"""The composition root: Settings → database → unit of work → services → ASGI app.

Nothing here runs at import time; ``serve`` calls ``prepare`` once in the parent process, and every
worker builds its app with ``app_from_env`` (uvicorn's factory).
"""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from openpromo import logs
from openpromo.config import Settings, default_threads
from openpromo.metrics import PrometheusTelemetry, watch
from openpromo.services.container import Services
from openpromo.services.evaluation import Pipeline
from openpromo.services.snapshots.rulesets import RulesetCache
from openpromo.services.snapshots.snapshot import SnapshotCache
from openpromo.storage.database import Database
from openpromo.storage.migrations import upgrade
from openpromo.storage.uow import SqlUnitOfWorkFactory

if TYPE_CHECKING:
    from litestar import Litestar

log = logging.getLogger("openpromo.database")


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def settle_memory() -> None:
    """After a large configuration snapshot: millions of long-lived objects (compiled rules) left to the
    cyclic garbage collector would make every full collection walk them all, a pause of a tenth of a
    second or more in the middle of requests. Collect once now (the previous snapshot goes) and freeze
    what is left, so later collections only look at young objects."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def build_services(database: Database, settings: Settings | None = None) -> Services:
    """``settings``: the login token lifetime comes from there (default: ``Settings()``'s)."""
    settings = settings or Settings()
    uow = SqlUnitOfWorkFactory(database)
    telemetry = PrometheusTelemetry()
    snapshots = SnapshotCache(RulesetCache(), settle=settle_memory, telemetry=telemetry)
    pipeline = Pipeline(uow, snapshots, telemetry)
    lifetime = timedelta(seconds=settings.token_lifetime_seconds)
    return Services.build(uow, SystemClock(), snapshots, pipeline, database.ping, lifetime)


@dataclass(frozen=True, slots=True)
class Prepared:
    generated_root_key: str | None
    threads: int
    """Use cases a worker runs at once in threads (``worker_threads``)."""


def worker_threads(settings: Settings, database: Database) -> int:
    return settings.threads if settings.threads is not None else default_threads(database.is_sqlite)


def wait_for_database(database: Database, seconds: float) -> None:
    """Return once the database answers; retry for up to ``seconds`` (one log line per failed attempt,
    waiting 0.5 s, then 1 s, then 2 s between attempts), then end the process with one line saying why.
    A database that is not up yet (a container starting beside it) is the common case at start."""
    deadline = time.monotonic() + seconds
    pause = 0.5
    attempt = 1
    while True:
        reason = database.probe()
        if reason is None:
            return
        left = deadline - time.monotonic()
        if left <= 0:
            raise SystemExit(
                f"openpromo: the database at {database.state.where} did not answer within {seconds:g} s: "
                f"{reason}"
            )
        log.warning("waiting for the database (attempt %d): %s", attempt, reason)
        time.sleep(min(pause, left))
        pause = min(pause * 2, 2.0)
        attempt += 1


def migrate(settings: Settings) -> None:
    database = Database(settings.database_url, pool_size=1)
    try:
        wait_for_database(database, settings.database_wait_seconds)
        upgrade(database)
    finally:
        database.dispose()


def prepare(settings: Settings, *, wait: bool = True) -> Prepared:
    """Wait for the database (``serve``; an operator's command does not: ``wait=False`` fails at once),
    apply migrations and make the account and root key current (idempotent)."""
    database = Database(settings.database_url, pool_size=1)
    try:
        if wait:
            wait_for_database(database, settings.database_wait_seconds)
        upgrade(database)
        services = build_services(database)
        generated = services.auth.ensure_account(settings.management_key)
    finally:
        database.dispose()
    return Prepared(generated_root_key=generated, threads=worker_threads(settings, database))


def seed_demo(settings: Settings) -> None:
    """Seed the demo data once and print how to call it."""
    from openpromo.services import demo

    database = Database(settings.database_url, pool_size=1)
    try:
        data = demo.seed(build_services(database))
    finally:
        database.dispose()
    base = f"http://{settings.host}:{settings.port}"
    if data.created:
        print(f"Demo application {data.application_id} created. Its Integration API key (shown once):")
        print(f"  {data.integration_key}")
        print("Try:")
        print(
            f"  curl -s -X PUT {base}/v2/customer_sessions/demo-session-1 "
            f"-H 'Authorization: ApiKey-v1 {data.integration_key}' -H 'Content-Type: application/json' "
            '-d \'{"customerSession": {"profileId": "demo-customer", "couponCodes": ["DEMO-10"], '
            '"cartItems": [{"sku": "SKU-1", "quantity": 2, "price": 30}]}}\''
        )
    else:
        print(f"Demo application {data.application_id} exists already (its key was shown at creation).")


def app_from_settings(settings: Settings) -> Litestar:
    """The served app; the API is imported here, so the operator's commands, which need only the
    services, start without it."""
    from openpromo.api.app import create_app

    database = Database(
        settings.database_url,
        pool_size=settings.pool_size,
        pool_overflow=settings.pool_overflow,
        create=False,
        write_lock_seconds=settings.write_lock_seconds,
    )
    app = create_app(
        build_services(database, settings),
        threads=worker_threads(settings, database),
        keepalive_requests=settings.keepalive_limit(),
        bench_routes=settings.bench_routes,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        access_log=settings.access_log,
    )
    app.on_shutdown.append(database.dispose)
    watch(database.engine)
    return app


def app_from_env() -> Litestar:
    """A served worker's app (uvicorn's factory). What the worker built to get here (modules, routes,
    SQL metadata) lives as long as the process: ``gc.freeze`` takes it out of the garbage collector's
    full collections, which otherwise walk all of it and pause the worker's requests for tens of
    milliseconds each time. Its logging is set up first, as the settings say."""
    settings = Settings.from_env()
    logs.install(settings.log_level, settings.log_format)
    app = app_from_settings(settings)
    gc.collect()
    gc.freeze()
    return app


__all__ = [
    "Prepared",
    "app_from_env",
    "app_from_settings",
    "build_services",
    "migrate",
    "prepare",
    "seed_demo",
    "wait_for_database",
    "worker_threads",
]
