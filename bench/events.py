"""The events cell: does an event cost more than a session update with as many applicable campaigns?

One server (1 worker) per database kind and campaign count N (100 and 10,000 by default). The
application has N session campaigns that a SKU gates (none applies to the carts sent here, as most of a
shop's campaigns do not apply to one cart), 10 session campaigns that apply to every session and 10
event campaigns that apply to every ``visit`` event; each of those 20 adds 1 loyalty point. Then,
alternating, one request at a time:

* ``trackEventV2`` of a ``visit`` (10 applicable campaigns, committed at once), and
* a closing ``updateCustomerSessionV2`` (10 applicable campaigns, committed at close),

each of a profile of its own. The figure: the server's own mean time per request
(``openpromo_request_seconds``, an upper bound of its CPU time) of the event over the close's (target
at most 1.0). Last, ``PUT /v2/customer_profiles`` with 1,000 profiles (half new) ten times: its mean
server time (two statements a request). ``python -m bench.events`` runs it alone (``BENCH_DBS``,
``BENCH_EVENT_CAMPAIGNS`` [100,10000], ``BENCH_EVENT_REQUESTS`` [300 each]); ``make bench`` runs it
last (``BENCH_EVENTS=0`` skips it).
"""

from __future__ import annotations

import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from bench import procs
from bench.measure import ok, server_seconds

CART = [{"sku": "mug", "quantity": 2, "price": 30}]
APPLICABLE = 10


def _campaign(mgmt: httpx.Client, base: str, name: str, condition: Any, effects: list[Any]) -> None:
    body = {"name": name, "state": "enabled", "tags": [], "features": ["loyalty"], "limits": []}
    created = ok(mgmt.post(f"{base}/campaigns", json=body), 201)
    rule = {"title": name, "condition": condition, "effects": effects}
    ruleset = {"rules": [rule], "bindings": [], "activate": True}
    ok(mgmt.post(f"{base}/campaigns/{created['id']}/rulesets", json=ruleset), 201)


def _shop(base_url: str, root_key: str, gated: int) -> str:
    """The application, its event type, program and campaigns; its Integration key."""
    auth = {"Authorization": f"ManagementKey-v1 {root_key}"}
    with httpx.Client(base_url=base_url, headers=auth, timeout=120) as mgmt:
        app = ok(
            mgmt.post("/v1/applications", json={"name": "events", "currency": "EUR", "timezone": "UTC"}), 201
        )
        base = f"/v1/applications/{app['id']}"
        key = ok(mgmt.post(f"{base}/api_keys", json={"title": "e", "expires": "2099-01-01T00:00:00Z"}), 201)
        ok(mgmt.post("/v1/event_types", json={"name": "visit", "title": "Visit"}), 201)
        program = {
            "name": "event-points",
            "title": "Points",
            "defaultValidity": "unlimited",
            "defaultPending": "immediate",
            "allowSubledger": False,
            "sandbox": False,
            "timezone": "UTC",
            "subscribedApplications": [app["id"]],
        }
        pid = ok(mgmt.post("/v1/loyalty_programs", json=program), 201)["id"]
        points = [["addLoyaltyPoints", pid, 1, {"name": "visit"}]]
        for i in range(APPLICABLE):
            _campaign(mgmt, base, f"event-{i}", ["=", [".", "Event", "Type"], "visit"], points)
            _campaign(mgmt, base, f"session-{i}", [">=", [".", "Session", "Total"], 0], points)

    def gated_campaign(i: int) -> None:
        sku_gate = [
            "exists",
            [".", "Session", "CartItems"],
            [["Item"], ["=", [".", "Item", "Sku"], f"gated-{i}"]],
        ]
        with httpx.Client(base_url=base_url, headers=auth, timeout=120) as client:
            _campaign(client, base, f"gated-{i}", sku_gate, [["setDiscount", "ten", 10]])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(gated_campaign, range(gated)))
    return str(key["key"])


def _event(client: httpx.Client, i: int) -> None:
    body = {"profileId": f"visitor-{i}", "type": "visit", "attributes": {}}
    ok(client.post("/v2/events", json=body), 204)


def _close(client: httpx.Client, i: int) -> None:
    body = {"customerSession": {"profileId": f"buyer-{i}", "cartItems": CART, "state": "closed"}}
    ok(client.put(f"/v2/customer_sessions/close-{i}", json=body))


def measure(database_url: str, log_dir: Path, gated: int, requests: int) -> dict[str, Any]:
    root_key = "events-root-" + secrets.token_hex(8)
    server = procs.start_openpromo(database_url, 1, log_dir / f"events-{gated}.log", root_key)
    try:
        key = _shop(server.base_url, root_key, gated)
        if database_url.startswith("postgresql"):
            procs.settle_pg_database(database_url)
        with httpx.Client(base_url=server.base_url, headers={"Authorization": f"ApiKey-v1 {key}"}) as client:
            for i in range(50):  # warm
                _event(client, 100_000 + i)
                _close(client, 100_000 + i)
            events_before = server_seconds(server.base_url, "trackEventV2")
            closes_before = server_seconds(server.base_url, "updateCustomerSessionV2")
            for i in range(requests):
                _event(client, i)
                _close(client, i)
            events_after = server_seconds(server.base_url, "trackEventV2")
            closes_after = server_seconds(server.base_url, "updateCustomerSessionV2")
            bulk = _bulk_profiles(client, server.base_url)
    finally:
        procs.stop(server)
    event_ms = (events_after[0] - events_before[0]) / (events_after[1] - events_before[1]) * 1000
    close_ms = (closes_after[0] - closes_before[0]) / (closes_after[1] - closes_before[1]) * 1000
    return {
        "session_campaigns": gated + APPLICABLE,
        "event_campaigns": APPLICABLE,
        "requests": requests,
        "event_server_ms": round(event_ms, 3),
        "close_server_ms": round(close_ms, 3),
        "ratio": round(event_ms / close_ms, 3),
        "profiles_1000_server_ms": bulk,
    }


def _bulk_profiles(client: httpx.Client, base_url: str) -> float:
    """The server's mean time of ``PUT /v2/customer_profiles`` with 1,000 profiles (half new, half
    known), over 10 requests."""
    before = server_seconds(base_url, "updateCustomerProfilesV2")
    for round_ in range(10):
        start = round_ * 500
        body = {
            "customerProfiles": [
                {"integrationId": f"bulk-{i}", "attributes": {}} for i in range(start, start + 1000)
            ]
        }
        ok(client.put("/v2/customer_profiles", json=body, timeout=120), 204)
    after = server_seconds(base_url, "updateCustomerProfilesV2")
    return round((after[0] - before[0]) / (after[1] - before[1]) * 1000, 3)


def run(dbs: list[str], log_dir: Path) -> dict[str, Any]:
    sizes = [int(x) for x in os.environ.get("BENCH_EVENT_CAMPAIGNS", "100,10000").split(",") if x.strip()]
    requests = int(os.environ.get("BENCH_EVENT_REQUESTS", "300"))
    results: dict[str, Any] = {}
    for kind in dbs:
        for size in sizes:
            cell = procs.per_database(
                [kind],
                log_dir / f"events-{size}.db",
                partial(measure, log_dir=log_dir, gated=size - APPLICABLE, requests=requests),
            )
            results[f"{kind}-{size}"] = cell[kind]
    return results


def table(results: dict[str, Any]) -> str:
    lines = [
        "Events (one request at a time; 10 applicable campaigns each; server time per request):",
        "cell            | session campaigns | event ms | close ms | event / close | target | 1,000 prof. ms",
        "----------------+-------------------+----------+----------+---------------+--------+---------------",
    ]
    for name, r in results.items():
        if "skipped" in r:
            lines.append(f"{name:<15} | skipped: {r['skipped']}")
            continue
        met = "met" if r["ratio"] <= 1.0 else "NOT met"
        lines.append(
            f"{name:<15} | {r['session_campaigns']:>17} | {r['event_server_ms']:>8.2f} | "
            f"{r['close_server_ms']:>8.2f} | {r['ratio']:>13.2f} | {met:<6} | "
            f"{r['profiles_1000_server_ms']:>13.1f}"
        )
    return "\n".join(lines)


def main() -> None:
    procs.cell_main("events", run, table)


if __name__ == "__main__":
    main()
