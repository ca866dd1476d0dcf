"""The keep-alive request limit: with several workers a connection is closed after
``OPENPROMO_KEEPALIVE_REQUESTS`` responses (default 100), so that clients reconnect and their connections
spread over the workers; one worker keeps connections open (docs/scaling.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from openpromo.config import DEFAULT_KEEPALIVE_REQUESTS, Settings
from tests.conftest import Server, start_server, stop_server


def test_settings_choose_the_limit() -> None:
    assert DEFAULT_KEEPALIVE_REQUESTS == 100
    assert Settings.from_env({}).keepalive_limit() == 0
    assert Settings.from_env({"OPENPROMO_WORKERS": "2"}).keepalive_limit() == 100
    assert Settings.from_env({}, workers=4).keepalive_limit() == 100
    assert (
        Settings.from_env({"OPENPROMO_WORKERS": "2", "OPENPROMO_KEEPALIVE_REQUESTS": "0"}).keepalive_limit()
        == 0
    )
    assert Settings.from_env({"OPENPROMO_KEEPALIVE_REQUESTS": "7"}).keepalive_limit() == 7


def _serve(client: httpx.Client, count: int) -> list[tuple[int, str | None]]:
    """(local port, Connection header) of ``count`` requests, one after the other."""
    ports: list[int] = []

    def local_port(response: httpx.Response) -> None:  # before the body is read and a closing socket closed
        ports.append(int(response.extensions["network_stream"].get_extra_info("client_addr")[1]))

    client.event_hooks["response"] = [local_port]
    headers = []
    for _ in range(count):
        response = client.get("/healthz")
        assert response.status_code == 200, response.text
        headers.append(response.headers.get("connection"))
    return list(zip(ports, headers, strict=True))


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder: Path = tmp_path_factory.mktemp("keepalive")
    srv = start_server(f"sqlite:///{folder / 'openpromo.db'}", folder / "server.log", workers=2)
    yield srv
    stop_server(srv)


def test_several_workers_close_a_connection_after_the_limit(two_workers: Server) -> None:
    with two_workers.client() as client:
        answers = _serve(client, DEFAULT_KEEPALIVE_REQUESTS + 5)
    first = answers[:DEFAULT_KEEPALIVE_REQUESTS]
    assert {port for port, _ in first} == {answers[0][0]}, "one connection up to the limit"
    assert [header for _, header in first[:-1]] == [None] * (DEFAULT_KEEPALIVE_REQUESTS - 1)
    assert first[-1][1] == "close"
    rest = answers[DEFAULT_KEEPALIVE_REQUESTS:]
    assert {port for port, _ in rest} == {rest[0][0]} and rest[0][0] != answers[0][0], "a new connection"
    assert [header for _, header in rest] == [None] * 5


def test_one_worker_keeps_connections_open(server: Server) -> None:
    with server.client() as client:
        answers = _serve(client, DEFAULT_KEEPALIVE_REQUESTS * 2)
    assert {port for port, _ in answers} == {answers[0][0]}
    assert {header for _, header in answers} == {None}
