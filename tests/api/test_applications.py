"""Applications and Integration API keys over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api import factories
from tests.api.sdk import check, check_page
from tests.conftest import AppContext, Server, assert_error, create_application, random_id

HUGE = 2**70


def new_application(**fields: Any) -> dict[str, Any]:
    return {"name": random_id("shop"), "timezone": "Europe/Berlin", "currency": "EUR", **fields}


def test_create_application_answers_the_spec_shape_with_defaults(mgmt: httpx.Client) -> None:
    # given
    body = new_application(caseSensitivity="insensitive-uppercase", description="the shop")
    # when
    response = mgmt.post("/v1/applications", json=body)
    # then
    assert response.status_code == 201, response.text
    app = check("Application", response.json())
    assert (app["name"], app["timezone"], app["currency"]) == (body["name"], "Europe/Berlin", "EUR")
    assert app["caseSensitivity"] == "insensitive-uppercase" and app["description"] == "the shop"
    assert app["accountId"] == 1 and app["loyaltyPrograms"] == []
    assert app["enableFlattenedCartItems"] is True and app["enableCascadingDiscounts"] is False
    assert app["sandbox"] is False and app["enablePartialDiscounts"] is False
    assert isinstance(app["defaultEvaluationGroupId"], int)
    assert app["created"].endswith("Z") and app["modified"].endswith("Z")
    default = mgmt.post("/v1/applications", json=new_application()).json()
    assert default["caseSensitivity"] == "sensitive"


def test_get_update_delete_application(server: Server, mgmt: httpx.Client, app: AppContext) -> None:
    fetched = mgmt.get(f"/v1/applications/{app.id}")
    assert fetched.status_code == 200
    assert check("Application", fetched.json())["id"] == app.id
    limits = [{"action": "setDiscount", "limit": 100, "entities": ["Profile"], "period": "daily"}]
    update = new_application(currency="USD", enablePartialDiscounts=True, limits=limits)
    updated = mgmt.put(f"/v1/applications/{app.id}", json=update)
    assert updated.status_code == 200, updated.text
    body = check("Application", updated.json())
    assert body["currency"] == "USD" and body["enablePartialDiscounts"] is True and body["limits"] == limits
    assert body["defaultEvaluationGroupId"] == app.body["defaultEvaluationGroupId"]
    assert body["modified"] >= app.body["modified"]
    deleted = mgmt.delete(f"/v1/applications/{app.id}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert_error(mgmt.get(f"/v1/applications/{app.id}"), 404)
    # its Integration API keys stop working
    with server.client(f"ApiKey-v1 {app.key}") as client:
        assert_error(client.get(f"/v2/customer_sessions/{random_id('s')}"), 401)


def test_update_keeps_the_loyalty_programs_and_moves_the_default_group(
    mgmt: httpx.Client, app: AppContext
) -> None:
    program = factories.loyalty_program(mgmt, app)
    group = mgmt.post(
        f"/v1/applications/{app.id}/campaign_evaluation_groups",
        json={
            "name": "second",
            "parentId": app.body["defaultEvaluationGroupId"],
            "evaluationMode": "listOrder",
            "evaluationScope": "session",
            "locked": False,
        },
    ).json()
    updated = mgmt.put(
        f"/v1/applications/{app.id}", json=new_application(defaultEvaluationGroupId=group["id"])
    ).json()
    assert [p["id"] for p in updated["loyaltyPrograms"]] == [program["id"]]
    assert updated["defaultEvaluationGroupId"] == group["id"]
    other = create_application(mgmt)
    assert_error(
        mgmt.put(
            f"/v1/applications/{app.id}",
            json=new_application(defaultEvaluationGroupId=other.body["defaultEvaluationGroupId"]),
        ),
        400,
        pointer="/defaultEvaluationGroupId",
    )


def test_list_applications_pages_with_a_total(mgmt: httpx.Client) -> None:
    created = [create_application(mgmt).id for _ in range(3)]
    first = mgmt.get("/v1/applications", params={"pageSize": 2})
    assert first.status_code == 200
    page = check_page(first.json(), "Application", total=True)
    assert len(page) == 2 and first.json()["totalResultSize"] >= 3
    everything = mgmt.get("/v1/applications", params={"pageSize": 1000}).json()["data"]
    assert set(created) <= {a["id"] for a in everything}
    rest = mgmt.get("/v1/applications", params={"skip": 2}).json()["data"]
    assert {a["id"] for a in page}.isdisjoint({a["id"] for a in rest})
    newest = mgmt.get("/v1/applications", params={"sort": "-id", "pageSize": 1}).json()["data"]
    assert newest[0]["id"] == max(a["id"] for a in everything)
    assert_error(mgmt.get("/v1/applications", params={"sort": "colour"}), 400, parameter="sort")


BAD_APPLICATIONS = [
    ({"timezone": "UTC", "currency": "EUR"}, "/name"),
    (new_application(name=""), "/name"),
    (new_application(name="x" * 1001), "/name"),
    (new_application(name=5), "/name"),
    (new_application(currency=5), "/currency"),
    (new_application(currency="euro"), "/currency"),
    ({"name": "x", "timezone": "UTC"}, "/currency"),
    (new_application(timezone="Mars/Base"), "/timezone"),
    (new_application(timezone="America"), "/timezone"),  # a folder of the zone database
    (new_application(timezone="Europe/" + "x" * 300), "/timezone"),
    (new_application(caseSensitivity="no"), "/caseSensitivity"),
    (new_application(defaultDiscountScope="everything"), "/defaultDiscountScope"),
    (
        new_application(defaultDiscountAdditionalCostPerItemScope="x"),
        "/defaultDiscountAdditionalCostPerItemScope",
    ),
    (new_application(sandbox="yes"), "/sandbox"),
    (new_application(attributes=[]), "/attributes"),
    (new_application(limits=[{"action": "teleport", "limit": 1, "entities": []}]), "/limits/0/action"),
    (new_application(limits=[{"action": "setDiscount", "limit": -1, "entities": []}]), "/limits/0/limit"),
    (new_application(limits=[{"action": "setDiscount", "limit": 1e20, "entities": []}]), "/limits/0/limit"),
    (
        new_application(limits=[{"action": "setDiscount", "limit": 1, "entities": ["Moon"]}]),
        "/limits/0/entities/0",
    ),
    (new_application(limits=[{"action": "setDiscount", "limit": 1}]), "/limits/0/entities"),
    (
        new_application(limits=[{"action": "setDiscount", "limit": 1, "entities": [], "period": "hourly"}]),
        "/limits/0/period",
    ),
]


@pytest.mark.parametrize(("body", "pointer"), BAD_APPLICATIONS)
def test_bad_applications_are_refused_naming_the_field(
    mgmt: httpx.Client, shared_app: AppContext, body: dict[str, Any], pointer: str
) -> None:
    assert_error(mgmt.post("/v1/applications", json=body), 400, pointer=pointer)
    assert_error(mgmt.put(f"/v1/applications/{shared_app.id}", json=body), 400, pointer=pointer)


def test_a_bad_key_and_bad_json_are_refused(mgmt: httpx.Client) -> None:
    assert_error(mgmt.post("/v1/applications", json=new_application(key="not-hex")), 400, pointer="/key")
    for raw in (b"{not json", b"", b"[]", b"null"):
        response = mgmt.post("/v1/applications", content=raw, headers={"Content-Type": "application/json"})
        assert_error(response, 400, pointer="/")
    assert_error(
        mgmt.put("/v1/applications/1", json=new_application(defaultCartItemFilterId=HUGE)),
        400,
        pointer="/defaultCartItemFilterId",
    )


@pytest.mark.parametrize("ident", ["987654321", str(HUGE), "-1"])
def test_unknown_applications_are_404(mgmt: httpx.Client, ident: str) -> None:
    assert_error(mgmt.get(f"/v1/applications/{ident}"), 404)
    assert_error(mgmt.put(f"/v1/applications/{ident}", json=new_application()), 404)
    assert_error(mgmt.delete(f"/v1/applications/{ident}"), 404)
    assert_error(mgmt.get(f"/v1/applications/{ident}/api_keys"), 404)
    keys = mgmt.post(f"/v1/applications/{ident}/api_keys", json={"title": "t", "expires": "2030-01-01"})
    assert_error(keys, 404)
    assert_error(mgmt.delete(f"/v1/applications/{ident}/api_keys/1"), 404)


def test_api_keys_create_list_delete(server: Server, mgmt: httpx.Client, app: AppContext) -> None:
    created = mgmt.post(
        f"/v1/applications/{app.id}/api_keys",
        json={"title": "checkout", "expires": "2031-05-01", "platform": "none", "timeOffset": 30},
    )
    assert created.status_code == 201, created.text
    key = check("NewApplicationAPIKey", created.json())
    assert key["expires"] == "2031-05-01T00:00:00Z" and key["timeOffset"] == 30
    assert key["applicationID"] == app.id and key["accountID"] == 1 and key["createdBy"] == 0
    assert len(key["key"]) == 64
    listed = mgmt.get(f"/v1/applications/{app.id}/api_keys")
    keys = check_page(listed.json(), "ApplicationAPIKey", total=True)
    assert key["id"] in [k["id"] for k in keys] and all("key" not in k for k in keys)
    with server.client(f"ApiKey-v1 {key['key']}") as client:
        assert client.get(f"/v2/customer_sessions/{random_id('s')}").status_code == 404
    assert mgmt.delete(f"/v1/applications/{app.id}/api_keys/{key['id']}").status_code == 204
    assert key["id"] not in [k["id"] for k in mgmt.get(f"/v1/applications/{app.id}/api_keys").json()["data"]]
    assert_error(mgmt.delete(f"/v1/applications/{app.id}/api_keys/{key['id']}"), 404)
    with server.client(f"ApiKey-v1 {key['key']}") as client:
        assert_error(client.get(f"/v2/customer_sessions/{random_id('s')}"), 401)


def test_a_key_of_another_application_is_404(mgmt: httpx.Client, app: AppContext) -> None:
    other = create_application(mgmt)
    [key] = mgmt.get(f"/v1/applications/{other.id}/api_keys").json()["data"]
    assert_error(mgmt.delete(f"/v1/applications/{app.id}/api_keys/{key['id']}"), 404)
    assert_error(mgmt.delete(f"/v1/applications/{app.id}/api_keys/{HUGE}"), 404)


BAD_KEYS = [
    ({"title": "x"}, "/expires"),
    ({"expires": "2030-01-01"}, "/title"),
    ({"title": "x", "expires": "tomorrow"}, "/expires"),
    ({"title": "x", "expires": 20300101}, "/expires"),
    ({"title": "x" * 256, "expires": "2030-01-01"}, "/title"),
    ({"title": "x", "expires": "2030-01-01", "type": "prod"}, "/type"),
    ({"title": "x", "expires": "2030-01-01", "platform": "myspace"}, "/platform"),
    ({"title": "x", "expires": "2030-01-01", "timeOffset": HUGE}, "/timeOffset"),
]


@pytest.mark.parametrize(("body", "pointer"), BAD_KEYS)
def test_bad_api_keys_are_refused(
    mgmt: httpx.Client, shared_app: AppContext, body: dict[str, Any], pointer: str
) -> None:
    assert_error(mgmt.post(f"/v1/applications/{shared_app.id}/api_keys", json=body), 400, pointer=pointer)


def test_case_sensitivity_is_fixed_once_there_are_codes(mgmt: httpx.Client, app: AppContext) -> None:
    # given an application with a coupon
    insensitive = new_application(caseSensitivity="insensitive-lowercase")
    assert mgmt.put(f"/v1/applications/{app.id}", json=insensitive).status_code == 200
    kept = mgmt.put(f"/v1/applications/{app.id}", json=new_application())  # left out: kept
    assert kept.status_code == 200 and kept.json()["caseSensitivity"] == "insensitive-lowercase"
    campaign = mgmt.post(
        f"/v1/applications/{app.id}/campaigns", json={"name": "c", "tags": [], "features": [], "limits": []}
    ).json()
    coupons = mgmt.post(
        f"/v1/applications/{app.id}/campaigns/{campaign['id']}/coupons",
        json={"numberOfCoupons": 1, "usageLimit": 1},
    )
    assert coupons.status_code == 204
    # when its case sensitivity would change, then that is refused; the same setting is fine
    assert_error(
        mgmt.put(f"/v1/applications/{app.id}", json=new_application(caseSensitivity="sensitive")),
        400,
        pointer="/caseSensitivity",
    )
    assert mgmt.put(f"/v1/applications/{app.id}", json=insensitive).status_code == 200
