"""The loyalty cell: does a customer with a long ledger cost more?

One server (1 worker) per database kind, one application, a profile-based program with subledgers and a
campaign whose rule reads the customer's balance (``Loyalty.<program>.ActivePoints``) and adds points to
the main ledger and two subledgers. Two profiles: ``loyal``, whose ledgers are filled through the API by
closing sessions until they hold ``BENCH_LOYALTY_ENTRIES`` entries (10,000 by default, across the 3
ledgers: the ledger's own write path, not rows made up for the occasion), and ``fresh``, with one closed
session. Then, alternating between the two, one request at a time:

* an open session update of that profile asking for the ``loyalty`` part (tentative balances), and
* ``getLoyaltyBalances`` of that profile (every ledger, with tiers);

The figures: the ratio of the update's median latencies, loyal / fresh (target at most 1.2), and the
server's own mean time per ``getLoyaltyBalances`` (``openpromo_request_seconds``; target under 2 ms; an
upper bound of its CPU time). ``python -m bench.loyalty`` runs it alone (``BENCH_DBS``,
``BENCH_LOYALTY_ENTRIES``, ``BENCH_LOYALTY_REQUESTS`` [300 per profile]); ``make bench`` runs it last
(``BENCH_LOYALTY=0`` skips it).
"""

from __future__ import annotations

import os
import secrets
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from bench import procs
from bench.measure import ok, server_seconds, summary

CART = [{"sku": "mug", "quantity": 2, "price": 30}, {"sku": "tee", "quantity": 1, "price": 25}]
LEDGERS = ("", "books", "coffee")


def _shop(base_url: str, root_key: str) -> tuple[str, int]:
    """An application with a program and a campaign that reads and adds points; its key and program."""
    with httpx.Client(base_url=base_url, headers={"Authorization": f"ManagementKey-v1 {root_key}"}) as mgmt:
        app = ok(
            mgmt.post("/v1/applications", json={"name": "loyalty", "currency": "EUR", "timezone": "UTC"}), 201
        )
        base = f"/v1/applications/{app['id']}"
        key = ok(mgmt.post(f"{base}/api_keys", json={"title": "l", "expires": "2099-01-01T00:00:00Z"}), 201)
        program = ok(
            mgmt.post(
                "/v1/loyalty_programs",
                json={
                    "name": "bench-points",
                    "title": "Points",
                    "defaultValidity": "unlimited",
                    "defaultPending": "immediate",
                    "allowSubledger": True,
                    "sandbox": False,
                    "timezone": "UTC",
                    "cardBased": False,
                    "subscribedApplications": [app["id"]],
                    "tiers": [{"name": "silver", "minPoints": 500}, {"name": "gold", "minPoints": 5000}],
                },
            ),
            201,
        )
        pid = program["id"]
        effects = [
            ["addLoyaltyPoints", pid, 1.25, {"name": "order", **({"subledgerId": sub} if sub else {})}]
            for sub in LEDGERS
        ]
        rule = {
            "title": "points",
            "condition": ["and", [">=", [".", "Loyalty", pid, "ActivePoints"], 0]],
            "effects": effects,
        }
        body = {"name": "points", "state": "enabled", "tags": [], "features": ["loyalty"], "limits": []}
        created = ok(mgmt.post(f"{base}/campaigns", json=body), 201)
        ok(
            mgmt.post(
                f"{base}/campaigns/{created['id']}/rulesets",
                json={"rules": [rule], "bindings": [], "activate": True},
            ),
            201,
        )
    return key["key"], pid


def _close(client: httpx.Client, profile: str, i: int) -> None:
    """Close a session of ``profile``; a 409 (another seeding client holds the profile) is tried again."""
    body = {"customerSession": {"profileId": profile, "cartItems": CART, "state": "closed"}}
    for _ in range(100):
        answer = client.put(f"/v2/customer_sessions/seed-{profile}-{i}", json=body)
        if answer.status_code != 409:
            break
        time.sleep(0.005)
    ok(answer)


def _seed(base_url: str, key: str, entries: int) -> float:
    """Closes of ``loyal`` until its ledgers hold ``entries`` entries (3 a close), 4 clients at a time."""
    started = time.perf_counter()
    closes = -(-entries // len(LEDGERS))

    def batch(worker: int) -> None:
        with httpx.Client(base_url=base_url, headers={"Authorization": f"ApiKey-v1 {key}"}, timeout=60) as c:
            for i in range(worker, closes, 4):
                _close(c, "loyal", i)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(batch, range(4)))
    return time.perf_counter() - started


def _update(client: httpx.Client, profile: str, i: int) -> float:
    body = {"customerSession": {"profileId": profile, "cartItems": CART}, "responseContent": ["loyalty"]}
    started = time.perf_counter()
    ok(client.put(f"/v2/customer_sessions/timed-{profile}-{i}", json=body))
    return (time.perf_counter() - started) * 1000


def _balances(client: httpx.Client, pid: int, profile: str) -> dict[str, Any]:
    found: dict[str, Any] = ok(
        client.get(f"/v1/loyalty_programs/{pid}/profile/{profile}/balances", params={"includeTiers": "true"})
    )
    return found


def measure(database_url: str, log_dir: Path, entries: int, requests: int) -> dict[str, Any]:
    root_key = "loyalty-root-" + secrets.token_hex(8)
    server = procs.start_openpromo(database_url, 1, log_dir / "loyalty-server.log", root_key)
    try:
        key, pid = _shop(server.base_url, root_key)
        seconds = _seed(server.base_url, key, entries)
        headers = {"Authorization": f"ApiKey-v1 {key}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as client:
            _close(client, "fresh", 0)
            held = _balances(client, pid, "loyal")
            if database_url.startswith("postgresql"):
                procs.settle_pg_database(database_url)
            for i in range(50):  # warm
                _update(client, "loyal", 10_000 + i)
                _update(client, "fresh", 10_000 + i)
                _balances(client, pid, "loyal")
            loyal, fresh = [], []
            for i in range(requests):
                loyal.append(_update(client, "loyal", i))
                fresh.append(_update(client, "fresh", i))
            before = server_seconds(server.base_url, "getLoyaltyBalances")
            for _ in range(requests):
                _balances(client, pid, "loyal")
            after = server_seconds(server.base_url, "getLoyaltyBalances")
    finally:
        procs.stop(server)
    count = after[1] - before[1]
    return {
        "entries": entries,
        "seed_seconds": round(seconds, 1),
        "loyal_active_points": held["balance"]["activePoints"],
        "requests_per_profile": requests,
        "loyal_ms": summary(loyal),
        "fresh_ms": summary(fresh),
        "ratio_p50": round(statistics.median(loyal) / statistics.median(fresh), 3),
        "balances_server_ms": round((after[0] - before[0]) / count * 1000, 3) if count else None,
    }


def run(dbs: list[str], log_dir: Path) -> dict[str, Any]:
    entries = int(os.environ.get("BENCH_LOYALTY_ENTRIES", "10000"))
    requests = int(os.environ.get("BENCH_LOYALTY_REQUESTS", "300"))
    return procs.per_database(
        dbs, log_dir / "loyalty.db", partial(measure, log_dir=log_dir, entries=entries, requests=requests)
    )


def table(results: dict[str, Any]) -> str:
    """The cell's figures as a text table."""
    entries = next((r["entries"] for r in results.values() if "entries" in r), 0)
    lines = [
        f"Loyalty (one request at a time; loyal: {entries:,} ledger entries in 3 ledgers):",
        "db       | loyal p50 ms | fresh p50 ms | loyal / fresh | target | balances server ms | target",
        "---------+--------------+--------------+---------------+--------+--------------------+-------",
    ]
    for kind, r in results.items():
        if "skipped" in r:
            lines.append(f"{kind:<8} | skipped: {r['skipped']}")
            continue
        ratio = "met" if r["ratio_p50"] <= 1.2 else "NOT met"
        balances = r["balances_server_ms"]
        fast = "met" if balances is not None and balances < 2 else "NOT met"
        lines.append(
            f"{kind:<8} | {r['loyal_ms']['p50']:>12.2f} | {r['fresh_ms']['p50']:>12.2f} | "
            f"{r['ratio_p50']:>13.2f} | {ratio:<6} | {balances!s:>18} | {fast}"
        )
    return "\n".join(lines)


def main() -> None:
    procs.cell_main("loyalty", run, table)


if __name__ == "__main__":
    main()
