"""Every ``responseContent`` value of session updates, returns and profile updates, and what a profile
update with the rule engine commits at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from talon_one.models.event import Event
from talon_one.models.giveaway import Giveaway
from talon_one.models.integration_state_v2 import IntegrationStateV2
from talon_one.models.inventory_referral import InventoryReferral
from talon_one.models.loyalty import Loyalty

from tests.api import factories
from tests.api.factories import COUPON_RULE, campaign, coupon, discount_rule
from tests.conftest import AppContext, Server, random_id

CART = [{"sku": "mug", "quantity": 2, "price": 12}]
EVERYTHING = [
    "customerSession",
    "customerProfile",
    "coupons",
    "triggeredCampaigns",
    "referral",
    "loyalty",
    "event",
    "awardedGiveaways",
    "ruleFailureReasons",
    "previousReturns",
]


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def put(client: httpx.Client, session_id: str, content: list[str], **session: Any) -> dict[str, Any]:
    body = {"customerSession": session, "responseContent": content}
    response = client.put(f"/v2/customer_sessions/{session_id}", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_every_response_content_value_is_answered_and_fits_the_sdk_models(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given a referral campaign, a coupon campaign and a loyalty program
    refer = {"title": "refer", "condition": ["and", True], "effects": [["createReferral", {}]]}
    friend_deal = discount_rule("friend deal", ["and", ["referralValid"]], 3, name="friend")
    referral_campaign = campaign(server, app, [refer, friend_deal], features=["referrals"])
    coupon_campaign = campaign(server, app, [COUPON_RULE])
    code = random_id("CODE")
    coupon(server, app, coupon_campaign, code)
    points = factories.loyalty_program(mgmt, app)
    advocate = put(
        integration, random_id("s"), [], profileId=random_id("adv"), cartItems=CART, state="closed"
    )
    referral_code = advocate["createdReferrals"][0]["code"]
    friend = random_id("friend")
    # when a friend closes a session with the referral and the coupon, asking for everything
    session_id = random_id("s")
    state = put(
        integration,
        session_id,
        EVERYTHING,
        profileId=friend,
        couponCodes=[code, "NOT-A-CODE"],
        referralCode=referral_code,
        cartItems=CART,
        state="closed",
    )
    # then every part is there and the official client's models accept the answer
    assert set(EVERYTHING) - {"previousReturns"} <= set(state)
    IntegrationStateV2.from_dict(state)
    assert state["customerSession"]["integrationId"] == session_id
    assert state["customerProfile"]["integrationId"] == friend
    assert [c["value"] for c in state["coupons"]] == [code]
    assert {c["id"] for c in state["triggeredCampaigns"]} == {referral_campaign, coupon_campaign}
    referral = InventoryReferral.from_dict(state["referral"])
    assert referral.code == referral_code and referral.referred_customers == [friend]
    Loyalty.from_dict(state["loyalty"])
    assert state["loyalty"]["programs"][str(points["id"])]["ledger"]["currentBalance"] == 0
    event = Event.from_dict(state["event"])
    assert event.type == "talon_session_created" and event.session_id == session_id
    assert state["event"]["meta"]["couponRejectionReason"]["reason"] == "CouponNotFound"
    assert state["awardedGiveaways"] == [] and state["ruleFailureReasons"] == []
    assert state["previousReturns"] == []


def test_awarded_giveaways_and_previous_returns(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    campaign(server, app, [discount_rule("always", ["and", True], 1)])
    session_id = random_id("s")
    closed = put(integration, session_id, [], profileId=random_id("p"), cartItems=CART, state="closed")
    assert closed["effects"]
    pool = factories.define_row(
        server, "giveaway_pools", name=random_id("pool"), subscribed_applications_ids=[]
    )
    with factories.database(server)(write=False) as uow:
        stored = uow.records.find_one("customer_sessions", application_id=app.id, integration_id=session_id)
    assert stored is not None
    gift = random_id("GIFT")
    factories.define(
        server,
        "giveaway_codes",
        pool_id=pool,
        code=gift,
        session_id=stored["id"],
        awarded_at=datetime.now(UTC),
        profile_integration_id=stored["profile_integration_id"],
    )
    body = {"return": {"returnedCartItems": [{"position": 0, "quantity": 1}]}}
    first = integration.post(f"/v2/customer_sessions/{session_id}/returns", json=body)
    assert first.status_code == 200, first.text
    second = integration.post(
        f"/v2/customer_sessions/{session_id}/returns",
        json={**body, "responseContent": ["previousReturns", "customerSession", "event"]},
    ).json()
    assert [r["returnedCartItems"] for r in second["previousReturns"]] == [
        [{"position": 0, "quantity": 1, "sku": "mug"}]
    ]
    assert second["return"]["id"] != second["previousReturns"][0]["id"]
    assert second["customerSession"]["cartItems"][0]["remainingQuantity"] == 0
    assert second["event"]["type"] == "talon_session_partially_returned"
    # another session has no giveaways; the code shows in the answers of the session it was drawn for
    assert put(integration, random_id("s2"), ["awardedGiveaways"], cartItems=CART)["awardedGiveaways"] == []
    cancelled = put(integration, session_id, ["awardedGiveaways"], state="cancelled")
    [awarded] = cancelled["awardedGiveaways"]
    assert Giveaway.from_dict(awarded).code == gift and awarded["poolId"] == pool


def test_profile_update_with_the_rule_engine_commits_at_once(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    tier = "tier" + random_id("a").replace("-", "")
    factories.define(
        server, "attributes", entity="CustomerProfile", name=tier, title=tier, type="string", suggestions=[]
    )
    rules = [
        {
            "title": "welcome",
            "condition": ["and", ["=", [".", "Profile", "Attributes", tier], "new"]],
            "effects": [
                ["createCoupon", {"pattern": "WELCOME-####"}],
                ["updateAttributeValue", f"Profile.Attributes.{tier}", "welcomed"],
            ],
        }
    ]
    campaign_id = campaign(server, app, rules)
    profile = random_id("eve")
    path = f"/v2/customer_profiles/{profile}"
    content = [
        "customerProfile",
        "triggeredCampaigns",
        "loyalty",
        "event",
        "awardedGiveaways",
        "ruleFailureReasons",
    ]
    # a dry run sees the sent attribute but writes nothing
    dry = integration.put(
        path,
        params={"runRuleEngine": "true", "dry": "true"},
        json={"attributes": {tier: "new"}, "responseContent": ["triggeredCampaigns"]},
    ).json()
    assert [e["effectType"] for e in dry["effects"]] == ["updateAttributeValue"]
    assert dry["createdCoupons"] == [] and [c["id"] for c in dry["triggeredCampaigns"]] == [campaign_id]
    # the real update creates the coupon and writes the attribute in the same request
    response = integration.put(
        path, params={"runRuleEngine": "true"}, json={"attributes": {tier: "new"}, "responseContent": content}
    )
    assert response.status_code == 200, response.text
    state = response.json()
    assert [e["effectType"] for e in state["effects"]] == ["updateAttributeValue", "couponCreated"]
    [created] = state["createdCoupons"]
    assert created["value"].startswith("WELCOME-") and created["recipientIntegrationId"] == profile
    assert state["customerProfile"]["attributes"][tier] == "welcomed"
    assert state["event"]["type"] == "talon_profile_created" and state["awardedGiveaways"] == []
    assert state["loyalty"] == {"programs": {}} and state["ruleFailureReasons"] == []
    # the written attribute no longer matches: the rule does not fire again
    again = integration.put(
        path, params={"runRuleEngine": "true"}, json={"responseContent": ["event"]}
    ).json()
    assert again["effects"] == [] and again["event"]["type"] == "talon_profile_updated"
