"""Query parameters holding times (``createdBefore``, ``startsAfter``, ``rangeStart``, ...): every one in
the OpenAPI document answers a 400 naming it when it is not a time, and a 401 first when the key is
wrong; a time in any of the accepted forms passes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.routes import QUERIES, Route, World, routes, send
from tests.conftest import Server, assert_error


def _time_parameters(server: Server) -> list[tuple[Route, str]]:
    document = httpx.get(f"{server.base_url}/openapi.json").json()
    found = []
    for route in routes(server):
        for parameter in document["paths"][route.path][route.method].get("parameters", []):
            name = parameter["name"]
            is_time = name.endswith(("Before", "After")) or name.startswith("range")
            if parameter["in"] == "query" and is_time:
                found.append((route, name))
    return found


def test_the_document_has_the_time_parameters(server: Server) -> None:
    names = {(route.operation, name) for route, name in _time_parameters(server)}
    assert ("getCouponsWithoutTotalCount", "expiresAfter") in names
    assert ("getCampaigns", "endBefore") in names
    assert ("getCampaignAnalytics", "rangeStart") in names
    assert ("exportLoyaltyLedger", "rangeEnd") in names
    assert ("exportPoolGiveaways", "createdAfter") in names
    assert ("integrationGetAllCampaigns", "startAfter") in names
    assert len(names) == 30


def _client(server: Server, world: World, route: Route) -> httpx.Client:
    """A client with the route's kind of key (application A's for the Integration API)."""
    if route.kind == "integration":
        return server.client(f"ApiKey-v1 {world.a.key}")
    return server.management()


def test_a_time_parameter_that_is_not_a_time_is_a_400_naming_it(server: Server, world: World) -> None:
    for route, name in _time_parameters(server):
        params: dict[str, Any] = {**QUERIES.get(route.operation, {}), name: "yesterday"}
        with _client(server, world, route) as client:
            assert_error(send(client, route, world.ids, params=params), 400, parameter=name)


@pytest.mark.parametrize("text", ["2020-01-01", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00+0000"])
def test_a_time_parameter_takes_every_accepted_form(server: Server, world: World, text: str) -> None:
    for route, name in _time_parameters(server):
        params: dict[str, Any] = {**QUERIES.get(route.operation, {}), name: text}
        with _client(server, world, route) as client:
            answer = send(client, route, world.ids, params=params)
        assert answer.status_code == 200, (route, name, answer.text)


def test_the_key_is_checked_before_the_time_parameters(server: Server, world: World) -> None:
    for route, name in _time_parameters(server):
        wrong = "ApiKey-v1 wrong" if route.kind == "integration" else "ManagementKey-v1 wrong"
        with server.client(wrong) as client:
            assert_error(send(client, route, world.ids, params={name: "yesterday"}), 401)
