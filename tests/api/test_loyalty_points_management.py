"""Points added and deducted by hand through the Management API, for profiles and cards, and a program's
transactions; the balances and lists of the Integration API see them; answers checked with Talon.One's
own models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api import factories
from tests.api.sdk import check, check_page
from tests.conftest import AppContext, Server, assert_error, random_id

PROGRAM = "/v1/loyalty_programs/{}"


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def _profile(integration: httpx.Client) -> str:
    integration_id = random_id("manual")
    created = integration.put(f"/v2/customer_profiles/{integration_id}", json={"attributes": {}})
    assert created.status_code == 200, created.text
    return integration_id


def _balances(integration: httpx.Client, program_id: int, profile: str, **params: Any) -> dict[str, Any]:
    found = integration.get(f"{PROGRAM.format(program_id)}/profile/{profile}/balances", params=params)
    assert found.status_code == 200, found.text
    return check("LoyaltyBalancesWithTiers", found.json())


def _transactions(mgmt: httpx.Client, program_id: int, **params: Any) -> list[dict[str, Any]]:
    found = mgmt.get(f"{PROGRAM.format(program_id)}/transactions", params=params)
    assert found.status_code == 200, found.text
    return check_page(found.json(), "LoyaltyProgramTransaction", total=False)


def test_points_added_and_deducted_by_hand_reach_the_balances_and_the_lists(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given a profile in a program with subledgers, whose points last 30 days by default
    program = factories.loyalty_program(mgmt, app, allowSubledger=True, defaultValidity="30D")
    pid, profile = program["id"], _profile(integration)
    url = f"{PROGRAM.format(pid)}/profile/{profile}"
    # when a manager adds 100 points, 40 pending for 2 days, 25 awaiting activation, 10 in a subledger
    for body in (
        {"points": 100, "name": "Compensation", "applicationId": app.id},
        {"points": 40, "pendingDuration": "2D"},
        {"points": 25.005, "pendingDuration": "on_action", "validityDuration": "7D"},
        {"points": 10, "subledgerId": "shoes", "validUntil": "2099-01-01T00:00:00Z"},
    ):
        added = mgmt.put(f"{url}/add_points", json=body)
        assert added.status_code == 204, added.text
    # and deducts 30 active points
    deducted = mgmt.put(f"{url}/deduct_points", json={"points": 30, "name": "Penalty"})
    assert deducted.status_code == 204, deducted.text
    # then the balances are the entries
    balances = _balances(integration, pid, profile)
    assert balances["balance"]["activePoints"] == 70.0
    assert balances["balance"]["pendingPoints"] == 65.0  # 40 + 25.00 (rounded to 2 places)
    assert balances["balance"]["spentPoints"] == 30.0
    assert balances["subledgerBalances"]["shoes"]["activePoints"] == 10.0
    # in two days the pending 40 are active
    later = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    assert _balances(integration, pid, profile, endDate=later)["balance"]["activePoints"] == 110.0
    # the program's transactions list them newest first, as manual ones of the profile
    rows = _transactions(mgmt, pid)
    assert [(r["type"], r["amount"]) for r in rows] == [
        ("subtraction", 30.0),
        ("addition", 10.0),
        ("addition", 25.0),
        ("addition", 40.0),
        ("addition", 100.0),
    ]
    assert {r["customerProfileId"] for r in rows} == {profile}
    assert rows[0]["name"] == "Penalty" and rows[-1]["name"] == "Compensation"
    assert rows[2]["startDate"] == "on_action" and rows[2]["validityDuration"] == "7D"
    assert rows[1]["subledgerId"] == "shoes" and rows[1]["expiryDate"].startswith("2099-01-01")
    assert rows[-1]["expiryDate"] != "unlimited"  # the program's default validity
    assert len({r["transactionUUID"] for r in rows}) == 5
    # filters and paging
    assert len(_transactions(mgmt, pid, loyaltyTransactionType="manual")) == 5
    assert _transactions(mgmt, pid, loyaltyTransactionType="session") == []
    assert [r["amount"] for r in _transactions(mgmt, pid, subledgerId="shoes")] == [10.0]
    assert [r["amount"] for r in _transactions(mgmt, pid, awaitsActivation="true")] == [25.0]
    page = mgmt.get(f"{PROGRAM.format(pid)}/transactions", params={"pageSize": 2, "skip": 4}).json()
    assert page["hasMore"] is False and [r["amount"] for r in page["data"]] == [100.0]
    # and the Integration API's list of the profile sees them as manual
    found = integration.get(f"{url}/transactions", params={"loyaltyTransactionType": "manual"})
    assert found.status_code == 200 and len(found.json()["data"]) == 5  # every ledger of the profile


def test_a_deduction_the_active_balance_cannot_cover_writes_nothing(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    program = factories.loyalty_program(mgmt, app)
    pid, profile = program["id"], _profile(integration)
    url = f"{PROGRAM.format(pid)}/profile/{profile}"
    assert mgmt.put(f"{url}/add_points", json={"points": 10}).status_code == 204
    assert mgmt.put(f"{url}/add_points", json={"points": 50, "pendingDuration": "1D"}).status_code == 204
    assert_error(mgmt.put(f"{url}/deduct_points", json={"points": 10.01}), 400, pointer="/points")
    assert _balances(integration, pid, profile)["balance"]["activePoints"] == 10.0
    assert len(_transactions(mgmt, pid)) == 2


def test_card_points_by_hand_and_a_blocked_card(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given a card of a card-based program
    program = factories.loyalty_program(mgmt, app, cardBased=True, usersPerCardLimit=2)
    pid, identifier = program["id"], "HAND-" + random_id("")[-8:]
    generated = integration.post(f"{PROGRAM.format(pid)}/cards", json={"cardIdentifier": identifier})
    assert generated.status_code == 200, generated.text
    url = f"{PROGRAM.format(pid)}/cards/{identifier}"
    # when points are added and deducted by hand
    assert mgmt.put(f"{url}/add_points", json={"points": 20, "name": "Welcome"}).status_code == 204
    assert mgmt.put(f"{url}/deduct_points", json={"points": 5}).status_code == 204
    # then the card's balances and the program's list show them, with the card's identifier
    balances = integration.get(f"{url}/balances")
    assert balances.status_code == 200, balances.text
    assert check("LoyaltyCardBalances", balances.json())["balance"]["activePoints"] == 15.0
    rows = _transactions(mgmt, pid)
    assert [(r["type"], r["amount"], r["cardIdentifier"]) for r in rows] == [
        ("subtraction", 5.0, identifier),
        ("addition", 20.0, identifier),
    ]
    # a blocked card neither earns nor spends
    blocked = mgmt.put(url, json={"status": "inactive", "blockReason": "lost"})
    assert blocked.status_code == 200, blocked.text
    assert_error(mgmt.put(f"{url}/add_points", json={"points": 1}), 400, parameter="loyaltyCardId")
    assert_error(mgmt.put(f"{url}/deduct_points", json={"points": 1}), 400, parameter="loyaltyCardId")
    assert len(_transactions(mgmt, pid)) == 2


def test_bad_requests_name_the_field(mgmt: httpx.Client, app: AppContext, integration: httpx.Client) -> None:
    program = factories.loyalty_program(mgmt, app)
    cards = factories.loyalty_program(mgmt, app, cardBased=True)
    pid, profile = program["id"], _profile(integration)
    url = f"{PROGRAM.format(pid)}/profile/{profile}"
    for body, pointer in (
        ({}, "/points"),
        ({"points": 0}, "/points"),
        ({"points": "10"}, "/points"),
        ({"points": 1_000_000_000_000}, "/points"),
        ({"points": 1, "validUntil": "2099-01-01T00:00:00Z", "validityDuration": "1D"}, "/validUntil"),
        ({"points": 1, "pendingUntil": "2099-01-01T00:00:00Z", "pendingDuration": "1D"}, "/pendingUntil"),
        ({"points": 1, "validUntil": "2000-01-01T00:00:00Z"}, "/validUntil"),
        ({"points": 1, "validityDuration": "soon"}, "/validityDuration"),
        ({"points": 1, "pendingDuration": "later"}, "/pendingDuration"),
        ({"points": 1, "subledgerId": "shoes"}, "/subledgerId"),
        ({"points": 1, "applicationId": 987654321}, "/applicationId"),
    ):
        assert_error(mgmt.put(f"{url}/add_points", json=body), 400, pointer=pointer)
    assert_error(mgmt.put(f"{url}/deduct_points", json={"points": -1}), 400, pointer="/points")
    # unknown program, profile, card; the wrong kind of program
    assert_error(
        mgmt.put(f"{PROGRAM.format(987654321)}/profile/{profile}/add_points", json={"points": 1}), 404
    )
    assert_error(
        mgmt.put(f"{PROGRAM.format(pid)}/profile/nobody-{profile}/add_points", json={"points": 1}), 404
    )
    assert_error(
        mgmt.put(f"{PROGRAM.format(cards['id'])}/profile/{profile}/add_points", json={"points": 1}),
        400,
        parameter="loyaltyProgramId",
    )
    assert_error(
        mgmt.put(f"{PROGRAM.format(cards['id'])}/cards/NOPE-1234/add_points", json={"points": 1}), 404
    )
    assert_error(
        mgmt.put(f"{PROGRAM.format(pid)}/cards/NOPE-1234/deduct_points", json={"points": 1}),
        400,
        parameter="loyaltyProgramId",
    )
    # the list's parameters
    listing = f"{PROGRAM.format(pid)}/transactions"
    assert_error(mgmt.get(listing, params={"awaitsActivation": "false"}), 400, parameter="awaitsActivation")
    assert_error(
        mgmt.get(listing, params={"loyaltyTransactionType": "gift"}), 400, parameter="loyaltyTransactionType"
    )
    assert_error(mgmt.get(listing, params={"startDate": "yesterday"}), 400, parameter="startDate")
    assert_error(mgmt.get(f"{PROGRAM.format(987654321)}/transactions"), 404)
    assert _transactions(mgmt, pid) == []


def test_a_profiles_ledger_with_its_totals_and_lots(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given a profile with active, pending, spent and subledger points, in a tiered program
    tiers = [{"name": "silver", "minPoints": 50}]
    program = factories.loyalty_program(mgmt, app, allowSubledger=True, tiers=tiers)
    pid, profile = program["id"], _profile(integration)
    url = f"{PROGRAM.format(pid)}/profile/{profile}"
    for body in (
        {"points": 80, "validityDuration": "10D"},
        {"points": 20},
        {"points": 15, "pendingDuration": "3D"},
        {"points": 5, "subLedgerID": "shoes"},  # the older generation's spelling
    ):
        assert mgmt.put(f"{url}/add_points", json=body).status_code == 204
    assert mgmt.put(f"{url}/deduct_points", json={"points": 30}).status_code == 204
    # when its ledger is read
    found = mgmt.get(url)
    assert found.status_code == 200, found.text
    ledger = check("LoyaltyLedger", found.json())
    main, shoes = ledger["ledger"], ledger["subLedgers"]["shoes"]
    # then the totals are the balances, and the lots what is left of each
    assert (main["totalActivePoints"], main["totalPendingPoints"], main["totalSpentPoints"]) == (
        70.0,
        15.0,
        30.0,
    )
    assert main["total"] == 70.0 and main["totalExpiredPoints"] == 0.0 and main["totalNegativePoints"] == 0.0
    assert [(e["type"], e["amount"]) for e in main["transactions"]] == [
        ("subtraction", 30.0),
        ("addition", 15.0),
        ("addition", 20.0),
        ("addition", 80.0),
    ]
    assert [e["amount"] for e in main["activePoints"]] == [20.0, 50.0]  # FIFO took 30 of the expiring 80
    assert [e["amount"] for e in main["expiringPoints"]] == [50.0]
    assert [e["amount"] for e in main["pendingPoints"]] == [15.0] and main["expiredPoints"] == []
    assert main["currentTier"]["name"] == "silver"
    assert shoes["totalActivePoints"] == 5.0 and shoes["transactions"][0]["subLedgerID"] == "shoes"
    assert {e["customerProfileID"] for e in main["transactions"]} == {profile}
    # unknown profile, program
    assert_error(mgmt.get(f"{PROGRAM.format(pid)}/profile/nobody-{profile}"), 404)
    assert_error(mgmt.get(f"{PROGRAM.format(987654321)}/profile/{profile}"), 404)


@pytest.mark.parametrize("policy", ["points_earned", "points_activated", "not_join"])
def test_the_join_date_follows_the_programs_join_policy(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client, policy: str
) -> None:
    program = factories.loyalty_program(mgmt, app, programJoinPolicy=policy)
    pid, profile = program["id"], _profile(integration)
    url = f"{PROGRAM.format(pid)}/profile/{profile}"

    def join_date() -> str | None:
        body = {"customerSession": {"profileId": profile, "cartItems": []}, "responseContent": ["loyalty"]}
        found = integration.put(f"/v2/customer_sessions/{random_id('join')}", json=body)
        assert found.status_code == 200, found.text
        joined: str | None = found.json()["loyalty"]["programs"][str(pid)].get("joinDate")
        return joined

    # pending points are earned but not active
    assert mgmt.put(f"{url}/add_points", json={"points": 5, "pendingDuration": "1D"}).status_code == 204
    earned = join_date()
    assert (earned is not None) == (policy == "points_earned")
    # active points
    assert mgmt.put(f"{url}/add_points", json={"points": 5}).status_code == 204
    activated = join_date()
    assert (activated is not None) == (policy != "not_join")
    if earned is not None:
        assert activated == earned  # joining happens once
