"""The database away while serving and at start: 503 with ``Retry-After`` (never a 500), ``/readyz`` 503
and ``/healthz`` 200 meanwhile, one log line per change of state, and 200 again without a restart.

SQLite's outage is its directory renamed away and back. PostgreSQL's are its backends terminated
(``pg_terminate_backend``) and the server unreachable: the server talks to PostgreSQL through a TCP proxy
the test stops (listener and connections closed) and starts again.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import (
    AppContext,
    Server,
    _free_port,
    _postgres_admin_url,
    create_application,
    random_id,
    start_server,
    stop_server,
)

CART = [{"sku": "SKU-1", "quantity": 1, "price": 10}]


class Proxy:
    """A TCP proxy to ``target`` on a port of its own, in a thread: ``stop`` closes the listener and
    every connection through it (the server is gone), ``start`` listens again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = _free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    def start(self) -> None:
        self._call(self._start())

    def stop(self) -> None:
        self._call(self._stop())

    def close(self) -> None:
        if self._server is not None:
            self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def _stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, upstream_writer))
        await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))
        self._writers.difference_update((writer, upstream_writer))

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.transport.abort()


def _session(server: Server, app: AppContext, *, state: str = "open") -> httpx.Response:
    body = {"customerSession": {"profileId": random_id("p"), "cartItems": CART, "state": state}}
    with server.client(f"ApiKey-v1 {app.key}") as client:
        return client.put(f"/v2/customer_sessions/{random_id('s')}", json=body)


def _applications(server: Server) -> httpx.Response:
    with server.management() as mgmt:
        return mgmt.get("/v1/applications")


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert body["StatusCode"] == 503 and body["message"] == "The database is unavailable"
    assert body["errors"][0]["title"] == "Service unavailable"


def _database_up(server: Server) -> float:
    text = httpx.get(f"{server.base_url}/metrics").text
    line = next(line for line in text.splitlines() if line.startswith("openpromo_database_up"))
    return float(line.split()[-1])


def _eventually(call: Callable[[], httpx.Response], status: int, seconds: float = 15) -> httpx.Response:
    """Poll ``call`` until it answers ``status``; every answer on the way is that or a 503."""
    deadline = time.monotonic() + seconds
    while True:
        response = call()
        if response.status_code == status or time.monotonic() > deadline:
            return response
        _assert_unavailable(response)
        time.sleep(0.1)


def _assert_one_line_per_change(log: str, workers: int, outages: int = 1) -> None:
    down = log.count("database unreachable")
    back = log.count("database back")
    assert 1 <= down <= workers * outages and back == down, log
    assert "Traceback" not in log, log


def test_sqlite_outage_answers_503_then_recovers_without_a_restart(tmp_path: Path) -> None:
    # given a server on a SQLite file that served an application
    directory = tmp_path / "data"
    directory.mkdir()
    path = directory / "openpromo.db"
    server = start_server(f"sqlite:///{path}", tmp_path / "server.log")
    try:
        with server.management() as mgmt:
            app = create_application(mgmt)
        assert _session(server, app).status_code == 200
        assert _database_up(server) == 1
        # when its directory goes away
        directory.rename(tmp_path / "away")
        # then every API call is a 503 in the error shape, and only readiness says so
        _assert_unavailable(_session(server, app))
        with ThreadPoolExecutor(4) as pool:  # parallel closes
            closes = list(pool.map(lambda _: _session(server, app, state="closed"), range(8)))
        for response in closes:
            _assert_unavailable(response)
        _assert_unavailable(_applications(server))
        with server.management() as mgmt:
            _assert_unavailable(mgmt.post("/v1/applications", json={"name": "x", "currency": "EUR"}))
        ready = httpx.get(f"{server.base_url}/readyz")
        assert ready.status_code == 503 and ready.json() == {"status": "unavailable"}
        assert httpx.get(f"{server.base_url}/healthz").json() == {"status": "ok"}
        assert _database_up(server) == 0
        # when it is back, the same server answers again
        (tmp_path / "away").rename(directory)
        assert _session(server, app, state="closed").status_code == 200
        assert _applications(server).status_code == 200
        assert httpx.get(f"{server.base_url}/readyz").json() == {"status": "ok"}
        assert _database_up(server) == 1
        # when the file itself is deleted, the directory staying, it is an outage too: the server never
        # creates a new, empty database in its place
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        _assert_unavailable(_applications(server))
        assert httpx.get(f"{server.base_url}/readyz").status_code == 503
        assert not path.exists()
    finally:
        stop_server(server)
    log = server.log()
    assert log.count("database unreachable") == 2 and log.count("database back") == 1, log
    assert "Traceback" not in log, log


def test_migrate_gives_up_with_one_line_when_the_database_never_answers() -> None:
    url = f"postgresql://postgres:secret@127.0.0.1:{_free_port()}/test"
    env = {**os.environ, "OPENPROMO_DATABASE_WAIT": "1"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "openpromo", "migrate", "--database-url", url],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1, done
    assert time.monotonic() - started < 15
    *waiting, last = done.stderr.strip().splitlines()
    assert last.startswith("openpromo: the database at postgresql://postgres:***@127.0.0.1:"), done.stderr
    assert "did not answer within 1 s: connection failed" in last
    assert waiting and all(line.startswith("waiting for the database (attempt ") for line in waiting)
    assert "secret" not in done.stderr and "Traceback" not in done.stderr


def _start_when_waited_for(proxy: Proxy, log_path: Path) -> None:
    """Start ``proxy`` 2 s after the server said it waits for the database (at most 30 s from now)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if log_path.exists() and "waiting for the database" in log_path.read_text():
            time.sleep(2)
            break
        time.sleep(0.05)
    proxy.start()


@pytest.fixture(scope="module")
def proxied(
    postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, Proxy, str]]:
    """A 2-worker server on PostgreSQL through a proxy that is down when it starts and up 2 s after the
    server said it waits for it;
    its connections carry an application name of their own, so only they are ever terminated."""
    admin = psycopg.conninfo.conninfo_to_dict(_postgres_admin_url())
    proxy = Proxy((str(admin.get("host", "127.0.0.1")), int(admin.get("port", 5432))))
    name = random_id("outage")
    database = postgres_url.rpartition("/")[2]
    url = f"postgresql://postgres@127.0.0.1:{proxy.port}/{database}?application_name={name}"
    log_path = tmp_path_factory.mktemp("outage") / "server.log"
    starter = threading.Thread(target=_start_when_waited_for, args=(proxy, log_path))
    starter.start()
    os.environ["OPENPROMO_DATABASE_WAIT"] = "30"
    try:
        server = start_server(url, log_path, workers=2)
    finally:
        os.environ.pop("OPENPROMO_DATABASE_WAIT")
        starter.join()
    yield server, proxy, name
    stop_server(server)
    proxy.close()


@pytest.mark.postgres
def test_serve_waits_for_a_database_that_comes_up_after_it(proxied: tuple[Server, Proxy, str]) -> None:
    server, _proxy, _name = proxied
    log = server.log()
    assert "waiting for the database (attempt 1): connection failed" in log, log
    assert log.index("waiting for the database") < log.index("OpenPromo listening")
    assert _applications(server).status_code == 200


@pytest.mark.postgres
def test_postgresql_outages_answer_503_then_recover(proxied: tuple[Server, Proxy, str]) -> None:
    server, proxy, name = proxied
    with server.management() as mgmt:
        app = create_application(mgmt)
    assert _session(server, app, state="closed").status_code == 200
    # when PostgreSQL terminates the server's connections, a request is a 503 at worst, then all are 200
    with psycopg.connect(_postgres_admin_url(), autocommit=True) as admin:
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
            (name,),
        ).fetchone()
    assert killed is not None and killed[0] >= 1
    answers = [_session(server, app).status_code for _ in range(12)]  # a 503 per dead connection at most
    assert set(answers) <= {200, 503} and answers[-4:] == [200] * 4, answers
    # when the server cannot be reached at all
    proxy.stop()
    _assert_unavailable(_session(server, app))
    _assert_unavailable(_applications(server))
    with ThreadPoolExecutor(6) as pool:  # parallel closes in the middle of it
        closes = list(pool.map(lambda _: _session(server, app, state="closed"), range(12)))
    for response in closes:
        _assert_unavailable(response)
    assert httpx.get(f"{server.base_url}/readyz", timeout=10).status_code == 503
    assert httpx.get(f"{server.base_url}/healthz").status_code == 200
    assert _database_up(server) == 0  # the workers' metrics, aggregated
    # when it is back, every worker serves again without a restart
    proxy.start()
    assert _eventually(lambda: _session(server, app, state="closed"), 200).status_code == 200
    answers = [_session(server, app).status_code for _ in range(10)]
    assert answers[-5:] == [200] * 5, answers
    assert httpx.get(f"{server.base_url}/readyz").json() == {"status": "ok"}
    assert _database_up(server) == 1
    _assert_one_line_per_change(server.log(), workers=2, outages=2)
