"""The large-lists cell of ``make bench``: pages of Management lists that hold 100,000 rows.

One fresh database per kind: an application, a campaign and one real session (its cart, effects and event)
are made through the API, then 100,000 coupons in that campaign, 100,000 sessions of 50,000 customers in
that application and 100,000 events are inserted straight into the database (multi-row inserts; the
sessions and events are copies of the real one, so their documents are what the server writes). On
PostgreSQL the database is then ``VACUUM ANALYZE``d. A fresh ``openpromo serve --workers 1`` answers
each list case (a filter, a sort, a page size) ``BENCH_LISTS_REPEAT`` times after 2 unmeasured requests,
one request at a time on one keep-alive connection: the client's latency (median and maximum) and the
server's own time per request (``openpromo_request_seconds`` of the operation over the case, from
``/metrics``) are reported. The client's latency on localhost bounds the server time from above.

``BENCH_LISTS_ONLY=1 make bench`` runs only this cell (no wrk needed); ``BENCH_LISTS_ROWS`` (100000),
``BENCH_LISTS_REPEAT`` (15), ``BENCH_LISTS_PAGE_SIZES`` (50,1000) and ``BENCH_DBS`` tune it.
"""

from __future__ import annotations

import os
import random
import re
import secrets
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from bench import procs
from bench.measure import server_seconds
from openpromo.services.codes import fold_code
from openpromo.storage.database import Database
from openpromo.storage.fast import prepared
from openpromo.storage.records import bound_values
from openpromo.storage.schema import metadata

TARGET_MS = 50.0
SEED = "openpromo-lists"
_CHUNK_ROWS = 200  # rows per INSERT statement (SQLite allows 32,766 parameters per statement)


def _env_ints(name: str, default: str) -> list[int]:
    return [int(x) for x in os.environ.get(name, default).replace("_", "").split(",") if x.strip()]


def rows() -> int:
    return _env_ints("BENCH_LISTS_ROWS", "100000")[0]


def _check(response: httpx.Response, what: str) -> Any:
    if response.status_code >= 300:
        raise RuntimeError(f"{what}: {response.status_code} {response.text[:500]}")
    return response.json() if response.content else None


# -- seeding ----------------------------------------------------------------------------------------------


def _insert(conn: sa.Connection, table: str, batch: Iterable[dict[str, Any]]) -> None:
    """Multi-row ``INSERT ... VALUES (...), (...)`` statements of ``_CHUNK_ROWS`` rows each, compiled once
    and run on the driver's cursor (``storage.fast``), with the columns' own bind processing."""
    tbl = metadata.tables[table]
    chunk: list[dict[str, Any]] = []

    def flush() -> None:
        names = list(chunk[0])
        prefixes = [f"r{i}_" for i in range(len(chunk))]

        def build() -> Any:
            return tbl.insert().values([bound_values(tbl, names, prefix) for prefix in prefixes])

        statement = prepared(conn, ("bench-lists", table, tuple(names), len(chunk)), build)
        statement.execute(
            conn, {prefix + k: v for prefix, row in zip(prefixes, chunk, strict=True) for k, v in row.items()}
        )
        chunk.clear()

    for row in batch:
        chunk.append(row)
        if len(chunk) == _CHUNK_ROWS:
            flush()
    if chunk:
        flush()


def _real_session(base: str, app_key: str) -> None:
    """One session as a shop sends it, closed, so the copies carry a real cart, effects and event."""
    body = {
        "customerSession": {
            "profileId": "lists-p-000000",
            "state": "closed",
            "couponCodes": [],
            "cartItems": [
                {
                    "sku": f"sku-{i}",
                    "name": f"Item {i}",
                    "category": "c",
                    "quantity": 1 + i % 3,
                    "price": 10 + i,
                }
                for i in range(10)
            ],
            "attributes": {},
        }
    }
    with httpx.Client(base_url=base, headers={"Authorization": f"ApiKey-v1 {app_key}"}, timeout=60) as c:
        _check(c.put("/v2/customer_sessions/lists-s-real", json=body), "real session")


def seed(base: str, root_key: str, database_url: str, n: int) -> dict[str, Any]:
    """The application, campaign and real session through the API, then the bulk rows; returns ids and
    the seconds each step took."""
    started = time.monotonic()
    auth = {"Authorization": f"ManagementKey-v1 {root_key}"}
    with httpx.Client(base_url=base, headers=auth, timeout=120) as mgmt:
        app = _check(
            mgmt.post("/v1/applications", json={"name": "lists", "timezone": "UTC", "currency": "EUR"}), "app"
        )
        key = _check(
            mgmt.post(
                f"/v1/applications/{app['id']}/api_keys",
                json={"title": "lists", "expires": "2099-01-01T00:00:00Z"},
            ),
            "api key",
        )["key"]
        rule = {
            "title": "two off",
            "condition": ["and", [">", [".", "Session", "Total"], 1]],
            "effects": [["setDiscount", "two off", 2]],
        }
        campaign = _check(
            mgmt.post(
                f"/v1/applications/{app['id']}/campaigns",
                json={"name": "lists", "state": "enabled", "tags": [], "features": ["coupons"], "limits": []},
            ),
            "campaign",
        )
        _check(
            mgmt.post(
                f"/v1/applications/{app['id']}/campaigns/{campaign['id']}/rulesets",
                json={"rules": [rule], "bindings": [], "activate": True},
            ),
            "ruleset",
        )
    _real_session(base, key)
    api_s = time.monotonic() - started

    database = Database(database_url, pool_size=1)
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    timings: dict[str, float] = {}
    try:
        with database.transaction() as conn:
            sessions = metadata.tables["customer_sessions"]
            events = metadata.tables["events"]
            profiles = metadata.tables["customer_profiles"]
            real = dict(
                conn.execute(sa.select(sessions).where(sessions.c.application_id == app["id"])).one()._mapping
            )
            event = dict(
                conn.execute(sa.select(events).where(events.c.application_id == app["id"])).first()._mapping
            )  # type: ignore[union-attr]
            profile = dict(
                conn.execute(sa.select(profiles).where(profiles.c.integration_id == "lists-p-000000"))
                .one()
                ._mapping
            )
            account = profile["account_id"]

            step = time.monotonic()
            _insert(conn, "coupons", _coupons(rng, app["id"], campaign["id"], n, now))
            timings["coupons_s"] = time.monotonic() - step

            customers = n // 2
            step = time.monotonic()
            _insert(
                conn,
                "customer_profiles",
                (
                    {
                        **{k: v for k, v in profile.items() if k != "id"},
                        "integration_id": f"lists-p-{i:06d}",
                        "created": now - timedelta(minutes=customers - i),
                        "attributes": {"Name": f"Customer {i}", "Email": f"c{i}@example.com"},
                    }
                    for i in range(1, customers)
                ),
            )
            timings["profiles_s"] = time.monotonic() - step

            step = time.monotonic()
            _insert(conn, "customer_sessions", _sessions(rng, real, n, customers, now))
            timings["sessions_s"] = time.monotonic() - step

            step = time.monotonic()
            _insert(conn, "events", _events(rng, event, n, customers, now))
            timings["events_s"] = time.monotonic() - step
            coupons = metadata.tables["coupons"]
            sample = conn.execute(
                sa.select(coupons.c.value).order_by(coupons.c.id).offset(n // 2).limit(1)
            ).scalar_one()
    finally:
        database.dispose()
    if database_url.startswith("postgresql"):
        step = time.monotonic()
        procs.settle_pg_database(database_url)
        timings["vacuum_analyze_s"] = time.monotonic() - step
    return {
        "application_id": app["id"],
        "campaign_id": campaign["id"],
        "account_id": account,
        "rows": n,
        "customers": n // 2,
        "sample_code": sample,
        "api_s": api_s,
        **timings,
    }


def _coupons(
    rng: random.Random, app_id: int, campaign_id: int, n: int, now: datetime
) -> Iterable[dict[str, Any]]:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    for i in range(n):
        value = f"L{i:06d}-" + "".join(rng.choice(letters) for _ in range(4))
        yield {
            "application_id": app_id,
            "campaign_id": campaign_id,
            "created": now - timedelta(seconds=n - i),
            "value": value,
            "lookup_value": value,
            "folded_value": fold_code(value),
            "usage_limit": rng.choice((0, 1, 1, 5)),
            "usage_counter": rng.choice((0, 0, 0, 1, 2)),
            "start_date": now + timedelta(days=rng.randrange(1, 30)) if rng.random() < 0.2 else None,
            "expiry_date": now + timedelta(days=rng.randrange(-60, 120)) if rng.random() < 0.8 else None,
            "recipient_integration_id": f"lists-p-{rng.randrange(n // 2):06d}"
            if rng.random() < 0.3
            else None,
            "attributes": {},
            "limits": [],
            "batch_id": f"batch-{i // 10_000}",
        }


def _sessions(
    rng: random.Random, real: dict[str, Any], n: int, customers: int, now: datetime
) -> Iterable[dict[str, Any]]:
    base = {k: v for k, v in real.items() if k not in ("id",)}
    for i in range(n):
        yield {
            **base,
            "integration_id": f"lists-s-{i:06d}",
            "profile_integration_id": f"lists-p-{i % customers:06d}",
            "profile_id": None,
            "created": now - timedelta(seconds=(n - i) * 30),
            "updated": now - timedelta(seconds=(n - i) * 30 - 5),
            "state": rng.choice(("closed", "closed", "open", "cancelled")),
            "total": real["total"] + rng.randrange(100),
            "coupon_codes": [f"L{rng.randrange(n):06d}"] if rng.random() < 0.2 else [],
        }


def _events(
    rng: random.Random, event: dict[str, Any], n: int, customers: int, now: datetime
) -> Iterable[dict[str, Any]]:
    base = {k: v for k, v in event.items() if k != "id"}
    for i in range(n):
        yield {
            **base,
            "created": now - timedelta(seconds=(n - i) * 30),
            "session_integration_id": f"lists-s-{i:06d}",
            "profile_integration_id": f"lists-p-{i % customers:06d}",
            "profile_id": None,
            "type": "talon_session_closed" if rng.random() < 0.7 else "talon_session_updated",
        }


# -- the cases --------------------------------------------------------------------------------------------


def cases(seeded: dict[str, Any], page_sizes: Sequence[int]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(list, case, path, query) for each page size."""
    app, campaign = seeded["application_id"], seeded["campaign_id"]
    coupons = f"/v1/applications/{app}/campaigns/{campaign}/coupons/no_total"
    sessions = f"/v1/applications/{app}/sessions"
    customers = f"/v1/applications/{app}/customers"
    events = f"/v1/applications/{app}/events/no_total"
    day = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    deep = seeded["rows"] * 9 // 10  # 90% into the list
    found: list[tuple[str, str, str, dict[str, Any]]] = []
    for size in page_sizes:
        page = {"pageSize": size}
        found += [
            ("coupons", "no filter", coupons, page),
            ("coupons", "value part (folded)", coupons, {**page, "value": "l0123"}),
            (
                "coupons",
                "value, exact",
                coupons,
                {**page, "value": seeded["sample_code"].lower(), "exactMatch": "true"},
            ),
            ("coupons", "valid=validNow", coupons, {**page, "valid": "validNow"}),
            ("coupons", "valid=expired", coupons, {**page, "valid": "expired"}),
            ("coupons", "usable=false", coupons, {**page, "usable": "false"}),
            ("coupons", "sort=-expiryDate", coupons, {**page, "sort": "-expiryDate"}),
            ("coupons", "sort=value", coupons, {**page, "sort": "value"}),
            ("coupons", "sort=-created", coupons, {**page, "sort": "-created"}),
            ("coupons", "sort=-usageCounter (no index)", coupons, {**page, "sort": "-usageCounter"}),
            (
                "coupons",
                "valid=validNow, sort=-expiryDate",
                coupons,
                {**page, "valid": "validNow", "sort": "-expiryDate"},
            ),
            ("coupons", f"skip={deep:,}", coupons, {**page, "skip": deep}),
            ("sessions", "no filter", sessions, page),
            ("sessions", "profile (exact)", sessions, {**page, "profile": "lists-p-000042"}),
            ("sessions", "profile part", sessions, {**page, "profile": "p-0004", "partialMatch": "true"}),
            ("sessions", "state=open", sessions, {**page, "state": "open"}),
            (
                "sessions",
                "createdAfter, sort=-total",
                sessions,
                {**page, "createdAfter": day, "sort": "-total"},
            ),
            ("customers", "no filter", customers, page),
            ("customers", "withTotalResultSize", customers, {**page, "withTotalResultSize": "true"}),
            ("events", "no filter", events, page),
            ("events", "type", events, {**page, "type": "talon_session_updated"}),
        ]
    return found


_OPERATIONS = {
    "coupons": "getCouponsWithoutTotalCount",
    "sessions": "getApplicationSessions",
    "customers": "getApplicationCustomers",
    "events": "getApplicationEventsWithoutTotalCount",
}


def measure_case(
    client: httpx.Client, base: str, name: str, path: str, query: dict[str, Any], repeat: int
) -> dict[str, Any]:
    for _ in range(2):
        _check(client.get(path, params=query), f"{name} {query}")
    before = server_seconds(base, _OPERATIONS[name])
    latencies = []
    returned = 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path, params=query)
        latencies.append((time.perf_counter() - started) * 1000)
        returned = len(_check(response, f"{name} {query}")["data"])
    after = server_seconds(base, _OPERATIONS[name])
    count = after[1] - before[1]
    return {
        "returned": returned,
        "client_median_ms": statistics.median(latencies),
        "client_max_ms": max(latencies),
        "server_mean_ms": (after[0] - before[0]) / count * 1000 if count else None,
        "repeat": repeat,
    }


def run_db(db: str, workdir: Path, log: Callable[[str], None]) -> dict[str, Any]:
    n = rows()
    repeat = _env_ints("BENCH_LISTS_REPEAT", "15")[0]
    page_sizes = _env_ints("BENCH_LISTS_PAGE_SIZES", "50,1000")
    url = (
        procs.create_pg_database()
        if db == "postgres"
        else f"sqlite:///{workdir / f'lists-{secrets.token_hex(3)}.db'}"
    )
    root_key = "bench-lists-" + secrets.token_hex(12)
    result: dict[str, Any] = {"db": db, "cases": []}
    try:
        seeding = procs.start_openpromo(url, 1, workdir / f"lists-seed-{db}.log", root_key)
        try:
            log(f"lists, {db}: seeding {n:,} coupons, sessions and events, {n // 2:,} customers")
            result["seeding"] = seed(seeding.base_url, root_key, url, n)
        finally:
            procs.stop(seeding)
        s = result["seeding"]
        log(
            f"lists, {db}: seeded (coupons {s['coupons_s']:.1f} s, sessions {s['sessions_s']:.1f} s, "
            f"events {s['events_s']:.1f} s, customers {s['profiles_s']:.1f} s)"
        )
        server = procs.start_openpromo(url, 1, workdir / f"lists-{db}.log", root_key)
        result["loadavg_before"] = os.getloadavg()  # the machine is shared: how busy it was
        try:
            auth = {"Authorization": f"ManagementKey-v1 {root_key}"}
            with httpx.Client(base_url=server.base_url, headers=auth, timeout=120) as client:
                for name, case, path, query in cases(result["seeding"], page_sizes):
                    figures = measure_case(client, server.base_url, name, path, query, repeat)
                    size = query["pageSize"]
                    result["cases"].append({"list": name, "case": case, "page_size": size, **figures})
                    log(
                        f"lists, {db}: {name:9} {case:34} page {size:4}: {figures['returned']:4} rows, "
                        f"median {figures['client_median_ms']:6.1f} ms, "
                        f"max {figures['client_max_ms']:6.1f} ms, "
                        f"server {figures['server_mean_ms'] or 0:6.1f} ms"
                    )
            result["loadavg_after"] = os.getloadavg()
            result["server_log_issues"] = [
                line
                for line in server.log_path.read_text(errors="replace").splitlines()
                if re.search(r"Traceback|ERROR", line)
            ][:20]
        finally:
            procs.stop(server)
    finally:
        if db == "postgres":
            procs.drop_pg_database(url)
        else:
            path = url.removeprefix("sqlite:///")
            for suffix in ("", "-wal", "-shm", ".lock", ".keylocks"):
                Path(path + suffix).unlink(missing_ok=True)
    return result


def run(dbs: Sequence[str], workdir: Path, log: Callable[[str], None]) -> dict[str, Any]:
    results: dict[str, Any] = {"rows": rows(), "target_ms": TARGET_MS, "runs": [], "notes": []}
    for db in dbs:
        if db == "postgres" and (problem := procs.postgres_problem()) is not None:
            results["notes"].append(f"lists: PostgreSQL skipped ({problem})")
            log(results["notes"][-1])
            continue
        results["runs"].append(run_db(db, workdir, log))
    return results


def table(results: dict[str, Any]) -> str:
    """The cell as a Markdown table: client median / max and server mean per page, per database."""
    runs = results.get("runs", [])
    if not runs:
        return "lists: not run"
    dbs = [r["db"] for r in runs]
    header = (
        "| list | case | page | rows | " + " | ".join(f"{db} median / max (server) ms" for db in dbs) + " |"
    )
    lines = [header, "| " + " | ".join(["---"] * (4 + len(dbs))) + " |"]
    by_db = [{(c["list"], c["case"], c["page_size"]): c for c in r["cases"]} for r in runs]
    slow = []
    for c in runs[0]["cases"]:
        key = (c["list"], c["case"], c["page_size"])
        cells = []
        for db, found in zip(dbs, by_db, strict=True):
            figure = found.get(key)
            if figure is None:
                cells.append("-")
                continue
            server = figure["server_mean_ms"]
            cells.append(
                f"{figure['client_median_ms']:.1f} / {figure['client_max_ms']:.1f} ({server or 0:.1f})"
            )
            if figure["client_median_ms"] > results["target_ms"]:
                slow.append(f"{db} {c['list']} {c['case']} page {c['page_size']}")
        lines.append(
            f"| {c['list']} | {c['case']} | {c['page_size']} | {c['returned']} | " + " | ".join(cells) + " |"
        )
    verdict = f"target: a page under {results['target_ms']:.0f} ms: " + (
        "met by every case" if not slow else "not met by " + "; ".join(slow)
    )
    return "\n".join(
        [
            f"Lists with {results['rows']:,} rows (client latency; server time in brackets)",
            "",
            *lines,
            "",
            verdict,
        ]
    )


__all__ = ["run", "table"]
