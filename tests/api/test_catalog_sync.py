"""Catalog sync on both databases through Talon.One's own client: every action type, filters, versions,
price observations, bad input naming the field, and carts that take prices and attributes from the
catalog for rules to use."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import talon_one
from talon_one.api.integration_api import IntegrationApi
from talon_one.exceptions import ApiException
from talon_one.models.catalog_sync_request import CatalogSyncRequest

from tests.api import factories
from tests.api.sdk import check_page
from tests.conftest import AppContext, Server, assert_error, random_id


def attribute_name(prefix: str) -> str:
    return f"{prefix}{random_id('')[1:].replace('-', '')}"


@pytest.fixture
def names(server: Server) -> dict[str, str]:
    """Cart item attributes of this test (attributes are the account's, so their names are fresh)."""
    found = {"color": attribute_name("color"), "size": attribute_name("size"), "eco": attribute_name("eco")}
    factories.attribute(server, "CartItem", found["color"], "string")
    factories.attribute(server, "CartItem", found["size"], "number")
    factories.attribute(server, "CartItem", found["eco"], "boolean")
    return found


@pytest.fixture
def catalog(mgmt: httpx.Client, app: AppContext) -> int:
    created = mgmt.post(
        "/v1/catalogs",
        json={"name": random_id("cat"), "description": "", "subscribedApplicationsIds": [app.id]},
    )
    assert created.status_code == 201, created.text
    ident: int = created.json()["id"]
    return ident


@pytest.fixture
def api(server: Server, app: AppContext) -> IntegrationApi:
    config = talon_one.Configuration(host=server.base_url)
    config.api_key["api_key_v1"] = app.key
    config.api_key_prefix["api_key_v1"] = "ApiKey-v1"
    return IntegrationApi(talon_one.ApiClient(config))


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def sync(api: IntegrationApi, catalog: int, kind: str, *payloads: dict[str, Any], **extra: Any) -> Any:
    actions = [{"type": kind, "payload": p} for p in payloads]
    return api.sync_catalog(catalog, CatalogSyncRequest(actions=actions, **extra))


def items(mgmt: httpx.Client, catalog: int, **params: Any) -> dict[str, dict[str, Any]]:
    response = mgmt.get(f"/v1/catalogs/{catalog}/items", params={"pageSize": 1000, **params})
    assert response.status_code == 200, response.text
    found = check_page(response.json(), "CatalogItem", total=False)
    return {i["sku"]: i for i in found}


def values(item: dict[str, Any]) -> dict[str, Any]:
    return {a["name"]: a["value"] for a in item.get("attributes") or []}


def test_add_patch_and_remove_items(
    api: IntegrationApi, mgmt: httpx.Client, catalog: int, names: dict[str, str]
) -> None:
    color, size = names["color"], names["size"]
    # ADD: three items; the answer is the catalog at its new version
    answered = sync(
        api,
        catalog,
        "ADD",
        {"sku": "shoe", "price": 100, "attributes": {color: "blue", size: 44}, "product": {"name": "Shoes"}},
        {"sku": "boot", "price": 150.5, "attributes": {color: "black", size: 46}},
        {"sku": "sock", "attributes": {color: "blue"}},
    )
    assert answered.id == catalog and answered.version == 1
    found = items(mgmt, catalog)
    assert set(found) == {"shoe", "boot", "sock"}
    assert found["shoe"]["price"] == 100 and found["shoe"]["product"] == {"name": "Shoes"}
    assert values(found["shoe"]) == {color: "blue", size: 44} and found["shoe"]["version"] == 1
    assert all(a["attributeid"] > 0 for a in found["shoe"]["attributes"])
    assert "price" not in found["sock"]
    # ADD of an existing SKU replaces it only with replaceIfExists: the price stays, the product goes
    with pytest.raises(ApiException) as refused:
        sync(api, catalog, "ADD", {"sku": "shoe", "price": 90})
    assert refused.value.status == 400 and "/actions/0/payload/sku" in str(refused.value.body)
    sync(api, catalog, "ADD", {"sku": "shoe", "attributes": {color: "red"}, "replaceIfExists": True})
    shoe = items(mgmt, catalog)["shoe"]
    assert shoe["price"] == 100 and "product" not in shoe and values(shoe) == {color: "red"}
    assert shoe["version"] == 2
    # PATCH merges attributes, keeps the price unless sent; createIfNotExists creates
    sync(api, catalog, "PATCH", {"sku": "boot", "attributes": {size: 47}, "price": 140})
    sync(api, catalog, "PATCH", {"sku": "hat", "price": 20, "createIfNotExists": True})
    found = items(mgmt, catalog)
    assert values(found["boot"]) == {color: "black", size: 47} and found["boot"]["price"] == 140
    assert found["hat"]["price"] == 20
    with pytest.raises(ApiException) as missing:
        sync(api, catalog, "PATCH", {"sku": "scarf", "price": 5})
    assert missing.value.status == 400
    # REMOVE: one item an action; an unknown SKU is no error
    answered = sync(api, catalog, "REMOVE", {"sku": "hat"}, {"sku": "never-there"})
    assert set(items(mgmt, catalog)) == {"shoe", "boot", "sock"}
    assert answered.version == 5  # one version a successful sync; the refused ones counted none


def test_patch_many_and_remove_many_filter_in_the_database(
    api: IntegrationApi, mgmt: httpx.Client, catalog: int, names: dict[str, str]
) -> None:
    color, size, eco = names["color"], names["size"], names["eco"]
    sync(
        api,
        catalog,
        "ADD",
        *(
            {"sku": f"s{n}", "price": 10 + n, "attributes": {color: ("blue", "red", "green")[n % 3], size: n}}
            for n in range(12)
        ),
        {"sku": "plain", "price": 1},
        {"sku": "green-eco", "price": 2, "attributes": {eco: True, color: "green"}},
    )
    # the filters are ANDed; GT on a number; the example's numeric string works too
    sync(
        api,
        catalog,
        "PATCH_MANY",
        {
            "filters": [
                {"attr": color, "op": "EQ", "value": "blue"},
                {"attr": size, "op": "GT", "value": "4"},
            ],
            "attributes": {eco: True},
            "price": 5,
        },
    )
    found = items(mgmt, catalog)
    patched = sorted(s for s, i in found.items() if values(i).get(eco) is True and s != "green-eco")
    assert patched == ["s6", "s9"]
    assert found["s6"]["price"] == 5 and found["s3"]["price"] == 13 and found["s6"]["version"] == 2
    assert values(found["s6"])[color] == "blue"  # merged, not replaced
    # IN takes a comma-separated list; LE and boolean EQ
    sync(api, catalog, "REMOVE_MANY", {"filters": [{"attr": color, "op": "IN", "value": "red, green"}]})
    assert sorted(items(mgmt, catalog)) == ["plain", "s0", "s3", "s6", "s9"]
    sync(api, catalog, "REMOVE_MANY", {"filters": [{"attr": eco, "op": "EQ", "value": True}]})
    sync(api, catalog, "REMOVE_MANY", {"filters": [{"attr": size, "op": "LE", "value": 0}]})
    assert sorted(items(mgmt, catalog)) == ["plain", "s3"]
    # no filters: every item
    sync(api, catalog, "PATCH_MANY", {"attributes": {color: "white"}})
    assert {values(i)[color] for i in items(mgmt, catalog).values()} == {"white"}
    sync(api, catalog, "REMOVE_MANY", {})
    assert items(mgmt, catalog) == {}


def test_prices_and_adjustments_are_observed(
    server: Server, api: IntegrationApi, mgmt: httpx.Client, app: AppContext, catalog: int
) -> None:
    sku = random_id("tv")
    sync(api, catalog, "ADD", {"sku": sku, "price": 500})
    sync(api, catalog, "PATCH", {"sku": sku, "price": 500})  # unchanged: no observation
    sync(api, catalog, "PATCH", {"sku": sku, "price": 450})
    sync(api, catalog, "PATCH_MANY", {"price": 420})
    sync(
        api,
        catalog,
        "ADD_PRICE_ADJUSTMENT",
        {
            "sku": sku,
            "adjustments": [
                {"priceType": "member", "price": 399, "referenceId": "r1", "contextId": "bf"},
                {"priceType": "staff", "price": 300, "referenceId": "r2"},
            ],
        },
    )
    sync(
        api,
        catalog,
        "ADD_PRICE_ADJUSTMENT",
        {"sku": sku, "adjustments": [{"priceType": "staff", "price": None, "referenceId": "r2"}]},
    )
    history = mgmt.post(
        f"/v1/applications/{app.id}/price_history",
        json={"sku": sku, "startDate": "2000-01-01T00:00:00Z", "endDate": "2100-01-01T00:00:00Z"},
    )
    assert history.status_code == 200, history.text
    observed = [(h["price"], h["contextId"]) for h in history.json()["history"]]
    assert observed == [(500, ""), (450, ""), (420, ""), (399, "bf"), (300, "")]
    details = [h["metadata"].get("adjustmentDetails") for h in history.json()["history"]]
    assert details[:3] == [None, None, None]
    assert details[3] == {"referenceId": "r1", "selectedPriceType": "member", "value": 399}
    with factories.database(server)(write=False) as uow:
        stored = uow.catalogs.items(catalog, [sku])[sku]
    assert set(stored.prices) == {"member"} and stored.price == 420
    assert stored.prices["member"][0]["referenceId"] == "r1"
    # and best prior price answers from the same observations
    with server.client(f"ApiKey-v1 {app.key}") as client:
        best = client.post(
            "/v1/best_prior_price",
            json={
                "skus": [sku],
                "timeframeEndDate": "2100-01-01T00:00:00Z",
                "timeframe": "99999",
                "timeframeEndDateType": "strict",
            },
        )
    assert best.status_code == 200, best.text
    assert [b["price"] for b in best.json()] == [300]


def rule_on(attribute: str, value: str) -> dict[str, Any]:
    """10 off each item whose catalog attribute ``attribute`` is ``value``."""
    items = [
        "filter",
        [".", "Session", "CartItems"],
        [["Item"], ["=", ["catch", "", [".", "Item", "Attributes", attribute]], value]],
    ]
    return {
        "title": "catalog deal",
        "condition": ["and", True],
        "effects": [["setDiscountPerItem", "catalog deal", items, [["Item"], 10]]],
    }


def test_carts_take_prices_and_attributes_from_the_catalog(
    server: Server, api: IntegrationApi, app: AppContext, catalog: int, names: dict[str, str]
) -> None:
    color = names["color"]
    sync(
        api,
        catalog,
        "ADD",
        {"sku": "lamp", "price": 42, "attributes": {color: "blue"}},
        {"sku": "desk", "price": 100, "attributes": {color: "oak"}},
        {"sku": "unpriced", "attributes": {color: "blue"}},
    )
    factories.campaign(server, app, [rule_on(color, "blue")])
    with server.client(f"ApiKey-v1 {app.key}") as client:
        body = {
            "customerSession": {
                "cartItems": [
                    {"sku": "lamp", "quantity": 1},
                    {"sku": "desk", "quantity": 1},
                    {"sku": "desk", "quantity": 1, "price": 80, "attributes": {color: "blue"}},
                    {"sku": "elsewhere", "quantity": 1, "price": 5},
                ]
            },
            "responseContent": ["customerSession"],
        }
        answered = client.put(f"/v2/customer_sessions/{random_id('s')}", json=body)
        assert answered.status_code == 200, answered.text
        session = answered.json()["customerSession"]
        # the lamp takes its price and colour from the catalog; the second desk keeps what it sent
        discounted = sorted(e["props"]["position"] for e in answered.json()["effects"])
        assert discounted == [0, 2]
        assert [i["price"] for i in session["cartItems"]] == [42, 100, 80, 5]
        assert session["cartItems"][0]["attributes"] == {color: "blue"}
        assert session["cartItems"][2]["attributes"] == {color: "blue"}
        assert "catalogItemID" not in session["cartItems"][3]
        # an item without a price whose catalog item has none either is refused
        body["customerSession"]["cartItems"] = [{"sku": "unpriced", "quantity": 1}]
        refused = client.put(f"/v2/customer_sessions/{random_id('s')}", json=body)
        assert_error(refused, 400, pointer="/customerSession/cartItems/0/price")


def test_versions_and_unknown_catalogs(api: IntegrationApi, integration: httpx.Client, catalog: int) -> None:
    assert sync(api, catalog, "ADD", {"sku": "a"}).version == 1
    assert sync(api, catalog, "ADD", {"sku": "b"}, version=1).version == 2
    url = f"/v1/catalogs/{catalog}/sync"
    stale = {"actions": [{"type": "ADD", "payload": {"sku": "c"}}], "version": 1}
    assert_error(integration.put(url, json=stale), 400, pointer="/version")
    assert_error(integration.put("/v1/catalogs/987654321/sync", json=stale), 404)
    assert_error(integration.put("/v1/catalogs/99999999999999999999/sync", json=stale), 404)


def test_bad_requests_name_the_field(integration: httpx.Client, catalog: int, names: dict[str, str]) -> None:
    color, size, eco = names["color"], names["size"], names["eco"]
    url = f"/v1/catalogs/{catalog}/sync"
    add = {"type": "ADD", "payload": {"sku": "x"}}

    def many(kind: str, filters: list[dict[str, Any]]) -> dict[str, Any]:
        return {"actions": [{"type": kind, "payload": {"filters": filters}}]}

    cases: list[tuple[dict[str, Any], str]] = [
        ({}, "/actions"),
        ({"actions": []}, "/actions"),
        ({"actions": [add] * 1001}, "/actions"),
        ({"actions": [{"type": "MOVE", "payload": {}}]}, "/actions/0/type"),
        ({"actions": [{"type": "ADD"}]}, "/actions/0/payload"),
        ({"actions": [add, {"type": "REMOVE", "payload": {"sku": "y"}}]}, "/actions/1/type"),
        ({"actions": [add, add]}, "/actions/1/payload/sku"),
        ({"actions": [{"type": "ADD", "payload": {}}]}, "/actions/0/payload/sku"),
        ({"actions": [{"type": "ADD", "payload": {"sku": ""}}]}, "/actions/0/payload/sku"),
        ({"actions": [{"type": "ADD", "payload": {"sku": "x", "price": "1"}}]}, "/actions/0/payload/price"),
        (
            {"actions": [{"type": "ADD", "payload": {"sku": "x", "attributes": {"nope": 1}}}]},
            "/actions/0/payload/attributes/nope",
        ),
        (
            {"actions": [{"type": "ADD", "payload": {"sku": "x", "attributes": {size: "big"}}}]},
            f"/actions/0/payload/attributes/{size}",
        ),
        (
            {"actions": [{"type": "ADD", "payload": {"sku": "x", "product": {}}}]},
            "/actions/0/payload/product/name",
        ),
        (many("PATCH_MANY", [{"attr": "nope", "op": "EQ", "value": 1}]), "/actions/0/payload/filters/0/attr"),
        (many("REMOVE_MANY", [{"attr": color, "op": "GT", "value": "a"}]), "/actions/0/payload/filters/0/op"),
        (
            many("REMOVE_MANY", [{"attr": size, "op": "GE", "value": "big"}]),
            "/actions/0/payload/filters/0/value",
        ),
        (many("REMOVE_MANY", [{"attr": size, "op": "IN", "value": 4}]), "/actions/0/payload/filters/0/value"),
        (
            many("REMOVE_MANY", [{"attr": eco, "op": "EQ", "value": "yes"}]),
            "/actions/0/payload/filters/0/value",
        ),
        (many("REMOVE_MANY", [{"attr": size, "op": "NE", "value": 1}]), "/actions/0/payload/filters/0/op"),
        (many("REMOVE_MANY", [{"attr": size, "op": "EQ"}]), "/actions/0/payload/filters/0/value"),
        (
            {"actions": [{"type": "ADD_PRICE_ADJUSTMENT", "payload": {"sku": "x", "adjustments": []}}]},
            "/actions/0/payload/adjustments",
        ),
        (
            {
                "actions": [
                    {
                        "type": "ADD_PRICE_ADJUSTMENT",
                        "payload": {
                            "sku": "x",
                            "adjustments": [{"priceType": "m", "referenceId": "r", "effectiveFrom": "soon"}],
                        },
                    }
                ]
            },
            "/actions/0/payload/adjustments/0/effectiveFrom",
        ),
        (
            {
                "actions": [
                    {
                        "type": "ADD_PRICE_ADJUSTMENT",
                        "payload": {
                            "sku": "never",
                            "adjustments": [{"priceType": "m", "referenceId": "r", "price": 1}],
                        },
                    }
                ]
            },
            "/actions/0/payload/sku",
        ),
        ({"actions": [add], "version": 0}, "/version"),
    ]
    for body, pointer in cases:
        assert_error(integration.put(url, json=body), 400, pointer=pointer)
    # nothing of a refused request was written
    assert integration.put(url, json={"actions": [add]}).json()["version"] == 1


def test_a_large_cart_takes_its_prices_from_the_catalog(
    server: Server, api: IntegrationApi, app: AppContext, catalog: int
) -> None:
    # more SKUs than the prepared read takes: the other read answers the same
    sync(api, catalog, "ADD", *({"sku": f"part-{n}", "price": n + 1} for n in range(12)))
    for count in (3, 12):
        cart = [{"sku": f"part-{n}", "quantity": 1} for n in range(count)]
        with server.client(f"ApiKey-v1 {app.key}") as client:
            body = {"customerSession": {"cartItems": cart}, "responseContent": ["customerSession"]}
            answered = client.put(f"/v2/customer_sessions/{random_id('s')}", json=body)
        assert answered.status_code == 200, answered.text
        assert [i["price"] for i in answered.json()["customerSession"]["cartItems"]] == list(
            range(1, count + 1)
        )
