"""Campaigns, rulesets and evaluation groups through the Management API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import AppContext, assert_error, create_application

RULE = {"title": "ten off", "condition": ["and", True], "effects": [["setDiscount", "ten", 10]]}


def new_campaign(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Summer",
        "state": "enabled",
        "tags": ["summer"],
        "features": ["coupons"],
        "limits": [],
        **fields,
    }


def test_create_get_update_delete_campaign(mgmt: httpx.Client, app: AppContext) -> None:
    base = f"/v1/applications/{app.id}/campaigns"
    created = mgmt.post(
        base, json=new_campaign(limits=[{"action": "setDiscount", "limit": 100, "entities": ["Profile"]}])
    )
    assert created.status_code == 201, created.text
    campaign = created.json()
    assert campaign["applicationId"] == app.id and campaign["frontendState"] == "running"
    assert campaign["evaluationGroupId"] == app.body["defaultEvaluationGroupId"]
    assert campaign["type"] == "advanced" and campaign["reevaluateOnReturn"] is False
    assert campaign["limits"] == [{"action": "setDiscount", "limit": 100, "entities": ["Profile"]}]
    assert mgmt.get(f"{base}/{campaign['id']}").json()["name"] == "Summer"
    update = new_campaign(name="Winter", state="disabled", startTime="2030-01-01T00:00:00Z")
    updated = mgmt.put(f"{base}/{campaign['id']}", json=update).json()
    assert updated["name"] == "Winter" and updated["frontendState"] == "disabled"
    assert updated["startTime"] == "2030-01-01T00:00:00Z" and updated["version"] == 2
    enabled = mgmt.put(f"{base}/{campaign['id']}", json={**update, "state": "enabled"}).json()
    assert enabled["frontendState"] == "scheduled"
    listed = mgmt.get(base, params={"campaignState": "scheduled"}).json()
    assert [c["id"] for c in listed["data"]] == [campaign["id"]] and listed["totalResultSize"] == 1
    assert mgmt.delete(f"{base}/{campaign['id']}").status_code == 204
    assert_error(mgmt.get(f"{base}/{campaign['id']}"), 404)


def test_campaign_bad_input(mgmt: httpx.Client, app: AppContext) -> None:
    base = f"/v1/applications/{app.id}/campaigns"
    assert_error(mgmt.post(base, json={"name": "x"}), 400, pointer="/tags")
    assert_error(mgmt.post(base, json=new_campaign(state="on")), 400, pointer="/state")
    assert_error(mgmt.post(base, json=new_campaign(features=["magic"])), 400, pointer="/features/0")
    assert_error(mgmt.post(base, json=new_campaign(startTime="soon")), 400, pointer="/startTime")
    bad_limit = [{"action": "teleport", "limit": 1, "entities": []}]
    assert_error(mgmt.post(base, json=new_campaign(limits=bad_limit)), 400, pointer="/limits/0/action")
    assert_error(
        mgmt.post(base, json=new_campaign(evaluationGroupId=999999)), 400, pointer="/evaluationGroupId"
    )
    assert_error(mgmt.post("/v1/applications/999999/campaigns", json=new_campaign()), 404)


def test_rulesets_compile_activate_and_list(mgmt: httpx.Client, app: AppContext) -> None:
    campaign = mgmt.post(f"/v1/applications/{app.id}/campaigns", json=new_campaign()).json()
    base = f"/v1/applications/{app.id}/campaigns/{campaign['id']}/rulesets"
    first = mgmt.post(base, json={"rules": [RULE], "bindings": [], "activate": True})
    assert first.status_code == 201, first.text
    assert first.json()["rules"][0]["title"] == "ten off" and first.json()["activatedAt"]
    assert (
        mgmt.get(f"/v1/applications/{app.id}/campaigns/{campaign['id']}").json()["activeRulesetId"]
        == first.json()["id"]
    )
    second = mgmt.post(base, json={"rules": [RULE], "bindings": []}).json()
    assert second["activate"] is False
    listed = mgmt.get(base).json()
    assert [r["id"] for r in listed["data"]] == [first.json()["id"], second["id"]]
    assert mgmt.get(f"{base}/{second['id']}").json()["id"] == second["id"]
    assert_error(mgmt.get(f"{base}/999999"), 404)


def test_a_rule_that_does_not_compile_is_refused_with_its_path(mgmt: httpx.Client, app: AppContext) -> None:
    campaign = mgmt.post(f"/v1/applications/{app.id}/campaigns", json=new_campaign()).json()
    base = f"/v1/applications/{app.id}/campaigns/{campaign['id']}/rulesets"
    unknown = {"title": "bad", "condition": ["and", ["noSuchFunction", 1]], "effects": []}
    body = assert_error(
        mgmt.post(base, json={"rules": [RULE, RULE, unknown], "bindings": []}),
        400,
        pointer="/rules/2/condition/1",
    )
    assert "noSuchFunction" in body["errors"][0]["details"]
    arity = {"title": "bad", "condition": ["and", True], "effects": [["setDiscount", "x"]]}
    assert_error(mgmt.post(base, json={"rules": [arity], "bindings": []}), 400, pointer="/rules/0/effects/0")
    assert_error(
        mgmt.post(base, json={"rules": [{"title": "t", "condition": [], "effects": []}], "bindings": []}),
        400,
        pointer="/rules/0/condition",
    )


def test_evaluation_groups(mgmt: httpx.Client) -> None:
    app = create_application(mgmt)
    base = f"/v1/applications/{app.id}/campaign_evaluation_groups"
    body = {
        "name": "exclusive",
        "parentId": app.body["defaultEvaluationGroupId"],
        "evaluationMode": "listOrder",
        "evaluationScope": "session",
        "locked": False,
    }
    created = mgmt.post(base, json=body)
    assert created.status_code == 201, created.text
    group = created.json()
    assert group["evaluationMode"] == "listOrder" and group["applicationId"] == app.id
    assert [g["id"] for g in mgmt.get(base).json()] == [app.body["defaultEvaluationGroupId"], group["id"]]
    assert mgmt.get(f"{base}/{group['id']}").json() == group
    assert_error(mgmt.post(base, json={**body, "evaluationMode": "random"}), 400, pointer="/evaluationMode")
    assert_error(mgmt.post(base, json={**body, "parentId": 999999}), 400, pointer="/parentId")
    campaign = mgmt.post(
        f"/v1/applications/{app.id}/campaigns", json=new_campaign(evaluationGroupId=group["id"])
    ).json()
    assert campaign["evaluationGroupId"] == group["id"]


def test_campaigns_of_another_application_are_404(mgmt: httpx.Client, app: AppContext) -> None:
    other = create_application(mgmt)
    campaign = mgmt.post(f"/v1/applications/{app.id}/campaigns", json=new_campaign()).json()
    assert_error(mgmt.get(f"/v1/applications/{other.id}/campaigns/{campaign['id']}"), 404)
    assert_error(
        mgmt.post(
            f"/v1/applications/{other.id}/campaigns/{campaign['id']}/rulesets",
            json={"rules": [], "bindings": []},
        ),
        404,
    )
