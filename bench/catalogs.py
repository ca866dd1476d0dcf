"""The catalog cell: how long catalog syncs take, and what a catalog costs a session update.

One server (1 worker) per database kind. A catalog of ``BENCH_CATALOG_ITEMS`` items (100,000 by
default) is filled with ``syncCatalog`` requests of 1,000 ``ADD`` actions each (their mean server time is
the first figure); then one ``PATCH_MANY`` with a filter that matches half the items, and one without
filters (every item). Last, one request at a time, ``BENCH_CATALOG_UPDATES`` (300) session updates of
3 cart items in an application without a catalog whose items carry their prices, then as many in an
application subscribed to the catalog whose items carry none and take the catalog's: the figure is the
second's mean server time over the first's (target at most 1.2). Both applications run the same 10
campaigns. ``python -m bench.catalogs`` runs it alone (``BENCH_DBS``); ``make bench`` runs it with the
other cells (``BENCH_CATALOGS=0`` skips it).
"""

from __future__ import annotations

import os
import secrets
import time
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from bench import procs
from bench.measure import ok, server_seconds

BATCH = 1000
CAMPAIGNS = 10


def _application(mgmt: httpx.Client, name: str) -> tuple[int, str]:
    app = ok(mgmt.post("/v1/applications", json={"name": name, "currency": "EUR", "timezone": "UTC"}), 201)
    base = f"/v1/applications/{app['id']}"
    key = ok(mgmt.post(f"{base}/api_keys", json={"title": "c", "expires": "2099-01-01T00:00:00Z"}), 201)
    for i in range(CAMPAIGNS):
        body = {"name": f"c{i}", "state": "enabled", "tags": [], "features": [], "limits": []}
        created = ok(mgmt.post(f"{base}/campaigns", json=body), 201)
        rule = {
            "title": "big carts",
            "condition": [">=", [".", "Session", "Total"], 50 + i],
            "effects": [["setDiscount", f"d{i}", 1]],
        }
        ruleset = {"rules": [rule], "bindings": [], "activate": True}
        ok(mgmt.post(f"{base}/campaigns/{created['id']}/rulesets", json=ruleset), 201)
    return app["id"], str(key["key"])


def _timed(client: httpx.Client, base_url: str, url: str, bodies: list[dict[str, Any]]) -> float:
    """The server's mean time of the syncs in ``bodies``, in ms."""
    before = server_seconds(base_url, "syncCatalog")
    for body in bodies:
        ok(client.put(url, json=body, timeout=600))
    after = server_seconds(base_url, "syncCatalog")
    return round((after[0] - before[0]) / (after[1] - before[1]) * 1000, 2)


def _updates(client: httpx.Client, base_url: str, prefix: str, priced: bool, count: int, size: int) -> float:
    skus = ["sku-17", f"sku-{size // 2 + 42}", f"sku-{size - 1}"]
    cart = [{"sku": s, "quantity": 1, **({"price": 20} if priced else {})} for s in skus]
    for i in range(30):  # warm
        ok(
            client.put(
                f"/v2/customer_sessions/{prefix}-warm-{i}", json={"customerSession": {"cartItems": cart}}
            )
        )
    before = server_seconds(base_url, "updateCustomerSessionV2")
    for i in range(count):
        ok(client.put(f"/v2/customer_sessions/{prefix}-{i}", json={"customerSession": {"cartItems": cart}}))
    after = server_seconds(base_url, "updateCustomerSessionV2")
    return (after[0] - before[0]) / (after[1] - before[1]) * 1000


def measure(database_url: str, log_dir: Path, size: int, updates: int) -> dict[str, Any]:
    root_key = "catalogs-root-" + secrets.token_hex(8)
    server = procs.start_openpromo(database_url, 1, log_dir / "catalogs.log", root_key)
    try:
        auth = {"Authorization": f"ManagementKey-v1 {root_key}"}
        with httpx.Client(base_url=server.base_url, headers=auth, timeout=120) as mgmt:
            plain_app, plain_key = _application(mgmt, "priced")
            catalog_app, catalog_key = _application(mgmt, "catalog")
            attribute = {
                "entity": "CartItem",
                "name": "size",
                "title": "Size",
                "type": "number",
                "description": "",
                "suggestions": [],
                "editable": True,
            }
            ok(mgmt.post("/v1/attributes", json=attribute), 201)
            catalog = ok(
                mgmt.post(
                    "/v1/catalogs",
                    json={"name": "bench", "description": "", "subscribedApplicationsIds": [catalog_app]},
                ),
                201,
            )
        del plain_app
        url = f"/v1/catalogs/{catalog['id']}/sync"
        adds = [
            {
                "actions": [
                    {
                        "type": "ADD",
                        "payload": {"sku": f"sku-{n}", "price": 20, "attributes": {"size": n % 100}},
                    }
                    for n in range(start, min(start + BATCH, size))
                ]
            }
            for start in range(0, size, BATCH)
        ]
        with httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"ApiKey-v1 {catalog_key}"}
        ) as app:
            started = time.monotonic()
            add_ms = _timed(app, server.base_url, url, adds)
            fill_s = time.monotonic() - started
            if database_url.startswith("postgresql"):
                procs.settle_pg_database(database_url)
            half = {
                "filters": [{"attr": "size", "op": "GE", "value": 50}],
                "attributes": {"size": 1},
                "price": 21,
            }
            patch_half_ms = _timed(
                app, server.base_url, url, [{"actions": [{"type": "PATCH_MANY", "payload": half}]}]
            )
            patch_all_ms = _timed(
                app, server.base_url, url, [{"actions": [{"type": "PATCH_MANY", "payload": {"price": 20}}]}]
            )
            from_catalog = _updates(app, server.base_url, "catalog", False, updates, size)
        with httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"ApiKey-v1 {plain_key}"}
        ) as app:
            priced = _updates(app, server.base_url, "priced", True, updates, size)
    finally:
        procs.stop(server)
    return {
        "items": size,
        "add_1000_server_ms": add_ms,
        "fill_seconds": round(fill_s, 1),
        "patch_many_half_server_ms": patch_half_ms,
        "patch_many_all_server_ms": patch_all_ms,
        "priced_update_server_ms": round(priced, 3),
        "catalog_update_server_ms": round(from_catalog, 3),
        "ratio": round(from_catalog / priced, 3),
    }


def run(dbs: list[str], log_dir: Path) -> dict[str, Any]:
    size = int(os.environ.get("BENCH_CATALOG_ITEMS", "100000"))
    updates = int(os.environ.get("BENCH_CATALOG_UPDATES", "300"))
    return procs.per_database(
        dbs, log_dir / "catalogs.db", partial(measure, log_dir=log_dir, size=size, updates=updates)
    )


def table(results: dict[str, Any]) -> str:
    lines = [
        "Catalogs (1 worker; server time; sessions of 3 items, one request at a time):",
        "db       | items  | ADD x1000 ms | PATCH half ms | all ms | priced ms | catalog ms | ratio | target",
        "---------+--------+--------------+---------------+--------+-----------+------------+-------+-------",
    ]
    for name, r in results.items():
        if "skipped" in r:
            lines.append(f"{name:<8} | skipped: {r['skipped']}")
            continue
        met = "met" if r["ratio"] <= 1.2 else "NOT met"
        lines.append(
            f"{name:<8} | {r['items']:>6} | {r['add_1000_server_ms']:>12.1f} | "
            f"{r['patch_many_half_server_ms']:>13.1f} | {r['patch_many_all_server_ms']:>6.1f} | "
            f"{r['priced_update_server_ms']:>9.2f} | {r['catalog_update_server_ms']:>10.2f} | "
            f"{r['ratio']:>5.2f} | {met}"
        )
    return "\n".join(lines)


def main() -> None:
    procs.cell_main("catalogs", run, table)


if __name__ == "__main__":
    main()
