"""Every referral rejection reason, in the order of DOMAIN B §3.2 (first failing check wins)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api import factories
from tests.api.factories import campaign, discount_rule
from tests.conftest import AppContext, Server, random_id

CART = [{"sku": "tea", "quantity": 3, "price": 4}]
FRIEND_DEAL = discount_rule("friend deal", ["and", ["referralValid"]], 3, name="friend")


def referral(server: Server, app: AppContext, campaign_id: int, **fields: Any) -> str:
    code = random_id("REF")
    with factories.database(server)() as uow:
        uow.records.insert(
            "referrals",
            {
                "application_id": app.id,
                "campaign_id": campaign_id,
                "created": datetime.now(UTC),
                "code": code,
                "lookup_code": code,
                "advocate_profile_integration_id": "advocate",
                **fields,
            },
        )
        uow.commit()
    return code


def rejection(client: httpx.Client, code: str, profile: str = "friend") -> dict[str, Any]:
    body = {"customerSession": {"profileId": profile, "referralCode": code, "cartItems": CART}}
    response = client.put(f"/v2/customer_sessions/{random_id('s')}", json=body)
    assert response.status_code == 200, response.text
    [found] = [e for e in response.json()["effects"] if e["effectType"] == "rejectReferral"]
    return found["props"]  # type: ignore[no-any-return]


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


@pytest.mark.parametrize(
    ("reason", "fields"),
    [
        ("ReferralRecipientIdSameAsAdvocate", {"friend_profile_integration_id": "friend"}),
        ("ReferralRecipientDoesNotMatch", {"friend_profile_integration_id": "another-friend"}),
        ("ReferralStartDateInFuture", {"start_date": datetime.now(UTC) + timedelta(days=2)}),
        ("ReferralExpired", {"expiry_date": datetime.now(UTC) - timedelta(days=2)}),
        ("ReferralLimitReached", {"usage_limit": 2, "usage_counter": 2}),
    ],
)
def test_the_referral_itself(
    server: Server, app: AppContext, integration: httpx.Client, reason: str, fields: dict[str, Any]
) -> None:
    campaign_id = campaign(server, app, [FRIEND_DEAL], features=["referrals"])
    code = referral(server, app, campaign_id, **fields)
    profile = "advocate" if reason == "ReferralRecipientIdSameAsAdvocate" else "friend"
    assert rejection(integration, code, profile)["rejectionReason"] == reason


def test_the_campaign_and_the_rules(server: Server, app: AppContext, integration: httpx.Client) -> None:
    # a campaign that is not running
    disabled = campaign(server, app, [FRIEND_DEAL], features=["referrals"], state="disabled")
    code = referral(server, app, disabled)
    assert rejection(integration, code)["rejectionReason"] == "ReferralPartOfNotRunningCampaign"
    # campaign and profile referral limits that are used up
    for entities, reason in (([], "CampaignLimitReached"), (["Profile"], "ProfileLimitReached")):
        limits = [{"action": "redeemReferral", "limit": 0, "entities": entities}]
        limited = campaign(server, app, [FRIEND_DEAL], features=["referrals"], limits=limits)
        assert rejection(integration, referral(server, app, limited))["rejectionReason"] == reason
    # conditions that are not met name the condition
    picky = discount_rule("big carts", ["and", ["referralValid"], [">", [".", "Session", "Total"], 500]], 3)
    conditional = campaign(server, app, [picky], features=["referrals"])
    props = rejection(integration, referral(server, app, conditional))
    assert (props["rejectionReason"], props["conditionIndex"]) == ("ReferralRejectedByCondition", 1)
    # an effect the budget cannot pay for
    budget = [{"action": "setDiscount", "limit": 1, "entities": []}]
    poor = campaign(server, app, [FRIEND_DEAL], features=["referrals"], limits=budget)
    assert rejection(integration, referral(server, app, poor))["rejectionReason"] == "EffectCouldNotBeApplied"
