"""Prometheus metrics. With several worker processes, ``PROMETHEUS_MULTIPROC_DIR`` (set by ``serve``)
makes every worker write its samples there and ``/metrics`` aggregates them."""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REQUESTS = Counter("openpromo_requests_total", "HTTP requests", ["operation", "method", "status"])
REQUEST_SECONDS = Histogram("openpromo_request_seconds", "HTTP request latency", ["operation"])
RULE_EVALUATION_SECONDS = Histogram("openpromo_rule_evaluation_seconds", "Rule evaluation time per request")
DATABASE_SECONDS = Histogram("openpromo_database_seconds", "Database statement time", ["operation"])
RULE_BUGS = Counter("openpromo_rule_bugs_total", "Unexpected exceptions during rule evaluation")
CLOSE_REEVALUATIONS = Counter(
    "openpromo_close_reevaluations_total",
    "Closes evaluated again under SQLite's writer lock because what they consume changed meanwhile",
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


def exposition() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST


__all__ = [
    "CLOSE_REEVALUATIONS",
    "DATABASE_SECONDS",
    "DATABASE_UP",
    "REQUESTS",
    "REQUEST_SECONDS",
    "RULE_BUGS",
    "RULE_EVALUATION_SECONDS",
    "PrometheusTelemetry",
    "exposition",
]
