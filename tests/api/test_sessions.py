"""Customer sessions end to end: evaluation, coupons, budgets, modes, close/cancel/reopen, dry runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.api import factories
from tests.api.factories import COUPON_RULE, campaign, coupon, discount_rule
from tests.conftest import AppContext, Server, assert_error, create_application, random_id

CART = [
    {"sku": "shirt", "quantity": 2, "price": 15.5, "category": "clothes"},
    {"sku": "cap", "quantity": 1, "price": 9},
]


def put(client: httpx.Client, session_id: str, dry: bool = False, **session: Any) -> httpx.Response:
    content = session.pop("response_content", None)
    body: dict[str, Any] = {"customerSession": session}
    if content:
        body["responseContent"] = content
    params = {"dry": "true"} if dry else {}
    return client.put(f"/v2/customer_sessions/{session_id}", json=body, params=params)


def effects(response: httpx.Response, *kinds: str) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    found = response.json()["effects"]
    return [e for e in found if not kinds or e["effectType"] in kinds]


def reasons(response: httpx.Response) -> list[str]:
    return [e["props"]["rejectionReason"] for e in effects(response, "rejectCoupon")]


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def test_a_discount_rule_gives_an_exact_rounded_discount(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    # given a campaign giving 7.5% of the session total over 30
    rule = discount_rule(
        "7.5%", ["and", [">", [".", "Session", "Total"], 30]], ["*", [".", "Session", "Total"], 0.075]
    )
    campaign_id = campaign(server, app, [rule], name="percent")
    # when a 40 cart is sent
    response = put(
        integration, random_id("s"), profileId="alice", cartItems=CART, response_content=["customerSession"]
    )
    # then 40 * 0.075 = 3.00 is given, with the effect envelope filled
    [effect] = effects(response, "setDiscount")
    assert Decimal(str(effect["props"]["value"])) == Decimal("3.00")
    assert effect["campaignId"] == campaign_id and effect["ruleIndex"] == 0 and effect["ruleName"] == "7.5%"
    assert effect["evaluationGroupMode"] == "stackable"
    session = response.json()["customerSession"]
    assert session["total"] == 40 and session["cartItemTotal"] == 40 and session["updateCount"] == 1
    assert [i["position"] for i in session["cartItems"]] == [0, 1]
    # and a cart under the threshold gets nothing
    assert effects(put(integration, random_id("s"), cartItems=CART[1:]), "setDiscount") == []


def test_per_item_discounts_are_flattened_and_capped(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    rule = {
        "title": "20 off each shirt",
        "condition": ["and", True],
        "effects": [
            [
                "setDiscountPerItem",
                "shirt deal",
                ["filter", [".", "Session", "CartItems"], [["Item"], ["=", [".", "Item", "Sku"], "shirt"]]],
                [["Item"], 20],
            ]
        ],
    }
    campaign(server, app, [rule])
    found = effects(put(integration, random_id("s"), cartItems=CART), "setDiscountPerItem")
    assert [(e["props"]["position"], e["props"]["subPosition"]) for e in found] == [(0, 0), (0, 1)]
    assert all(e["props"]["value"] == 15.5 and e["props"]["desiredValue"] == 20 for e in found)


def test_coupon_accepted_then_redeemed_once(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    campaign_id = campaign(server, app, [COUPON_RULE])
    code = random_id("SINGLE")
    coupon_id = coupon(server, app, campaign_id, code, usage_limit=1)
    # an open session shows the coupon accepted before its discount, and spends nothing
    first = put(integration, "a-" + code, profileId="alice", couponCodes=[code], cartItems=CART)
    assert [e["effectType"] for e in effects(first)] == ["acceptCoupon", "setDiscount"]
    assert effects(first)[1]["triggeredByCoupon"] == coupon_id
    assert factories.row(server, "coupons", coupon_id)["usage_counter"] == 0
    # closing redeems it
    put(integration, "a-" + code, state="closed")
    assert factories.row(server, "coupons", coupon_id)["usage_counter"] == 1
    # another session cannot use it any more
    again = put(integration, "b-" + code, profileId="bob", couponCodes=[code], cartItems=CART)
    [reject] = effects(again, "rejectCoupon")
    assert reject["props"]["rejectionReason"] == "CampaignLimitReached"
    assert reject["props"]["details"] == "coupon usage limit reached"
    assert effects(again, "setDiscount") == []


def test_every_coupon_rejection_reason(server: Server, app: AppContext, integration: httpx.Client) -> None:
    now = datetime.now(UTC)
    campaign_id = campaign(
        server, app, [COUPON_RULE], limits=[{"action": "redeemCoupon", "limit": 5, "entities": ["Profile"]}]
    )
    conditional = campaign(
        server,
        app,
        [discount_rule("big carts", ["and", ["couponValid"], [">", [".", "Session", "Total"], 1000]], 5)],
    )
    disabled = campaign(server, app, [COUPON_RULE], state="disabled")
    codes = {
        "CouponExpired": dict(expiry_date=now - timedelta(days=1)),
        "CouponStartDateInFuture": dict(start_date=now + timedelta(days=1)),
        "CouponRecipientDoesNotMatch": dict(recipient_integration_id="somebody-else"),
        "CouponReservationRequired": dict(is_reservation_mandatory=True),
    }
    for reason, fields in codes.items():
        code = random_id(reason)
        coupon(server, app, campaign_id, code, **fields)
        assert reasons(
            put(integration, random_id("s"), profileId="alice", couponCodes=[code], cartItems=CART)
        ) == [reason]
    anonymous_code = random_id("anon")
    coupon(server, app, campaign_id, anonymous_code)
    assert reasons(put(integration, random_id("s"), couponCodes=[anonymous_code], cartItems=CART)) == [
        "ProfileRequired"
    ]
    by_condition = random_id("cond")
    coupon(server, app, conditional, by_condition)
    rejected = effects(
        put(integration, random_id("s"), profileId="a", couponCodes=[by_condition], cartItems=CART),
        "rejectCoupon",
    )
    assert rejected[0]["props"]["rejectionReason"] == "CouponRejectedByCondition"
    assert rejected[0]["props"]["conditionIndex"] == 1
    not_running = random_id("off")
    coupon(server, app, disabled, not_running)
    assert reasons(
        put(integration, random_id("s"), profileId="a", couponCodes=[not_running], cartItems=CART)
    ) == ["CouponPartOfNotRunningCampaign"]
    assert reasons(put(integration, random_id("s"), couponCodes=["NO-SUCH-CODE"], cartItems=CART)) == [
        "CouponNotFound"
    ]


def test_profile_limit_and_campaign_budget(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    limits = [
        {"action": "redeemCoupon", "limit": 1, "entities": ["Profile"]},
        {"action": "setDiscount", "limit": 7, "entities": []},
    ]
    campaign_id = campaign(server, app, [COUPON_RULE], limits=limits)
    codes = [random_id("C") for _ in range(3)]
    for code in codes:
        coupon(server, app, campaign_id, code)
    # alice redeems one coupon: 5 of the 7 budget
    assert effects(
        put(
            integration,
            random_id("s"),
            profileId="alice",
            couponCodes=[codes[0]],
            cartItems=CART,
            state="closed",
        ),
        "setDiscount",
    )
    # her second coupon is over her profile limit
    assert reasons(
        put(integration, random_id("s"), profileId="alice", couponCodes=[codes[1]], cartItems=CART)
    ) == ["ProfileLimitReached"]
    # bob's discount does not fit the 2 left in the budget (no partial discounts): the coupon fails
    bob = effects(
        put(integration, random_id("s"), profileId="bob", couponCodes=[codes[2]], cartItems=CART),
        "rejectCoupon",
    )
    assert bob[0]["props"]["rejectionReason"] == "EffectCouldNotBeApplied"


def test_partial_discounts_cut_to_the_budget(server: Server, mgmt: httpx.Client) -> None:
    app = create_application(mgmt, enablePartialDiscounts=True)
    campaign(
        server,
        app,
        [discount_rule("always", ["and", True], 30)],
        limits=[{"action": "setDiscount", "limit": 40, "entities": []}],
    )
    client = server.client(f"ApiKey-v1 {app.key}")
    first = effects(put(client, random_id("s"), cartItems=CART, state="closed"), "setDiscount")
    assert first[0]["props"]["value"] == 30
    second = effects(put(client, random_id("s"), cartItems=CART), "setDiscount")
    assert second[0]["props"]["value"] == 10 and second[0]["props"]["desiredValue"] == 30


def test_evaluation_modes(server: Server, mgmt: httpx.Client) -> None:
    for mode, winner in (("listOrder", "five"), ("highestDiscount", "eight"), ("lowestDiscount", "five")):
        app = create_application(mgmt)
        client = server.client(f"ApiKey-v1 {app.key}")
        group_id = factories.group(server, app, mode)
        five = campaign(
            server,
            app,
            [discount_rule("r", ["and", ["couponValid"]], 5, name="five")],
            group_id=group_id,
            position=0,
        )
        eight = campaign(
            server,
            app,
            [discount_rule("r", ["and", ["couponValid"]], 8, name="eight")],
            group_id=group_id,
            position=1,
        )
        coupon(server, app, five, "FIVE-" + mode)
        coupon(server, app, eight, "EIGHT-" + mode)
        response = put(
            client,
            random_id("s"),
            profileId="p",
            couponCodes=["FIVE-" + mode, "EIGHT-" + mode],
            cartItems=CART,
        )
        assert [e["props"]["name"] for e in effects(response, "setDiscount")] == [winner], mode
        [loser] = effects(response, "rejectCoupon")
        assert loser["props"]["rejectionReason"] == "CouponPartOfNotTriggeredCampaign"
        if mode == "highestDiscount":
            assert loser["props"]["campaignExclusionReason"] == "CampaignGaveLowerDiscount"


def test_cascading_discounts_see_earlier_ones(server: Server, mgmt: httpx.Client) -> None:
    for cascading, expected in ((True, Decimal("3.50")), (False, Decimal("4.00"))):
        app = create_application(mgmt, enableCascadingDiscounts=cascading)
        client = server.client(f"ApiKey-v1 {app.key}")
        campaign(server, app, [discount_rule("ten", ["and", True], 5, name="first")], position=0)
        tenth = ["*", [".", "Session", "DiscountedTotal"], 0.1]
        campaign(server, app, [discount_rule("tenth", ["and", True], tenth, name="second")], position=1)
        found = effects(put(client, random_id("s"), cartItems=CART), "setDiscount")
        assert [Decimal(str(e["props"]["value"])) for e in found] == [Decimal(5), expected]


def test_close_cancel_and_reopen_roll_back_exactly(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    campaign_id = campaign(
        server, app, [COUPON_RULE], limits=[{"action": "setDiscount", "limit": 100, "entities": []}]
    )
    code = random_id("RB")
    coupon_id = coupon(server, app, campaign_id, code, usage_limit=1)
    session_id = random_id("s")
    put(integration, session_id, profileId="carol", couponCodes=[code], cartItems=CART, state="closed")
    assert factories.row(server, "coupons", coupon_id)["usage_counter"] == 1
    profile = integration.put(
        f"/v2/customer_sessions/{random_id('x')}",
        json={"customerSession": {"profileId": "carol"}, "responseContent": ["customerProfile"]},
    ).json()["customerProfile"]
    assert profile["closedSessions"] == 1 and profile["totalSales"] == 40
    # reopen: rollback effects for the coupon and the discount, counters given back
    reopened = integration.put(f"/v2/customer_sessions/{session_id}/reopen")
    assert reopened.status_code == 200, reopened.text
    assert [e["effectType"] for e in reopened.json()["effects"]] == ["rollbackCoupon", "rollbackDiscount"]
    assert reopened.json()["effects"][1]["props"] == {"name": "5 off", "value": 5, "scope": "sessionTotal"}
    assert factories.row(server, "coupons", coupon_id)["usage_counter"] == 0
    got = integration.get(f"/v2/customer_sessions/{session_id}").json()
    assert got["customerSession"]["state"] == "open" and got["effects"] == []
    # close again, then cancel: rolled back again
    put(integration, session_id, state="closed")
    assert factories.row(server, "coupons", coupon_id)["usage_counter"] == 1
    cancelled = put(integration, session_id, state="cancelled")
    assert [e["effectType"] for e in effects(cancelled)] == ["rollbackCoupon", "rollbackDiscount"]
    assert factories.row(server, "coupons", coupon_id)["usage_counter"] == 0
    # a cancelled session is final
    assert_error(put(integration, session_id, state="open"), 400, pointer="/customerSession/state")


def test_dry_runs_write_nothing(server: Server, app: AppContext, integration: httpx.Client) -> None:
    campaign_id = campaign(server, app, [COUPON_RULE])
    code = random_id("DRY")
    coupon_id = coupon(server, app, campaign_id, code, usage_limit=1)
    session_id = random_id("dry")
    response = put(
        integration,
        session_id,
        dry=True,
        profileId=random_id("p"),
        couponCodes=[code],
        cartItems=CART,
        state="closed",
    )
    assert [e["effectType"] for e in effects(response)] == ["acceptCoupon", "setDiscount"]
    assert factories.row(server, "coupons", coupon_id)["usage_counter"] == 0
    assert_error(integration.get(f"/v2/customer_sessions/{session_id}"), 404)
    future = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S.000000+0000")
    body = {"customerSession": {"cartItems": CART}}
    ok = integration.put(
        f"/v2/customer_sessions/{session_id}", params={"dry": "true", "now": future}, json=body
    )
    assert ok.status_code == 200, ok.text
    assert_error(
        integration.put(f"/v2/customer_sessions/{session_id}", params={"now": future}, json=body),
        400,
        parameter="now",
    )
    past = "2001-01-01T00:00:00Z"
    assert_error(
        integration.put(
            f"/v2/customer_sessions/{session_id}", params={"dry": "true", "now": past}, json=body
        ),
        400,
        parameter="now",
    )


def test_scheduled_campaigns_and_dry_now(server: Server, app: AppContext, integration: httpx.Client) -> None:
    start = datetime.now(UTC) + timedelta(days=2)
    campaign(server, app, [discount_rule("later", ["and", True], 1)], start_time=start)
    assert effects(put(integration, random_id("s"), cartItems=CART), "setDiscount") == []
    future = (start + timedelta(hours=1)).isoformat()
    body = {"customerSession": {"cartItems": CART}}
    later = integration.put(
        f"/v2/customer_sessions/{random_id('s')}", params={"dry": "true", "now": future}, json=body
    )
    assert len(effects(later, "setDiscount")) == 1


@pytest.mark.parametrize(
    ("session", "pointer"),
    [
        ({"cartItems": [{"sku": "a", "quantity": 1, "price": "x"}]}, "/customerSession/cartItems/0/price"),
        ({"cartItems": [{"quantity": 1, "price": 1}]}, "/customerSession/cartItems/0/sku"),
        ({"cartItems": [{"sku": "a", "quantity": 0, "price": 1}]}, "/customerSession/cartItems/0/quantity"),
        ({"cartItems": [{"sku": "a", "quantity": 1, "price": 1}] * 1001}, "/customerSession/cartItems"),
        ({"cartItems": [{"sku": "a", "quantity": 6000, "price": 1}] * 2}, "/customerSession/cartItems"),
        ({"identifiers": ["1", "2", "3", "4", "5", "6"]}, "/customerSession/identifiers"),
        ({"loyaltyCards": ["a", "b"]}, "/customerSession/loyaltyCards"),
        ({"state": "done"}, "/customerSession/state"),
        ({"state": "partially_returned"}, "/customerSession/state"),
        ({"attributes": {"undefinedThing": 1}}, "/customerSession/attributes/undefinedThing"),
        ({"additionalCosts": {"shipping": {"price": 4}}}, "/customerSession/additionalCosts/shipping"),
        ({"cartItems": [{"sku": "a", "quantity": 1}]}, "/customerSession/cartItems/0/price"),
    ],
)
def test_bad_input_names_the_field(integration: httpx.Client, session: dict[str, Any], pointer: str) -> None:
    response = integration.put(f"/v2/customer_sessions/{random_id('bad')}", json={"customerSession": session})
    assert_error(response, 400, pointer=pointer)


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"[1, 2]", b'{"customerSession": 3}', b'{"customerSession": {"attributes": ' + b"[" * 10_000],
    ids=["empty", "truncated", "array", "wrong type", "nested 10,000 deep"],
)
def test_bodies_that_are_not_a_session_are_400(integration: httpx.Client, body: bytes) -> None:
    response = integration.put(
        f"/v2/customer_sessions/{random_id('bad')}",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 400)


def test_a_coupon_checked_through_a_binding_is_accepted(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    rule = {
        "title": "via binding",
        "condition": ["and", [".", "valid"]],
        "bindings": [{"name": "valid", "expression": ["couponValid"]}],
        "effects": [["setDiscount", "bound", 2]],
    }
    campaign_id = campaign(server, app, [rule])
    code = random_id("BOUND")
    coupon(server, app, campaign_id, code)
    found = effects(put(integration, random_id("s"), couponCodes=[code], cartItems=CART))
    assert [e["effectType"] for e in found] == ["acceptCoupon", "setDiscount"]


def test_defined_attributes_and_costs_are_checked(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    name = "tier" + random_id("a").replace("-", "")
    factories.attribute(server, "CustomerSession", name, "number")
    cost = "ship" + random_id("c").replace("-", "")
    factories.additional_cost(server, cost, "session")
    ok = put(
        integration,
        random_id("s"),
        attributes={name: 3},
        additionalCosts={cost: {"price": 4.5}},
        cartItems=CART,
        response_content=["customerSession"],
    )
    session = ok.json()["customerSession"]
    assert session["additionalCostTotal"] == 4.5 and session["total"] == 44.5
    wrong = put(integration, random_id("s"), attributes={name: "three"})
    body = assert_error(wrong, 400, pointer=f"/customerSession/attributes/{name}")
    assert body["errors"][0]["title"] == "Invalid type"


def test_merge_keeps_what_is_not_sent_and_clears_codes(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    session_id = random_id("m")
    put(integration, session_id, profileId="dan", couponCodes=["A-CODE"], cartItems=CART)
    kept = put(integration, session_id, attributes={}, response_content=["customerSession"]).json()[
        "customerSession"
    ]
    assert kept["couponCodes"] == ["A-CODE"] and len(kept["cartItems"]) == 2 and kept["updateCount"] == 2
    cleared = put(integration, session_id, couponCodes=[], response_content=["customerSession"]).json()[
        "customerSession"
    ]
    assert cleared["couponCodes"] == [] and cleared["profileId"] == "dan"


def test_rule_failures_are_reported_not_raised(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    broken = discount_rule(
        "reads a missing attribute", ["and", [">", [".", "Session", "Attributes", "nope"], 1]], 1
    )
    campaign(server, app, [broken, discount_rule("fine", ["and", True], 2)], name="mixed")
    response = put(integration, random_id("s"), cartItems=CART, response_content=["ruleFailureReasons"])
    assert [e["props"]["value"] for e in effects(response, "setDiscount")] == [2]
    [failure] = response.json()["ruleFailureReasons"]
    assert failure["ruleIndex"] == 0 and failure["campaignName"] == "mixed" and failure["details"]


def test_unknown_session_is_404_and_other_applications_do_not_see_it(
    server: Server, mgmt: httpx.Client, integration: httpx.Client
) -> None:
    session_id = random_id("mine")
    put(integration, session_id, cartItems=CART)
    other = create_application(mgmt)
    with server.client(f"ApiKey-v1 {other.key}") as client:
        assert_error(client.get(f"/v2/customer_sessions/{session_id}"), 404)
        assert_error(client.put(f"/v2/customer_sessions/{session_id}/reopen"), 404)


def test_idempotency_key_replays_and_refuses_another_body(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    campaign(server, app, [discount_rule("always", ["and", True], 1)])
    session_id = random_id("idem")
    key = {"Idempotency-Key": random_id("key")}
    body = {"customerSession": {"cartItems": CART}, "responseContent": ["customerSession"]}
    first = integration.put(f"/v2/customer_sessions/{session_id}", json=body, headers=key)
    again = integration.put(f"/v2/customer_sessions/{session_id}", json=body, headers=key)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again.json()["customerSession"]["updateCount"] == 1  # replayed, not run again
    other = integration.put(f"/v2/customer_sessions/{session_id}", json={"customerSession": {}}, headers=key)
    assert_error(other, 409)
    assert_error(
        integration.put(
            f"/v2/customer_sessions/{session_id}", json=body, headers={"Idempotency-Key": "k" * 256}
        ),
        400,
    )


def test_partial_return_rolls_back_the_returned_units(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    # given a closed session with a per-item discount on every shirt and a 10 session discount
    per_shirt = {
        "title": "1 off shirts",
        "condition": ["and", True],
        "effects": [
            [
                "setDiscountPerItem",
                "shirt",
                ["filter", [".", "Session", "CartItems"], [["Item"], ["=", [".", "Item", "Sku"], "shirt"]]],
                [["Item"], 1],
            ]
        ],
    }
    campaign(server, app, [per_shirt, discount_rule("ten", ["and", True], 10, name="ten off")])
    session_id = random_id("ret")
    put(integration, session_id, profileId="erin", cartItems=CART, state="closed")
    # when one of the two shirts (15.50 of a 40.00 cart) comes back
    body = {
        "return": {"returnedCartItems": [{"position": 0, "quantity": 1, "sku": "shirt"}]},
        "responseContent": ["customerSession", "previousReturns"],
    }
    response = integration.post(f"/v2/customer_sessions/{session_id}/returns", json=body)
    # then that shirt's discount and 15.5/40 of the session discount are rolled back
    assert response.status_code == 200, response.text
    rollbacks = response.json()["effects"]
    assert [(e["props"]["name"], e["props"]["value"]) for e in rollbacks] == [("shirt", 1), ("ten off", 3.88)]
    assert (
        rollbacks[0]["props"]["cartItemPosition"] == 0 and rollbacks[0]["props"]["cartItemSubPosition"] == 0
    )
    state = response.json()
    assert state["return"]["returnedCartItems"] == [{"position": 0, "quantity": 1, "sku": "shirt"}]
    assert state["previousReturns"] == []
    line = state["customerSession"]["cartItems"][0]
    assert line["returnedQuantity"] == 1 and line["remainingQuantity"] == 1
    assert state["customerSession"]["state"] == "partially_returned"
    # a second return of the same line can only take what is left
    too_many = {"return": {"returnedCartItems": [{"position": 0, "quantity": 2}]}}
    assert_error(
        integration.post(f"/v2/customer_sessions/{session_id}/returns", json=too_many),
        400,
        pointer="/return/returnedCartItems/0/quantity",
    )
    # the second shirt takes back its share of what is left (15.5 of the 24.5 still kept: 3.88 of 6.12)
    second = integration.post(
        f"/v2/customer_sessions/{session_id}/returns",
        json={"return": {"returnedCartItems": [{"position": 0, "quantity": 1}]}},
    )
    assert [(e["props"]["name"], e["props"]["value"]) for e in second.json()["effects"]] == [
        ("shirt", 1),
        ("ten off", 3.87),
    ]
    # cancelling afterwards rolls back only what is still committed
    cancelled = effects(put(integration, session_id, state="cancelled"))
    assert [(e["props"]["name"], e["props"]["value"]) for e in cancelled] == [("ten off", 2.25)]


def test_returns_need_a_closed_session(integration: httpx.Client) -> None:
    session_id = random_id("open")
    put(integration, session_id, cartItems=CART)
    body = {"return": {"returnedCartItems": [{"position": 0}]}}
    assert_error(integration.post(f"/v2/customer_sessions/{session_id}/returns", json=body), 400)
    assert_error(integration.post(f"/v2/customer_sessions/{random_id('none')}/returns", json=body), 404)
    assert_error(
        integration.post(f"/v2/customer_sessions/{session_id}/returns", json={"return": {}}),
        400,
        pointer="/return/returnedCartItems",
    )


def test_close_creates_coupons_referrals_reservations_and_writes_attributes(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    vip = "vip" + random_id("a").replace("-", "")
    factories.attribute(server, "CustomerProfile", vip, "boolean")
    reserved = random_id("RES")
    rules = [
        {
            "title": "reward",
            "condition": ["and", True],
            "effects": [
                ["createCoupon", {"pattern": "GIFT-######", "validity": "30D"}],
                ["createReferral", {}],
                ["reserveCoupon", reserved],
                ["updateAttributeValue", f"Profile.Attributes.{vip}", True],
            ],
        }
    ]
    campaign_id = campaign(server, app, rules, features=["coupons", "referrals"])
    coupon(server, app, campaign_id, reserved)
    profile = random_id("frank")
    session_id = random_id("s")
    # an open session shows the attribute update but creates and reserves nothing yet
    opened = put(integration, session_id, profileId=profile, cartItems=CART)
    assert [e["effectType"] for e in effects(opened)] == ["updateAttributeValue"]
    assert opened.json()["createdCoupons"] == [] and opened.json()["createdReferrals"] == []
    closed = put(integration, session_id, state="closed")
    kinds = [e["effectType"] for e in effects(closed)]
    assert kinds == ["updateAttributeValue", "couponCreated", "referralCreated", "reserveCoupon"]
    state = closed.json()
    [created] = state["createdCoupons"]
    assert created["value"].startswith("GIFT-") and len(created["value"]) == 11
    assert created["recipientIntegrationId"] == profile and created["campaignId"] == campaign_id
    assert state["createdReferrals"][0]["advocateProfileIntegrationId"] == profile
    reserve = effects(closed, "reserveCoupon")[0]["props"]
    assert reserve == {"couponValue": reserved, "profileIntegrationId": profile, "isNewReservation": True}
    answer = integration.put(
        f"/v2/customer_profiles/{profile}",
        params={"runRuleEngine": "true"},
        json={"responseContent": ["customerProfile"]},
    )
    assert answer.json()["customerProfile"]["attributes"][vip] is True


def test_metrics_count_requests_rule_evaluation_and_database_time(
    server: Server, integration: httpx.Client
) -> None:
    put(integration, random_id("m"), cartItems=CART)
    metrics = httpx.get(f"{server.base_url}/metrics").text
    assert (
        'openpromo_requests_total{method="PUT",operation="updateCustomerSessionV2",status="200"}' in metrics
    )
    assert "openpromo_rule_evaluation_seconds_count" in metrics
    assert 'openpromo_database_seconds_count{operation="SELECT"}' in metrics
    assert 'openpromo_request_seconds_bucket{le="0.005",operation="updateCustomerSessionV2"}' in metrics


def test_response_content_coupons_and_triggered_campaigns(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    campaign_id = campaign(server, app, [COUPON_RULE], name="answered")
    code = random_id("RC")
    coupon(server, app, campaign_id, code, usage_limit=5)
    profile = random_id("p")
    put(integration, random_id("s"), profileId=profile, couponCodes=[code], cartItems=CART, state="closed")
    answer = put(
        integration,
        random_id("s"),
        profileId=profile,
        couponCodes=[code],
        cartItems=CART,
        response_content=["coupons", "triggeredCampaigns"],
    ).json()
    [found] = answer["coupons"]
    assert found["value"] == code and found["usageCounter"] == 1 and found["profileRedemptionCount"] == 1
    [triggered] = answer["triggeredCampaigns"]
    assert (
        triggered["id"] == campaign_id
        and triggered["name"] == "answered"
        and triggered["frontendState"] == "running"
    )


def test_referrals_accepted_rejected_and_redeemed(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    create = {"title": "refer", "condition": ["and", True], "effects": [["createReferral", {}]]}
    use = discount_rule("friend deal", ["and", ["referralValid"]], 3, name="friend")
    campaign_id = campaign(server, app, [create, use], features=["referrals"])
    closed = put(integration, random_id("s"), profileId="advocate", cartItems=CART, state="closed")
    code = closed.json()["createdReferrals"][0]["code"]
    # the friend's session accepts it and discounts; the advocate's own is refused
    friend = put(integration, random_id("s"), profileId="friend", referralCode=code, cartItems=CART)
    assert [e["effectType"] for e in effects(friend) if e["campaignId"] == campaign_id] == [
        "acceptReferral",
        "setDiscount",
    ]
    own = effects(
        put(integration, random_id("s"), profileId="advocate", referralCode=code, cartItems=CART),
        "rejectReferral",
    )
    assert own[0]["props"]["rejectionReason"] == "ReferralRecipientIdSameAsAdvocate"
    missing = effects(
        put(integration, random_id("s"), profileId="x", referralCode="NOPE-NOPE", cartItems=CART),
        "rejectReferral",
    )
    assert missing[0]["props"]["rejectionReason"] == "ReferralNotFound"
    # closing the friend's session redeems it once
    with server.management() as mgmt:
        before = mgmt.get(f"/v1/applications/{app.id}/campaigns/{campaign_id}/referrals/no_total").json()[
            "data"
        ][0]
        put(
            integration,
            random_id("s"),
            profileId="friend2",
            referralCode=code,
            cartItems=CART,
            state="closed",
        )
        after = mgmt.get(f"/v1/applications/{app.id}/campaigns/{campaign_id}/referrals/no_total").json()[
            "data"
        ][0]
    assert (before["usageCounter"], after["usageCounter"]) == (0, 1)


@pytest.mark.parametrize(
    ("entities", "period", "sessions", "expected"),
    [
        (
            ["Identifier"],
            None,
            [{"identifiers": ["device-1"]}, {"identifiers": ["device-1"]}, {"identifiers": ["device-2"]}],
            [1, 0, 1],
        ),
        (["Identifier"], None, [{}], [0]),
        (
            ["Store"],
            "daily",
            [{"storeIntegrationId": "s1"}, {"storeIntegrationId": "s1"}, {"storeIntegrationId": "s2"}],
            [1, 0, 1],
        ),
        (
            ["Profile", "Identifier"],
            "weekly",
            [
                {"profileId": "a", "identifiers": ["d"]},
                {"profileId": "a", "identifiers": ["e"]},
                {"profileId": "a", "identifiers": ["d"]},
            ],
            [1, 1, 0],
        ),
        ([], "monthly", [{}, {}], [1, 0]),
    ],
)
def test_budget_entities_and_periods(
    server: Server,
    mgmt: httpx.Client,
    entities: list[str],
    period: str | None,
    sessions: list[dict[str, Any]],
    expected: list[int],
) -> None:
    app = create_application(mgmt, timezone="Europe/Berlin")
    limit: dict[str, Any] = {"action": "setDiscountEffect", "limit": 1, "entities": entities}
    if period:
        limit["period"] = period
    campaign(server, app, [discount_rule("once", ["and", True], 1)], limits=[limit], features=[])
    client = server.client(f"ApiKey-v1 {app.key}")
    given = []
    for session in sessions:
        response = put(client, random_id("s"), cartItems=CART, state="closed", **session)
        given.append(len(effects(response, "setDiscount")))
    assert given == expected
