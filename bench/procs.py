"""Processes: starting and stopping servers, CPU accounting from /proc, a throw-away PostgreSQL database.

CPU is utime + stime from ``/proc/<pid>/stat`` (all threads of a process), in clock ticks, for the server's
whole process tree (uvicorn parent and workers) and for every PostgreSQL process (``comm`` = postgres:
backends, walwriter, checkpointer...). A window's figure is the difference of two samples; a process
that started inside the window counts from zero, one that exited inside it is lost (the server's and
the connection pool's processes live for the whole run, so neither happens in practice).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

CLK_TCK = os.sysconf("SC_CLK_TCK")
ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stat(pid: int) -> tuple[int, int] | None:
    """(ppid, utime + stime ticks) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def tree(root: int) -> list[int]:
    """``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for pid in _all_pids():
        stat = _stat(pid)
        if stat is not None:
            children.setdefault(stat[0], []).append(pid)
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def postgres_pids() -> list[int]:
    pids = []
    for pid in _all_pids():
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        if comm == "postgres":
            pids.append(pid)
    return pids


def ticks(pids: list[int]) -> dict[int, int]:
    out = {}
    for pid in pids:
        stat = _stat(pid)
        if stat is not None:
            out[pid] = stat[1]
    return out


def machine() -> dict[str, int]:
    """System-wide CPU ticks from /proc/stat: busy (user+nice+system+irq+softirq), steal, idle."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = values[:8]
    return {
        "busy": user + nice + system + irq + softirq,
        "softirq": softirq + irq,
        "steal": steal,
        "idle": idle + iowait,
    }


@dataclass
class CpuSample:
    app: dict[int, int]
    pg: dict[int, int]
    machine: dict[str, int]
    at: float


def sample(server_pid: int, with_pg: bool) -> CpuSample:
    return CpuSample(
        ticks(tree(server_pid)),
        ticks(postgres_pids()) if with_pg else {},
        machine(),
        time.monotonic(),
    )


def cpu_seconds(before: CpuSample, after: CpuSample) -> dict[str, float]:
    def delta(a: dict[int, int], b: dict[int, int]) -> float:
        return sum(v - a.get(pid, 0) for pid, v in b.items()) / CLK_TCK

    wall = after.at - before.at
    m = {k: (after.machine[k] - before.machine[k]) / CLK_TCK for k in after.machine}
    return {
        "app": delta(before.app, after.app),
        "pg": delta(before.pg, after.pg),
        "wall": wall,
        "machine_busy": m["busy"],
        "softirq": m["softirq"],
        "steal": m["steal"],
        "idle": m["idle"],
    }


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path
    pids: list[int] = field(default_factory=list)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start(command: list[str], env: dict[str, str], log_path: Path, port: int, health: str) -> Server:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    server = Server(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early ({' '.join(command)}):\n{server.log_tail()}")
        try:
            if httpx.get(server.base_url + health, timeout=2).status_code < 500:
                server.pids = tree(process.pid)
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"server did not answer {health} within 90 s:\n{server.log_tail()}")


def start_openpromo(database_url: str, workers: int, log_path: Path, root_key: str) -> Server:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENPROMO_", "PROMETHEUS_"))}
    varied = (
        "OPENPROMO_THREADS",
        "OPENPROMO_KEEPALIVE_REQUESTS",
        "OPENPROMO_ACCESS_LOG",
        "OPENPROMO_LOG_FORMAT",
    )
    for name in varied:  # the settings a benchmark may vary
        if os.environ.get(name):
            env[name] = os.environ[name]
    env.update({"OPENPROMO_MANAGEMENT_KEY": root_key, "OPENPROMO_BENCH_ROUTES": "1"})
    command = [
        sys.executable,
        "-m",
        "openpromo",
        "serve",
        "--workers",
        str(workers),
        "--port",
        str(port),
        "--database-url",
        database_url,
    ]
    server = start(command, env, log_path, port, "/healthz")
    # With --workers > 1 the parent only supervises; wait until every worker process exists.
    deadline = time.monotonic() + 30
    while workers > 1 and len(_python_children(server)) < workers and time.monotonic() < deadline:
        time.sleep(0.2)
    server.pids = tree(server.process.pid)
    return server


def _python_children(server: Server) -> list[int]:
    return [p for p in tree(server.process.pid) if p != server.process.pid]


def stop(server: Server) -> None:
    """SIGTERM to the parent (uvicorn stops its workers), then SIGKILL to whatever of the tree is left."""
    pids = tree(server.process.pid)
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)
    for pid in pids:
        if pid != server.process.pid and _stat(pid) is not None:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def postgres_problem() -> str | None:
    """None when PostgreSQL answers at BENCH_POSTGRES_URL (default postgres@127.0.0.1:5432), else why not."""
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def create_pg_database() -> str:
    import psycopg

    name = f"openpromo_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = PG_ADMIN.rpartition("/")
    return f"{base}/{name}"


def drop_pg_database(url: str) -> None:
    import psycopg

    name = url.rpartition("/")[2]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def per_database(dbs: list[str], sqlite_path: Path, measure: Callable[[str], Any]) -> dict[str, Any]:
    """``measure(url)`` on each database kind of ``dbs``, by kind: SQLite at ``sqlite_path``, PostgreSQL in
    a database made for the run (dropped after); a kind that cannot run answers ``{"skipped": why}``."""
    results: dict[str, Any] = {}
    for kind in dbs:
        if kind == "sqlite":
            results[kind] = measure(f"sqlite:///{sqlite_path}")
        elif postgres_problem() is None:
            url = create_pg_database()
            try:
                results[kind] = measure(url)
            finally:
                drop_pg_database(url)
        else:
            results[kind] = {"skipped": postgres_problem()}
    return results


def cell_main(
    name: str, run: Callable[[list[str], Path], dict[str, Any]], table: Callable[[dict[str, Any]], str]
) -> None:
    """A benchmark cell run alone (``python -m bench.<name>``): on ``BENCH_DBS``, its logs in a folder of
    its own under bench/results, its table printed."""
    dbs = os.environ.get("BENCH_DBS", "sqlite,postgres").split(",")
    folder = ROOT / "bench" / "results" / f"{name}-{datetime.now():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=True)
    print(table(run(dbs, folder)))


def settle_pg_database(url: str) -> None:
    """``VACUUM ANALYZE`` a freshly seeded database, so that autovacuum and autoanalyze on the new
    tables do not run (and cost CPU) inside a measured window, and plans see the seeded row counts."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def vacuum_pg_database(url: str) -> None:
    """``VACUUM`` before a measured window when the server runs without autovacuum (this machine's
    PostgreSQL has ``autovacuum = off``): dead row versions of the earlier windows would otherwise pile
    up (every update of a session, profile or analytics row leaves one) and PostgreSQL's CPU per update
    grew from 0.7 to 3.5 ms over five windows. A deployment's autovacuum does this continuously."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SHOW autovacuum").fetchone()
        if row is not None and row[0] == "off":
            conn.execute("VACUUM")


__all__ = [
    "CpuSample",
    "Server",
    "cpu_seconds",
    "create_pg_database",
    "drop_pg_database",
    "free_port",
    "postgres_problem",
    "sample",
    "settle_pg_database",
    "start",
    "start_openpromo",
    "stop",
    "vacuum_pg_database",
]
