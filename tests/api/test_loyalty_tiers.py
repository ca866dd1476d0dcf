"""Tiers on both databases: a close whose points reach a tier upgrades the ledger and answers
``changeLoyaltyTierLevel``; spending never lowers a tier; at the tier's expiry it is reevaluated by the
downgrade policy (seen through ``endDate`` with no write in between); projected tiers; manual additions
and activations upgrade too. Answers checked with Talon.One's own models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api import factories
from tests.api.factories import campaign
from tests.api.sdk import check
from tests.api.test_ledger import balances, close
from tests.conftest import AppContext, Server, random_id

TIERS = [{"name": "silver", "minPoints": 100}, {"name": "gold", "minPoints": 300}]


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def tiered(mgmt: httpx.Client, app: AppContext, downgrade: str) -> int:
    fields = {
        "tiers": TIERS,
        "tiersExpirationPolicy": "tier_start_date",
        "tiersExpireIn": "30D",
        "tiersDowngradePolicy": downgrade,
    }
    return int(factories.loyalty_program(mgmt, app, **fields)["id"])


def earning(server: Server, app: AppContext, pid: int) -> None:
    """A close earns its total in points."""
    rule = {
        "title": "points for the total",
        "condition": ["and", True],
        "effects": [["addLoyaltyPoints", pid, [".", "Session", "Total"], {"name": "order"}]],
    }
    campaign(server, app, [rule], features=["loyalty"])


def tier_effects(answer: dict[str, Any]) -> list[dict[str, Any]]:
    found = [e for e in answer["effects"] if e["effectType"] == "changeLoyaltyTierLevel"]
    for effect in found:
        check("ChangeLoyaltyTierLevelEffectProps", effect["props"])
    return found


def tier_at(integration: httpx.Client, pid: int, profile: str, when: datetime) -> dict[str, Any]:
    params = {"includeTiers": "true", "includeProjectedTier": "true", "endDate": when.isoformat()}
    return balances(integration, pid, profile, **params)["balance"]  # type: ignore[no-any-return]


def test_points_reaching_a_tier_upgrade_the_ledger_and_spending_never_lowers_it(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given a program with silver at 100 and gold at 300, tiers lasting 30 days, one down at expiry
    pid = tiered(mgmt, app, "one_down")
    earning(server, app, pid)
    profile = random_id("tier")
    # when a close earns 60 points, then one 90
    _, first = close(integration, profile, 60)
    _, second = close(integration, profile, 90)
    # then the first reached no tier, the second silver, answered as an effect of the rule
    assert tier_effects(first) == []
    [upgrade] = tier_effects(second)
    assert upgrade["props"]["newTierName"] == "silver" and "previousTierName" not in upgrade["props"]
    assert upgrade["props"]["ruleTitle"] == "points for the total" and upgrade["props"]["subLedgerId"] == ""
    expires = datetime.fromisoformat(upgrade["props"]["expiryDate"].replace("Z", "+00:00"))
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
    now = datetime.now(UTC)
    balance = tier_at(integration, pid, profile, now)
    assert (
        balance["currentTier"]["name"] == "silver" and balance["currentTier"]["downgradePolicy"] == "one_down"
    )
    assert balance["nextTierName"] == "gold" and balance["pointsToNextTier"] == 150.0
    # spending 100 by hand keeps silver until it expires
    url = f"/v1/loyalty_programs/{pid}/profile/{profile}"
    assert mgmt.put(f"{url}/deduct_points", json={"points": 100}).status_code == 204
    assert tier_at(integration, pid, profile, datetime.now(UTC))["currentTier"]["name"] == "silver"
    # projected: 50 points at the expiry, 50 short of staying, no tier below silver
    projected = tier_at(integration, pid, profile, datetime.now(UTC))["projectedTier"]
    assert projected == {"projectedActivePoints": 50.0, "stayInTierPoints": 50.0}
    # after the expiry, with no write in between, the tier is gone (one down from silver is none)
    after = tier_at(integration, pid, profile, expires + timedelta(hours=1))
    assert "currentTier" not in after and after["nextTierName"] == "silver"
    # a manual addition reaching gold upgrades too (no session: no effect to answer)
    assert mgmt.put(f"{url}/add_points", json={"points": 260}).status_code == 204
    assert tier_at(integration, pid, profile, datetime.now(UTC))["currentTier"]["name"] == "gold"
    assert "nextTierName" not in tier_at(integration, pid, profile, datetime.now(UTC))


def test_balance_based_reevaluation_keeps_a_tier_the_points_still_reach(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given a profile that reached gold in a balance-based program
    pid = tiered(mgmt, app, "balance_based")
    earning(server, app, pid)
    profile = random_id("tier")
    _, answer = close(integration, profile, 320)
    [upgrade] = tier_effects(answer)
    assert upgrade["props"]["newTierName"] == "gold"
    expires = datetime.fromisoformat(upgrade["props"]["expiryDate"].replace("Z", "+00:00"))
    # when it spends down to 150
    url = f"/v1/loyalty_programs/{pid}/profile/{profile}"
    assert mgmt.put(f"{url}/deduct_points", json={"points": 170}).status_code == 204
    # then at the expiry it takes the tier its points reach, silver, for a new period
    after = tier_at(integration, pid, profile, expires + timedelta(days=1))
    assert after["currentTier"]["name"] == "silver"
    assert after["projectedTier"]["projectedTierName"] == "silver"
    # and a close that reaches no higher tier answers no upgrade
    _, later = close(integration, profile, 10)
    assert tier_effects(later) == []
