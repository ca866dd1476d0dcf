"""The ledger written by closes and served by the balance operations, on both databases: entries and
balances agree, points move from pending to active to expired with time, deductions are refused when the
balance cannot cover them, cancel and reopen roll back per return policy, activation and deletion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy as sa

from tests.api import factories
from tests.api.factories import campaign
from tests.api.sdk import check
from tests.conftest import AppContext, Server, random_id

EARN, SPEND = 10, 20
"""A session's total says what the campaign does: earn at 10, spend at 20."""


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def program(mgmt: httpx.Client, app: AppContext, **fields: Any) -> dict[str, Any]:
    tiers = [{"name": "silver", "minPoints": 100}, {"name": "gold", "minPoints": 500}]
    return factories.loyalty_program(mgmt, app, **{"allowSubledger": True, "tiers": tiers, **fields})


def earn_and_spend(
    server: Server, app: AppContext, pid: int, earn: float = 30, spend: float = 20, **options: Any
) -> None:
    rules = [
        {
            "title": "earn",
            "condition": ["=", [".", "Session", "Total"], EARN],
            "effects": [["addLoyaltyPoints", pid, earn, {"name": "order", **options}]],
        },
        {
            "title": "spend",
            "condition": ["=", [".", "Session", "Total"], SPEND],
            "effects": [["deductLoyaltyPoints", pid, spend, {"name": "redeem"}]],
        },
    ]
    campaign(server, app, rules, features=["loyalty"])


def close(client: httpx.Client, profile: str, total: int, **more: Any) -> tuple[str, dict[str, Any]]:
    session_id = random_id("s")
    body = {
        "customerSession": {
            "profileId": profile,
            "state": "closed",
            "cartItems": [{"sku": "x", "quantity": 1, "price": total}],
            **more,
        },
        "responseContent": ["ruleFailureReasons"],
    }
    response = client.put(f"/v2/customer_sessions/{session_id}", json=body)
    assert response.status_code == 200, response.text
    return session_id, response.json()


def cancel(client: httpx.Client, session_id: str) -> list[dict[str, Any]]:
    body = {"customerSession": {"state": "cancelled"}}
    response = client.put(f"/v2/customer_sessions/{session_id}", json=body)
    assert response.status_code == 200, response.text
    return response.json()["effects"]  # type: ignore[no-any-return]


def balances(client: httpx.Client, pid: int, profile: str, **params: Any) -> dict[str, Any]:
    response = client.get(f"/v1/loyalty_programs/{pid}/profile/{profile}/balances", params=params)
    assert response.status_code == 200, response.text
    return check("LoyaltyBalancesWithTiers", response.json())  # type: ignore[no-any-return]


def main(client: httpx.Client, pid: int, profile: str, **params: Any) -> tuple[Decimal, ...]:
    b = balances(client, pid, profile, **params)["balance"]
    return tuple(
        Decimal(str(b[k]))
        for k in ("activePoints", "pendingPoints", "spentPoints", "expiredPoints", "negativePoints")
    )


def entries_sum(server: Server, pid: int, owner: str) -> Decimal:
    """additions - subtractions - expirations of the owner's main ledger."""
    with factories.database(server)() as uow:
        conn = uow.conn  # type: ignore[attr-defined]
        rows = conn.execute(
            sa.text(
                "SELECT e.type, e.amount FROM loyalty_ledger_entries e JOIN loyalty_ledgers l"
                " ON l.id = e.ledger_id WHERE l.program_id = :p AND l.owner_key = :o AND l.subledger_id = ''"
            ),
            {"p": pid, "o": owner},
        ).all()
    sign = {"addition": 1, "subtraction": -1, "expire": -1}
    return sum((Decimal(a).scaleb(-6) * sign[t] for t, a in rows), Decimal(0))


def loyalty_effects(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in state["effects"] if "Loyalty" in e["effectType"]]


def test_closes_write_entries_and_balances_and_a_shortfall_is_a_rule_failure(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    points = program(mgmt, app)
    pid, profile = points["id"], random_id("ann")
    earn_and_spend(server, app, pid)
    # given two closes that earn 30 each, and one that spends 20
    close(integration, profile, EARN)
    close(integration, profile, EARN)
    _, spent = close(integration, profile, SPEND)
    assert [e["effectType"] for e in spent["effects"]] == ["deductLoyaltyPoints"]
    # then the balances are the ledger's entries
    assert main(integration, pid, profile) == (40, 0, 20, 0, 0)
    assert entries_sum(server, pid, f"profile:{profile}") == 40
    # when three more spends come: the third cannot be covered, it is a rule failure and writes nothing
    close(integration, profile, SPEND)
    close(integration, profile, SPEND)
    _, refused = close(integration, profile, SPEND)
    assert refused["effects"] == []
    [failure] = refused["ruleFailureReasons"]
    assert "cannot cover a deduction of 20" in failure["details"]
    assert main(integration, pid, profile) == (0, 0, 60, 0, 0)
    # tiers: none stored, the lowest is next
    tiered = balances(integration, pid, profile, includeTiers="true", includeProjectedTier="true")
    assert tiered["balance"]["nextTierName"] == "silver" and tiered["balance"]["pointsToNextTier"] == 100


def test_pending_points_become_active_then_expire_by_the_moment_asked(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    points = program(mgmt, app)
    pid, profile = points["id"], random_id("bo")
    earn_and_spend(server, app, pid, pending="1D", validity="2D")
    before = datetime.now(UTC) - timedelta(minutes=1)
    close(integration, profile, EARN)
    day = datetime.now(UTC)
    assert main(integration, pid, profile) == (0, 30, 0, 0, 0)
    at = lambda d: (day + timedelta(days=d, minutes=5)).isoformat()  # noqa: E731
    assert main(integration, pid, profile, endDate=at(1)) == (30, 0, 0, 0, 0)
    assert main(integration, pid, profile, endDate=at(3)) == (0, 0, 0, 30, 0)
    assert main(integration, pid, profile, endDate=before.isoformat()) == (0, 0, 0, 0, 0)
    # a deduction now is refused: the points are not active yet
    _, refused = close(integration, profile, SPEND)
    assert refused["effects"] == [] and refused["ruleFailureReasons"]


@pytest.mark.parametrize(
    ("policy", "rolled", "after"),
    [
        ("only_pending", None, (10, 0, 20, 0, 0)),
        ("within_balance", 10, (0, 0, 20, 0, 0)),
        ("unlimited", 30, (0, 0, 20, 0, 20)),
    ],
)
def test_cancel_rolls_back_added_points_per_return_policy(
    server: Server,
    mgmt: httpx.Client,
    app: AppContext,
    integration: httpx.Client,
    policy: str,
    rolled: int | None,
    after: tuple[int, ...],
) -> None:
    points = program(mgmt, app, returnPolicy=policy)
    pid, profile = points["id"], random_id("cy")
    earn_and_spend(server, app, pid)
    earned, _ = close(integration, profile, EARN)
    close(integration, profile, SPEND)
    # when the earning session is cancelled
    effects = cancel(integration, earned)
    rollbacks = [e for e in effects if e["effectType"] == "rollbackAddedLoyaltyPoints"]
    if rolled is None:
        assert rollbacks == []  # the points are active: only pending ones could be taken back
    else:
        [rollback] = rollbacks
        check("RollbackAddedLoyaltyPointsEffectProps", rollback["props"])
        assert rollback["props"]["value"] == rolled and rollback["props"]["recipientIntegrationId"] == profile
    assert main(integration, pid, profile) == after
    assert entries_sum(server, pid, f"profile:{profile}") == after[0] - after[4]


def test_pending_points_are_rolled_back_under_only_pending_and_a_deduction_is_given_back(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    points = program(mgmt, app)
    pid, profile = points["id"], random_id("dee")
    earn_and_spend(server, app, pid, validity="30D")
    earned, _ = close(integration, profile, EARN)
    spent, _ = close(integration, profile, SPEND)
    # reopening the spending session gives the 20 points back, with their lot's expiry
    reopened = integration.put(f"/v2/customer_sessions/{spent}/reopen")
    assert reopened.status_code == 200, reopened.text
    [given] = [e for e in reopened.json()["effects"] if e["effectType"] == "rollbackDeductedLoyaltyPoints"]
    check("RollbackDeductedLoyaltyPointsEffectProps", given["props"])
    assert given["props"]["value"] == 20 and "expiryDate" in given["props"]
    assert main(integration, pid, profile) == (30, 0, 0, 0, 0)
    # a pending addition is always rolled back (program with a pending duration)
    later = program(mgmt, app, defaultPending="2D")
    earn_and_spend(server, app, later["id"])
    pending, _ = close(integration, profile, EARN)
    assert main(integration, later["id"], profile) == (0, 30, 0, 0, 0)
    [rollback] = [e for e in cancel(integration, pending) if e["props"].get("programId") == later["id"]]
    assert rollback["effectType"] == "rollbackAddedLoyaltyPoints" and rollback["props"]["value"] == 30
    assert main(integration, later["id"], profile) == (0, 0, 0, 0, 0)
    assert earned


def test_activation_by_session_and_by_transaction(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    points = program(mgmt, app)
    pid, profile = points["id"], random_id("eve")
    earn_and_spend(server, app, pid, pending="on_action", validity="30D")
    first, _ = close(integration, profile, EARN)
    _, second = close(integration, profile, EARN)
    assert main(integration, pid, profile) == (0, 60, 0, 0, 0)
    url = f"/v1/loyalty_programs/{pid}/activate_points"
    by_session = integration.post(url, json={"sessionId": first})
    assert by_session.status_code == 200, by_session.text
    check("ActivateLoyaltyPointsResponse", by_session.json())
    [entry] = by_session.json()["ledgerEntries"]
    assert entry["amount"] == 30 and entry["customerProfileID"] == profile and entry["expiryDate"]
    assert main(integration, pid, profile) == (30, 30, 0, 0, 0)
    [added] = loyalty_effects(second)
    uuid = added["props"]["transactionUUID"]
    by_uuid = integration.post(url, json={"transactionUUIDs": [uuid]})
    assert by_uuid.status_code == 200 and len(by_uuid.json()["ledgerEntries"]) == 1
    assert main(integration, pid, profile) == (60, 0, 0, 0, 0)
    # either, not both
    both = integration.post(url, json={"transactionUUIDs": [uuid], "sessionId": first})
    assert both.status_code == 400 and both.json()["errors"][0]["source"]["pointer"] == "/sessionId"


def test_subledgers_and_deleting_transactions(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    points = program(mgmt, app)
    pid, profile = points["id"], random_id("fay")
    earn_and_spend(server, app, pid, subledgerId="books")
    earn_and_spend(server, app, pid, earn=5)
    close(integration, profile, EARN)
    found = balances(integration, pid, profile)
    assert found["balance"]["activePoints"] == 5
    assert found["subledgerBalances"]["books"]["activePoints"] == 30
    only = balances(integration, pid, profile, subledgerId="books")
    assert list(only["subledgerBalances"]) == ["books"]
    url = f"/v1/loyalty_programs/{pid}/profile/{profile}/delete_transactions"
    bad = integration.post(url, json={"scope": "SelectedSubledgers"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["source"]["pointer"] == "/subledgerIds"
    deleted = integration.post(url, json={"scope": "SelectedSubledgers", "subledgerIds": ["books"]})
    assert deleted.status_code == 204, deleted.text
    found = balances(integration, pid, profile)
    assert found["balance"]["activePoints"] == 5 and found["subledgerBalances"]["books"]["activePoints"] == 0
    assert integration.post(url, json={"scope": "AllSubledgers"}).status_code == 204
    assert main(integration, pid, profile) == (0, 0, 0, 0, 0)


def test_card_balances_and_an_inactive_card_neither_earns_nor_spends(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    cards = program(mgmt, app, cardBased=True, usersPerCardLimit=2, tiers=[])
    pid = cards["id"]
    now = datetime.now(UTC)
    active, blocked = random_id("card"), random_id("card")
    for identifier, status in ((active, "active"), (blocked, "inactive")):
        factories.define_row(
            server, "loyalty_cards", program_id=pid, identifier=identifier, status=status, modified=now
        )
    earn_and_spend(server, app, pid)
    close(integration, random_id("p"), EARN, loyaltyCards=[active])
    _, spent = close(integration, random_id("p"), SPEND, loyaltyCards=[active])
    assert len(loyalty_effects(spent)) == 1
    _, refused = close(integration, random_id("p"), EARN, loyaltyCards=[blocked])
    assert loyalty_effects(refused) == [] and refused["ruleFailureReasons"]
    response = integration.get(f"/v1/loyalty_programs/{pid}/cards/{active}/balances")
    assert response.status_code == 200, response.text
    body = check("LoyaltyCardBalances", response.json())
    assert body["balance"]["activePoints"] == 10 and body["balance"]["spentPoints"] == 20
    assert body["profiles"] == []
    blocked_balance = integration.get(f"/v1/loyalty_programs/{pid}/cards/{blocked}/balances").json()
    assert blocked_balance["balance"]["activePoints"] == 0


def test_unknown_program_profile_and_card_are_404_and_a_bad_time_is_400(
    mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    points = program(mgmt, app)
    pid = points["id"]
    assert integration.get(f"/v1/loyalty_programs/{pid}/profile/nobody/balances").status_code == 404
    assert integration.get("/v1/loyalty_programs/999999/profile/nobody/balances").status_code == 404
    assert integration.get(f"/v1/loyalty_programs/{pid}/cards/nocard/balances").status_code == 404
    bad = integration.get(f"/v1/loyalty_programs/{pid}/profile/nobody/balances", params={"endDate": "x"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["source"]["parameter"] == "endDate"


def test_a_partial_return_rolls_back_points_in_proportion(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    points = program(mgmt, app, returnPolicy="within_balance")
    pid, profile = points["id"], random_id("gus")
    earn_and_spend(server, app, pid)
    items = [{"sku": "x", "quantity": 2, "price": EARN / 2}]
    session_id, _ = close(integration, profile, EARN, cartItems=items)
    assert main(integration, pid, profile) == (30, 0, 0, 0, 0)
    # when one of the two units is returned: half the points go back
    body = {"return": {"returnedCartItems": [{"position": 0, "quantity": 1}]}}
    response = integration.post(f"/v2/customer_sessions/{session_id}/returns", json=body)
    assert response.status_code == 200, response.text
    [rollback] = [e for e in response.json()["effects"] if e["effectType"] == "rollbackAddedLoyaltyPoints"]
    assert rollback["props"]["value"] == 15
    assert main(integration, pid, profile) == (15, 0, 0, 0, 0)
    # and cancelling the session afterwards takes back the rest only
    [rest] = [e for e in cancel(integration, session_id) if e["effectType"] == "rollbackAddedLoyaltyPoints"]
    assert rest["props"]["value"] == 15
    assert main(integration, pid, profile) == (0, 0, 0, 0, 0)


def test_a_profile_update_that_runs_the_rules_writes_its_points_at_once(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    points = program(mgmt, app)
    pid, profile = points["id"], random_id("hal")
    rule = {"title": "welcome", "condition": ["and", True], "effects": [["addLoyaltyPoints", pid, 5]]}
    campaign(server, app, [rule], features=["loyalty"])
    response = integration.put(
        f"/v2/customer_profiles/{profile}", params={"runRuleEngine": "true"}, json={"attributes": {}}
    )
    assert response.status_code == 200, response.text
    assert [e["effectType"] for e in response.json()["effects"]] == ["addLoyaltyPoints"]
    assert main(integration, pid, profile) == (5, 0, 0, 0, 0)


def test_expiry_changes_move_the_open_lots(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    points = program(mgmt, app, defaultValidity="10D")
    pid, profile = points["id"], random_id("ivy")
    earn_and_spend(server, app, pid)
    soon = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    rules = [
        {
            "title": "extend",
            "condition": ["=", [".", "Session", "Total"], 30],
            "effects": [["extendLoyaltyPointsExpiryDate", pid, "5D"]],
        },
        {
            "title": "cut",
            "condition": ["=", [".", "Session", "Total"], 40],
            "effects": [["setLoyaltyPointsExpiryDate", pid, ["parseTime", soon]]],
        },
    ]
    campaign(server, app, rules, name="expiry", features=["loyalty"])
    _, earned = close(integration, profile, EARN)
    [added] = loyalty_effects(earned)
    at = lambda d: (datetime.now(UTC) + timedelta(days=d)).isoformat()  # noqa: E731
    assert main(integration, pid, profile, endDate=at(12))[3] == 30  # expired after 10 days
    # when a close extends the points by 5 days
    _, extended = close(integration, profile, 30)
    [extension] = loyalty_effects(extended)
    assert extension["props"]["affectedTransactions"] == [added["props"]["transactionUUID"]]
    assert main(integration, pid, profile, endDate=at(12))[0] == 30
    assert main(integration, pid, profile, endDate=at(16))[3] == 30
    # and another sets their expiry to tomorrow
    close(integration, profile, 40)
    assert main(integration, pid, profile) == (30, 0, 0, 0, 0)
    assert main(integration, pid, profile, endDate=at(2)) == (0, 0, 0, 30, 0)


def test_deductions_of_one_evaluation_add_up_and_a_failed_rule_gives_its_points_back(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    points = program(mgmt, app)
    pid, profile = points["id"], random_id("jo")
    earn_and_spend(server, app, pid)
    at_50 = ["=", [".", "Session", "Total"], 50]
    rules = [
        {
            "title": "too much",
            "condition": at_50,
            "effects": [["deductLoyaltyPoints", pid, 10], ["deductLoyaltyPoints", pid, 100]],
        },
        {"title": "first", "condition": at_50, "effects": [["deductLoyaltyPoints", pid, 25]]},
        {"title": "second", "condition": at_50, "effects": [["deductLoyaltyPoints", pid, 10]]},
    ]
    campaign(server, app, rules, name="spender", features=["loyalty"])
    close(integration, profile, EARN)
    _, state = close(integration, profile, 50)
    assert [e["ruleName"] for e in loyalty_effects(state)] == ["first"]
    assert [f["ruleName"] for f in state["ruleFailureReasons"]] == ["too much", "second"]
    assert main(integration, pid, profile) == (5, 0, 25, 0, 0)


def test_points_for_a_card_named_by_the_rule(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    cards = program(mgmt, app, cardBased=True, tiers=[])
    pid, now = cards["id"], datetime.now(UTC)
    mine, gift = random_id("card"), random_id("card")
    for identifier in (mine, gift):
        factories.define_row(
            server, "loyalty_cards", program_id=pid, identifier=identifier, status="active", modified=now
        )
    at = lambda total: ["=", [".", "Session", "Total"], total]  # noqa: E731
    rules = [
        {
            "title": "gift",
            "condition": at(60),
            "effects": [["addLoyaltyPoints", pid, 7, {"cardIdentifier": gift}]],
        },
        {
            "title": "lost",
            "condition": at(70),
            "effects": [["addLoyaltyPoints", pid, 7, {"cardIdentifier": "nope-card"}]],
        },
        {
            "title": "take",
            "condition": at(80),
            "effects": [["deductLoyaltyPoints", pid, 1, {"cardIdentifier": gift}]],
        },
    ]
    campaign(server, app, rules, features=["loyalty"])
    _, given = close(integration, random_id("p"), 60, loyaltyCards=[mine])
    assert len(loyalty_effects(given)) == 1
    _, lost = close(integration, random_id("p"), 70, loyaltyCards=[mine])
    assert loyalty_effects(lost) == []  # an unknown card earns nothing: the effect is dropped
    _, taken = close(integration, random_id("p"), 80, loyaltyCards=[mine])
    assert loyalty_effects(taken) == [] and "is not known here" in taken["ruleFailureReasons"][0]["details"]
    balance = integration.get(f"/v1/loyalty_programs/{pid}/cards/{gift}/balances").json()["balance"]
    assert balance["activePoints"] == 7


def test_durations_round_in_the_programs_time_zone(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given a program in Berlin whose points last until the end of the next day (1D_U)
    pid = program(mgmt, app, timezone="Europe/Berlin", defaultValidity="1D_U", tiers=[])["id"]
    earn_and_spend(server, app, pid)
    profile = random_id("zone")
    # when a close earns points
    _, answer = close(integration, profile, EARN)
    [added] = [e for e in answer["effects"] if e["effectType"] == "addLoyaltyPoints"]
    # then they expire at the end of a day in Berlin, not in UTC
    expiry = datetime.fromisoformat(added["props"]["expiryDate"].replace("Z", "+00:00"))
    local = expiry.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.hour, local.minute, local.second) == (23, 59, 59)
    assert expiry.astimezone(UTC).hour != 23
    # and so do points added by hand
    url = f"/v1/loyalty_programs/{pid}/profile/{profile}/add_points"
    assert mgmt.put(url, json={"points": 1, "validityDuration": "1D_U"}).status_code == 204
    ledger = mgmt.get(f"/v1/loyalty_programs/{pid}/profile/{profile}").json()["ledger"]
    ends = {datetime.fromisoformat(e["expiryDate"].replace("Z", "+00:00")) for e in ledger["activePoints"]}
    assert all(e.astimezone(ZoneInfo("Europe/Berlin")).hour == 23 for e in ends)
