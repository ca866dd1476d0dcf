"""Achievements, collections and the read side (sessions, customers, events, analytics)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.api.factories import COUPON_RULE, campaign, coupon
from tests.conftest import AppContext, Server, assert_error, create_application, random_id

CART = [{"sku": "shirt", "quantity": 2, "price": 20}]


def _campaign_path(server: Server, app: AppContext) -> str:
    campaign_id = campaign(server, app, [COUPON_RULE], features=["achievements"])
    return f"/v1/applications/{app.id}/campaigns/{campaign_id}"


def test_achievements(server: Server, mgmt: httpx.Client, app: AppContext) -> None:
    base = _campaign_path(server, app) + "/achievements"
    body = {
        "name": "fiveOrders",
        "title": "Five orders",
        "description": "Order five times",
        "target": 5,
        "period": "30D",
        "recurrencePolicy": "no_recurrence",
        "activationPolicy": "user_action",
    }
    created = mgmt.post(base, json=body)
    assert created.status_code == 201, created.text
    found = created.json()
    assert (
        found["target"] == 5 and found["period"] == "30D" and found["campaignId"] == int(base.split("/")[-2])
    )
    assert mgmt.get(f"{base}/{found['id']}").json()["hasProgress"] is False
    assert [a["id"] for a in mgmt.get(base).json()["data"]] == [found["id"]]
    updated = mgmt.put(f"{base}/{found['id']}", json={"title": "Five!", "target": 6}).json()
    assert updated["title"] == "Five!" and updated["target"] == 6
    assert_error(mgmt.post(base, json=body), 409, pointer="/name")
    assert_error(mgmt.post(base, json={**body, "name": "9bad"}), 400, pointer="/name")
    assert_error(mgmt.post(base, json={**body, "name": "other", "period": "a while"}), 400, pointer="/period")
    assert_error(
        mgmt.post(base, json={**body, "name": "other", "recurrencePolicy": "always"}),
        400,
        pointer="/recurrencePolicy",
    )
    assert mgmt.delete(f"{base}/{found['id']}").status_code == 204
    assert_error(mgmt.get(f"{base}/{found['id']}"), 404)


def test_collections(server: Server, mgmt: httpx.Client, app: AppContext) -> None:
    account = mgmt.post(
        "/v1/collections", json={"name": "blocked skus", "subscribedApplicationsIds": [app.id]}
    )
    assert account.status_code == 201, account.text
    collection = account.json()
    assert collection["accountId"] == 1 and collection["subscribedApplicationsIds"] == [app.id]
    imported = mgmt.post(
        f"/v1/collections/{collection['id']}/import",
        files={"upFile": ("c.csv", "item\nsku-1\nsku-2\nsku-1\n", "text/csv")},
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["amount"] == 2
    assert mgmt.get(f"/v1/collections/{collection['id']}/items").json() == {
        "hasMore": False,
        "data": ["sku-1", "sku-2"],
    }
    updated = mgmt.put(f"/v1/collections/{collection['id']}", json={"description": "never discount"}).json()
    assert updated["description"] == "never discount"
    assert collection["id"] in [c["id"] for c in mgmt.get("/v1/collections").json()["data"]]
    base = _campaign_path(server, app) + "/collections"
    own = mgmt.post(base, json={"name": "vip skus"}).json()
    assert own["campaignId"] == int(base.split("/")[-2]) and own["applicationId"] == app.id
    assert [c["id"] for c in mgmt.get(base).json()["data"]] == [own["id"]]
    assert mgmt.get(f"{base}/{own['id']}").json()["name"] == "vip skus"
    assert_error(mgmt.get(f"{base}/{collection['id']}"), 404)
    assert mgmt.delete(f"{base}/{own['id']}").status_code == 204
    assert_error(mgmt.post("/v1/collections", json={"name": " starts with space"}), 400, pointer="/name")
    assert mgmt.delete(f"/v1/collections/{collection['id']}").status_code == 204


def test_sessions_customers_events_and_analytics(server: Server, mgmt: httpx.Client) -> None:
    app = create_application(mgmt)
    campaign_id = campaign(server, app, [COUPON_RULE])
    code = random_id("AN")
    coupon(server, app, campaign_id, code)
    profile = random_id("cust")
    session_id = random_id("s")
    with server.client(f"ApiKey-v1 {app.key}") as client:
        body = {
            "customerSession": {
                "profileId": profile,
                "couponCodes": [code],
                "cartItems": CART,
                "state": "closed",
            }
        }
        assert client.put(f"/v2/customer_sessions/{session_id}", json=body).status_code == 200
        client.put(f"/v2/customer_sessions/{random_id('s')}", json={"customerSession": {"cartItems": CART}})
    base = f"/v1/applications/{app.id}"
    sessions = mgmt.get(f"{base}/sessions", params={"profile": profile}).json()["data"]
    assert len(sessions) == 1
    assert sessions[0]["integrationId"] == session_id and sessions[0]["coupon"] == code
    assert (
        sessions[0]["discounts"] == {"5 off": 5}
        and sessions[0]["totalDiscounts"] == 5
        and sessions[0]["total"] == 40
    )
    assert mgmt.get(f"{base}/sessions/{sessions[0]['id']}").json()["state"] == "closed"
    assert len(mgmt.get(f"{base}/sessions", params={"coupon": code}).json()["data"]) == 1
    customers = mgmt.get(f"{base}/customers").json()
    assert [c["integrationId"] for c in customers["data"]] == [profile]
    customer = customers["data"][0]
    assert customer["closedSessions"] == 1 and customer["totalSales"] == 40
    assert mgmt.get(f"{base}/customers/{customer['id']}").json()["integrationId"] == profile
    events = mgmt.get(f"{base}/events/no_total", params={"session": session_id}).json()
    assert [e["type"] for e in events["data"]] == ["talon_session_created"]
    assert [e["effectType"] for e in events["data"][0]["effects"]] == ["acceptCoupon", "setDiscount"]
    today = datetime.now(UTC)
    params = {
        "rangeStart": (today - timedelta(days=2)).isoformat(),
        "rangeEnd": (today + timedelta(days=2)).isoformat(),
    }
    analytics = mgmt.get(f"{base}/campaigns/{campaign_id}/analytics", params=params).json()
    assert analytics["totalResultSize"] == 1
    [day] = analytics["data"]
    assert (
        day["campaignRevenue"] == 40 and day["campaignDiscountCosts"] == 5 and day["couponRedemptions"] == 1
    )
    assert_error(mgmt.get(f"{base}/campaigns/{campaign_id}/analytics"), 400, parameter="rangeStart")
    assert_error(mgmt.get(f"{base}/sessions/999999"), 404)
    assert_error(mgmt.get(f"{base}/customers/999999"), 404)
