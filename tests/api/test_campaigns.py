"""Campaigns, rulesets and evaluation groups through the Management API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.sdk import check, check_page
from tests.conftest import AppContext, assert_error, create_application

RULE = {"title": "ten off", "condition": ["and", True], "effects": [["setDiscount", "ten", 10]]}
HUGE = 2**70


def new_campaign(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Summer",
        "state": "enabled",
        "tags": ["summer"],
        "features": ["coupons"],
        "limits": [],
        **fields,
    }


def new_group(app: AppContext, **fields: Any) -> dict[str, Any]:
    return {
        "name": "exclusive",
        "parentId": app.body["defaultEvaluationGroupId"],
        "evaluationMode": "listOrder",
        "evaluationScope": "session",
        "locked": False,
        **fields,
    }


def test_create_get_update_delete_campaign(mgmt: httpx.Client, app: AppContext) -> None:
    base = f"/v1/applications/{app.id}/campaigns"
    limits = [{"action": "setDiscount", "limit": 100, "entities": ["Profile"]}]
    created = mgmt.post(
        base,
        json=new_campaign(
            limits=limits,
            couponSettings={"validCharacters": ["A", "B"], "couponPattern": "X-####"},
            couponAttributes={"channel": "mail"},
            attributes={"region": "north"},
            campaignGroups=[7],
        ),
    )
    assert created.status_code == 201, created.text
    campaign = check("Campaign", created.json())
    assert campaign["applicationId"] == app.id and campaign["frontendState"] == "running"
    assert campaign["evaluationGroupId"] == app.body["defaultEvaluationGroupId"]
    assert campaign["type"] == "advanced" and campaign["reevaluateOnReturn"] is False
    assert campaign["limits"] == limits and campaign["description"] == ""
    assert campaign["couponAttributes"] == {"channel": "mail"} and campaign["campaignGroups"] == [7]
    assert campaign["couponSettings"] == {"validCharacters": ["A", "B"], "couponPattern": "X-####"}
    assert campaign["storesImported"] is False and campaign["version"] == 1
    fetched = mgmt.get(f"{base}/{campaign['id']}")
    assert check("Campaign", fetched.json()) == campaign
    update = new_campaign(
        name="Winter", state="disabled", startTime="2030-01-01T00:00:00+0000", type="cartItem"
    )
    updated = mgmt.put(f"{base}/{campaign['id']}", json=update)
    assert updated.status_code == 200, updated.text
    body = check("Campaign", updated.json())
    assert body["name"] == "Winter" and body["frontendState"] == "disabled" and body["type"] == "cartItem"
    assert body["startTime"] == "2030-01-01T00:00:00Z" and body["version"] == 2
    assert "couponAttributes" not in body
    enabled = mgmt.put(f"{base}/{campaign['id']}", json={**update, "state": "enabled"}).json()
    assert enabled["frontendState"] == "scheduled"
    expired = mgmt.put(
        f"{base}/{campaign['id']}", json=new_campaign(startTime="2001-01-01", endTime="2002-01-01")
    ).json()
    assert expired["frontendState"] == "expired"
    deleted = mgmt.delete(f"{base}/{campaign['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert_error(mgmt.get(f"{base}/{campaign['id']}"), 404)
    assert_error(mgmt.put(f"{base}/{campaign['id']}", json=new_campaign()), 404)
    assert_error(mgmt.delete(f"{base}/{campaign['id']}"), 404)


def test_list_campaigns_filters_and_pages(mgmt: httpx.Client, app: AppContext) -> None:
    base = f"/v1/applications/{app.id}/campaigns"
    store = mgmt.post(
        f"/v1/applications/{app.id}/stores", json={"name": "s", "description": "", "integrationId": "s-1"}
    ).json()
    running = mgmt.post(base, json=new_campaign(name="Spring Sale", tags=["Flowers"])).json()
    scheduled = mgmt.post(base, json=new_campaign(name="Later", startTime="2030-01-01", tags=[])).json()
    disabled = mgmt.post(
        base,
        json=new_campaign(name="Off", state="disabled", linkedStoreIds=[store["id"]], campaignGroups=[3]),
    ).json()

    def ids(**params: Any) -> list[int]:
        response = mgmt.get(base, params=params)
        assert response.status_code == 200, response.text
        return [c["id"] for c in check_page(response.json(), "Campaign", total=True)]

    assert ids() == [running["id"], scheduled["id"], disabled["id"]]
    assert ids(campaignState="running") == [running["id"]]
    assert ids(campaignState="scheduled") == [scheduled["id"]]
    assert ids(campaignState="enabled") == [running["id"], scheduled["id"]]
    assert ids(campaignState="disabled") == [disabled["id"]]
    assert ids(campaignState="expired") == []
    assert ids(name="spring") == [running["id"]]
    assert ids(tags="flowers") == [running["id"]]
    assert ids(name="later", tags="flowers") == [running["id"], scheduled["id"]]
    assert ids(startAfter="2029-01-01") == [scheduled["id"]]
    assert ids(startBefore="2029-01-01") == []
    assert ids(createdAfter="2000-01-01T00:00:00Z", pageSize=1, skip=1) == [scheduled["id"]]
    assert ids(createdBefore="2000-01-01") == []
    assert ids(storeId=store["id"]) == [disabled["id"]]
    assert ids(campaignGroupId=3) == [disabled["id"]]
    assert ids(templateId=1) == []
    assert ids(sort="-name") == [running["id"], disabled["id"], scheduled["id"]]
    total = mgmt.get(base, params={"pageSize": 1, "campaignState": "enabled"}).json()
    assert total["totalResultSize"] == 2 and len(total["data"]) == 1


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"campaignState": "sleeping"}, "campaignState"),
        ({"createdBefore": "yesterday"}, "createdBefore"),
        ({"startAfter": "2030-13-01"}, "startAfter"),
        ({"endBefore": "x"}, "endBefore"),
        ({"storeId": "abc"}, "storeId"),
        ({"sort": "budget"}, "sort"),
    ],
)
def test_bad_campaign_queries_name_the_parameter(
    mgmt: httpx.Client, shared_app: AppContext, params: dict[str, str], parameter: str
) -> None:
    assert_error(
        mgmt.get(f"/v1/applications/{shared_app.id}/campaigns", params=params), 400, parameter=parameter
    )


BAD_CAMPAIGNS = [
    ({"name": "x", "features": [], "limits": []}, "/tags"),
    ({"name": "x", "tags": [], "limits": []}, "/features"),
    ({"name": "x", "tags": [], "features": []}, "/limits"),
    (new_campaign(name=""), "/name"),
    (new_campaign(name="n" * 1001), "/name"),
    (new_campaign(state="on"), "/state"),
    (new_campaign(type="basic"), "/type"),
    (new_campaign(features=["magic"]), "/features/0"),
    (new_campaign(tags=[""]), "/tags/0"),
    (new_campaign(tags=["t" * 51]), "/tags/0"),
    (new_campaign(tags=["t"] * 51), "/tags"),
    (new_campaign(startTime="soon"), "/startTime"),
    (new_campaign(startTime="2030-01-02", endTime="2030-01-01"), "/endTime"),
    (new_campaign(attributes="x"), "/attributes"),
    (new_campaign(limits=[{"action": "teleport", "limit": 1, "entities": []}]), "/limits/0/action"),
    (new_campaign(limits=[{"action": "setDiscount", "limit": "1", "entities": []}]), "/limits/0/limit"),
    (
        new_campaign(couponSettings={"validCharacters": ["AB"], "couponPattern": "####"}),
        "/couponSettings/validCharacters/0",
    ),
    (
        new_campaign(couponSettings={"validCharacters": ["A"], "couponPattern": "#"}),
        "/couponSettings/couponPattern",
    ),
    (new_campaign(referralSettings={"couponPattern": "####"}), "/referralSettings/validCharacters"),
    (new_campaign(evaluationGroupId=999999), "/evaluationGroupId"),
    (new_campaign(evaluationGroupId=HUGE), "/evaluationGroupId"),
    (new_campaign(linkedStoreIds=[999999]), "/linkedStoreIds/0"),
    (new_campaign(linkedStoreIds=list(range(51))), "/linkedStoreIds"),
    (new_campaign(campaignGroups=[HUGE]), "/campaignGroups/0"),
    (new_campaign(reevaluateOnReturn="no"), "/reevaluateOnReturn"),
]


@pytest.mark.parametrize(("body", "pointer"), BAD_CAMPAIGNS)
def test_bad_campaigns_are_refused_naming_the_field(
    mgmt: httpx.Client, shared_campaign: str, body: dict[str, Any], pointer: str
) -> None:
    before = mgmt.get(shared_campaign).json()
    assert_error(mgmt.post(shared_campaign.rsplit("/", 1)[0], json=body), 400, pointer=pointer)
    assert_error(mgmt.put(shared_campaign, json=body), 400, pointer=pointer)
    assert mgmt.get(shared_campaign).json() == before


def test_active_ruleset_on_update_must_be_the_campaigns(mgmt: httpx.Client, app: AppContext) -> None:
    base = f"/v1/applications/{app.id}/campaigns"
    first = mgmt.post(base, json=new_campaign()).json()
    second = mgmt.post(base, json=new_campaign()).json()
    ruleset = mgmt.post(f"{base}/{first['id']}/rulesets", json={"rules": [RULE], "bindings": []}).json()
    assert_error(
        mgmt.post(base, json=new_campaign(activeRulesetId=ruleset["id"])), 400, pointer="/activeRulesetId"
    )
    assert_error(
        mgmt.put(f"{base}/{second['id']}", json=new_campaign(activeRulesetId=ruleset["id"])),
        400,
        pointer="/activeRulesetId",
    )
    activated = mgmt.put(f"{base}/{first['id']}", json=new_campaign(activeRulesetId=ruleset["id"])).json()
    assert activated["activeRulesetId"] == ruleset["id"]


def test_rulesets_compile_activate_and_list(mgmt: httpx.Client, app: AppContext) -> None:
    campaign = mgmt.post(f"/v1/applications/{app.id}/campaigns", json=new_campaign()).json()
    base = f"/v1/applications/{app.id}/campaigns/{campaign['id']}/rulesets"
    binding = {"name": "limit", "expression": ["+", 5, 5]}
    first = mgmt.post(
        base, json={"rules": [RULE], "bindings": [binding], "activate": True, "rbVersion": "v2"}
    )
    assert first.status_code == 201, first.text
    ruleset = check("Ruleset", first.json())
    assert (
        ruleset["rules"][0]["title"] == "ten off" and ruleset["activatedAt"] and ruleset["activate"] is True
    )
    assert ruleset["campaignId"] == campaign["id"] and ruleset["bindings"] == [binding]
    assert ruleset["rbVersion"] == "v2" and ruleset["userId"] == 0
    current = mgmt.get(f"/v1/applications/{app.id}/campaigns/{campaign['id']}").json()
    assert current["activeRulesetId"] == ruleset["id"] and current["version"] == 2
    second = check("Ruleset", mgmt.post(base, json={"rules": [RULE], "bindings": []}).json())
    assert second["activate"] is False and "activatedAt" not in second
    listed = check_page(mgmt.get(base).json(), "Ruleset", total=True)
    assert [r["id"] for r in listed] == [ruleset["id"], second["id"]]
    assert [r["id"] for r in mgmt.get(base, params={"sort": "-id"}).json()["data"]] == [
        second["id"],
        ruleset["id"],
    ]
    one = mgmt.get(f"{base}/{second['id']}")
    assert check("Ruleset", one.json())["id"] == second["id"]
    assert_error(mgmt.get(f"{base}/999999"), 404)
    assert_error(mgmt.get(f"{base}/{HUGE}"), 404)


BAD_RULESETS = [
    ({"bindings": []}, "/rules"),
    ({"rules": []}, "/bindings"),
    ({"rules": [{"condition": ["and", True], "effects": []}], "bindings": []}, "/rules/0/title"),
    ({"rules": [{"title": "t", "condition": [], "effects": []}], "bindings": []}, "/rules/0/condition"),
    ({"rules": [{"title": "t", "condition": ["and", True]}], "bindings": []}, "/rules/0/effects"),
    ({"rules": [], "bindings": [{"expression": [1]}]}, "/bindings/0/name"),
    ({"rules": [], "bindings": [], "activate": "yes"}, "/activate"),
    ({"rules": [], "bindings": [], "rbVersion": "v" * 17}, "/rbVersion"),
    (
        {
            "rules": [
                RULE,
                RULE,
                {"title": "bad", "condition": ["and", ["noSuchFunction", 1]], "effects": []},
            ],
            "bindings": [],
        },
        "/rules/2/condition/1",
    ),
    (
        {
            "rules": [{"title": "bad", "condition": ["and", True], "effects": [["setDiscount", "x"]]}],
            "bindings": [],
        },
        "/rules/0/effects/0",
    ),
]


@pytest.mark.parametrize(("body", "pointer"), BAD_RULESETS)
def test_bad_rulesets_are_refused_with_the_path(
    mgmt: httpx.Client, shared_campaign: str, body: dict[str, Any], pointer: str
) -> None:
    base = f"{shared_campaign}/rulesets"
    assert_error(mgmt.post(base, json=body), 400, pointer=pointer)
    assert mgmt.get(base).json()["totalResultSize"] == 0


def test_a_rule_error_names_the_talang_problem(mgmt: httpx.Client, app: AppContext) -> None:
    campaign = mgmt.post(f"/v1/applications/{app.id}/campaigns", json=new_campaign()).json()
    unknown = {"title": "bad", "condition": ["and", ["noSuchFunction", 1]], "effects": []}
    body = assert_error(
        mgmt.post(
            f"/v1/applications/{app.id}/campaigns/{campaign['id']}/rulesets",
            json={"rules": [unknown], "bindings": []},
        ),
        400,
        pointer="/rules/0/condition/1",
    )
    assert "noSuchFunction" in body["errors"][0]["details"]


def test_evaluation_groups(mgmt: httpx.Client) -> None:
    app = create_application(mgmt)
    base = f"/v1/applications/{app.id}/campaign_evaluation_groups"
    created = mgmt.post(base, json=new_group(app, description="one winner"))
    assert created.status_code == 201, created.text
    group = check("CampaignEvaluationGroup", created.json())
    assert group["evaluationMode"] == "listOrder" and group["applicationId"] == app.id
    assert group["parentId"] == app.body["defaultEvaluationGroupId"] and group["description"] == "one winner"
    listed = check_page(mgmt.get(base).json(), "CampaignEvaluationGroup", total=True)
    assert [g["id"] for g in listed] == [app.body["defaultEvaluationGroupId"], group["id"]]
    assert [g["id"] for g in mgmt.get(base, params={"pageSize": 1, "skip": 1}).json()["data"]] == [
        group["id"]
    ]
    assert check("CampaignEvaluationGroup", mgmt.get(f"{base}/{group['id']}").json()) == group
    base_group = mgmt.get(f"{base}/{app.body['defaultEvaluationGroupId']}").json()
    assert base_group["parentId"] == base_group["id"] and base_group["evaluationMode"] == "stackable"
    campaigns = f"/v1/applications/{app.id}/campaigns"
    campaign = mgmt.post(campaigns, json=new_campaign(evaluationGroupId=group["id"])).json()
    assert campaign["evaluationGroupId"] == group["id"]
    moved = mgmt.put(
        f"{campaigns}/{campaign['id']}",
        json=new_campaign(evaluationGroupId=app.body["defaultEvaluationGroupId"]),
    ).json()
    assert moved["evaluationGroupId"] == app.body["defaultEvaluationGroupId"]
    assert_error(mgmt.get(f"{base}/999999"), 404)
    other = create_application(mgmt)
    assert_error(mgmt.get(f"/v1/applications/{other.id}/campaign_evaluation_groups/{group['id']}"), 404)
    assert_error(
        mgmt.post(base, json=new_group(app, parentId=other.body["defaultEvaluationGroupId"])),
        400,
        pointer="/parentId",
    )


BAD_GROUPS = [
    ({"evaluationMode": "random"}, "/evaluationMode"),
    ({"evaluationScope": "planet"}, "/evaluationScope"),
    ({"parentId": 0}, "/parentId"),
    ({"parentId": 999999}, "/parentId"),
    ({"parentId": HUGE}, "/parentId"),
    ({"name": ""}, "/name"),
    ({"name": "g" * 256}, "/name"),
    ({"locked": None}, "/locked"),
]


@pytest.mark.parametrize(("fields", "pointer"), BAD_GROUPS)
def test_bad_evaluation_groups_are_refused(
    mgmt: httpx.Client, shared_app: AppContext, fields: dict[str, Any], pointer: str
) -> None:
    base = f"/v1/applications/{shared_app.id}/campaign_evaluation_groups"
    assert_error(mgmt.post(base, json=new_group(shared_app, **fields)), 400, pointer=pointer)
    body = new_group(shared_app)
    del body["evaluationScope"]
    assert_error(mgmt.post(base, json=body), 400, pointer="/evaluationScope")


def test_campaigns_of_another_application_are_404(mgmt: httpx.Client, app: AppContext) -> None:
    other = create_application(mgmt)
    campaign = mgmt.post(f"/v1/applications/{app.id}/campaigns", json=new_campaign()).json()
    ruleset = mgmt.post(
        f"/v1/applications/{app.id}/campaigns/{campaign['id']}/rulesets", json={"rules": [], "bindings": []}
    ).json()
    wrong = f"/v1/applications/{other.id}/campaigns/{campaign['id']}"
    assert_error(mgmt.get(wrong), 404)
    assert_error(mgmt.put(wrong, json=new_campaign()), 404)
    assert_error(mgmt.delete(wrong), 404)
    assert_error(mgmt.post(f"{wrong}/rulesets", json={"rules": [], "bindings": []}), 404)
    assert_error(mgmt.get(f"{wrong}/rulesets"), 404)
    assert_error(mgmt.get(f"{wrong}/rulesets/{ruleset['id']}"), 404)
    assert_error(mgmt.post("/v1/applications/999999/campaigns", json=new_campaign()), 404)
    assert_error(mgmt.get("/v1/applications/999999/campaigns"), 404)
