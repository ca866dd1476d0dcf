"""The customer inventory (``GET /v1/customer_profiles/{integrationId}/inventory``): each part only when
its flag asks for it, holding exactly what the customer holds in the key's application, in the shapes of
Talon.One's own models (and its client)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import talon_one
from talon_one.api.integration_api import IntegrationApi

from tests.api import factories
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


def insert(server: Server, table: str, **values: Any) -> int:
    """A row no capability writes yet (achievement progress, an awarded giveaway code)."""
    with factories.database(server)() as uow:
        ident = uow.records.insert(table, values)
        uow.commit()
    return ident


def pool(mgmt: httpx.Client, apps: list[int], *codes: str) -> int:
    created = mgmt.post(
        "/v1/giveaways/pools", json={"name": "p", "subscribedApplicationsIds": apps, "sandbox": False}
    )
    assert created.status_code == 201, created.text
    pool_id: int = created.json()["id"]
    upload = "code\n" + "\n".join(codes) + "\n"
    imported = mgmt.post(
        f"/v1/giveaways/pools/{pool_id}/import", files={"upFile": ("g.csv", upload, "text/csv")}
    )
    assert imported.status_code == 200, imported.text
    return pool_id


def award(server: Server, pool_id: int, code: str, profile: str, app: AppContext) -> None:
    with factories.database(server)() as uow:
        row = uow.records.find_one("giveaway_codes", pool_id=pool_id, code=code)
        assert row is not None
        changes = {
            "profile_integration_id": profile,
            "awarded_at": datetime.now(UTC),
            "application_id": app.id,
        }
        uow.records.update("giveaway_codes", row["id"], changes)
        uow.commit()


def test_loyalty_is_the_ledgers_balances_and_the_customers_cards(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    tiers = [{"name": "silver", "minPoints": 100}, {"name": "gold", "minPoints": 500}]
    points = factories.loyalty_program(mgmt, app, allowSubledger=True, tiers=tiers)["id"]
    untouched = factories.loyalty_program(mgmt, app)["id"]
    card_program = factories.loyalty_program(mgmt, app, cardBased=True, usersPerCardLimit=2)["id"]
    rules = [
        {
            "title": "earn",
            "condition": ["=", [".", "Session", "Total"], 7],
            "effects": [
                ["addLoyaltyPoints", points, 150, {"name": "order"}],
                ["addLoyaltyPoints", points, 20, {"name": "wine", "subledgerId": "wine"}],
                ["addLoyaltyPoints", points, 5, {"name": "later", "pending": "10D"}],
                ["addLoyaltyPoints", card_program, 12, {"name": "card"}],
            ],
        },
        {
            "title": "spend",
            "condition": ["=", [".", "Session", "Total"], 9],
            "effects": [["deductLoyaltyPoints", points, 30, {"name": "spend"}]],
        },
    ]
    campaign(server, app, rules, features=["loyalty"])
    ann, bob = random_id("ann"), random_id("bob")
    card = integration.post(
        f"/v1/loyalty_programs/{card_program}/cards", json={"customerProfileIds": [ann, bob]}
    )
    assert card.status_code == 200, card.text
    identifier = card.json()["identifier"]
    integration.post(f"/v1/loyalty_programs/{card_program}/cards", json={"customerProfileIds": [bob]})
    close(integration, ann, loyaltyCards=[identifier])
    close(integration, ann, 9)
    loyalty = inventory(integration, ann, "loyalty")["loyalty"]
    # the program ann has points in, with the balances the ledger holds (not the untouched program)
    assert set(loyalty["programs"]) == {str(points)} and str(untouched) not in loyalty["programs"]
    program = loyalty["programs"][str(points)]
    ledger = program["ledger"]
    assert (ledger["currentBalance"], ledger["pendingBalance"], ledger["spentBalance"]) == (120, 5, 30)
    assert ledger["tentativeCurrentBalance"] == 120 and ledger["expiredBalance"] == 0
    assert program["subLedgers"]["wine"]["currentBalance"] == 20
    # the tier the ledger reached (silver at 150), as the balances endpoint answers it
    assert ledger["currentTier"]["name"] == "silver" and ledger["nextTierName"] == "gold"
    assert ledger["pointsToNextTier"] == 380
    balances = integration.get(
        f"/v1/loyalty_programs/{points}/profile/{ann}/balances", params={"includeTiers": "true"}
    ).json()
    assert balances["balance"]["activePoints"] == ledger["currentBalance"]
    assert balances["balance"]["currentTier"]["id"] == ledger["currentTier"]["id"]
    # and her card (shared with bob), with the card's ledger
    [held] = loyalty["cards"]
    assert held["identifier"] == identifier and held["programID"] == card_program
    assert [p["integrationId"] for p in held["profiles"]] == [ann, bob]
    assert held["ledger"]["currentBalance"] == 12
    check("Loyalty", loyalty)
    # bob has no points of his own but two cards
    bobs = inventory(integration, bob, "loyalty")["loyalty"]
    assert bobs["programs"] == {} and len(bobs["cards"]) == 2


def test_profile_giveaways_and_achievements(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    ann, bob = random_id("ann"), random_id("bob")
    factories.define(server, "audiences", name="vip")
    with factories.database(server)(write=False) as uow:
        audience = max(r["id"] for r in uow.records.find("audiences", {"account_id": 1}).rows)
    changes = {"audiencesChanges": {"adds": [audience], "deletes": []}}
    assert integration.put(f"/v2/customer_profiles/{ann}", json=changes).status_code == 200
    close(integration, ann, 40)
    # giveaways: a code of a pool the application subscribes to, not one of another pool
    mine, theirs = pool(mgmt, [app.id], "G-1", "G-2"), pool(mgmt, [], "H-1")
    award(server, mine, "G-1", ann, app)
    award(server, mine, "G-2", bob, app)
    award(server, theirs, "H-1", ann, app)
    # achievements: ann's latest period of one, an ended period of another
    base = f"/v1/applications/{app.id}/campaigns"
    body = {"name": "c", "tags": [], "features": ["achievements"], "limits": []}
    campaign_id = mgmt.post(base, json=body).json()["id"]
    definition = {"name": "fiveOrders", "title": "Five", "description": "Order five times", "target": 5}
    five = mgmt.post(f"{base}/{campaign_id}/achievements", json=definition).json()["id"]
    ten = mgmt.post(
        f"{base}/{campaign_id}/achievements",
        json={**definition, "name": "tenOrders", "target": 10, "recurrencePolicy": "on_expiration"},
    ).json()["id"]
    now = datetime.now(UTC)
    progress = {"application_id": app.id, "profile_integration_id": ann}
    insert(
        server,
        "achievement_progress",
        achievement_id=five,
        period_key="1",
        progress=5,
        status="completed",
        start_date=now - timedelta(days=60),
        completion_date=now - timedelta(days=40),
        **progress,
    )
    insert(
        server,
        "achievement_progress",
        achievement_id=five,
        period_key="2",
        progress=2,
        status="inprogress",
        start_date=now - timedelta(days=3),
        end_date=now + timedelta(days=27),
        **progress,
    )
    insert(
        server,
        "achievement_progress",
        achievement_id=ten,
        period_key="1",
        progress=4,
        status="inprogress",
        start_date=now - timedelta(days=40),
        end_date=now - timedelta(days=10),
        **progress,
    )
    insert(
        server,
        "achievement_progress",
        achievement_id=ten,
        period_key="1",
        progress=1,
        status="inprogress",
        start_date=now,
        application_id=app.id,
        profile_integration_id=bob,
    )
    found = inventory(integration, ann, "profile", "giveaways", "achievements")
    assert set(found) == {"profile", "giveaways", "achievements"}
    profile = check("CustomerProfile", found["profile"])
    assert profile["integrationId"] == ann and profile["closedSessions"] == 1 and profile["totalSales"] == 40
    assert profile["audienceMemberships"] == [{"id": audience, "name": "vip"}]
    [code] = found["giveaways"]
    assert (code["code"], code["poolId"], code["profileIntegrationId"]) == ("G-1", mine, ann)
    check("Giveaway", code)
    achievements = {a["name"]: a for a in found["achievements"]}
    assert set(achievements) == {"fiveOrders", "tenOrders"}
    assert (achievements["fiveOrders"]["status"], achievements["fiveOrders"]["progress"]) == ("inprogress", 2)
    assert achievements["fiveOrders"]["description"] == "Order five times"
    assert achievements["tenOrders"]["status"] == "expired"
    assert achievements["tenOrders"]["achievementRecurrencePolicy"] == "on_expiration"
    for item in found["achievements"]:
        check("AchievementProgressWithDefinition", item)


def test_the_official_client_reads_the_inventory(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    profile = random_id("sdk")
    close(integration, profile, 12)
    config = talon_one.Configuration(host=server.base_url)
    config.api_key["api_key_v1"] = app.key
    config.api_key_prefix["api_key_v1"] = "ApiKey-v1"
    api = IntegrationApi(talon_one.ApiClient(config))
    found = api.get_customer_inventory(profile, profile=True, coupons=True, loyalty=True)
    assert found.profile is not None and found.profile.integration_id == profile
    assert found.profile.total_sales == 12 and found.coupons == [] and found.loyalty is not None
    assert found.referrals is None and found.achievements is None
    with pytest.raises(talon_one.exceptions.NotFoundException):
        api.get_customer_inventory(random_id("nobody"))
