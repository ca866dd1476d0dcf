"""Customer profiles through the Integration API: attributes, audiences, the rule engine, bulk updates."""

from __future__ import annotations

import httpx
import pytest

from tests.api import factories
from tests.api.factories import campaign, discount_rule
from tests.conftest import AppContext, Server, assert_error, random_id


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def test_update_creates_then_merges_attributes(server: Server, integration: httpx.Client) -> None:
    name = "color" + random_id("a").replace("-", "")
    factories.attribute(server, "CustomerProfile", name, "string")
    other = "size" + random_id("b").replace("-", "")
    factories.attribute(server, "CustomerProfile", other, "number")
    profile_id = random_id("prof")
    first = integration.put(f"/v2/customer_profiles/{profile_id}", json={"attributes": {name: "red"}})
    assert first.status_code == 200, first.text
    assert first.json() == {"effects": [], "createdCoupons": [], "createdReferrals": []}
    second = integration.put(
        f"/v2/customer_profiles/{profile_id}",
        params={"runRuleEngine": "true"},
        json={"attributes": {other: 42}, "responseContent": ["customerProfile"]},
    )
    profile = second.json()["customerProfile"]
    assert profile["integrationId"] == profile_id and profile["attributes"] == {name: "red", other: 42}
    assert_error(
        integration.put(f"/v2/customer_profiles/{profile_id}", json={"attributes": {"nope": 1}}),
        400,
        pointer="/attributes/nope",
    )
    assert_error(
        integration.put(f"/v2/customer_profiles/{profile_id}", json={"attributes": {other: "big"}}),
        400,
        pointer=f"/attributes/{other}",
    )
    assert_error(
        integration.put(f"/v2/customer_profiles/{profile_id}", params={"dry": "true"}, json={}),
        400,
        parameter="dry",
    )


def test_rule_engine_on_profile_update(server: Server, app: AppContext, integration: httpx.Client) -> None:
    rule = {
        "title": "welcome",
        "condition": ["and", True],
        "effects": [["showNotification", "info", "Welcome", "Nice to see you"]],
    }
    campaign(server, app, [rule], name="welcome")
    profile_id = random_id("p")
    quiet = integration.put(f"/v2/customer_profiles/{profile_id}", json={})
    assert quiet.json()["effects"] == []
    loud = integration.put(
        f"/v2/customer_profiles/{profile_id}",
        params={"runRuleEngine": "true"},
        json={"responseContent": ["ruleFailureReasons"]},
    )
    [effect] = loud.json()["effects"]
    assert effect["effectType"] == "showNotification"
    assert effect["props"] == {"notificationType": "info", "title": "Welcome", "body": "Nice to see you"}
    assert loud.json()["ruleFailureReasons"] == []


def test_audience_changes(server: Server, integration: httpx.Client) -> None:
    factories.define(server, "audiences", name="vip")
    with factories.database(server)(write=False) as uow:
        audience = max(r["id"] for r in uow.records.find("audiences", {"account_id": 1}).rows)
    profile_id = random_id("aud")
    response = integration.put(
        f"/v2/customer_profiles/{profile_id}",
        params={"runRuleEngine": "true"},
        json={
            "audiencesChanges": {"adds": [audience], "deletes": []},
            "responseContent": ["customerProfile"],
        },
    )
    assert response.status_code == 200, response.text
    with factories.database(server)(write=False) as uow:
        assert uow.records.find_one(
            "audience_memberships", audience_id=audience, profile_integration_id=profile_id
        )
    removed = integration.put(
        f"/v2/customer_profiles/{profile_id}", json={"audiencesChanges": {"adds": [], "deletes": [audience]}}
    )
    assert removed.status_code == 200
    with factories.database(server)(write=False) as uow:
        assert (
            uow.records.find_one(
                "audience_memberships", audience_id=audience, profile_integration_id=profile_id
            )
            is None
        )
    unknown = integration.put(
        f"/v2/customer_profiles/{profile_id}", json={"audiencesChanges": {"adds": [987654], "deletes": []}}
    )
    assert_error(unknown, 400, pointer="/audiencesChanges/adds/0")


def test_bulk_update(integration: httpx.Client) -> None:
    ids = [random_id("bulk") for _ in range(3)]
    body = {"customerProfiles": [{"integrationId": i} for i in ids]}
    silent = integration.put("/v2/customer_profiles", json=body)
    assert silent.status_code == 204 and silent.content == b""
    loud = integration.put("/v2/customer_profiles", params={"silent": "no"}, json=body)
    assert [s["customerProfile"]["integrationId"] for s in loud.json()["integrationStates"]] == ids
    too_many = {"customerProfiles": [{"integrationId": f"x{i}"} for i in range(1001)]}
    assert_error(integration.put("/v2/customer_profiles", json=too_many), 400, pointer="/customerProfiles")
    twice = {"customerProfiles": [{"integrationId": "same"}, {"integrationId": "same"}]}
    assert_error(
        integration.put("/v2/customer_profiles", json=twice), 400, pointer="/customerProfiles/1/integrationId"
    )


def test_discount_rules_do_not_fire_without_a_cart(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    campaign(server, app, [discount_rule("cart", ["and", [">", [".", "Session", "Total"], 10]], 5)])
    response = integration.put(
        f"/v2/customer_profiles/{random_id('p')}", params={"runRuleEngine": "true"}, json={}
    )
    assert response.json()["effects"] == []
