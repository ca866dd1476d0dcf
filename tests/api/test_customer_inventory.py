"""The customer inventory (``GET /v1/customer_profiles/{integrationId}/inventory``): each part only when
its flag asks for it, holding exactly what the customer holds in the key's application, in the shapes of
Talon.One's own models (and its client)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.factories import COUPON_RULE, campaign, coupon
from tests.api.sdk import check
from tests.conftest import AppContext, Server, assert_error, create_application, random_id

FLAGS = ("profile", "referrals", "coupons", "loyalty", "giveaways", "achievements")


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def inventory(client: httpx.Client, profile: str, *flags: str) -> dict[str, Any]:
    response = client.get(f"/v1/customer_profiles/{profile}/inventory", params={f: "true" for f in flags})
    assert response.status_code == 200, response.text
    return check("CustomerInventory", response.json())  # type: ignore[no-any-return]


def close(client: httpx.Client, profile: str, total: float = 7, **session: Any) -> dict[str, Any]:
    body = {
        "customerSession": {
            "profileId": profile,
            "state": "closed",
            "cartItems": [{"sku": "x", "quantity": 1, "price": total}],
            **session,
        }
    }
    response = client.put(f"/v2/customer_sessions/{random_id('s')}", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_an_unknown_profile_is_404_and_no_flag_is_an_empty_inventory(integration: httpx.Client) -> None:
    assert_error(integration.get(f"/v1/customer_profiles/{random_id('nobody')}/inventory"), 404)
    profile = random_id("p")
    close(integration, profile)
    assert inventory(integration, profile) == {}
    everything = inventory(integration, profile, *FLAGS)
    assert everything["referrals"] == [] and everything["coupons"] == [] and everything["giveaways"] == []
    assert everything["achievements"] == [] and everything["loyalty"] == {"programs": {}}
    assert everything["profile"]["integrationId"] == profile
    bad = integration.get(f"/v1/customer_profiles/{profile}/inventory", params={"coupons": "maybe"})
    assert_error(bad, 400, parameter="coupons")


def reward_rules(*reserved: str) -> list[dict[str, Any]]:
    """On a close of 7: a coupon made for the customer, a referral it advocates, reservations."""
    effects: list[Any] = [["createCoupon", {"pattern": "GIFT-######"}], ["createReferral", {}]]
    effects += [["reserveCoupon", code] for code in reserved]
    deal = {"title": "friend", "condition": ["and", ["referralValid"]], "effects": [["setDiscount", "f", 1]]}
    reward = {"title": "reward", "condition": ["=", [".", "Session", "Total"], 7], "effects": effects}
    return [reward, COUPON_RULE, deal]


def test_coupons_and_referrals_are_exactly_the_customers_with_their_states(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    now = datetime.now(UTC)
    codes = {k: random_id(k.upper()) for k in ("soft", "hard", "later", "gone", "off", "full", "used", "all")}
    rewards = campaign(
        server,
        app,
        reward_rules(*(codes[k] for k in ("soft", "hard", "later", "gone", "off", "full"))),
        features=["coupons", "referrals"],
    )
    stopped = campaign(server, app, [], state="disabled", name="stopped")
    coupon(server, app, rewards, codes["soft"])
    coupon(server, app, rewards, codes["hard"], is_reservation_mandatory=True)
    coupon(server, app, rewards, codes["later"], start_date=now + timedelta(days=5))
    coupon(server, app, rewards, codes["gone"], expiry_date=now - timedelta(days=1))
    coupon(server, app, stopped, codes["off"])
    coupon(server, app, rewards, codes["full"], usage_limit=1)
    coupon(server, app, rewards, codes["used"])
    coupon(server, app, rewards, codes["all"], implicitly_reserved=True)
    # another application's coupon for everyone is not this application's customers'
    with server.management() as mgmt:
        elsewhere = create_application(mgmt)
    coupon(server, elsewhere, campaign(server, elsewhere, []), random_id("ELSE"), implicitly_reserved=True)
    ann, bob, cat = random_id("ann"), random_id("bob"), random_id("cat")
    # when ann closes a session of 7 (rewards), bob too, and ann redeems a coupon
    created = close(integration, ann)
    gift, referral = created["createdCoupons"][0]["value"], created["createdReferrals"][0]["code"]
    close(integration, bob)
    close(integration, ann, 10, couponCodes=[codes["used"]])
    close(integration, bob, 10, couponCodes=[codes["full"]])  # the last use of a coupon ann holds
    close(integration, cat, 10, referralCode=referral)  # cat is ann's friend
    # then ann's coupons are hers, each in its state
    found = inventory(integration, ann, "coupons")
    assert set(found) == {"coupons"}
    states = {c["value"]: c["state"] for c in found["coupons"]}
    assert states == {
        codes["soft"]: "active",
        codes["hard"]: "active",
        codes["later"]: "pending",
        codes["gone"]: "expired",
        codes["off"]: "disabled",
        codes["full"]: "used",
        codes["used"]: "used",
        codes["all"]: "active",
        gift: "active",
    }
    by_value = {c["value"]: c for c in found["coupons"]}
    assert by_value[codes["used"]]["profileRedemptionCount"] == 1
    assert by_value[codes["full"]]["profileRedemptionCount"] == 0
    assert by_value[codes["hard"]]["isReservationMandatory"] is True
    assert by_value[gift]["recipientIntegrationId"] == ann
    for item in found["coupons"]:
        check("InventoryCoupon", item)
    # and her referral, with the friend who redeemed it
    [mine] = inventory(integration, ann, "referrals")["referrals"]
    assert mine["code"] == referral and mine["referredCustomers"] == [cat] and mine["usageCounter"] == 1
    assert mine["advocateProfileIntegrationId"] == ann
    # cat holds only what every customer holds
    assert [c["value"] for c in inventory(integration, cat, "coupons")["coupons"]] == [codes["all"]]
    assert inventory(integration, cat, "referrals")["referrals"] == []
