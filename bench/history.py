"""The history cell: does a session update cost more for a customer with a long history?

One server (1 worker) per database kind, one application with a coupon campaign and a 2% campaign; two
profiles: ``loyal``, given 10,000 closed sessions (each redeeming the coupon) written straight into the
database, and ``fresh``, with none. Then, alternating between the two, one request at a time: an open
update of a new session of that profile with the coupon and every ``responseContent`` part (the coupons
part counts the profile's redemptions, the loyalty part reads its balances). The figure is the ratio of
the median latencies, loyal / fresh; the target is at most 1.1 (nothing the update reads grows with the
profile's history).

``python -m bench.history`` runs it alone (``BENCH_DBS``, ``BENCH_HISTORY_SESSIONS`` [10000],
``BENCH_HISTORY_REQUESTS`` [400 per profile]); ``make bench`` runs it after the throughput and list cells
(``BENCH_HISTORY=0`` skips it).
"""

from __future__ import annotations

import os
import secrets
import statistics
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from bench import procs
from bench import workload as w
from bench.measure import ok, summary

CONTENT = w.RESPONSE_CONTENT
CART = [{"sku": "mug", "quantity": 2, "price": 30}, {"sku": "tee", "quantity": 1, "price": 25}]
TOTAL = [".", "Session", "Total"]


def _shop(base_url: str, root_key: str) -> tuple[int, str, str]:
    """An application, its key and a reusable coupon code."""
    with httpx.Client(base_url=base_url, headers={"Authorization": f"ManagementKey-v1 {root_key}"}) as mgmt:
        app = ok(
            mgmt.post("/v1/applications", json={"name": "history", "currency": "EUR", "timezone": "UTC"}), 201
        )
        base = f"/v1/applications/{app['id']}"
        key = ok(mgmt.post(f"{base}/api_keys", json={"title": "h", "expires": "2099-01-01T00:00:00Z"}), 201)
        rules = {
            "coupon": {
                "title": "5 off",
                "condition": ["and", ["couponValid"]],
                "effects": [["setDiscount", "5 off", 5]],
            },
            "2%": {
                "title": "2%",
                "condition": ["and", [">", TOTAL, 0]],
                "effects": [["setDiscount", "2%", ["*", TOTAL, 0.02]]],
            },
        }
        campaign_ids = {}
        for name, rule in rules.items():
            body = {"name": name, "state": "enabled", "tags": [], "features": ["coupons"], "limits": []}
            created = ok(mgmt.post(f"{base}/campaigns", json=body), 201)
            ruleset = {"rules": [rule], "bindings": [], "activate": True}
            ok(mgmt.post(f"{base}/campaigns/{created['id']}/rulesets", json=ruleset), 201)
            campaign_ids[name] = created["id"]
        page = ok(
            mgmt.post(
                f"{base}/campaigns/{campaign_ids['coupon']}/coupons",
                params={"silent": "no"},
                json={"numberOfCoupons": 1, "usageLimit": 0, "couponPattern": "H-######"},
            )
        )
    return app["id"], key["key"], page["data"][0]["value"]


def _history(database_url: str, app_id: int, profile: str, sessions: int) -> None:
    """``sessions`` closed sessions of ``profile``, each with an ``acceptCoupon`` effect in force."""
    from openpromo.storage.database import Database
    from openpromo.storage.uow import SqlUnitOfWorkFactory

    database = Database(database_url, pool_size=1)
    try:
        with SqlUnitOfWorkFactory(database)() as uow:
            coupon = uow.records.find_one("coupons", application_id=app_id)
            assert coupon is not None
            start = datetime.now(UTC) - timedelta(days=400)
            for chunk in range(0, sessions, 1000):
                rows = [
                    _session(app_id, profile, start + timedelta(minutes=i), i)
                    for i in range(chunk, chunk + 1000)
                ]
                uow.records.insert_many("customer_sessions", rows[: sessions - chunk])
            ids = [
                r["id"]
                for r in uow.records.find(
                    "customer_sessions",
                    {"application_id": app_id, "profile_integration_id": profile, "state": "closed"},
                ).rows
            ]
            uow.records.insert_many("session_effects", [_effect(app_id, coupon, i, start) for i in ids])
            found = uow.records.find_one("customer_profiles", integration_id=profile)
            assert found is not None
            uow.records.update("customer_profiles", found["id"], {"closed_sessions": len(ids)})
            uow.commit()
    finally:
        database.dispose()


def _session(app_id: int, profile: str, when: datetime, i: int) -> dict[str, Any]:
    return {
        "application_id": app_id,
        "created": when,
        "updated": when,
        "closed_at": when,
        "integration_id": f"history-{profile}-{i}",
        "profile_integration_id": profile,
        "state": "closed",
        "coupon_codes": [],
        "loyalty_cards": [],
        "identifiers": [],
        "attributes": {},
        "cart_items": CART,
        "additional_costs": {},
        "effects": [],
    }


def _effect(app_id: int, coupon: dict[str, Any], session_id: int, when: datetime) -> dict[str, Any]:
    return {
        "application_id": app_id,
        "session_id": session_id,
        "campaign_id": coupon["campaign_id"],
        "ruleset_id": 0,
        "rule_index": 0,
        "rule_name": "5 off",
        "effect_type": "acceptCoupon",
        "props": {"value": coupon["value"]},
        "triggered_by_coupon": coupon["id"],
        "created": when,
    }


def _redemptions(database_url: str, app_id: int, profile: str, count: int) -> None:
    """The loyal profile's redemption count, where the schema keeps one (what a close would have kept)."""
    from openpromo.storage.database import Database
    from openpromo.storage.schema import metadata
    from openpromo.storage.uow import SqlUnitOfWorkFactory

    if "profile_coupon_redemptions" not in metadata.tables:
        return
    database = Database(database_url, pool_size=1)
    try:
        with SqlUnitOfWorkFactory(database)() as uow:
            coupon = uow.records.find_one("coupons", application_id=app_id)
            assert coupon is not None
            uow.records.insert(
                "profile_coupon_redemptions",
                {
                    "application_id": app_id,
                    "coupon_id": coupon["id"],
                    "profile_integration_id": profile,
                    "redemptions": count,
                },
            )
            uow.commit()
    finally:
        database.dispose()


def _timed(client: httpx.Client, profile: str, i: int, code: str) -> float:
    body = {
        "customerSession": {"profileId": profile, "couponCodes": [code], "cartItems": CART},
        "responseContent": CONTENT,
    }
    started = time.perf_counter()
    ok(client.put(f"/v2/customer_sessions/timed-{profile}-{i}", json=body))
    return (time.perf_counter() - started) * 1000


def measure(database_url: str, log_dir: Path, sessions: int, requests: int) -> dict[str, Any]:
    root_key = "history-root-" + secrets.token_hex(8)
    server = procs.start_openpromo(database_url, 1, log_dir / "history-server.log", root_key)
    try:
        app_id, key, code = _shop(server.base_url, root_key)
        with httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"ApiKey-v1 {key}"}, timeout=60
        ) as client:
            for profile in ("loyal", "fresh"):
                _timed(client, profile, -1, code)  # the profile exists
            seeded = time.perf_counter()
            _history(database_url, app_id, "loyal", sessions)
            _redemptions(database_url, app_id, "loyal", sessions)
            if database_url.startswith("postgresql"):
                procs.settle_pg_database(database_url)
            seconds = time.perf_counter() - seeded
            for i in range(50):  # warm: the snapshot, the compiled rules, the statement caches
                _timed(client, "loyal", 10_000 + i, code)
                _timed(client, "fresh", 10_000 + i, code)
            loyal, fresh = [], []
            for i in range(requests):
                loyal.append(_timed(client, "loyal", i, code))
                fresh.append(_timed(client, "fresh", i, code))
    finally:
        procs.stop(server)
    return {
        "history_sessions": sessions,
        "requests_per_profile": requests,
        "seed_seconds": round(seconds, 1),
        "loyal_ms": summary(loyal),
        "fresh_ms": summary(fresh),
        "ratio_p50": round(statistics.median(loyal) / statistics.median(fresh), 3),
    }


def run(dbs: list[str], log_dir: Path) -> dict[str, Any]:
    sessions = int(os.environ.get("BENCH_HISTORY_SESSIONS", "10000"))
    requests = int(os.environ.get("BENCH_HISTORY_REQUESTS", "400"))
    return procs.per_database(
        dbs, log_dir / "history.db", partial(measure, log_dir=log_dir, sessions=sessions, requests=requests)
    )


def table(results: dict[str, Any]) -> str:
    """The cell's figures as a text table."""
    lines = [
        "History (one request at a time, every answer part; loyal: 10,000 closed sessions):",
        "db       | loyal p50 ms | loyal p90 ms | fresh p50 ms | fresh p90 ms | loyal / fresh (p50) | target",
        "---------+--------------+--------------+--------------+--------------+---------------------+-------",
    ]
    for kind, r in results.items():
        if "skipped" in r:
            lines.append(f"{kind:<8} | skipped: {r['skipped']}")
            continue
        met = "met" if r["ratio_p50"] <= 1.1 else "NOT met"
        lines.append(
            f"{kind:<8} | {r['loyal_ms']['p50']:>12.2f} | {r['loyal_ms']['p90']:>12.2f} | "
            f"{r['fresh_ms']['p50']:>12.2f} | {r['fresh_ms']['p90']:>12.2f} | {r['ratio_p50']:>19.2f} | {met}"
        )
    return "\n".join(lines)


def main() -> None:
    procs.cell_main("history", run, table)


if __name__ == "__main__":
    main()
