"""The read side: an application's sessions, customers and events; campaign analytics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.factories import COUPON_RULE, campaign, coupon
from tests.api.sdk import check, check_page
from tests.conftest import AppContext, Server, assert_error, create_application, random_id

CART = [{"sku": "shirt", "quantity": 2, "price": 20}]
NOW = datetime.now(UTC)


@dataclass
class Activity:
    app: AppContext
    campaign_id: int
    code: str
    store: str
    buyer: str
    browser: str
    closed: str
    opened: str


def _define(server: Server, name: str) -> None:
    with server.management() as mgmt:
        body = {
            "entity": "CustomerProfile",
            "name": name,
            "title": name,
            "type": "string",
            "description": "",
            "suggestions": [],
            "editable": True,
        }
        created = mgmt.post("/v1/attributes", json=body)
    assert created.status_code in (201, 409), created.text  # account-wide; another test may have it


@pytest.fixture(scope="module")
def activity(server: Server) -> Activity:
    """One application with a closed coupon session of a named customer and an open session."""
    with server.management() as mgmt:
        app = create_application(mgmt)
        store = random_id("store")
        assert mgmt.post(
            f"/v1/applications/{app.id}/stores", json={"name": "s", "description": "", "integrationId": store}
        ).is_success
    campaign_id = campaign(server, app, [COUPON_RULE], name="Spring coupons")
    code = random_id("AN")
    coupon(server, app, campaign_id, code)
    for name in ("Name", "Email"):
        _define(server, name)
    activity = Activity(
        app,
        campaign_id,
        code,
        store,
        random_id("buyer"),
        random_id("browser"),
        random_id("s"),
        random_id("s"),
    )
    with server.client(f"ApiKey-v1 {app.key}") as client:
        profile = {"attributes": {"Name": "Ada Lovelace", "Email": "ada@example.com"}}
        assert client.put(f"/v2/customer_profiles/{activity.buyer}", json=profile).status_code == 200
        closed = {
            "profileId": activity.buyer,
            "couponCodes": [code],
            "cartItems": CART,
            "state": "closed",
            "storeIntegrationId": store,
        }
        assert client.put(
            f"/v2/customer_sessions/{activity.closed}", json={"customerSession": closed}
        ).is_success
        opened = {"profileId": activity.browser, "cartItems": CART, "referralCode": "REF-NOPE"}
        assert client.put(
            f"/v2/customer_sessions/{activity.opened}", json={"customerSession": opened}
        ).is_success
    return activity


def _sessions(mgmt: httpx.Client, activity: Activity, **params: Any) -> list[str]:
    response = mgmt.get(f"/v1/applications/{activity.app.id}/sessions", params=params)
    assert response.status_code == 200, response.text
    return [s["integrationId"] for s in check_page(response.json(), "ApplicationSession", total=False)]


def test_sessions_list_and_one(mgmt: httpx.Client, activity: Activity) -> None:
    base = f"/v1/applications/{activity.app.id}"
    [closed] = mgmt.get(f"{base}/sessions", params={"profile": activity.buyer}).json()["data"]
    assert closed["integrationId"] == activity.closed and closed["coupon"] == activity.code
    assert closed["discounts"] == {"5 off": 5} and closed["totalDiscounts"] == 5 and closed["total"] == 40
    assert closed["state"] == "closed" and closed["storeIntegrationId"] == activity.store
    assert closed["profileintegrationid"] == activity.buyer and closed["cartItems"][0]["sku"] == "shirt"
    one = mgmt.get(f"{base}/sessions/{closed['id']}")
    assert check("ApplicationSession", one.json()) == closed
    assert_error(mgmt.get(f"{base}/sessions/999999"), 404)
    other = create_application(mgmt)
    assert_error(mgmt.get(f"/v1/applications/{other.id}/sessions/{closed['id']}"), 404)


def test_session_filters(mgmt: httpx.Client, activity: Activity) -> None:
    both = [activity.opened, activity.closed]  # newest first
    short = activity.buyer[:4]
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({}, both),
        ({"state": "closed"}, [activity.closed]),
        ({"state": "open"}, [activity.opened]),
        ({"state": "cancelled"}, []),
        ({"coupon": activity.code}, [activity.closed]),
        ({"coupon": activity.code[3:].lower(), "partialMatch": "true"}, [activity.closed]),
        ({"coupon": activity.code[3:]}, []),
        ({"profile": short, "partialMatch": "true"}, [activity.closed]),
        ({"profile": "bu", "partialMatch": "true"}, []),  # under 3 characters: exact
        ({"integrationId": activity.opened}, [activity.opened]),
        ({"storeIntegrationId": activity.store}, [activity.closed]),
        ({"referral": "REF-NOPE"}, [activity.opened]),
        ({"createdAfter": (NOW - timedelta(hours=1)).isoformat()}, both),
        ({"createdBefore": "2001-01-01"}, []),
        ({"sort": "id"}, both[::-1]),
        ({"pageSize": 1}, [activity.opened]),
        ({"pageSize": 1, "skip": 1}, [activity.closed]),
    ]
    for params, expected in cases:
        assert _sessions(mgmt, activity, **params) == expected, params
    assert (
        mgmt.get(f"/v1/applications/{activity.app.id}/sessions", params={"pageSize": 1}).json()["hasMore"]
        is True
    )


def test_customers(mgmt: httpx.Client, activity: Activity) -> None:
    base = f"/v1/applications/{activity.app.id}/customers"
    listed = mgmt.get(base)
    customers = check_page(listed.json(), "ApplicationCustomer", total=False)
    assert [c["integrationId"] for c in customers] == [activity.browser, activity.buyer]
    buyer = customers[1]
    assert (
        buyer["closedSessions"] == 1
        and buyer["totalSales"] == 40
        and buyer["attributes"]["Name"] == "Ada Lovelace"
    )
    assert (
        check("ApplicationCustomer", mgmt.get(f"{base}/{buyer['id']}").json())["integrationId"]
        == activity.buyer
    )
    only = mgmt.get(base, params={"integrationId": activity.buyer}).json()
    assert [c["integrationId"] for c in only["data"]] == [activity.buyer] and only["hasMore"] is False
    counted = mgmt.get(base, params={"withTotalResultSize": "true", "pageSize": 1}).json()
    assert counted["totalResultSize"] == 2 and counted["hasMore"] is True and len(counted["data"]) == 1
    assert [c["integrationId"] for c in mgmt.get(base, params={"skip": 1}).json()["data"]] == [activity.buyer]
    assert_error(mgmt.get(f"{base}/999999"), 404)
    other = create_application(mgmt)
    assert_error(mgmt.get(f"/v1/applications/{other.id}/customers/{buyer['id']}"), 404)
    assert mgmt.get(f"/v1/applications/{other.id}/customers").json() == {"hasMore": False, "data": []}


def test_event_filters(mgmt: httpx.Client, activity: Activity) -> None:
    base = f"/v1/applications/{activity.app.id}/events/no_total"

    with_ids = mgmt.get(f"/v1/applications/{activity.app.id}/sessions").json()["data"]
    label = {s["id"]: "opened" if s["integrationId"] == activity.opened else "closed" for s in with_ids}

    def sessions(**params: Any) -> list[str]:
        response = mgmt.get(base, params=params)
        assert response.status_code == 200, response.text
        events = check_page(response.json(), "ApplicationEvent", total=False)
        return [e["type"] + ":" + label[e["sessionId"]] for e in events]

    [event] = mgmt.get(base, params={"session": activity.closed}).json()["data"]
    assert event["type"] == "talon_session_created" and event["applicationId"] == activity.app.id
    assert [e["effectType"] for e in event["effects"]] == ["acceptCoupon", "setDiscount"]
    created = "talon_session_created"
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({}, [f"{created}:opened", f"{created}:closed"]),
        ({"type": f"{created},other"}, [f"{created}:opened", f"{created}:closed"]),
        ({"type": "talon_session_updated"}, []),
        ({"profile": activity.browser}, [f"{created}:opened"]),
        ({"couponCode": activity.code}, [f"{created}:closed"]),
        ({"couponCode": "NOPE"}, []),
        ({"referralCode": "REF-NOPE"}, [f"{created}:opened"]),
        ({"referralCode": "REF-OTHER"}, []),
        ({"effectType": "setDiscount"}, [f"{created}:closed"]),
        ({"ruleQuery": "COUPON"}, [f"{created}:closed"]),
        ({"campaignQuery": "spring"}, [f"{created}:closed"]),
        ({"campaignQuery": "autumn"}, []),
        ({"customerName": "lovelace"}, [f"{created}:closed"]),
        ({"customerEmail": "@example"}, [f"{created}:closed"]),
        ({"customerEmail": "nobody"}, []),
        ({"createdBefore": "2001-01-01"}, []),
        (
            {"createdAfter": (NOW - timedelta(hours=1)).isoformat(), "sort": "id"},
            [f"{created}:closed", f"{created}:opened"],
        ),
        ({"pageSize": 1, "skip": 1}, [f"{created}:closed"]),
    ]
    for params, expected in cases:
        assert sessions(**params) == expected, params


def test_campaign_analytics(mgmt: httpx.Client, activity: Activity) -> None:
    url = f"/v1/applications/{activity.app.id}/campaigns/{activity.campaign_id}/analytics"
    params = {
        "rangeStart": (NOW - timedelta(days=2)).isoformat(),
        "rangeEnd": (NOW + timedelta(days=2)).isoformat(),
    }
    analytics = mgmt.get(url, params=params)
    [day] = check_page(analytics.json(), "CampaignAnalytics", total=True)
    assert (
        day["campaignRevenue"] == 40 and day["campaignDiscountCosts"] == 5 and day["couponRedemptions"] == 1
    )
    assert day["totalCampaignRevenue"] == 40 and day["date"].endswith("T00:00:00Z")
    for granularity in ("1 week", "1 month", "1 year"):
        grouped = mgmt.get(url, params={**params, "granularity": granularity}).json()
        assert [d["campaignRevenue"] for d in grouped["data"]] == [40], granularity
    before = {"rangeStart": "2001-01-01", "rangeEnd": "2001-02-01"}
    assert mgmt.get(url, params=before).json() == {"totalResultSize": 0, "data": []}
    for query, parameter in [
        ({"rangeEnd": params["rangeEnd"]}, "rangeStart"),
        ({"rangeStart": params["rangeStart"]}, "rangeEnd"),
        ({**params, "rangeStart": "then"}, "rangeStart"),
        ({**params, "granularity": "1 hour"}, "granularity"),
        ({**params, "granularity": "fortnight"}, "granularity"),
        ({"rangeStart": "2030-01-02", "rangeEnd": "2030-01-01"}, "rangeEnd"),
    ]:
        assert_error(mgmt.get(url, params=query), 400, parameter=parameter)
    assert_error(
        mgmt.get(f"/v1/applications/{activity.app.id}/campaigns/999999/analytics", params=params), 404
    )


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("sessions", {"state": "asleep"}, "state"),
        ("sessions", {"partialMatch": "maybe"}, "partialMatch"),
        ("sessions", {"createdAfter": "then"}, "createdAfter"),
        ("sessions", {"sort": "colour"}, "sort"),
        ("customers", {"withTotalResultSize": "maybe"}, "withTotalResultSize"),
        ("events/no_total", {"customerName": "a"}, "customerName"),
        ("events/no_total", {"customerEmail": "a"}, "customerEmail"),
        ("events/no_total", {"createdBefore": "then"}, "createdBefore"),
        ("events/no_total", {"sort": "colour"}, "sort"),
    ],
)
def test_bad_read_side_queries_name_the_parameter(
    mgmt: httpx.Client, shared_app: AppContext, path: str, params: dict[str, str], parameter: str
) -> None:
    assert_error(
        mgmt.get(f"/v1/applications/{shared_app.id}/{path}", params=params), 400, parameter=parameter
    )


def test_unknown_applications_have_no_activity(mgmt: httpx.Client) -> None:
    for path in ("sessions", "sessions/1", "customers", "customers/1", "events/no_total"):
        assert_error(mgmt.get(f"/v1/applications/999999/{path}"), 404)
