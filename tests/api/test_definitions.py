"""Custom attributes, additional costs, event types and stores through the Management API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import AppContext, Server, assert_error, create_application, random_id


def _name(prefix: str) -> str:
    return prefix + random_id("").replace("-", "")


def attribute(**fields: Any) -> dict[str, Any]:
    return {
        "entity": "CustomerSession",
        "name": _name("attr"),
        "title": "An attribute",
        "type": "number",
        "description": "d",
        "suggestions": [],
        "editable": True,
        **fields,
    }


def test_attributes_lifecycle_and_use_in_sessions(
    server: Server, mgmt: httpx.Client, app: AppContext
) -> None:
    body = attribute()
    created = mgmt.post("/v1/attributes", json=body)
    assert created.status_code == 201, created.text
    found = created.json()
    assert (
        found["accountId"] == 1 and found["entity"] == "CustomerSession" and found["hasAllowedList"] is False
    )
    assert mgmt.get(f"/v1/attributes/{found['id']}").json()["name"] == body["name"]
    listed = mgmt.get("/v1/attributes", params={"entity": "CustomerSession"}).json()
    assert found["id"] in [a["id"] for a in listed["data"]] and listed["totalResultSize"] >= 1
    updated = mgmt.put(
        f"/v1/attributes/{found['id']}", json={**body, "title": "Renamed", "suggestions": ["1"]}
    ).json()
    assert updated["title"] == "Renamed" and updated["suggestions"] == ["1"]
    assert_error(
        mgmt.put(f"/v1/attributes/{found['id']}", json={**body, "type": "string"}), 400, pointer="/name"
    )
    assert_error(mgmt.post("/v1/attributes", json=body), 409, pointer="/name")
    with server.client(f"ApiKey-v1 {app.key}") as client:
        ok = client.put(
            f"/v2/customer_sessions/{random_id('s')}",
            json={"customerSession": {"attributes": {body["name"]: 3}}},
        )
        assert ok.status_code == 200, ok.text


def test_attribute_bad_input(mgmt: httpx.Client) -> None:
    assert_error(mgmt.post("/v1/attributes", json=attribute(entity="Planet")), 400, pointer="/entity")
    assert_error(mgmt.post("/v1/attributes", json=attribute(name="9lives")), 400, pointer="/name")
    assert_error(mgmt.post("/v1/attributes", json=attribute(type="colour")), 400, pointer="/type")
    assert_error(mgmt.post("/v1/attributes", json=attribute(entity="Event")), 400, pointer="/eventType")
    assert_error(
        mgmt.post("/v1/attributes", json=attribute(suggestions=["x"] * 51)), 400, pointer="/suggestions"
    )
    assert_error(mgmt.get("/v1/attributes/999999"), 404)


def test_additional_costs(server: Server, mgmt: httpx.Client, app: AppContext) -> None:
    name = _name("shipping")
    created = mgmt.post(
        "/v1/additional_costs", json={"name": name, "title": "Shipping", "description": "", "type": "both"}
    )
    assert created.status_code == 201, created.text
    cost = created.json()
    assert cost["type"] == "both" and cost["accountId"] == 1
    assert mgmt.get(f"/v1/additional_costs/{cost['id']}").json()["name"] == name
    assert cost["id"] in [c["id"] for c in mgmt.get("/v1/additional_costs").json()["data"]]
    renamed = mgmt.put(
        f"/v1/additional_costs/{cost['id']}", json={"name": name, "title": "Delivery", "description": "x"}
    ).json()
    assert renamed["title"] == "Delivery" and renamed["type"] == "session"
    assert_error(mgmt.post("/v1/additional_costs", json={"name": name, "title": "T", "description": ""}), 409)
    assert_error(
        mgmt.post("/v1/additional_costs", json={"name": "bad name", "title": "T", "description": ""}),
        400,
        pointer="/name",
    )
    with server.client(f"ApiKey-v1 {app.key}") as client:
        body = {
            "customerSession": {"additionalCosts": {name: {"price": 4}}},
            "responseContent": ["customerSession"],
        }
        answer = client.put(f"/v2/customer_sessions/{random_id('s')}", json=body).json()
        assert answer["customerSession"]["additionalCostTotal"] == 4


def test_event_types(mgmt: httpx.Client) -> None:
    name = _name("checkout")
    created = mgmt.post("/v1/event_types", json={"name": name, "title": "Checkout"})
    assert created.status_code == 201, created.text
    assert created.json()["name"] == name
    assert [e["name"] for e in mgmt.get("/v1/event_types", params={"name": name}).json()["data"]] == [name]
    assert_error(mgmt.post("/v1/event_types", json={"name": name, "title": "Again"}), 409)
    assert_error(mgmt.post("/v1/event_types", json={"title": "No name"}), 400, pointer="/name")


def test_stores(server: Server, mgmt: httpx.Client, app: AppContext) -> None:
    base = f"/v1/applications/{app.id}/stores"
    created = mgmt.post(
        base, json={"name": "Berlin", "description": "flagship", "integrationId": "store-berlin"}
    )
    assert created.status_code == 201, created.text
    store = created.json()
    assert store["applicationId"] == app.id and store["integrationId"] == "store-berlin"
    assert mgmt.get(f"{base}/{store['id']}").json()["name"] == "Berlin"
    assert [s["id"] for s in mgmt.get(base, params={"integrationId": "store-berlin"}).json()["data"]] == [
        store["id"]
    ]
    updated = mgmt.put(
        f"{base}/{store['id']}",
        json={"name": "Berlin Mitte", "description": "", "integrationId": "store-berlin"},
    )
    assert updated.json()["name"] == "Berlin Mitte"
    assert_error(
        mgmt.post(base, json={"name": "B2", "description": "", "integrationId": "store-berlin"}), 409
    )
    assert_error(
        mgmt.post(base, json={"name": "", "description": "", "integrationId": "x"}), 400, pointer="/name"
    )
    # a campaign linked to the store only runs for sessions in it
    campaign = mgmt.post(
        f"/v1/applications/{app.id}/campaigns",
        json={
            "name": "store only",
            "state": "enabled",
            "tags": [],
            "features": [],
            "limits": [],
            "linkedStoreIds": [store["id"]],
        },
    ).json()
    rule = {"title": "r", "condition": ["and", True], "effects": [["setDiscount", "store deal", 1]]}
    mgmt.post(
        f"/v1/applications/{app.id}/campaigns/{campaign['id']}/rulesets",
        json={"rules": [rule], "bindings": [], "activate": True},
    )
    with server.client(f"ApiKey-v1 {app.key}") as client:
        cart = [{"sku": "a", "quantity": 1, "price": 10}]
        inside = client.put(
            f"/v2/customer_sessions/{random_id('s')}",
            json={"customerSession": {"storeIntegrationId": "store-berlin", "cartItems": cart}},
        )
        outside = client.put(
            f"/v2/customer_sessions/{random_id('s')}", json={"customerSession": {"cartItems": cart}}
        )
    assert [e["props"]["name"] for e in inside.json()["effects"]] == ["store deal"]
    assert outside.json()["effects"] == []
    other = create_application(mgmt)
    assert_error(mgmt.get(f"/v1/applications/{other.id}/stores/{store['id']}"), 404)
    assert mgmt.delete(f"{base}/{store['id']}").status_code == 204
    assert_error(mgmt.get(f"{base}/{store['id']}"), 404)
