"""The read side: an application's sessions, customers and events; campaign analytics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.api.factories import COUPON_RULE, campaign, coupon
from tests.conftest import AppContext, Server, assert_error, create_application, random_id

CART = [{"sku": "shirt", "quantity": 2, "price": 20}]


def _campaign_path(server: Server, app: AppContext) -> str:
    campaign_id = campaign(server, app, [COUPON_RULE], features=["achievements"])
    return f"/v1/applications/{app.id}/campaigns/{campaign_id}"


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
