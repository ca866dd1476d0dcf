"""Prometheus metrics. With several worker processes, ``PROMETHEUS_MULTIPROC_DIR`` (set by ``serve``)
makes every worker write its samples there and ``/metrics`` aggregates them.

Request metrics are counted by ``api.access``; the business counters reach the services through the
``Telemetry`` port (``PrometheusTelemetry``), from what each request committed; loyalty points from the
ledger entries a transaction committed, whatever wrote them (``points_written``); the connection pool's
gauges are read from the pool, never counted per request (``watch_pool``). Every metric is listed, with
its labels, in docs/operations.md.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import event

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.pool import Pool

    from openpromo.services.ports import Committed

REQUESTS = Counter("openpromo_requests_total", "HTTP requests", ["operation", "method", "status"])
REQUEST_SECONDS = Histogram("openpromo_request_seconds", "HTTP request latency", ["operation"])
RULE_EVALUATION_SECONDS = Histogram("openpromo_rule_evaluation_seconds", "Rule evaluation time per request")
DATABASE_SECONDS = Histogram("openpromo_database_seconds", "Database statement time", ["operation"])
RULE_BUGS = Counter("openpromo_rule_bugs_total", "Unexpected exceptions during rule evaluation")
CLOSE_REEVALUATIONS = Counter(
    "openpromo_close_reevaluations_total",
    "Closes evaluated again under SQLite's writer lock because what they consume changed meanwhile",
)
EFFECTS = Counter("openpromo_effects_total", "Effects committed, by effect type", ["type"])
COUPONS_ACCEPTED = Counter("openpromo_coupons_accepted_total", "Coupons accepted in committed requests")
COUPONS_REJECTED = Counter(
    "openpromo_coupons_rejected_total", "Coupons rejected in committed requests, by reason", ["reason"]
)
REFERRALS_ACCEPTED = Counter(
    "openpromo_referrals_accepted_total", "Referral codes accepted in committed requests"
)
REFERRALS_REJECTED = Counter(
    "openpromo_referrals_rejected_total",
    "Referral codes rejected in committed requests, by reason",
    ["reason"],
)
LOYALTY_POINTS = Counter(
    "openpromo_loyalty_points_total",
    "Loyalty points added, deducted or expired in ledgers",
    ["program", "change"],
)
BUDGET_LIMITS_REACHED = Counter(
    "openpromo_budget_limits_reached_total", "Campaign budget counters used up, by action", ["action"]
)
SESSION_CHANGES = Counter(
    "openpromo_session_changes_total",
    "Customer sessions closed, cancelled, reopened, or with items returned",
    ["change"],
)
RULE_ERRORS = Counter("openpromo_rule_errors_total", "Rules that failed with a runtime error", ["campaign"])
RULE_CACHE_REBUILD_SECONDS = Histogram(
    "openpromo_rule_cache_rebuild_seconds",
    "Time to build an application's campaigns and compiled rules after a change (count: rebuilds)",
)
POOL_IN_USE = Gauge(
    "openpromo_database_pool_in_use", "Database connections checked out", multiprocess_mode="livesum"
)
POOL_IDLE = Gauge(
    "openpromo_database_pool_idle",
    "Database connections open and idle in the pool",
    multiprocess_mode="livesum",
)
POOL_WAITING = Gauge(
    "openpromo_database_pool_waiting",
    "Threads waiting for a database connection (the pool is exhausted)",
    multiprocess_mode="livesum",
)

DATABASE_UP = Gauge(
    "openpromo_database_up",
    "1 while the database answers, 0 from the first request it failed until one succeeds again",
    multiprocess_mode="mostrecent",
)
"""With several workers: the value the last worker to notice a change set (a worker that died leaves no
stale 0 behind, as a minimum over the workers' files would)."""


class PrometheusTelemetry:
    """The services' ``Telemetry`` port, counted in the metrics above."""

    def evaluated(self, seconds: float) -> None:
        RULE_EVALUATION_SECONDS.observe(seconds)

    def rule_bug(self) -> None:
        RULE_BUGS.inc()

    def close_reevaluated(self) -> None:
        CLOSE_REEVALUATIONS.inc()

    def committed(self, what: Committed) -> None:
        for effect_type in what.effects:
            EFFECTS.labels(effect_type).inc()
            if effect_type == "acceptCoupon":
                COUPONS_ACCEPTED.inc()
            elif effect_type == "acceptReferral":
                REFERRALS_ACCEPTED.inc()
        for reason in what.coupon_rejections:
            COUPONS_REJECTED.labels(reason).inc()
        for reason in what.referral_rejections:
            REFERRALS_REJECTED.labels(reason).inc()
        for action in what.budgets_reached:
            BUDGET_LIMITS_REACHED.labels(action).inc()
        if what.session_change is not None:
            SESSION_CHANGES.labels(what.session_change).inc()

    def rule_errors(self, campaign_ids: Sequence[int]) -> None:
        for campaign_id in campaign_ids:
            RULE_ERRORS.labels(str(campaign_id)).inc()

    def snapshot_built(self, seconds: float) -> None:
        RULE_CACHE_REBUILD_SECONDS.observe(seconds)


def pool_status(pool: Pool) -> tuple[int, int, int]:
    """(in use, idle, waiting) of a SQLAlchemy pool. A pool without a queue (SQLite's in-memory
    ``StaticPool``) has nothing to report. Waiting threads are read from the pool's queue, which
    SQLAlchemy does not publish: 0 where that is not there."""
    checkedout = getattr(pool, "checkedout", None)
    checkedin = getattr(pool, "checkedin", None)
    if checkedout is None or checkedin is None:
        return 0, 0, 0
    waiters = getattr(getattr(getattr(pool, "_pool", None), "not_empty", None), "_waiters", ())
    return int(checkedout()), int(checkedin()), len(waiters)


_POINTS = "openpromo_points"
"""A connection's ``info`` key: the ledger entries its transaction wrote, counted when it commits."""
_CHANGES = {"addition": "added", "subtraction": "deducted", "expire": "expired"}


def points_written(info: dict[Any, Any], entries: Iterable[tuple[int, str, Decimal]]) -> None:
    """A transaction wrote these ledger entries (program id, entry type, points): counted in
    ``openpromo_loyalty_points_total`` when it commits (``watch``), forgotten when it rolls back."""
    info.setdefault(_POINTS, []).extend(entries)


def _committed(conn: Connection) -> None:
    for program, kind, points in conn.info.pop(_POINTS, None) or ():
        LOYALTY_POINTS.labels(str(program), _CHANGES.get(kind, kind)).inc(float(abs(points)))


def _forgotten(conn: Connection) -> None:
    conn.info.pop(_POINTS, None)


def watch(engine: Engine) -> None:
    """Publish what only the database connections know: the pool's gauges (``watch_pool``) and the
    loyalty points of committed transactions."""
    watch_pool(engine.pool)
    event.listen(engine, "begin", _forgotten)
    event.listen(engine, "rollback", _forgotten)
    event.listen(engine, "commit", _committed)


_pools: list[Callable[[], None]] = []


def watch_pool(pool: Pool, *, every: float = 1.0) -> None:
    """Publish ``pool``'s gauges: read at each scrape of this process, and, with several workers (whose
    samples another worker's scrape reads from their files), every ``every`` seconds as well."""

    def refresh() -> None:
        in_use, idle, waiting = pool_status(pool)
        POOL_IN_USE.set(in_use)
        POOL_IDLE.set(idle)
        POOL_WAITING.set(waiting)

    refresh()
    _pools.append(refresh)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        threading.Thread(target=_refreshing, args=(refresh, every), name="pool-gauges", daemon=True).start()


def _refreshing(refresh: Callable[[], None], every: float) -> None:
    stop = threading.Event()
    while not stop.wait(every):
        refresh()


def worker_died(pid: int) -> None:
    """Drop a dead worker's live gauges (pool, database up) from what the other workers publish."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def exposition() -> tuple[bytes, str]:
    for refresh in _pools:
        refresh()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST


__all__ = [
    "BUDGET_LIMITS_REACHED",
    "CLOSE_REEVALUATIONS",
    "COUPONS_ACCEPTED",
    "COUPONS_REJECTED",
    "DATABASE_SECONDS",
    "DATABASE_UP",
    "EFFECTS",
    "LOYALTY_POINTS",
    "POOL_IDLE",
    "POOL_IN_USE",
    "POOL_WAITING",
    "REFERRALS_ACCEPTED",
    "REFERRALS_REJECTED",
    "REQUESTS",
    "REQUEST_SECONDS",
    "RULE_BUGS",
    "RULE_CACHE_REBUILD_SECONDS",
    "RULE_ERRORS",
    "RULE_EVALUATION_SECONDS",
    "SESSION_CHANGES",
    "PrometheusTelemetry",
    "exposition",
    "points_written",
    "pool_status",
    "watch",
    "watch_pool",
    "worker_died",
]
