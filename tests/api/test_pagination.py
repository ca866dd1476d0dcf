"""Paging of every Management API list: ``pageSize`` (default 1000, at most 1000; the achievements list
50 and 50, as the spec says) and ``skip``, answered with ``hasMore`` or ``totalResultSize`` as the spec's
response for that operation has it. (The Integration API's lists page in their own tests:
``test_loyalty_lists.py``.)"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.routes import QUERIES, World, routes, send
from tests.conftest import Server, assert_error

# operationId -> (the field the answer pages with, the largest pageSize)
LISTS: dict[str, tuple[str, int]] = {
    "getApplications": ("totalResultSize", 1000),
    "getApplicationApiKeys": ("totalResultSize", 1000),
    "getCampaigns": ("totalResultSize", 1000),
    "getRulesets": ("totalResultSize", 1000),
    "getCampaignEvaluationGroups": ("totalResultSize", 1000),
    "getCouponsWithoutTotalCount": ("hasMore", 1000),
    "getReferralsWithoutTotalCount": ("hasMore", 1000),
    "getAttributes": ("totalResultSize", 1000),
    "getAdditionalCosts": ("totalResultSize", 1000),
    "getEventTypes": ("totalResultSize", 1000),
    "listStores": ("hasMore", 1000),
    "getLoyaltyPrograms": ("totalResultSize", 1000),
    "getLoyaltyCards": ("hasMore", 1000),
    "getLoyaltyProgramTransactions": ("hasMore", 1000),
    "listCatalogItems": ("hasMore", 1000),
    "listAchievements": ("hasMore", 50),
    "listAccountCollections": ("hasMore", 1000),
    "getCollectionItems": ("hasMore", 1000),
    "listCollections": ("hasMore", 1000),
    "getApplicationSessions": ("hasMore", 1000),
    "getApplicationCustomers": ("hasMore", 1000),
    "getApplicationEventsWithoutTotalCount": ("hasMore", 1000),
    "getAudiences": ("hasMore", 1000),
    "getAudienceMemberships": ("hasMore", 1000),
}
# lists that withTotalResultSize=true answers with both fields
WITH_TOTAL = {
    "listStores",
    "listCatalogItems",
    "listAccountCollections",
    "listCollections",
    "getApplicationCustomers",
    "getAudiences",
}
# not paged: the spec gives it no pageSize
UNPAGED = {"getCampaignAnalytics", "getAudiencesAnalytics"}


def _lists(server: Server) -> list[Any]:
    document = httpx.get(f"{server.base_url}/openapi.json").json()
    paged = []
    for route in routes(server):
        if route.kind != "management":
            continue
        operation = document["paths"][route.path][route.method]
        schema = (
            operation["responses"]
            .get("200", {})
            .get("content", {})
            .get("application/json", {})
            .get("schema", {})
        )
        if route.method == "get" and schema.get("$ref", "").endswith(("/Page", "/AnalyticsPage")):
            paged.append(route)
    return paged


def test_every_list_is_in_the_table(server: Server) -> None:
    names = {route.operation for route in _lists(server)}
    assert names == set(LISTS) | UNPAGED


def test_every_list_pages_as_the_spec_says(server: Server, world: World) -> None:
    with server.management() as mgmt:
        for route in _lists(server):
            if route.operation in UNPAGED:
                continue
            field, largest = LISTS[route.operation]

            def get(params: dict[str, Any], route: Any = route) -> httpx.Response:
                return send(mgmt, route, world.ids, params={**QUERIES.get(route.operation, {}), **params})

            answer = get({})
            assert answer.status_code == 200, (route, answer.text)
            assert set(answer.json()) == {field, "data"}, route
            full = get({"pageSize": largest}).json()
            one = get({"pageSize": 1}).json()
            assert len(one["data"]) <= 1 and one["data"] == full["data"][:1], route
            rest = get({"pageSize": largest, "skip": 1}).json()
            assert rest["data"] == full["data"][1:], route
            if field == "hasMore":
                assert one["hasMore"] is (len(full["data"]) > 1), route
            else:
                assert one["totalResultSize"] == full["totalResultSize"] == len(full["data"]), route
            if route.operation in WITH_TOTAL:
                counted = get({"withTotalResultSize": "true", "pageSize": 1}).json()
                assert counted["totalResultSize"] == len(full["data"]) and "hasMore" in counted, route
            for params, parameter in (
                ({"pageSize": largest + 1}, "pageSize"),
                ({"pageSize": 0}, "pageSize"),
                ({"pageSize": "ten"}, "pageSize"),
                ({"skip": -1}, "skip"),
                ({"skip": "x"}, "skip"),
            ):
                assert_error(get(params), 400, parameter=parameter)


@pytest.mark.parametrize("sort", ["-id", "created"])
def test_lists_with_a_sort_take_id_and_created(server: Server, world: World, sort: str) -> None:
    document = httpx.get(f"{server.base_url}/openapi.json").json()
    with server.management() as mgmt:
        for route in _lists(server):
            names = {p["name"] for p in document["paths"][route.path][route.method].get("parameters", [])}
            if "sort" not in names:
                continue
            answer = send(mgmt, route, world.ids, params={**QUERIES.get(route.operation, {}), "sort": sort})
            assert answer.status_code == 200, (route, answer.text)
            ids = [item["id"] for item in answer.json()["data"] if isinstance(item, dict) and "id" in item]
            if sort.endswith("id"):
                assert ids == sorted(ids, reverse=sort.startswith("-")), route
