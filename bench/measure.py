"""What the one-request-at-a-time cells (history, lists, loyalty) share: answers checked, latencies
summarised, and the server's own time per operation read from ``/metrics``."""

from __future__ import annotations

import statistics
from typing import Any

import httpx


def ok(response: httpx.Response, status: int = 200) -> Any:
    """The JSON of an answer with ``status`` (None when it has no body); anything else stops the cell."""
    if response.status_code != status:
        raise RuntimeError(f"{response.request.url}: HTTP {response.status_code} {response.text[:500]}")
    return response.json() if response.content else None


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 3),
        "p90": round(ordered[int(len(ordered) * 0.9)], 3),
        "mean": round(statistics.fmean(ordered), 3),
    }


def server_seconds(base: str, operation: str) -> tuple[float, float]:
    """(sum, count) of ``openpromo_request_seconds`` for one operation."""
    text = httpx.get(base + "/metrics", timeout=30).text
    total = count = 0.0
    for line in text.splitlines():
        if not line.startswith("openpromo_request_seconds_") or f'operation="{operation}"' not in line:
            continue
        name, _, value = line.rpartition(" ")
        if name.startswith("openpromo_request_seconds_sum"):
            total += float(value)
        elif name.startswith("openpromo_request_seconds_count"):
            count += float(value)
    return total, count
