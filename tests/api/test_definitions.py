"""Custom attributes, additional costs, event types and stores through the Management API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.sdk import check, check_page
from tests.conftest import AppContext, Server, assert_error, create_application, random_id

HUGE = 2**70


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
    body = attribute(subscribedApplicationsIds=[app.id], allowedSubscriptions=["application"])
    created = mgmt.post("/v1/attributes", json=body)
    assert created.status_code == 201, created.text
    found = check("Attribute", created.json())
    assert (
        found["accountId"] == 1 and found["entity"] == "CustomerSession" and found["hasAllowedList"] is False
    )
    assert found["restrictedBySuggestions"] is False and found["subscribedApplicationsIds"] == [app.id]
    assert check("Attribute", mgmt.get(f"/v1/attributes/{found['id']}").json())["name"] == body["name"]
    updated = mgmt.put(
        f"/v1/attributes/{found['id']}", json={**body, "title": "Renamed", "suggestions": ["1"]}
    )
    assert updated.status_code == 200, updated.text
    assert check("Attribute", updated.json())["title"] == "Renamed" and updated.json()["suggestions"] == ["1"]
    for changed, pointer in [
        ({"type": "string"}, "/type"),
        ({"entity": "CartItem"}, "/entity"),
        ({"name": "other"}, "/name"),
    ]:
        assert_error(
            mgmt.put(f"/v1/attributes/{found['id']}", json={**body, **changed}), 400, pointer=pointer
        )
    assert_error(mgmt.post("/v1/attributes", json=body), 409, pointer="/name")
    event = attribute(name=body["name"], entity="Event", eventType="checkout")
    assert mgmt.post("/v1/attributes", json=event).status_code == 201  # another entity, another name space
    assert_error(mgmt.get("/v1/attributes/999999"), 404)
    assert_error(mgmt.put("/v1/attributes/999999", json=body), 404)
    with server.client(f"ApiKey-v1 {app.key}") as client:
        ok = client.put(
            f"/v2/customer_sessions/{random_id('s')}",
            json={"customerSession": {"attributes": {body["name"]: 3}}},
        )
        assert ok.status_code == 200, ok.text


def test_list_attributes_filters(mgmt: httpx.Client, app: AppContext) -> None:
    marker = _name("m")
    number = mgmt.post(
        "/v1/attributes", json=attribute(name=marker + "a", subscribedApplicationsIds=[app.id])
    ).json()
    text = mgmt.post(
        "/v1/attributes",
        json=attribute(name=marker + "b", entity="CartItem", type="string", description="Colour"),
    ).json()

    def ids(**params: Any) -> list[int]:
        response = mgmt.get("/v1/attributes", params={"search": marker, **params})
        assert response.status_code == 200, response.text
        return [a["id"] for a in check_page(response.json(), "Attribute", total=True)]

    assert ids() == [number["id"], text["id"]]
    assert ids(entity="CartItem") == [text["id"]]
    assert ids(type="number") == [number["id"]]
    assert ids(applicationIds=f"{app.id},999999") == [number["id"]]
    assert ids(kind="custom") == [number["id"], text["id"]] and ids(kind="builtin") == []
    assert ids(sort="-name") == [text["id"], number["id"]]
    assert ids(pageSize=1, skip=1) == [text["id"]]
    assert [a["id"] for a in mgmt.get("/v1/attributes", params={"search": "colour"}).json()["data"]] == [
        text["id"]
    ]
    for params, parameter in [
        ({"kind": "magic"}, "kind"),
        ({"applicationIds": "a,b"}, "applicationIds"),
        ({"sort": "colour"}, "sort"),
    ]:
        assert_error(mgmt.get("/v1/attributes", params=params), 400, parameter=parameter)


BAD_ATTRIBUTES = [
    (attribute(entity="Planet"), "/entity"),
    (attribute(name="9lives"), "/name"),
    (attribute(name="a" * 256), "/name"),
    (attribute(title="9 titles"), "/title"),
    (attribute(title="T" * 256), "/title"),
    (attribute(type="colour"), "/type"),
    (attribute(entity="Event"), "/eventType"),
    (attribute(entity="Event", eventType="e" * 256), "/eventType"),
    (attribute(suggestions=["x"] * 51), "/suggestions"),
    (attribute(suggestions=[""]), "/suggestions/0"),
    (attribute(editable="yes"), "/editable"),
    ({k: v for k, v in attribute().items() if k != "description"}, "/description"),
    (attribute(allowedSubscriptions=["planet"]), "/allowedSubscriptions/0"),
    (attribute(subscribedApplicationsIds=[999999]), "/subscribedApplicationsIds/0"),
    (attribute(subscribedApplicationsIds=[HUGE]), "/subscribedApplicationsIds/0"),
    (attribute(subscribedCatalogsIds=[999999]), "/subscribedCatalogsIds/0"),
]


@pytest.mark.parametrize(("body", "pointer"), BAD_ATTRIBUTES)
def test_bad_attributes_are_refused(mgmt: httpx.Client, body: dict[str, Any], pointer: str) -> None:
    assert_error(mgmt.post("/v1/attributes", json=body), 400, pointer=pointer)


def test_additional_costs(server: Server, mgmt: httpx.Client, app: AppContext) -> None:
    name = _name("shipping")
    created = mgmt.post(
        "/v1/additional_costs",
        json={
            "name": name,
            "title": "Shipping",
            "description": "",
            "type": "both",
            "subscribedApplicationsIds": [app.id],
        },
    )
    assert created.status_code == 201, created.text
    cost = check("AccountAdditionalCost", created.json())
    assert cost["type"] == "both" and cost["accountId"] == 1 and cost["subscribedApplicationsIds"] == [app.id]
    assert (
        check("AccountAdditionalCost", mgmt.get(f"/v1/additional_costs/{cost['id']}").json())["name"] == name
    )
    listed = check_page(mgmt.get("/v1/additional_costs").json(), "AccountAdditionalCost", total=True)
    assert cost["id"] in [c["id"] for c in listed]
    newest = mgmt.get("/v1/additional_costs", params={"sort": "-id", "pageSize": 1}).json()["data"]
    assert [c["id"] for c in newest] == [cost["id"]]
    renamed = mgmt.put(
        f"/v1/additional_costs/{cost['id']}", json={"name": name, "title": "Delivery", "description": "x"}
    )
    assert renamed.status_code == 200, renamed.text
    assert (
        check("AccountAdditionalCost", renamed.json())["title"] == "Delivery"
        and renamed.json()["type"] == "session"
    )
    assert_error(
        mgmt.post("/v1/additional_costs", json={"name": name, "title": "T", "description": ""}),
        409,
        pointer="/name",
    )
    other = mgmt.post(
        "/v1/additional_costs", json={"name": _name("gift"), "title": "Gift", "description": ""}
    ).json()
    assert_error(
        mgmt.put(f"/v1/additional_costs/{other['id']}", json={"name": name, "title": "T", "description": ""}),
        409,
    )
    assert_error(mgmt.get("/v1/additional_costs/999999"), 404)
    assert_error(
        mgmt.put("/v1/additional_costs/999999", json={"name": name, "title": "T", "description": ""}), 404
    )
    with server.client(f"ApiKey-v1 {app.key}") as client:
        body = {
            "customerSession": {"additionalCosts": {name: {"price": 4}}},
            "responseContent": ["customerSession"],
        }
        answer = client.put(f"/v2/customer_sessions/{random_id('s')}", json=body).json()
        assert answer["customerSession"]["additionalCostTotal"] == 4


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        ({"name": "bad name"}, "/name"),
        ({"name": "n" * 256}, "/name"),
        ({"title": "9"}, "/title"),
        ({"type": "order"}, "/type"),
        ({"description": None}, "/description"),
        ({"subscribedApplicationsIds": [999999]}, "/subscribedApplicationsIds/0"),
    ],
)
def test_bad_additional_costs_are_refused(mgmt: httpx.Client, fields: dict[str, Any], pointer: str) -> None:
    body = {"name": _name("cost"), "title": "T", "description": "", **fields}
    assert_error(
        mgmt.post("/v1/additional_costs", json={k: v for k, v in body.items() if v is not None}),
        400,
        pointer=pointer,
    )


def test_event_types(mgmt: httpx.Client) -> None:
    name = _name("checkout")
    created = mgmt.post("/v1/event_types", json={"name": name, "title": "Checkout", "description": "paid"})
    assert created.status_code == 201, created.text
    assert check("EventType", created.json())["name"] == name and created.json()["description"] == "paid"
    listed = mgmt.get("/v1/event_types", params={"name": name, "includeOldVersions": "true"})
    assert [e["name"] for e in check_page(listed.json(), "EventType", total=True)] == [name]
    assert (
        mgmt.get("/v1/event_types", params={"sort": "-id", "pageSize": 1}).json()["data"][0]["name"] == name
    )
    assert_error(mgmt.post("/v1/event_types", json={"name": name, "title": "Again"}), 409, pointer="/name")
    for body, pointer in [
        ({"title": "No name"}, "/name"),
        ({"name": "x"}, "/title"),
        ({"name": "", "title": "T"}, "/name"),
        ({"name": "n" * 256, "title": "T"}, "/name"),
        ({"name": _name("e"), "title": "T" * 256}, "/title"),
    ]:
        assert_error(mgmt.post("/v1/event_types", json=body), 400, pointer=pointer)
    assert_error(
        mgmt.get("/v1/event_types", params={"includeOldVersions": "maybe"}),
        400,
        parameter="includeOldVersions",
    )


def _store(**fields: Any) -> dict[str, Any]:
    return {"name": "Berlin", "description": "flagship", "integrationId": random_id("store"), **fields}


def test_stores(server: Server, mgmt: httpx.Client, app: AppContext) -> None:
    base = f"/v1/applications/{app.id}/stores"
    body = _store(attributes={"city": "Berlin"})
    created = mgmt.post(base, json=body)
    assert created.status_code == 201, created.text
    store = check("Store", created.json())
    assert store["applicationId"] == app.id and store["integrationId"] == body["integrationId"]
    assert store["attributes"] == {"city": "Berlin"} and "linkedCampaignIds" not in store
    assert check("Store", mgmt.get(f"{base}/{store['id']}").json())["name"] == "Berlin"
    updated = mgmt.put(f"{base}/{store['id']}", json={**body, "name": "Berlin Mitte", "description": ""})
    assert updated.status_code == 200, updated.text
    assert (
        check("Store", updated.json())["name"] == "Berlin Mitte"
        and updated.json()["updated"] >= store["updated"]
    )
    assert_error(
        mgmt.put(f"{base}/{store['id']}", json={**body, "integrationId": "moved"}),
        400,
        pointer="/integrationId",
    )
    assert_error(mgmt.post(base, json={**body, "name": "B2"}), 409, pointer="/integrationId")
    # a campaign linked to the store only runs for sessions in it, and keeps the store from being deleted
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
    assert mgmt.get(f"{base}/{store['id']}").json()["linkedCampaignIds"] == [campaign["id"]]
    with server.client(f"ApiKey-v1 {app.key}") as client:
        cart = [{"sku": "a", "quantity": 1, "price": 10}]
        inside = client.put(
            f"/v2/customer_sessions/{random_id('s')}",
            json={"customerSession": {"storeIntegrationId": body["integrationId"], "cartItems": cart}},
        )
        outside = client.put(
            f"/v2/customer_sessions/{random_id('s')}", json={"customerSession": {"cartItems": cart}}
        )
    assert [e["props"]["name"] for e in inside.json()["effects"]] == ["store deal"]
    assert outside.json()["effects"] == []
    assert_error(mgmt.delete(f"{base}/{store['id']}"), 409)
    assert mgmt.delete(f"/v1/applications/{app.id}/campaigns/{campaign['id']}").status_code == 204
    other = create_application(mgmt)
    assert_error(mgmt.get(f"/v1/applications/{other.id}/stores/{store['id']}"), 404)
    assert_error(mgmt.put(f"/v1/applications/{other.id}/stores/{store['id']}", json=body), 404)
    assert_error(mgmt.delete(f"/v1/applications/{other.id}/stores/{store['id']}"), 404)
    deleted = mgmt.delete(f"{base}/{store['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert_error(mgmt.get(f"{base}/{store['id']}"), 404)
    assert_error(mgmt.delete(f"{base}/{store['id']}"), 404)
    assert_error(mgmt.put(f"{base}/{store['id']}", json=body), 404)


def test_list_stores_filters(mgmt: httpx.Client, app: AppContext) -> None:
    base = f"/v1/applications/{app.id}/stores"
    north = mgmt.post(base, json=_store(name="North", integrationId="n-1")).json()
    south = mgmt.post(base, json=_store(name="South", integrationId="s-1")).json()
    campaign = mgmt.post(
        f"/v1/applications/{app.id}/campaigns",
        json={"name": "c", "tags": [], "features": [], "limits": [], "linkedStoreIds": [south["id"]]},
    ).json()

    def ids(**params: Any) -> list[int]:
        response = mgmt.get(base, params=params)
        assert response.status_code == 200, response.text
        return [s["id"] for s in check_page(response.json(), "Store", total=False)]

    assert ids() == [north["id"], south["id"]]
    assert ids(name="North") == [north["id"]] and ids(integrationId="s-1") == [south["id"]]
    assert ids(query="sou") == [south["id"]] and ids(query="N-1") == [north["id"]]
    assert ids(campaignId=campaign["id"]) == [south["id"]]
    assert ids(sort="-name") == [south["id"], north["id"]]
    counted = mgmt.get(base, params={"withTotalResultSize": "true", "pageSize": 1}).json()
    assert counted["totalResultSize"] == 2 and counted["hasMore"] is True and len(counted["data"]) == 1
    assert set(mgmt.get(base, params={"withTotalResultSize": "false"}).json()) == {"hasMore", "data"}
    for params, parameter in [
        ({"withTotalResultSize": "x"}, "withTotalResultSize"),
        ({"campaignId": "x"}, "campaignId"),
        ({"sort": "x"}, "sort"),
    ]:
        assert_error(mgmt.get(base, params=params), 400, parameter=parameter)


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        ({"name": ""}, "/name"),
        ({"name": "n" * 201}, "/name"),
        ({"integrationId": ""}, "/integrationId"),
        ({"integrationId": "i" * 1001}, "/integrationId"),
        ({"description": None}, "/description"),
        ({"attributes": "x"}, "/attributes"),
    ],
)
def test_bad_stores_are_refused(
    mgmt: httpx.Client, shared_app: AppContext, fields: dict[str, Any], pointer: str
) -> None:
    body = {k: v for k, v in _store(**fields).items() if v is not None}
    assert_error(mgmt.post(f"/v1/applications/{shared_app.id}/stores", json=body), 400, pointer=pointer)
    assert_error(mgmt.post("/v1/applications/999999/stores", json=_store()), 404)
