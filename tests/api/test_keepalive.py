"""The keep-alive request limit: a connection is closed after ``OPENPROMO_KEEPALIVE_REQUESTS`` responses,
so that clients reconnect and their connections spread over the workers (docs/scaling.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from openpromo.config import DEFAULT_KEEPALIVE_REQUESTS, Settings
from tests.conftest import Server, start_server, stop_server


def test_settings_read_the_limit() -> None:
    assert Settings.from_env({}).keepalive_requests == DEFAULT_KEEPALIVE_REQUESTS == 100
    assert Settings.from_env({"OPENPROMO_KEEPALIVE_REQUESTS": "0"}).keepalive_requests == 0
    assert Settings.from_env({"OPENPROMO_KEEPALIVE_REQUESTS": "7"}).keepalive_requests == 7


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


def test_a_connection_is_closed_after_the_limit(server: Server) -> None:
    with server.client() as client:
        answers = _serve(client, DEFAULT_KEEPALIVE_REQUESTS + 5)
    first = answers[:DEFAULT_KEEPALIVE_REQUESTS]
    assert {port for port, _ in first} == {answers[0][0]}, "one connection up to the limit"
    assert [header for _, header in first[:-1]] == [None] * (DEFAULT_KEEPALIVE_REQUESTS - 1)
    assert first[-1][1] == "close"
    rest = answers[DEFAULT_KEEPALIVE_REQUESTS:]
    assert {port for port, _ in rest} == {rest[0][0]} and rest[0][0] != answers[0][0], "a new connection"
    assert [header for _, header in rest] == [None] * 5


@pytest.fixture(scope="module")
def unlimited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OPENPROMO_KEEPALIVE_REQUESTS", "0")
        folder: Path = tmp_path_factory.mktemp("keepalive")
        srv = start_server(f"sqlite:///{folder / 'openpromo.db'}", folder / "server.log")
    yield srv
    stop_server(srv)


def test_zero_keeps_connections_open(unlimited_server: Server) -> None:
    with unlimited_server.client() as client:
        answers = _serve(client, DEFAULT_KEEPALIVE_REQUESTS * 2)
    assert {port for port, _ in answers} == {answers[0][0]}
    assert {header for _, header in answers} == {None}
