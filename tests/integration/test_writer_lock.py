"""SQLite's one writer at a time: a write waits for it at most ``OPENPROMO_WRITE_LOCK_TIMEOUT`` seconds,
then answers 503 with ``Retry-After`` (the database is up: it is busy, not unreachable)."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Server, create_application, start_server, stop_server


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[Server]:
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    server = start_server(url, tmp_path / "server.log", workers=2, env={"OPENPROMO_WRITE_LOCK_TIMEOUT": "1"})
    yield server
    stop_server(server)


def test_a_write_waits_for_the_writer_lock_a_bounded_time_then_answers_503(sqlite_server: Server) -> None:
    server = sqlite_server
    with server.management() as mgmt:
        app = create_application(mgmt)
    body = {"customerSession": {"profileId": "p", "state": "closed", "cartItems": []}}
    with server.client(f"ApiKey-v1 {app.key}") as client:
        assert client.put("/v2/customer_sessions/before", json=body).status_code == 200
        # given something else holds the database's writer lock
        path = server.database_url.removeprefix("sqlite:///") + ".lock"
        holder = os.open(path, os.O_RDWR)
        fcntl.flock(holder, fcntl.LOCK_EX)
        try:
            # when a write comes, it waits the timeout, then is a 503 saying the database is busy
            started = time.monotonic()
            answer = client.put("/v2/customer_sessions/during", json=body)
            waited = time.monotonic() - started
            assert answer.status_code == 503, answer.text
            assert answer.headers["Retry-After"] == "1"
            assert answer.json()["message"] == "The database is busy"
            assert 0.9 <= waited < 10, waited
            # and the database is still ready: reads need no writer
            assert client.get("/v1/customer_profiles/p/inventory").status_code == 200
            assert server.client().get("/readyz").status_code == 200
        finally:
            fcntl.flock(holder, fcntl.LOCK_UN)
            os.close(holder)
        # when it is free again, writes go through at once, on every worker
        answers = [client.put(f"/v2/customer_sessions/after-{i}", json=body) for i in range(6)]
        assert [a.status_code for a in answers] == [200] * 6
    # and the log says what happened once per refused write, without calling it an outage
    log = server.log()
    assert log.count("the SQLite writer lock was not free within 1 s") == 1, log
    assert "database unreachable" not in log
