"""Referral codes through the Integration API (Talon.One's own client): one for an advocate, one each for
many advocates (``silent``, patterns, one request of 1000), the campaign's referral limits ignored, a
code redeemed by a friend in a closed session that rewards the advocate (points and a coupon), and the
400s."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import talon_one
from talon_one.api.integration_api import IntegrationApi
from talon_one.exceptions import ApiException
from talon_one.models.new_referral import NewReferral
from talon_one.models.new_referrals_for_multiple_advocates import NewReferralsForMultipleAdvocates

from tests.api import factories
from tests.api.factories import campaign, discount_rule
from tests.api.sdk import check
from tests.conftest import AppContext, Server, assert_error, create_application, random_id

CART = [{"sku": "tea", "quantity": 2, "price": 10}]
FRIEND_DEAL = discount_rule("friend deal", ["and", ["referralValid"]], 3, name="friend")


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


@pytest.fixture
def api(server: Server, app: AppContext) -> IntegrationApi:
    config = talon_one.Configuration(host=server.base_url)
    config.api_key["api_key_v1"] = app.key
    config.api_key_prefix["api_key_v1"] = "ApiKey-v1"
    return IntegrationApi(talon_one.ApiClient(config))


def profiles(client: httpx.Client, count: int, prefix: str = "adv") -> list[str]:
    """``count`` customer profiles made through the API (in requests of up to 1000)."""
    ids = [random_id(prefix) for _ in range(count)]
    for start in range(0, count, 1000):
        chunk = [{"integrationId": i, "attributes": {}} for i in ids[start : start + 1000]]
        made = client.put("/v2/customer_profiles", json={"customerProfiles": chunk})
        assert made.status_code == 204, made.text
    return ids


def referral_campaign(server: Server, app: AppContext, rules: list[dict[str, Any]], **extra: Any) -> int:
    return campaign(server, app, rules, features=["referrals"], **extra)


def referrals_of(server: Server, app: AppContext, campaign_id: int, advocate: str) -> list[dict[str, Any]]:
    with server.management() as mgmt:
        found = mgmt.get(
            f"/v1/applications/{app.id}/campaigns/{campaign_id}/referrals/no_total",
            params={"advocate": advocate},
        )
    assert found.status_code == 200, found.text
    return found.json()["data"]  # type: ignore[no-any-return]


def close(client: httpx.Client, profile: str, referral: str, *parts: str) -> dict[str, Any]:
    body = {
        "customerSession": {
            "profileId": profile,
            "state": "closed",
            "cartItems": CART,
            "referralCode": referral,
        },
        "responseContent": list(parts),
    }
    response = client.put(f"/v2/customer_sessions/{random_id('s')}", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_referral_made_for_an_advocate_is_redeemed_by_a_friend_who_rewards_the_advocate(
    server: Server, mgmt: httpx.Client, app: AppContext, api: IntegrationApi, integration: httpx.Client
) -> None:
    # given a referral campaign whose rule gives the friend a discount and the advocate points and a coupon
    program = factories.loyalty_program(mgmt, app)
    reward = {
        "title": "reward",
        "condition": ["and", ["referralValid"]],
        "effects": [
            ["setDiscount", "friend", 3],
            ["addLoyaltyPoints", program["id"], 10, {"recipient": "advocate", "name": "referral"}],
            ["createCoupon", {"recipient": "advocate", "pattern": "THANKS-####"}],
        ],
    }
    campaign_id = campaign(server, app, [reward], features=["referrals", "coupons"])
    [advocate] = profiles(integration, 1)
    friend = random_id("friend")
    start = datetime.now(UTC) - timedelta(hours=1)
    # when the official client creates a referral code for the advocate
    made = api.create_referral(
        NewReferral(
            campaign_id=campaign_id,
            advocate_profile_integration_id=advocate,
            usage_limit=1,
            start_date=start,
            attributes={"channel": "web"},
        )
    )
    # then it is the campaign's, unused, with the terms asked for
    assert (made.campaign_id, made.advocate_profile_integration_id) == (campaign_id, advocate)
    assert (made.usage_limit, made.usage_counter, made.attributes) == (1, 0, {"channel": "web"})
    assert len(made.code) == 9 and made.code[4] == "-" and made.expiry_date is None
    # when a friend redeems it in a closed session
    state = close(integration, friend, made.code, "referral")
    kinds = [e["effectType"] for e in state["effects"]]
    assert kinds == ["acceptReferral", "setDiscount", "addLoyaltyPoints", "couponCreated"]
    # then the friend is recorded, the advocate has the points and the coupon, and the code is used up
    assert state["referral"]["referredCustomers"] == [friend]
    with factories.database(server)(write=False) as uow:
        [relation] = uow.records.find("referral_friends", {"referral_id": made.id}).rows
    assert relation["friend_profile_integration_id"] == friend
    [created] = state["createdCoupons"]
    assert created["recipientIntegrationId"] == advocate and created["value"].startswith("THANKS-")
    balance = integration.get(f"/v1/loyalty_programs/{program['id']}/profile/{advocate}/balances")
    assert balance.status_code == 200 and balance.json()["balance"]["activePoints"] == 10
    [stored] = referrals_of(server, app, campaign_id, advocate)
    assert stored["usageCounter"] == 1
    # and another friend is refused it
    again = close(integration, random_id("late"), made.code)
    [rejected] = [e for e in again["effects"] if e["effectType"] == "rejectReferral"]
    assert rejected["props"]["rejectionReason"] == "ReferralLimitReached"


def test_a_referral_for_one_friend_and_without_a_limit(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    campaign_id = referral_campaign(server, app, [FRIEND_DEAL])
    [advocate] = profiles(integration, 1)
    body = {"campaignId": campaign_id, "advocateProfileIntegrationId": advocate}
    made = integration.post("/v1/referrals", json={**body, "friendProfileIntegrationId": "chosen"})
    assert made.status_code == 201, made.text
    referral = check("Referral", made.json())
    assert referral["friendProfileIntegrationId"] == "chosen" and referral["usageLimit"] == 0
    stranger = close(integration, random_id("stranger"), referral["code"])
    [rejected] = [e for e in stranger["effects"] if e["effectType"] == "rejectReferral"]
    assert rejected["props"]["rejectionReason"] == "ReferralRecipientDoesNotMatch"
    anyone = integration.post("/v1/referrals", json={**body, "friendProfileIntegrationId": ""})
    assert anyone.status_code == 201 and "friendProfileIntegrationId" not in anyone.json()
    for _ in range(2):  # unlimited: the chosen friend redeems it twice
        assert "acceptReferral" in [
            e["effectType"] for e in close(integration, "chosen", referral["code"])["effects"]
        ]


def test_codes_follow_the_campaigns_referral_settings(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    settings = {"couponPattern": "FRIEND-###", "validCharacters": ["X", "Y"]}
    campaign_id = referral_campaign(server, app, [FRIEND_DEAL], referralSettings=settings)
    [advocate] = profiles(integration, 1)
    made = integration.post(
        "/v1/referrals", json={"campaignId": campaign_id, "advocateProfileIntegrationId": advocate}
    )
    assert made.status_code == 201, made.text
    value = made.json()["code"]
    assert value.startswith("FRIEND-") and set(value[7:]) <= {"X", "Y"} and len(value) == 10


def test_referrals_for_many_advocates_silently_or_not(
    server: Server, app: AppContext, api: IntegrationApi, integration: httpx.Client
) -> None:
    # given a campaign whose referral budget allows a single referral (which these endpoints ignore)
    limits = [{"action": "createReferral", "limit": 1, "entities": []}]
    campaign_id = referral_campaign(server, app, [FRIEND_DEAL], limits=limits)
    advocates = profiles(integration, 3)
    body = {
        "campaignId": campaign_id,
        "advocateProfileIntegrationIds": advocates,
        "usageLimit": 2,
        "referralPattern": "REF-###-###",
        "validCharacters": ["A", "B", "C"],
        "attributes": {"wave": "one"},
    }
    # when asked for an answer, it lists one referral per advocate, in their order, of one batch
    made = integration.post("/v1/referrals_for_multiple_advocates", params={"silent": "no"}, json=body)
    assert made.status_code == 201, made.text
    page = made.json()
    assert set(page) == {"totalResultSize", "data"} and page["totalResultSize"] == 3
    referrals = [check("Referral", r) for r in page["data"]]
    assert [r["advocateProfileIntegrationId"] for r in referrals] == advocates
    assert len({r["code"] for r in referrals}) == 3 and len({r["batchId"] for r in referrals}) == 1
    for referral in referrals:
        value = referral["code"]
        assert value[:4] == "REF-" and value[7] == "-" and set(value[4:7] + value[8:]) <= set("ABC")
        assert (referral["usageLimit"], referral["attributes"]) == (2, {"wave": "one"})
    # silent by default: 204, and the referrals exist all the same
    quiet = integration.post("/v1/referrals_for_multiple_advocates", json=body)
    assert quiet.status_code == 204 and quiet.content == b""
    assert len(referrals_of(server, app, campaign_id, advocates[0])) == 2
    # the official client, silent=no
    answer = api.create_referrals_for_multiple_advocates(
        NewReferralsForMultipleAdvocates(
            campaign_id=campaign_id, advocate_profile_integration_ids=advocates[:1], usage_limit=0
        ),
        silent="no",
    )
    assert answer.total_result_size == 1 and answer.data[0].advocate_profile_integration_id == advocates[0]
    assert len(referrals_of(server, app, campaign_id, advocates[0])) == 3


def test_a_thousand_advocates_in_one_request(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    campaign_id = referral_campaign(server, app, [FRIEND_DEAL])
    advocates = profiles(integration, 1000, "many")
    body = {"campaignId": campaign_id, "advocateProfileIntegrationIds": advocates, "usageLimit": 1}
    made = integration.post("/v1/referrals_for_multiple_advocates", params={"silent": "no"}, json=body)
    assert made.status_code == 201, made.text
    data = made.json()["data"]
    assert [r["advocateProfileIntegrationId"] for r in data] == advocates
    assert len({r["code"] for r in data}) == 1000
    with factories.database(server)(write=False) as uow:
        assert uow.records.count("referrals", campaign_id=campaign_id) == 1000


def test_bad_referral_requests_are_400s(
    server: Server, app: AppContext, api: IntegrationApi, integration: httpx.Client
) -> None:
    campaign_id = referral_campaign(server, app, [FRIEND_DEAL])
    plain = campaign(server, app, [FRIEND_DEAL], features=["coupons"])
    with server.management() as mgmt:
        other = create_application(mgmt)
    theirs = referral_campaign(server, other, [FRIEND_DEAL])
    [advocate] = profiles(integration, 1)
    good = {"campaignId": campaign_id, "advocateProfileIntegrationId": advocate}
    now = datetime.now(UTC)
    bad: list[tuple[dict[str, Any], str]] = [
        ({"advocateProfileIntegrationId": advocate}, "/campaignId"),
        ({"campaignId": campaign_id}, "/advocateProfileIntegrationId"),
        ({**good, "campaignId": 987_654_321}, "/campaignId"),
        ({**good, "campaignId": theirs}, "/campaignId"),
        ({**good, "campaignId": plain}, "/campaignId"),
        ({**good, "campaignId": "1"}, "/campaignId"),
        ({**good, "advocateProfileIntegrationId": random_id("nobody")}, "/advocateProfileIntegrationId"),
        ({**good, "advocateProfileIntegrationId": ""}, "/advocateProfileIntegrationId"),
        ({**good, "friendProfileIntegrationId": advocate}, "/friendProfileIntegrationId"),
        ({**good, "usageLimit": 1_000_000}, "/usageLimit"),
        ({**good, "usageLimit": -1}, "/usageLimit"),
        ({**good, "startDate": "soon"}, "/startDate"),
        (
            {**good, "startDate": now.isoformat(), "expiryDate": (now - timedelta(days=1)).isoformat()},
            "/expiryDate",
        ),
    ]
    for body, pointer in bad:
        assert_error(integration.post("/v1/referrals", json=body), 400, pointer=pointer)
    many = {"campaignId": campaign_id, "advocateProfileIntegrationIds": [advocate], "usageLimit": 1}
    missing = random_id("missing")
    bad_many: list[tuple[dict[str, Any], str]] = [
        ({**many, "usageLimit": None}, "/usageLimit"),
        ({k: v for k, v in many.items() if k != "usageLimit"}, "/usageLimit"),
        ({**many, "advocateProfileIntegrationIds": []}, "/advocateProfileIntegrationIds"),
        ({**many, "advocateProfileIntegrationIds": ["a"] * 1001}, "/advocateProfileIntegrationIds"),
        ({**many, "advocateProfileIntegrationIds": [advocate, advocate]}, "/advocateProfileIntegrationIds/1"),
        ({**many, "advocateProfileIntegrationIds": [advocate, missing]}, "/advocateProfileIntegrationIds/1"),
        ({**many, "campaignId": plain}, "/campaignId"),
        ({**many, "referralPattern": "REFERRAL"}, "/referralPattern"),
        ({**many, "referralPattern": "##"}, "/referralPattern"),
        ({**many, "referralPattern": "R-#"}, "/referralPattern"),  # 3 characters: codes have 4 at least
        ({**many, "validCharacters": ["AB"]}, "/validCharacters/0"),
    ]
    for body, pointer in bad_many:
        response = integration.post(
            "/v1/referrals_for_multiple_advocates", params={"silent": "no"}, json=body
        )
        assert_error(response, 400, pointer=pointer)
    # a pattern that cannot give as many codes as advocates
    two = profiles(integration, 2)
    narrow = {
        **many,
        "advocateProfileIntegrationIds": two,
        "referralPattern": "RF-#",
        "validCharacters": ["A"],
    }
    assert_error(
        integration.post("/v1/referrals_for_multiple_advocates", json=narrow), 400, pointer="/referralPattern"
    )
    assert_error(
        integration.post("/v1/referrals_for_multiple_advocates", params={"silent": "maybe"}, json=many),
        400,
        parameter="silent",
    )
    assert referrals_of(server, app, campaign_id, advocate) == []  # nothing above was written
    with pytest.raises(ApiException) as raised:
        api.create_referral(NewReferral(campaign_id=987_654_321, advocate_profile_integration_id=advocate))
    assert raised.value.status == 400
