"""What sessions see of loyalty and achievements: the ``Loyalty`` root, ``loyaltyCardValid``, the
``loyalty`` response content with tentative balances, and achievement progress in effects.

Ledgers, cards and progress are written by the loyalty and achievement capabilities; here their rows are
given straight to the database, as those capabilities would leave them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api import factories
from tests.api.factories import campaign
from tests.conftest import AppContext, Server, random_id

CART = [{"sku": "book", "quantity": 2, "price": 25}]


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def put(client: httpx.Client, session_id: str, **session: Any) -> dict[str, Any]:
    content = session.pop("response_content", None)
    body: dict[str, Any] = {"customerSession": session}
    if content:
        body["responseContent"] = content
    response = client.put(f"/v2/customer_sessions/{session_id}", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def program(mgmt: httpx.Client, app: AppContext, **fields: Any) -> dict[str, Any]:
    tiers = [{"name": "silver", "minPoints": 100}, {"name": "gold", "minPoints": 500}]
    return factories.loyalty_program(
        mgmt, app, **{"allowSubledger": True, "cardBased": False, "tiers": tiers, **fields}
    )


def insert(server: Server, table: str, **values: Any) -> int:
    with factories.database(server)() as uow:
        ident = uow.records.insert(table, values)
        uow.commit()
    return ident


def ledger(server: Server, program_id: int, owner: str, **values: Any) -> None:
    subledger = values.pop("subledger_id", "")
    insert(
        server,
        "loyalty_ledgers",
        account_id=1,
        program_id=program_id,
        owner_key=owner,
        subledger_id=subledger,
        **values,
    )


def test_rules_read_balances_and_tiers_and_the_answer_shows_tentative_ones(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given a profile with 150 active and 20 pending points (tier silver) and 7 on a subledger
    points = program(mgmt, app)
    silver = next(t["id"] for t in points["tiers"] if t["name"] == "silver")
    profile = random_id("ann")
    ledger(
        server,
        points["id"],
        f"profile:{profile}",
        profile_integration_id=profile,
        active_points=150,
        pending_points=20,
        tier_id=silver,
    )
    ledger(
        server,
        points["id"],
        f"profile:{profile}",
        profile_integration_id=profile,
        subledger_id="books",
        active_points=7,
    )
    pid = points["id"]
    rules = [
        {
            "title": "silver members over 100 points",
            "condition": [
                "and",
                [">", [".", "Loyalty", pid, "ActivePoints"], 100],
                ["=", [".", "Loyalty", pid, "Tier"], "silver"],
                ["=", [".", "Loyalty", pid, "Subledgers", "books", "ActivePoints"], 7],
            ],
            "effects": [
                ["setDiscount", "members", 5],
                ["addLoyaltyPoints", pid, 30, {"name": "order"}],
                ["deductLoyaltyPoints", pid, 10],
            ],
        }
    ]
    campaign(server, app, rules, features=["loyalty"])
    # when the profile's session asks for its loyalty
    state = put(integration, random_id("s"), profileId=profile, cartItems=CART, response_content=["loyalty"])
    # then the rule read the balances, and the answer adds this session's points tentatively
    kinds = [e["effectType"] for e in state["effects"]]
    assert kinds == ["setDiscount", "addLoyaltyPoints", "deductLoyaltyPoints"]
    entry = state["loyalty"]["programs"][str(pid)]
    assert (entry["id"], entry["name"], entry["title"]) == (pid, points["name"], "Points")
    main = entry["ledger"]
    assert (main["currentBalance"], main["pendingBalance"], main["tentativeCurrentBalance"]) == (150, 20, 170)
    assert main["tentativePendingBalance"] == 20 and main["tentativeNegativeBalance"] == 0
    assert main["currentTier"] == {"id": silver, "name": "silver"}
    assert (main["nextTierName"], main["pointsToNextTier"]) == ("gold", 350)
    assert entry["subLedgers"]["books"]["currentBalance"] == 7
    # a customer without a ledger reads zeros and has no tier (the rule fails on the Tier path)
    other = put(
        integration,
        random_id("s"),
        profileId=random_id("bob"),
        cartItems=CART,
        response_content=["loyalty", "ruleFailureReasons"],
    )
    assert other["effects"] == []
    assert other["loyalty"]["programs"][str(pid)]["ledger"]["currentBalance"] == 0
    assert other["ruleFailureReasons"] == []  # 0 > 100 is false first; Tier is never read


def test_loyalty_card_valid_and_card_balances(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    cards = program(mgmt, app, cardBased=True, usersPerCardLimit=2, tiers=[])
    now = datetime.now(UTC)
    active, blocked = random_id("card"), random_id("card")
    card_id, _ = (
        factories.define_row(
            server,
            "loyalty_cards",
            program_id=cards["id"],
            identifier=identifier,
            status=status,
            modified=now,
            users_per_card_limit=2,
        )
        for identifier, status in ((active, "active"), (blocked, "inactive"))
    )
    ledger(server, cards["id"], f"card:{card_id}", card_id=card_id, active_points=40)
    rule = {
        "title": "card holders",
        "condition": ["and", ["loyaltyCardValid"], [">=", [".", "Loyalty", cards["id"], "ActivePoints"], 40]],
        "effects": [["setDiscount", "card", 2]],
    }
    campaign(server, app, [rule], features=["loyalty"])
    with_card = put(
        integration, random_id("s"), loyaltyCards=[active], cartItems=CART, response_content=["loyalty"]
    )
    assert [e["props"]["name"] for e in with_card["effects"]] == ["card"]
    [card] = with_card["loyalty"]["cards"]
    assert (card["identifier"], card["status"], card["programID"]) == (active, "active", cards["id"])
    assert card["ledger"]["currentBalance"] == 40 and card["usersPerCardLimit"] == 2
    assert put(integration, random_id("s"), loyaltyCards=[blocked], cartItems=CART)["effects"] == []
    assert put(integration, random_id("s"), loyaltyCards=["unknown-card"], cartItems=CART)["effects"] == []
    assert put(integration, random_id("s"), cartItems=CART)["effects"] == []


def test_achievement_progress_counts_from_where_the_profile_stands(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    rule = {
        "title": "count orders",
        "condition": ["and", True],
        "effects": [
            ["increaseAchievementProgress", "orders", 1],
            ["increaseAchievementProgress", "orders", 1],
        ],
    }
    campaign_id = campaign(server, app, [rule], features=["achievements"])
    created = mgmt.post(
        f"/v1/applications/{app.id}/campaigns/{campaign_id}/achievements",
        json={
            "name": "orders",
            "title": "Orders",
            "description": "",
            "target": 4,
            "period": "30D",
            "recurrencePolicy": "no_recurrence",
            "activationPolicy": "user_action",
        },
    )
    assert created.status_code == 201, created.text
    achievement = created.json()["id"]
    profile = random_id("cat")
    now = datetime.now(UTC)
    with factories.database(server)() as uow:
        tracker = uow.records.insert(
            "achievement_progress",
            {
                "application_id": app.id,
                "achievement_id": achievement,
                "profile_integration_id": profile,
                "progress": 2,
                "status": "inprogress",
                "start_date": now - timedelta(days=1),
                "end_date": now + timedelta(days=29),
            },
        )
        uow.commit()
    state = put(integration, random_id("s"), profileId=profile, cartItems=CART)
    props = [e["props"] for e in state["effects"]]
    assert [(p["value"], p["isJustCompleted"]) for p in props] == [(3, False), (4, True)]
    assert props[0] == {
        "achievementId": achievement,
        "achievementName": "orders",
        "delta": 1,
        "value": 3,
        "target": 4,
        "isJustCompleted": False,
        "progressTrackerId": tracker,
    }
    # a new customer starts from zero; an anonymous session cannot progress (the rule fails)
    fresh = put(integration, random_id("s"), profileId=random_id("dan"), cartItems=CART)
    assert [e["props"]["value"] for e in fresh["effects"]] == [1, 2]
    anonymous = put(integration, random_id("s"), cartItems=CART, response_content=["ruleFailureReasons"])
    assert anonymous["effects"] == []
    assert anonymous["ruleFailureReasons"][0]["details"] == "achievements need a customer profile"
