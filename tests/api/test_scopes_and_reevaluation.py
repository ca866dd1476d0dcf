"""Evaluation groups that choose per cart unit (scope ``cartItem``) or among nested groups, and
returns that re-evaluate ``reevaluateOnReturn`` campaigns (``runRuleEngine=true``)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api import factories
from tests.api.factories import campaign
from tests.conftest import AppContext, Server, create_application, random_id


def per_item(name: str, sku: str, value: float) -> dict[str, Any]:
    items = ["filter", [".", "Session", "CartItems"], [["Item"], ["=", [".", "Item", "Sku"], sku]]]
    return {
        "title": name,
        "condition": ["and", True],
        "effects": [["setDiscountPerItem", name, items, [["Item"], value]]],
    }


def put(client: httpx.Client, session_id: str, **session: Any) -> dict[str, Any]:
    response = client.put(f"/v2/customer_sessions/{session_id}", json={"customerSession": session})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_cart_item_scope_group_picks_a_campaign_per_unit(server: Server, mgmt: httpx.Client) -> None:
    # given a highestDiscount group choosing per cart unit: A gives 2 on shoes and 1 on socks, B 3 on socks
    app = create_application(mgmt)
    client = server.client(f"ApiKey-v1 {app.key}")
    group_id = factories.group(server, app, "highestDiscount", scope="cartItem")
    a_rules = [per_item("A-shoes", "shoes", 2), per_item("A-socks", "socks", 1)]
    campaign(server, app, a_rules, group_id=group_id)
    campaign(server, app, [per_item("B-socks", "socks", 3)], group_id=group_id)
    whole = [{"title": "whole", "condition": ["and", True], "effects": [["setDiscount", "whole", 4]]}]
    campaign(server, app, whole, group_id=group_id)
    cart = [{"sku": "shoes", "quantity": 1, "price": 50}, {"sku": "socks", "quantity": 2, "price": 5}]
    # when a cart with shoes and two pairs of socks is evaluated
    state = put(client, random_id("s"), cartItems=cart)
    # then the shoes take A's discount, each pair of socks B's, and the session-only campaign still applies
    given = sorted(
        (e["props"]["name"], e["props"].get("position"), e["props"].get("subPosition"), e["props"]["value"])
        for e in state["effects"]
    )
    assert given == [
        ("A-shoes", 0, 0, 2),
        ("B-socks", 1, 0, 3),
        ("B-socks", 1, 1, 3),
        ("whole", None, None, 4),
    ]
    # and with session scope the same group gives one campaign everything (A: 2 + 1 + 1 < B's 6)
    session_app = create_application(mgmt)
    session_client = server.client(f"ApiKey-v1 {session_app.key}")
    session_group = factories.group(server, session_app, "highestDiscount")
    campaign(server, session_app, a_rules, group_id=session_group)
    campaign(server, session_app, [per_item("B-socks", "socks", 3)], group_id=session_group)
    names = {e["props"]["name"] for e in put(session_client, random_id("s"), cartItems=cart)["effects"]}
    assert names == {"B-socks"}


def test_a_group_chooses_among_nested_groups_as_whole_members(server: Server, mgmt: httpx.Client) -> None:
    cart = [{"sku": "book", "quantity": 1, "price": 50}]
    for mode, winners in (("listOrder", {"two", "three"}), ("highestDiscount", {"ten"})):
        # given a parent group with two nested stackable groups: 2 + 3 in the first, 10 in the second
        app = create_application(mgmt)
        client = server.client(f"ApiKey-v1 {app.key}")
        parent = factories.group(server, app, mode)
        first = factories.group(server, app, "stackable", parent=parent)
        second = factories.group(server, app, "stackable", parent=parent)
        for group_id, name, value in ((first, "two", 2), (first, "three", 3), (second, "ten", 10)):
            rule = {"title": name, "condition": ["and", True], "effects": [["setDiscount", name, value]]}
            campaign(server, app, [rule], group_id=group_id)
        # when a session is evaluated, the parent's mode picks one nested group whole
        names = {e["props"]["name"] for e in put(client, random_id("s"), cartItems=cart)["effects"]}
        assert names == winners, mode


def _threshold_campaign(server: Server, app: AppContext, mgmt: httpx.Client, *, reevaluate: bool) -> int:
    rule = {
        "title": "10 off over 100",
        "condition": ["and", [">", [".", "Session", "CartItemTotal"], 100]],
        "effects": [["setDiscount", "ten", 10]],
    }
    campaign_id = campaign(server, app, [rule], features=[], reevaluateOnReturn=reevaluate)
    found = mgmt.get(f"/v1/applications/{app.id}/campaigns/{campaign_id}").json()
    assert found["reevaluateOnReturn"] is reevaluate
    return campaign_id


def _returned(client: httpx.Client, session_id: str, run_rule_engine: bool) -> list[tuple[str, Any]]:
    response = client.post(
        f"/v2/customer_sessions/{session_id}/returns",
        params={"runRuleEngine": "true"} if run_rule_engine else {},
        json={"return": {"returnedCartItems": [{"position": 0, "quantity": 1}]}},
    )
    assert response.status_code == 200, response.text
    return [(e["effectType"], e["props"]["value"]) for e in response.json()["effects"]]


def test_returns_re_evaluate_campaigns_that_ask_for_it(server: Server, mgmt: httpx.Client) -> None:
    cart = [{"sku": "lamp", "quantity": 2, "price": 30}, {"sku": "bulb", "quantity": 5, "price": 10}]
    app = create_application(mgmt)
    client = server.client(f"ApiKey-v1 {app.key}")
    _threshold_campaign(server, app, mgmt, reevaluate=True)
    for run_rule_engine, expected in (
        (False, [("rollbackDiscount", 2.73)]),
        (True, [("rollbackDiscount", 10)]),
    ):
        # a 110 cart with a 10 discount loses a 30 lamp: 80 is under the threshold
        session_id = random_id("s")
        closed = put(client, session_id, profileId=random_id("p"), cartItems=cart, state="closed")
        assert [e["props"]["value"] for e in closed["effects"]] == [10]
        # without the rule engine the discount goes back in proportion (30 / 110 of 10); with it, whole
        assert _returned(client, session_id, run_rule_engine) == expected
    # a campaign that does not ask to be re-evaluated keeps the proportional rollback
    other = create_application(mgmt)
    other_client = server.client(f"ApiKey-v1 {other.key}")
    _threshold_campaign(server, other, mgmt, reevaluate=False)
    session_id = random_id("s")
    put(other_client, session_id, profileId=random_id("p"), cartItems=cart, state="closed")
    assert _returned(other_client, session_id, True) == [("rollbackDiscount", 2.73)]
    # a re-evaluation still above the threshold keeps the discount whole
    kept = random_id("s")
    bigger = [{"sku": "lamp", "quantity": 2, "price": 30}, {"sku": "bulb", "quantity": 10, "price": 10}]
    put(client, kept, profileId=random_id("p"), cartItems=bigger, state="closed")
    assert _returned(client, kept, True) == []
