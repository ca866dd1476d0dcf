"""A corpus of hostile requests against every operation of the route table, on both databases.

Every operation that takes a body gets each hostile body; every operation with path parameters gets each
hostile id in each of them (the rest of the request valid). None may answer 5xx; every 4xx is in the
error shape with a message; the answers that must be refusals (bodies no schema accepts, a NUL in a path)
are 4xx. The server stays up, and every answer takes the server less than ``SERVER_MS`` (read from its
access log, each request found by its ``X-Request-Id``). A new operation is in the corpus without anyone
touching this file.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.api.routes import QUERIES, Route, World, routes, send
from tests.conftest import Server

SLOWEST = 5.0  # seconds, client-side: a hang fails fast, whatever the access log says
SERVER_MS = 100.0  # the server's own time for each answer (its access log's duration_ms)
_ACCESS = re.compile(r" duration_ms=([0-9.]+) .*request_id=(hostile-\d+)")
NESTED = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
# bodies no operation's schema accepts: each must be a 4xx
REFUSED: dict[str, tuple[bytes, str]] = {
    "nested 10,000 deep": (NESTED, "application/json"),
    "invalid UTF-8": (b'{"name": "\xff\xfe\xfd"}', "application/json"),
    "NaN": (b'{"name": NaN}', "application/json"),
    "Infinity": (b'{"value": Infinity}', "application/json"),
    "a bare 1e400": (b"1e400", "application/json"),
    "truncated JSON": (b'{"name": ', "application/json"),
    "a JSON string": (b'"just a string"', "application/json"),
}
# bodies a lenient schema may accept (unknown fields are ignored): never a 5xx
TOLERATED: dict[str, tuple[bytes, str]] = {
    "a 1 MB string": (b'{"name": "' + b"a" * 1_000_000 + b'"}', "application/json"),
    "1e400 in a field": (b'{"value": 1e400, "points": 1e400}', "application/json"),
    "duplicated keys": (b'{"name": "a", "name": "b"}', "application/json"),
    "a wrong content type": (b"<name>a</name>", "application/xml"),
}
HOSTILE_IDS = {
    "10,000 characters": "a" * 10_000,
    "a slash": "a%2Fb",
    "unicode": "%C3%BC%F0%9F%98%80",
    "a NUL": "a%00b",
}


@pytest.fixture(scope="module")
def operations(server: Server) -> list[tuple[Route, bool]]:
    """Every route, and whether its operation takes a body."""
    document = httpx.get(f"{server.base_url}/openapi.json").json()
    found = []
    for route in routes(server):
        operation = document["paths"][route.path][route.method]
        found.append((route, "requestBody" in operation))
    return found


@pytest.fixture(scope="module")
def clients(server: Server, world: World) -> Iterator[dict[str, httpx.Client]]:
    with server.client(f"ApiKey-v1 {world.a.key}") as integration, server.management() as management:
        yield {"integration": integration, "management": management}


def _check(answer: httpx.Response, took: float, label: str, *, refused: bool) -> str | None:
    """What is wrong with ``answer``, or None."""
    if answer.status_code >= 500:
        return f"{label}: {answer.status_code} {answer.text[:200]}"
    if took > SLOWEST:
        return f"{label}: took {took:.2f} s"
    if refused and not 400 <= answer.status_code < 500:
        return f"{label}: {answer.status_code}, a refusal was due"
    if 400 <= answer.status_code < 500:
        body = answer.json()
        if not (body.get("message") and body.get("StatusCode") == answer.status_code):
            return f"{label}: {answer.status_code} not in the error shape: {answer.text[:200]}"
    return None


_numbers = itertools.count()
SENT: dict[str, str] = {}
"""Each request's ``X-Request-Id`` and what it was."""


def _timed(
    client: httpx.Client,
    route: Route,
    ids: dict[str, Any],
    label: str,
    body: tuple[bytes, str] | None = None,
) -> tuple[httpx.Response, float]:
    """The route's valid request (``send``), or with ``body`` (content, media type) instead of its own."""
    request_id = f"hostile-{next(_numbers)}"
    SENT[request_id] = label
    headers = {"x-request-id": request_id}
    started = time.perf_counter()
    if body is None:
        answer = send(client, route, ids, headers=headers)
    else:
        content, media = body
        params = QUERIES.get(route.operation)
        headers["content-type"] = media
        answer = client.request(route.method, route.url(ids), content=content, headers=headers, params=params)
    return answer, time.perf_counter() - started


def _slow_on_the_server(server: Server) -> list[str]:
    """The requests of the corpus whose access line says they took the server ``SERVER_MS`` or more
    (every one must have a line)."""
    took = {m.group(2): float(m.group(1)) for m in _ACCESS.finditer(server.log())}
    missing = [SENT[r] for r in SENT if r not in took]
    assert not missing, f"no access line for {missing[:5]}"
    return [f"{SENT[r]}: {ms:.1f} ms" for r, ms in took.items() if r in SENT and ms >= SERVER_MS]


def _assert_held(server: Server, problems: list[str], sent: int) -> None:
    """Nothing wrong with any answer, the server still up, and none slow on the server."""
    assert sent > 100
    assert not problems, "\n".join(problems[:20])
    assert httpx.get(f"{server.base_url}/healthz").status_code == 200
    slow = _slow_on_the_server(server)
    assert not slow, "\n".join(slow[:20])


def test_hostile_bodies_are_refused_in_the_error_shape(
    server: Server, world: World, operations: list[tuple[Route, bool]], clients: dict[str, httpx.Client]
) -> None:
    problems: list[str] = []
    sent = 0
    SENT.clear()  # what this test sends to this server
    for route, takes_body in operations:
        if not takes_body:
            continue
        for name, body in {**REFUSED, **TOLERATED}.items():
            label = f"{route.operation} ({name})"
            answer, took = _timed(clients[route.kind], route, world.ids, label, body)
            sent += 1
            problem = _check(answer, took, label, refused=name in REFUSED)
            if problem:
                problems.append(problem)
    _assert_held(server, problems, sent)


def test_hostile_ids_in_every_path_parameter_are_never_a_5xx(
    server: Server, world: World, operations: list[tuple[Route, bool]], clients: dict[str, httpx.Client]
) -> None:
    problems: list[str] = []
    sent = 0
    SENT.clear()  # what this test sends to this server
    for route, _ in operations:
        for parameter in route.names:
            for name, value in HOSTILE_IDS.items():
                ids = {**world.ids, parameter: value}
                if parameter == "loyalty_program_id":  # what ``send`` fills it with for a profile's export
                    ids["program_id"] = value
                label = f"{route.method.upper()} {route.operation} {parameter} ({name})"
                answer, took = _timed(clients[route.kind], route, ids, label)
                sent += 1
                problem = _check(answer, took, label, refused=name == "a NUL")
                if problem:
                    problems.append(problem)
    _assert_held(server, problems, sent)
