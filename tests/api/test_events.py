"""Custom events (``trackEventV2``) on both databases: an event-driven reward committed at once, only the
campaigns that read the event evaluated, silent and dry runs, the answer's parts checked with Talon.One's
own models, and every malformed field a 400 naming it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api import factories
from tests.api.factories import campaign
from tests.api.sdk import check
from tests.api.test_ledger import balances
from tests.conftest import AppContext, Server, assert_error, random_id


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def define(mgmt: httpx.Client, name: str, **attributes: str) -> None:
    created = mgmt.post("/v1/event_types", json={"name": name, "title": name})
    assert created.status_code in (200, 201), created.text
    for attribute, kind in attributes.items():
        body = {
            "entity": "Event",
            "name": attribute,
            "title": attribute,
            "type": kind,
            "description": "",
            "suggestions": [],
            "editable": True,
            "eventType": name,
        }
        made = mgmt.post("/v1/attributes", json=body)
        assert made.status_code in (200, 201), made.text


def track(integration: httpx.Client, body: dict[str, Any], **params: Any) -> httpx.Response:
    return integration.post("/v2/events", json=body, params=params)


def answered(integration: httpx.Client, body: dict[str, Any], **params: Any) -> dict[str, Any]:
    response = track(integration, body, silent="no", **params)
    assert response.status_code == 200, response.text
    return check("TrackEventV2Response", response.json())  # type: ignore[no-any-return]


@pytest.fixture
def review(server: Server, mgmt: httpx.Client, app: AppContext) -> dict[str, Any]:
    """A ``review`` event with ``stars``; a campaign giving 10 points for a 4-star review, one giving 1
    point for any event, and a session campaign that must not run for events."""
    kind = random_id("review").replace("-", "_")
    define(mgmt, kind, stars="number")
    define(mgmt, kind + "_other")
    pid = int(factories.loyalty_program(mgmt, app)["id"])
    reward = {
        "title": "good review",
        "condition": [
            "and",
            ["=", [".", "Event", "Type"], kind],
            [">=", [".", "Event", "Attributes", "stars"], 4],
        ],
        "effects": [["addLoyaltyPoints", pid, 10, {"name": "review"}]],
    }
    anything = {
        "title": "any event",
        "condition": ["catch", False, ["!=", [".", "Event", "Type"], ""]],
        "effects": [["addLoyaltyPoints", pid, 1, {"name": "activity"}]],
    }
    session_only = {"title": "ten off", "condition": ["and", True], "effects": [["setDiscount", "ten", 10]]}
    ids = {
        "reward": campaign(server, app, [reward], name="reward", features=["loyalty"]),
        "anything": campaign(server, app, [anything], name="anything", features=["loyalty"], position=1),
        "session": campaign(server, app, [session_only], name="session", position=2),
    }
    return {"type": kind, "program": pid, "campaigns": ids}


def test_an_event_rewards_at_once_and_only_campaigns_reading_it_run(
    integration: httpx.Client, mgmt: httpx.Client, review: dict[str, Any]
) -> None:
    # given a new profile
    profile, pid = random_id("reviewer"), review["program"]
    # when it sends a 5-star review
    body = {
        "profileId": profile,
        "type": review["type"],
        "attributes": {"stars": 5},
        "responseContent": ["customerProfile", "triggeredCampaigns", "event", "ruleFailureReasons"],
    }
    answer = answered(integration, body)
    # then both event campaigns gave their points, committed at once; the session campaign never ran
    points = [e for e in answer["effects"] if e["effectType"] == "addLoyaltyPoints"]
    assert sorted(e["props"]["value"] for e in points) == [1.0, 10.0]
    assert {c["id"] for c in answer["triggeredCampaigns"]} == {
        review["campaigns"]["reward"],
        review["campaigns"]["anything"],
    }
    assert not any(e["effectType"] == "setDiscount" for e in answer["effects"])
    assert balances(integration, pid, profile)["balance"]["activePoints"] == 11.0
    # the profile was created, the event stored with its effects
    assert answer["customerProfile"]["integrationId"] == profile
    event = answer["event"]
    assert event["type"] == review["type"] and event["attributes"] == {"stars": 5} and event["id"] > 0
    assert event["profileId"] == profile and len(event["effects"]) == 2
    # a 3-star review only counts as activity; another type of event too
    three = answered(integration, {"profileId": profile, "type": review["type"], "attributes": {"stars": 3}})
    assert [e["props"]["value"] for e in three["effects"]] == [1.0]
    other = answered(integration, {"profileId": profile, "type": review["type"] + "_other"})
    assert [e["props"]["value"] for e in other["effects"]] == [1.0]
    assert balances(integration, pid, profile)["balance"]["activePoints"] == 13.0


def test_silent_and_dry_events(integration: httpx.Client, review: dict[str, Any]) -> None:
    profile, pid = random_id("quiet"), review["program"]
    body = {"profileId": profile, "type": review["type"], "attributes": {"stars": 4}}
    # silent by default: 204 and committed
    quiet = track(integration, body)
    assert quiet.status_code == 204 and quiet.content == b""
    assert balances(integration, pid, profile)["balance"]["activePoints"] == 11.0
    # dry: answered, nothing written; only the named campaigns when asked, whatever their state
    dry = answered(integration, body, dry="true")
    assert len(dry["effects"]) == 2
    assert balances(integration, pid, profile)["balance"]["activePoints"] == 11.0
    only = answered(
        integration, {**body, "evaluableCampaignIds": [review["campaigns"]["reward"]]}, dry="true"
    )
    assert [e["props"]["value"] for e in only["effects"]] == [10.0]
    complete = answered(integration, body, dry="true", forceCompleteEvaluation="true")
    assert len(complete["effects"]) == 2
    # a dry event of a profile that does not exist creates nothing
    ghost = random_id("ghost")
    assert len(answered(integration, {**body, "profileId": ghost}, dry="true")["effects"]) == 2
    assert integration.get(f"/v1/loyalty_programs/{pid}/profile/{ghost}/balances").status_code == 404


def test_bad_events_name_the_field(integration: httpx.Client, review: dict[str, Any]) -> None:
    profile = random_id("bad")
    kind = review["type"]
    for body, pointer in (
        ({"profileId": profile}, "/type"),
        ({"profileId": profile, "type": "never_defined"}, "/type"),
        ({"profileId": profile, "type": "talon_session_created"}, "/type"),
        ({"profileId": profile, "type": kind, "attributes": {"colour": "red"}}, "/attributes/colour"),
        ({"profileId": profile, "type": kind, "attributes": {"stars": "five"}}, "/attributes/stars"),
        ({"profileId": profile, "type": kind, "loyaltyCards": ["a", "b"]}, "/loyaltyCards"),
        ({"profileId": profile, "type": kind, "responseContent": ["coupons"]}, "/responseContent/0"),
    ):
        assert_error(track(integration, body, silent="no"), 400, pointer=pointer)
    body = {"profileId": profile, "type": kind}
    assert_error(
        track(integration, body, forceCompleteEvaluation="true"), 400, parameter="forceCompleteEvaluation"
    )
    assert_error(track(integration, body, silent="maybe"), 400, parameter="silent")
    # nothing of it was written: the profile does not exist
    pid = review["program"]
    assert integration.get(f"/v1/loyalty_programs/{pid}/profile/{profile}/balances").status_code == 404


def test_the_older_generations_event_answers_its_integration_state(
    integration: httpx.Client, review: dict[str, Any]
) -> None:
    # given a closed session of a profile
    profile, pid = random_id("older"), review["program"]
    session = {"customerSession": {"profileId": profile, "state": "closed", "cartItems": []}}
    assert integration.put(f"/v2/customer_sessions/{profile}-s", json=session).status_code == 200
    # when the older API tracks a review in that session, and one in a session it does not have
    body = {
        "profileId": profile,
        "type": review["type"],
        "attributes": {"stars": 5},
        "sessionId": f"{profile}-s",
    }
    found = integration.post("/v1/events", json=body)
    unknown = integration.post("/v1/events", json={**body, "sessionId": "never-sent"})
    # then each answers 201 with the session, the profile and the stored event; the rewards are committed
    for response in (found, unknown):
        assert response.status_code == 201, response.text
        check("IntegrationState", response.json())
    state = found.json()
    assert state["session"]["integrationId"] == f"{profile}-s" and state["session"]["state"] == "closed"
    assert state["profile"]["integrationId"] == profile
    assert state["event"]["type"] == review["type"] and state["event"]["sessionId"] == f"{profile}-s"
    assert len(state["event"]["effects"]) == 2
    other = unknown.json()["session"]
    assert other["integrationId"] == "never-sent" and other["state"] == "open" and other["cartItems"] == []
    assert balances(integration, pid, profile)["balance"]["activePoints"] == 22.0
    # the older body needs its fields
    assert_error(integration.post("/v1/events", json={"type": review["type"], "attributes": {}}), 400)
