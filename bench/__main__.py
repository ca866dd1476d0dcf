"""``make bench``: session updates against 10 … 10,000 campaigns on SQLite and PostgreSQL, 1 and 2 workers.

See docs/performance.md for what is measured and how. Environment (defaults in brackets):
BENCH_QUICK=1 (100 campaigns, SQLite, 2 workers, 5 s), BENCH_DURATION [10], BENCH_WARMUP [3],
BENCH_CAMPAIGNS [10,100,1000,10000], BENCH_WORKERS [1,2], BENCH_DBS [sqlite,postgres],
BENCH_CONNECTIONS [32], BENCH_KNEE_CONNECTIONS_PER_WORKER [4], BENCH_THREADS [1], BENCH_RATE [300],
BENCH_RATE_CONNECTIONS [16], BENCH_BODIES [400], BENCH_TALANG_SECONDS [3],
BENCH_WRK_CPU [unset: wrk not pinned], BENCH_POSTGRES_URL [postgresql://postgres@127.0.0.1:5432/postgres],
BENCH_OUTPUT [bench/results/latest.json]. After the session updates, the large-lists cell (``bench/lists.py``:
pages of lists of 100,000 coupons, sessions, events and 50,000 customers); BENCH_LISTS_ONLY=1 runs only that
cell (into bench/results/lists.json unless BENCH_OUTPUT says otherwise), BENCH_LISTS=0 skips it (and
BENCH_QUICK does unless BENCH_LISTS=1). Then the history cell (``bench/history.py``: an update of a profile
with 10,000 closed sessions against a fresh profile's); BENCH_HISTORY=0 skips it (BENCH_QUICK does unless
BENCH_HISTORY=1). Then the loyalty cell (``bench/loyalty.py``: a profile whose ledgers hold 10,000 entries
against a fresh one, and getLoyaltyBalances); BENCH_LOYALTY=0 skips it (BENCH_QUICK does unless
BENCH_LOYALTY=1). Then the events cell (``bench/events.py``: trackEventV2 against a close with as many
applicable campaigns, at 100 and 10,000 session campaigns); BENCH_EVENTS=0 skips it (BENCH_QUICK does
unless BENCH_EVENTS=1). Then the catalogs cell (``bench/catalogs.py``: syncs of 1,000 ADD actions and
PATCH_MANY over a 100,000-item catalog, and sessions priced by it against priced ones); BENCH_CATALOGS=0
skips it (BENCH_QUICK does unless BENCH_CATALOGS=1). Last the races cell (``bench/races.py``: the limits
harness at 10,000 closes per case); BENCH_RACES=0 skips it (BENCH_QUICK does unless BENCH_RACES=1).
"""

from __future__ import annotations

import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx

from bench import catalogs, events, history, lists, loadgen, loyalty, procs, races, report, seed, talang_eval
from bench import reference as ref
from bench import workload as w

RESULTS = procs.ROOT / "bench" / "results"
ROOT_KEY = "bench-root-" + secrets.token_hex(12)


def _ints(name: str, default: str) -> list[int]:
    return [int(x) for x in os.environ.get(name, default).replace("_", "").split(",") if x.strip()]


@dataclass
class Config:
    campaigns: list[int]
    workers: list[int]
    dbs: list[str]
    duration: float
    warmup: float
    connections: int
    knee_per_worker: int
    threads: int
    rate: float
    rate_connections: int
    bodies: int
    talang_seconds: float
    wrk_cpu: str | None
    quick: bool
    output: Path

    @classmethod
    def from_env(cls) -> Config:
        quick = os.environ.get("BENCH_QUICK") == "1"
        return cls(
            campaigns=_ints("BENCH_CAMPAIGNS", "100" if quick else "10,100,1000,10000"),
            workers=_ints("BENCH_WORKERS", "2" if quick else "1,2"),
            dbs=os.environ.get("BENCH_DBS", "sqlite" if quick else "sqlite,postgres").split(","),
            duration=float(os.environ.get("BENCH_DURATION", "5" if quick else "10")),
            warmup=float(os.environ.get("BENCH_WARMUP", "3")),
            connections=int(os.environ.get("BENCH_CONNECTIONS", "32")),
            knee_per_worker=int(os.environ.get("BENCH_KNEE_CONNECTIONS_PER_WORKER", "4")),
            threads=int(os.environ.get("BENCH_THREADS", "1")),
            rate=float(os.environ.get("BENCH_RATE", "300")),
            rate_connections=int(os.environ.get("BENCH_RATE_CONNECTIONS", "16")),
            bodies=int(os.environ.get("BENCH_BODIES", "400")),
            talang_seconds=float(os.environ.get("BENCH_TALANG_SECONDS", "1" if quick else "3")),
            wrk_cpu=os.environ.get("BENCH_WRK_CPU") or None,
            quick=quick,
            output=Path(os.environ.get("BENCH_OUTPUT", str(RESULTS / "latest.json"))),
        )


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def ensure_wrk() -> None:
    if loadgen.wrk_binary():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk is missing: apt-get install -y wrk")
        if subprocess.run(["apt-get", "install", "-y", "wrk"], check=False).returncode != 0:
            subprocess.run(["apt-get", "update"], check=False)
            subprocess.run(["apt-get", "install", "-y", "wrk"], check=False)
    if not loadgen.wrk_binary():
        sys.exit("make bench needs wrk 4.1 (Debian package 'wrk'): run 'sudo apt-get install -y wrk' first")


def machine_info() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=procs.ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    versions = {}
    for package in ("litestar", "msgspec", "uvicorn", "uvloop", "httptools", "sqlalchemy", "psycopg"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "git_commit": git("rev-parse", "HEAD"),
        "git_branch": git("rev-parse", "--abbrev-ref", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "wrk": (wrk.stdout + wrk.stderr).splitlines()[0] if (wrk.stdout + wrk.stderr) else "",
        "packages": versions,
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def postgres_version(url: str) -> str:
    """The server's version, and whether autovacuum runs (the harness vacuums when it does not)."""
    import psycopg

    with psycopg.connect(url) as conn:
        version = conn.execute("SHOW server_version").fetchone()
        autovacuum = conn.execute("SHOW autovacuum").fetchone()
    return f"{version[0] if version else '?'} (autovacuum {autovacuum[0] if autovacuum else '?'})"


# -- one measured run ---------------------------------------------------------------------------


def scrape(server: procs.Server) -> dict[str, float] | None:
    """OpenPromo's /metrics as {series: value} (None for servers without it, like the reference)."""
    try:
        text = httpx.get(server.base_url + "/metrics", timeout=30).text
    except httpx.HTTPError:
        return None
    values: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("openpromo_") and " " in line:
            name, _, value = line.rpartition(" ")
            values[name] = values.get(name, 0.0) + float(value)
    return values or None


def server_counts(before: dict[str, float] | None, after: dict[str, float] | None) -> dict[str, Any]:
    """What the server did between two scrapes: requests by operation and status, rule and DB time."""
    if before is None or after is None:
        return {}
    delta = {k: v - before.get(k, 0.0) for k, v in after.items() if v - before.get(k, 0.0)}
    requests: Counter[str] = Counter()
    statements: Counter[str] = Counter()
    db_seconds: Counter[str] = Counter()
    for name, value in delta.items():
        labels = dict(re.findall(r'(\w+)="([^"]*)"', name))
        if name.startswith("openpromo_requests_total{"):
            requests[f"{labels.get('operation')} {labels.get('status')}"] += int(value)
        elif name.startswith("openpromo_database_seconds_count{"):
            statements[labels.get("operation", "?")] += int(value)
        elif name.startswith("openpromo_database_seconds_sum{"):
            db_seconds[labels.get("operation", "?")] += value
    return {
        "requests": dict(requests),
        "rule_evaluation_s": delta.get("openpromo_rule_evaluation_seconds_sum", 0.0),
        "rule_evaluations": int(delta.get("openpromo_rule_evaluation_seconds_count", 0)),
        "close_reevaluations": int(delta.get("openpromo_close_reevaluations_total", 0)),
        "statements": dict(statements),
        "statement_s": dict(db_seconds),
        "request_s": sum(v for k, v in delta.items() if k.startswith("openpromo_request_seconds_sum")),
    }


def wait_idle(server: procs.Server, with_pg: bool, limit: float = 180.0) -> float:
    """Wait until the server tree (and PostgreSQL) use < 10% of a core over 300 ms: requests cut off by the
    end of a wrk run are finished before the next window starts. Returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        a = procs.sample(server.process.pid, with_pg)
        time.sleep(0.3)
        b = procs.sample(server.process.pid, with_pg)
        cpu = procs.cpu_seconds(a, b)
        if (cpu["app"] + cpu["pg"]) / cpu["wall"] < 0.1:
            break
    return time.monotonic() - started


@dataclass
class Load:
    """How one cell is driven: closed loop with ``connections`` for ``seconds``."""

    connections: int
    seconds: float
    timeout_s: int


def measure(
    cfg: Config,
    server: procs.Server,
    script: Path,
    workdir: Path,
    tag: str,
    *,
    pg_url: str | None,
    load: Load,
    operation: str | None = None,
) -> dict[str, Any]:
    """Warm-up, then the measured wrk run with the CPU of the server tree (and PostgreSQL) around it.

    The CPU window runs from an idle server to an idle server (``wait_idle``), so requests cut off when
    wrk stops are counted whole; the divisor is then what the server completed in that window (from
    /metrics, ``operation``), or wrk's count for servers without metrics.
    """
    common = {
        "connections": load.connections,
        "threads": cfg.threads,
        "workdir": workdir,
        "cpu": cfg.wrk_cpu,
        "timeout_s": load.timeout_s,
    }
    with_pg = pg_url is not None
    warm = loadgen.run_wrk(script, server.base_url, seconds=cfg.warmup, prefix=f"{tag}-w", **common)
    wait_idle(server, with_pg)
    if pg_url is not None:
        procs.vacuum_pg_database(pg_url)
    scraped = scrape(server) if operation else None
    before = procs.sample(server.process.pid, with_pg)
    run = loadgen.run_wrk(script, server.base_url, seconds=load.seconds, prefix=f"{tag}-m", **common)
    drained = wait_idle(server, with_pg)
    after = procs.sample(server.process.pid, with_pg)
    counts = server_counts(scraped, scrape(server) if operation else None)
    cpu = procs.cpu_seconds(before, after)
    served = sum(v for k, v in counts.get("requests", {}).items() if k.split(" ")[0] == operation)
    n = max(1, served or run.requests)
    result = run.as_dict()
    result["connections"] = load.connections
    result["server"] = counts
    result["served"] = served or None
    result["drain_s"] = drained
    result["cpu_ms"] = {
        "app": cpu["app"] / n * 1000,
        "pg": cpu["pg"] / n * 1000,
        "total": (cpu["app"] + cpu["pg"]) / n * 1000,
        "wrk": run.wrk_cpu_s / max(1, run.requests) * 1000,
    }
    if counts.get("rule_evaluations"):
        result["server_ms"] = {
            "rule_evaluation": counts["rule_evaluation_s"] / n * 1000,
            "statements": {k: v / n for k, v in counts["statements"].items()},
            "statement_time": {k: v / n * 1000 for k, v in counts["statement_s"].items()},
            "request_wall": counts["request_s"] / n * 1000,
        }
    result["cpu_cores"] = {k: v / cpu["wall"] for k, v in cpu.items() if k != "wall"}
    result["cpu_cores"]["other"] = max(
        0.0,
        result["cpu_cores"]["machine_busy"]
        - result["cpu_cores"]["app"]
        - result["cpu_cores"]["pg"]
        - run.wrk_cpu_s / cpu["wall"],
    )
    result["warmup"] = {
        "requests": warm.requests,
        "non_2xx": warm.non_2xx,
        "socket_errors": warm.socket_errors,
        "statuses": warm.statuses,
        "bad_response": warm.bad_response,
    }
    result["clean"] = run.non_2xx == 0 and sum(run.socket_errors.values()) == 0
    return result


def short(run: dict[str, Any]) -> str:
    lat = run["latency_ms"]
    text = (
        f"{run['rps']:,.0f}/s p50 {lat['p50']:.1f} p99 {lat['p99']:.1f} ms, "
        f"CPU {run['cpu_ms']['total']:.2f} ms/req "
        f"(app {run['cpu_ms']['app']:.2f}, PG {run['cpu_ms']['pg']:.2f}), "
        f"other load {run['cpu_cores']['other']:.2f} cores"
    )
    if not run["clean"]:
        text += f"  ERRORS statuses={run['statuses']} socket={run['socket_errors']}"
        if run["bad_response"]:
            text += f"\n    first non-2xx answer: {run['bad_response'][:500]}"
    return text


# -- checks on the server -----------------------------------------------------------------------


def prime(server: procs.Server, key: str, bodies: list[dict[str, Any]], workers: int) -> float:
    """Updates until every worker has compiled the rulesets; returns the seconds it took.

    The compiled-ruleset cache is per worker and fills on first use, so the first requests of a fresh
    server are slow. One round of ``workers`` parallel requests (the cold start), then rounds of
    2 x ``workers`` until a round's median latency is within 20% of the previous round's (at most 300 s).
    """
    started = time.perf_counter()
    counter = iter(range(1_000_000))
    lock = threading.Lock()

    def one(_: int) -> float:
        with lock:
            i = next(counter)
        body = bodies[i % len(bodies)]
        t = time.perf_counter()
        response = httpx.put(
            f"{server.base_url}/v2/customer_sessions/prime-{i}-{secrets.token_hex(4)}",
            json=body,
            headers={"Authorization": f"ApiKey-v1 {key}"},
            timeout=600,
        )
        if response.status_code != 200:
            raise RuntimeError(f"priming request failed: {response.status_code} {response.text[:1000]}")
        return time.perf_counter() - t

    with ThreadPoolExecutor(2 * workers) as pool:
        list(pool.map(one, range(workers)))
        previous = None
        for _ in range(30):
            times = sorted(pool.map(one, range(2 * workers)))
            median = times[len(times) // 2]
            if previous is not None and median >= 0.8 * previous:
                break
            previous = median
            if time.perf_counter() - started > 300:
                break
    return time.perf_counter() - started


def check_effects(server: procs.Server, key: str, bodies: list[dict[str, Any]]) -> dict[str, Any]:
    """Open then close up to 30 sessions, one request at a time (at least 4, then at most 20 s); fail
    unless discounts and loyalty points come back. Also gives the latency of a lone request."""
    types: Counter[str] = Counter()
    latencies: list[float] = []
    started = time.monotonic()
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"ApiKey-v1 {key}"}, timeout=600
    ) as c:
        for i, body in enumerate(bodies[:30]):
            if i >= 4 and time.monotonic() - started > 20:
                break
            sid = f"check-{i}-{secrets.token_hex(4)}"
            for state in ("open", "closed"):
                sent = json.loads(json.dumps(body))
                sent["customerSession"]["state"] = state
                t = time.perf_counter()
                answer = c.put(f"/v2/customer_sessions/{sid}", json=sent)
                latencies.append(time.perf_counter() - t)
                if answer.status_code != 200:
                    raise RuntimeError(f"check request failed: {answer.status_code} {answer.text[:2000]}")
                types.update(e["effectType"] for e in answer.json().get("effects", []))
    if not types["setDiscount"] or not types["addLoyaltyPoints"]:
        raise RuntimeError(
            f"sessions get no discount/points effects, the benchmark would measure nothing: {types}"
        )
    n = len(latencies)
    return {
        "responses": n,
        "effects_per_response": {k: v / n for k, v in sorted(types.items())},
        "lone_latency_ms": sorted(latencies)[n // 2] * 1000,
    }


def load_for(cfg: Config, workers: int, lone_s: float) -> Load:
    """The configured closed loop, unless the server is so slow that the window would hold fewer than
    ~10 completions per connection: then fewer connections (at least 2 per worker, still saturating)
    and a window of up to 60 s, so that requests cut off at the end do not dominate."""
    expected = workers * cfg.duration / max(lone_s, 1e-6)  # completions in the window at saturation
    connections = max(2 * workers, min(cfg.connections, int(expected / 10)))
    seconds = cfg.duration
    if connections < cfg.connections:
        seconds = min(60.0, max(cfg.duration, 10 * connections * lone_s / workers))
    timeout = int(min(120, max(10, 10 * connections * lone_s / workers)))
    return Load(connections, seconds, timeout)


LOG_PATTERN = re.compile(r"Traceback|ERROR|Exception|CRITICAL|Killed|died|Errno", re.IGNORECASE)


def log_issues(server: procs.Server) -> list[str]:
    """The first suspicious lines of the server's log, with what follows them; read line by line (with
    the access log on, the log holds a line per request)."""
    hits, excerpt, following = 0, [], 0
    try:
        with server.log_path.open(errors="replace") as log:
            for line in log:
                line = line.rstrip("\n")
                if LOG_PATTERN.search(line):
                    hits += 1
                    if hits <= 5:
                        if following == 0 and excerpt:
                            excerpt.append("...")
                        following = 12
                if following:
                    excerpt.append(line)
                    following -= 1
    except OSError:
        return []
    if hits:
        excerpt.insert(0, f"{hits} suspicious lines in {server.log_path.name}")
    return excerpt


# -- one database kind --------------------------------------------------------------------------


class Run:
    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        self.workdir = RESULTS / f"run-{stamp}"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.results: dict[str, Any] = {
            "started": datetime.now(UTC).isoformat(),
            "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in cfg.__dict__.items()},
            "machine": machine_info(),
            "workload": {
                "categories_per_100_campaigns": w.CATEGORIES_PER_100_CAMPAIGNS,
                "skus_per_category": w.SKUS_PER_CATEGORY,
                "stores": w.N_STORES,
                "profiles": w.N_PROFILES,
                "audiences": w.N_AUDIENCES,
                "audience_share": w.AUDIENCE_SHARE,
                "cart_lines": w.CART_LINES,
                "coupon_share": w.COUPON_SHARE,
                "close_share": w.CLOSE_SHARE,
                "campaign_kinds_per_20": dict(Counter(w.KIND_PATTERN)),
                "global_campaigns": len(w.global_specs()),
            },
            "cells": [],
            "reference": [],
            "paced": [],
            "talang": [],
            "seeding": {},
            "checks": [],
            "server_log_issues": [],
            "notes": [],
        }
        sample_body = json.dumps(self._bodies({}, 1)[0]).encode()
        self.burn, self.burn_s = ref.calibrate(sample_body)
        self.results["reference_burn"] = {"iterations": self.burn, "us_per_call": self.burn_s * 1e6}
        log(
            f"reference handler: {self.burn} loop iterations = {self.burn_s * 1e6:.0f} µs of Python "
            "per request"
        )

    def _tails(self, codes: dict[int, list[str]], upto: int) -> list[dict[str, Any]]:
        lists = [codes[i] for i in sorted(codes) if 0 <= i < upto]
        return w.body_tails(w.Catalog(upto), lists, self.cfg.bodies)

    def _bodies(self, codes: dict[int, list[str]], upto: int, count: int = 60) -> list[dict[str, Any]]:
        """Whole request bodies (profile and store filled in) for priming, checks and Talang."""
        import random

        rng = random.Random(f"{w.SEED}-whole-{upto}")
        return [
            w.full_body(t, w.profile(rng.randrange(w.N_PROFILES)), w.store(rng.randrange(w.N_STORES)), "open")
            for t in self._tails(codes, upto)[:count]
        ]

    def write_scripts(self, shop: seed.Shop, n: int) -> dict[str, Path]:
        tails = [w.tail_json(t) for t in self._tails(shop.coupon_codes, n)]
        stores = [w.store(s) for s in range(w.N_STORES)]
        scripts = {}
        common = {"key": shop.key, "profiles": w.N_PROFILES, "threads": self.cfg.threads}
        for name, route in (
            ("update", "/v2/customer_sessions/"),
            ("floor", "/bench/echo/"),
            ("reference", "/bench/ref/"),
        ):
            path = self.workdir / f"{name}-{n}.lua"
            loadgen.write_script(path, tails, stores, route=route, **common)
            scripts[name] = path
        path = self.workdir / f"paced-{n}.lua"
        rate = self.cfg.rate / self.cfg.threads
        loadgen.write_script(
            path, tails, stores, route="/v2/customer_sessions/", rate_per_thread=rate, **common
        )
        scripts["paced"] = path
        return scripts

    def database(self, db: str) -> str:
        if db == "sqlite":
            return f"sqlite:///{self.workdir / 'bench.db'}"
        return procs.create_pg_database()

    def drop(self, db: str, url: str) -> None:
        if db == "postgres":
            procs.drop_pg_database(url)
        else:
            for suffix in ("", "-wal", "-shm", ".lock"):
                (self.workdir / f"bench.db{suffix}").unlink(missing_ok=True)

    def server(self, db: str, url: str, workers: int, n: int, what: str) -> procs.Server:
        return procs.start_openpromo(
            url, workers, self.workdir / f"server-{db}-{what}-{n}-w{workers}.log", ROOT_KEY
        )

    def stop(self, server: procs.Server, label: str) -> None:
        procs.stop(server)
        issues = log_issues(server)
        if issues:
            log(f"server log of {label} has errors:\n  " + "\n  ".join(issues[:40]))
            self.results["server_log_issues"].append({"server": label, "excerpt": issues})

    def run_db(self, db: str) -> None:
        if db == "postgres":
            problem = procs.postgres_problem()
            if problem is not None:
                note = f"PostgreSQL not reachable at {procs.PG_ADMIN} ({problem}): PostgreSQL runs skipped"
                log(note)
                self.results["notes"].append(note)
                return
        url = self.database(db)
        if db == "postgres":
            self.results["machine"]["postgres"] = postgres_version(url)
        log(f"{db}: database {url}")
        try:
            self._run_db(db, url)
        finally:
            self.drop(db, url)

    def _run_db(self, db: str, url: str) -> None:
        cfg, pg = self.cfg, db == "postgres"
        server = self.server(db, url, 2, 0, "seed")
        shop = seed.Shop(server.base_url, ROOT_KEY)
        try:
            seed.create_shop(shop, url)
        finally:
            self.stop(server, f"{db} seed shop")
        log(
            f"{db}: shop seeded in {shop.seconds['shop']:.0f} s ({w.N_STORES} stores, "
            f"{w.N_AUDIENCES} audiences, "
            f"{shop.members} profiles in audiences, 3 global campaigns)"
        )
        self.reference(db, url, shop)
        for n in cfg.campaigns:
            if n > shop.seeded:
                server = self.server(db, url, 2, n, "seed")
                shop.base_url = server.base_url
                try:
                    seconds = seed.add_campaigns(shop, n)
                finally:
                    self.stop(server, f"{db} seed {n}")
                log(f"{db}: {n:,} campaigns (+3 global) seeded, {seconds:.0f} s for the last step")
                if pg:
                    procs.settle_pg_database(url)
            self.results["seeding"][db] = {"seconds": shop.seconds, "profiles_in_audiences": shop.members}
            scripts = self.write_scripts(shop, n)
            bodies = self._bodies(shop.coupon_codes, n)
            for workers in cfg.workers:
                label = f"{db} {n} campaigns {workers} workers"
                server = self.server(db, url, workers, n, "run")
                try:
                    primed = prime(server, shop.key, bodies, workers)
                    check = check_effects(server, shop.key, bodies)
                    self.results["checks"].append(
                        {"db": db, "workers": workers, "campaigns": n, "prime_s": primed, **check}
                    )
                    log(
                        f"{label}: primed in {primed:.1f} s; lone request {check['lone_latency_ms']:.1f} ms; "
                        f"effects per response {check['effects_per_response']}"
                    )
                    load = load_for(cfg, workers, check["lone_latency_ms"] / 1000)
                    if load.connections != cfg.connections:
                        log(f"{label}: slow server, {load.connections} connections for {load.seconds:.0f} s")
                    tag = f"{db}-{n}-{workers}-{secrets.token_hex(3)}"
                    update = measure(
                        cfg,
                        server,
                        scripts["update"],
                        self.workdir,
                        f"u-{tag}",
                        pg_url=url if pg else None,
                        load=load,
                        operation="updateCustomerSessionV2",
                    )
                    log(f"{label}: update {short(update)}")
                    floor_load = Load(cfg.connections, cfg.duration, 10)
                    floor = measure(
                        cfg,
                        server,
                        scripts["floor"],
                        self.workdir,
                        f"f-{tag}",
                        pg_url=url if pg else None,
                        load=floor_load,
                        operation="benchEcho",
                    )
                    log(f"{label}: floor  {short(floor)}")
                    cell: dict[str, Any] = {
                        "db": db,
                        "workers": workers,
                        "campaigns": n,
                        "update": update,
                        "floor": floor,
                        "update_over_floor": update["cpu_ms"]["total"] / floor["cpu_ms"]["total"]
                        if floor["cpu_ms"]["total"]
                        else None,
                    }
                    reference = report.reference_for(self.results, db, workers)
                    if reference and reference["run"]["cpu_ms"]["total"]:
                        cell["update_over_reference"] = (
                            update["cpu_ms"]["total"] / reference["run"]["cpu_ms"]["total"]
                        )
                    typical = 100 if 100 in cfg.campaigns else cfg.campaigns[0]
                    knee_connections = cfg.knee_per_worker * workers
                    if workers == max(cfg.workers) and knee_connections < load.connections:
                        cell["knee"] = measure(
                            cfg,
                            server,
                            scripts["update"],
                            self.workdir,
                            f"k-{tag}",
                            pg_url=url if pg else None,
                            load=Load(knee_connections, load.seconds, load.timeout_s),
                            operation="updateCustomerSessionV2",
                        )
                        log(f"{label}: update with {knee_connections} connections {short(cell['knee'])}")
                    self.results["cells"].append(cell)
                    if pg and workers == max(cfg.workers):
                        # Always at the typical size (100, else the first N), elsewhere only when the
                        # server can sustain the offered rate at all.
                        if update["rps"] < cfg.rate and n != typical:
                            note = (
                                f"paced run at {cfg.rate:.0f}/s not run for {db}, {n:,} campaigns, "
                                f"{workers} workers: "
                                f"saturation is {update['rps']:.0f}/s"
                            )
                            log(note)
                            self.results["notes"].append(note)
                        else:
                            paced_load = Load(cfg.rate_connections, cfg.duration, 10)
                            paced = measure(
                                cfg,
                                server,
                                scripts["paced"],
                                self.workdir,
                                f"p-{tag}",
                                pg_url=url if pg else None,
                                load=paced_load,
                                operation="updateCustomerSessionV2",
                            )
                            log(f"{label}: paced at {cfg.rate:.0f}/s offered: {short(paced)}")
                            self.results["paced"].append(
                                {
                                    "db": db,
                                    "workers": workers,
                                    "campaigns": n,
                                    "offered_rps": cfg.rate,
                                    "run": paced,
                                }
                            )
                finally:
                    self.stop(server, label)
                self.save()

    def reference(self, db: str, url: str, shop: seed.Shop) -> None:
        cfg = self.cfg
        ref.prepare(url, [w.profile(p) for p in range(w.N_PROFILES)])
        if db == "postgres":
            procs.settle_pg_database(url)
        scripts = self.write_scripts(shop, 0)
        for workers in cfg.workers:
            port = procs.free_port()
            env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENPROMO_", "PROMETHEUS_"))}
            env.update({"BENCH_REF_DATABASE_URL": url, "BENCH_REF_BURN_N": str(self.burn)})
            command = [
                sys.executable, "-m", "uvicorn", "bench.reference:create_app", "--factory",
                "--app-dir", str(procs.ROOT), "--host", "127.0.0.1", "--port", str(port),
                "--workers", str(workers), "--log-level", "warning", "--no-access-log",
            ]  # fmt: skip
            log_path = self.workdir / f"reference-{db}-w{workers}.log"
            server = procs.start(command, env, log_path, port, "/bench/ref-health")
            time.sleep(1.0)
            try:
                tag = f"r-{db}-{workers}-{secrets.token_hex(3)}"
                run = measure(
                    cfg,
                    server,
                    scripts["reference"],
                    self.workdir,
                    tag,
                    pg_url=url if db == "postgres" else None,
                    load=Load(cfg.connections, cfg.duration, 10),
                )
            finally:
                self.stop(server, f"{db} reference {workers} workers")
            log(f"{db} reference, {workers} workers: {short(run)}")
            self.results["reference"].append({"db": db, "workers": workers, "run": run})

    def talang(self) -> None:
        codes = {
            i: [f"B{i}-CODE{j}" for j in range(w.COUPONS_PER_CAMPAIGN)]
            for i in range(max(self.cfg.campaigns))
        }
        for n in self.cfg.campaigns:
            specs = w.global_specs() + [w.campaign_spec(i) for i in range(n)]
            coupon = {i: codes[i] for i in range(n) if specs[3 + i].coupons}
            by_code = {c: i for i, cs in coupon.items() for c in cs}
            bodies = self._bodies(coupon, n, count=200)
            result = talang_eval.run(specs, bodies, by_code, self.cfg.talang_seconds)
            self.results["talang"].append({"campaigns": n, **result})
            log(
                f"Talang, {n:,}+3 campaigns: {result['sessions_per_s']:,.0f} sessions/s "
                f"({result['ms_per_session']:.3f} ms, "
                f"{result['running_rulesets_per_session']:.0f} rulesets each), "
                f"{result['ruleset_evaluations_per_s']:,.0f} ruleset evaluations/s"
            )
        self.results["talang_typical"] = talang_eval.typical_campaign(self.cfg.talang_seconds)

    def save(self) -> None:
        self.results["targets"] = report.targets(self.results)
        self.cfg.output.parent.mkdir(parents=True, exist_ok=True)
        self.cfg.output.write_text(json.dumps(self.results, indent=2, default=str) + "\n")


def lists_only(cfg: Config) -> int:
    """``BENCH_LISTS_ONLY=1``: the large-lists cell alone."""
    started = time.monotonic()
    workdir = RESULTS / f"run-{datetime.now():%Y%m%d-%H%M%S}-lists"
    workdir.mkdir(parents=True, exist_ok=True)
    log(f"make bench, lists only: {cfg.dbs}; logs in {workdir}")
    results = {
        "started": datetime.now(UTC).isoformat(),
        "machine": machine_info(),
        "lists": lists.run(cfg.dbs, workdir, log),
        "wall_seconds": 0.0,
    }
    results["wall_seconds"] = time.monotonic() - started
    output = Path(os.environ.get("BENCH_OUTPUT", str(RESULTS / "lists.json")))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print()
    print(lists.table(results["lists"]))
    print(f"\nresults: {output} (wall time {results['wall_seconds'] / 60:.1f} min)")
    return 0


CELLS = (
    ("history", history, "a profile with a long history against a fresh one"),
    ("loyalty", loyalty, "a profile with 10,000 ledger entries against a fresh one"),
    ("events", events, "trackEventV2 against a close with as many applicable campaigns"),
    ("catalogs", catalogs, "catalog syncs, and sessions priced by a 100,000-item catalog"),
    ("races", races, "limits under 10,000 parallel closes per case"),
)


def main() -> int:
    cfg = Config.from_env()
    if os.environ.get("BENCH_LISTS_ONLY") == "1":
        return lists_only(cfg)
    ensure_wrk()
    started = time.monotonic()
    run = Run(cfg)
    log(f"make bench: {cfg.dbs} x workers {cfg.workers} x campaigns {cfg.campaigns}; logs in {run.workdir}")
    run.talang()
    for db in cfg.dbs:
        run.run_db(db)
    if os.environ.get("BENCH_LISTS", "0" if cfg.quick else "1") != "0":
        run.results["lists"] = lists.run(cfg.dbs, run.workdir, log)
    for name, cell, what in CELLS:
        if os.environ.get(f"BENCH_{name.upper()}", "0" if cfg.quick else "1") != "0":
            log(f"{name} cell: {what}")
            run.results[name] = cell.run(cfg.dbs, run.workdir)
    run.results["wall_seconds"] = time.monotonic() - started
    run.save()
    print()
    print(report.main_table(run.results))
    print()
    print(report.talang_table(run.results))
    print()
    print(report.targets_text(run.results["targets"]))
    if "lists" in run.results:
        print()
        print(lists.table(run.results["lists"]))
    for name, cell, _ in CELLS:
        if name in run.results:
            print()
            print(cell.table(run.results[name]))
    for note in run.results["notes"]:
        print(f"note: {note}")
    if run.results["server_log_issues"]:
        print(f"note: server logs had errors, see 'server_log_issues' in {cfg.output}")
    print(f"\nresults: {cfg.output} (wall time {run.results['wall_seconds'] / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
