"""Achievements and collections (account-level and of a campaign) through the Management API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.sdk import check, check_page
from tests.conftest import AppContext, assert_error, create_application, random_id

HUGE = 2**70


def _campaign(mgmt: httpx.Client, app: AppContext) -> str:
    body = {"name": "c", "tags": [], "features": ["achievements"], "limits": []}
    created = mgmt.post(f"/v1/applications/{app.id}/campaigns", json=body)
    assert created.status_code == 201, created.text
    return f"/v1/applications/{app.id}/campaigns/{created.json()['id']}"


def achievement(**fields: Any) -> dict[str, Any]:
    body = {
        "name": "fiveOrders",
        "title": "Five orders",
        "description": "Order five times",
        "target": 5,
        **fields,
    }
    return {k: v for k, v in body.items() if v is not None}


def test_achievements(mgmt: httpx.Client, app: AppContext) -> None:
    campaign = _campaign(mgmt, app)
    base = campaign + "/achievements"
    body = achievement(
        period="30D",
        recurrencePolicy="no_recurrence",
        activationPolicy="fixed_schedule",
        fixedStartDate="2030-01-01",
        endDate="2031-01-01",
        periodEndOverride={"hour": 23, "minute": 59, "second": 59, "dayOfWeek": 7},
        allowRollbackAfterCompletion=True,
    )
    created = mgmt.post(base, json=body)
    assert created.status_code == 201, created.text
    found = check("Achievement", created.json())
    assert (
        found["target"] == 5
        and found["period"] == "30D"
        and found["campaignId"] == int(campaign.rsplit("/", 1)[1])
    )
    assert found["fixedStartDate"] == "2030-01-01T00:00:00Z" and found["periodEndOverride"]["dayOfWeek"] == 7
    assert found["userId"] == 0 and found["allowRollbackAfterCompletion"] is True
    one = check("Achievement", mgmt.get(f"{base}/{found['id']}").json())
    assert one["hasProgress"] is False and one["name"] == "fiveOrders"
    second = mgmt.post(base, json=achievement(name="tenOrders", title="Ten orders", target=10)).json()
    listed = mgmt.get(base)
    assert [a["id"] for a in check_page(listed.json(), "Achievement", total=False)] == [
        found["id"],
        second["id"],
    ]
    assert [a["id"] for a in mgmt.get(base, params={"title": "ten"}).json()["data"]] == [second["id"]]
    assert mgmt.get(base, params={"pageSize": 1}).json()["hasMore"] is True
    assert [a["id"] for a in mgmt.get(base, params={"pageSize": 50, "skip": 1}).json()["data"]] == [
        second["id"]
    ]
    updated = mgmt.put(f"{base}/{found['id']}", json={"title": "Five!", "target": 6})
    assert updated.status_code == 200, updated.text
    assert check("Achievement", updated.json())["title"] == "Five!" and updated.json()["target"] == 6
    assert_error(mgmt.post(base, json=body), 409, pointer="/name")
    assert_error(mgmt.put(f"{base}/{second['id']}", json={"name": "fiveOrders"}), 409, pointer="/name")
    assert_error(mgmt.put(f"{base}/{found['id']}", json={"endDate": "2029-01-01"}), 400, pointer="/endDate")
    deleted = mgmt.delete(f"{base}/{found['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    for response in (
        mgmt.get(f"{base}/{found['id']}"),
        mgmt.put(f"{base}/{found['id']}", json={}),
        mgmt.delete(f"{base}/{found['id']}"),
        mgmt.get(f"{base}/{HUGE}"),
    ):
        assert_error(response, 404)
    other = create_application(mgmt)
    wrong = f"/v1/applications/{other.id}/campaigns/{campaign.rsplit('/', 1)[1]}/achievements"
    assert_error(mgmt.get(wrong), 404)
    assert_error(mgmt.get(f"{wrong}/{second['id']}"), 404)
    assert_error(mgmt.post(wrong, json=achievement(name="x1")), 404)
    for params, parameter in [
        ({"pageSize": 51}, "pageSize"),
        ({"pageSize": 0}, "pageSize"),
        ({"skip": -1}, "skip"),
    ]:
        assert_error(mgmt.get(base, params=params), 400, parameter=parameter)


BAD_ACHIEVEMENTS = [
    (achievement(name=None), "/name"),
    (achievement(title=None), "/title"),
    (achievement(description=None), "/description"),
    (achievement(target=None), "/target"),
    (achievement(name="9bad"), "/name"),
    (achievement(name="a"), "/name"),
    (achievement(name="a" * 1001), "/name"),
    (achievement(title="t" * 1001), "/title"),
    (achievement(target=0), "/target"),
    (achievement(target="5"), "/target"),
    (achievement(target=1e20), "/target"),
    (achievement(period="a while"), "/period"),
    (achievement(recurrencePolicy="always"), "/recurrencePolicy"),
    (achievement(activationPolicy="whenever"), "/activationPolicy"),
    (achievement(activationPolicy="fixed_schedule"), "/fixedStartDate"),
    (achievement(fixedStartDate="2030-01-02", endDate="2030-01-01"), "/endDate"),
    (achievement(fixedStartDate="soon"), "/fixedStartDate"),
    (achievement(periodEndOverride={"hour": 25, "minute": 0, "second": 0}), "/periodEndOverride/hour"),
    (achievement(periodEndOverride={"minute": 0, "second": 0}), "/periodEndOverride/hour"),
    (achievement(allowRollbackAfterCompletion="no"), "/allowRollbackAfterCompletion"),
]


@pytest.mark.parametrize(("body", "pointer"), BAD_ACHIEVEMENTS)
def test_bad_achievements_are_refused(
    mgmt: httpx.Client, shared_campaign: str, body: dict[str, Any], pointer: str
) -> None:
    base = shared_campaign + "/achievements"
    assert_error(mgmt.post(base, json=body), 400, pointer=pointer)
    assert mgmt.get(base).json()["data"] == []


def _items(text: str) -> dict[str, Any]:
    return {"files": {"upFile": ("c.csv", text, "text/csv")}}


def test_account_collections(mgmt: httpx.Client, app: AppContext) -> None:
    name = random_id("blocked skus")
    created = mgmt.post(
        "/v1/collections", json={"name": name, "description": "d", "subscribedApplicationsIds": [app.id]}
    )
    assert created.status_code == 201, created.text
    collection = check("Collection", created.json())
    assert collection["accountId"] == 1 and collection["subscribedApplicationsIds"] == [app.id]
    assert "campaignId" not in collection and collection["createdBy"] == 0
    imported = mgmt.post(
        f"/v1/collections/{collection['id']}/import", **_items("Item\nsku-1\nsku-2\nsku-1\n\n")
    )
    assert imported.status_code == 200, imported.text
    assert check("Import", imported.json())["amount"] == 2 and imported.json()["entity"] == "Collection"
    items = mgmt.get(f"/v1/collections/{collection['id']}/items")
    assert check_page(items.json(), "CollectionItem", total=False) == [{"item": "sku-1"}, {"item": "sku-2"}]
    page = mgmt.get(f"/v1/collections/{collection['id']}/items", params={"pageSize": 1}).json()
    assert page == {"hasMore": True, "data": [{"item": "sku-1"}]}
    replaced = mgmt.post(f"/v1/collections/{collection['id']}/import", **_items("item\nsku-3\n"))
    assert replaced.json()["amount"] == 1
    assert mgmt.get(f"/v1/collections/{collection['id']}/items").json()["data"] == [{"item": "sku-3"}]
    updated = mgmt.put(f"/v1/collections/{collection['id']}", json={"description": "never discount"})
    assert updated.status_code == 200, updated.text
    assert check("Collection", updated.json())["description"] == "never discount"
    assert updated.json()["subscribedApplicationsIds"] == [app.id] and updated.json()["modifiedBy"] == 0
    fetched = check("Collection", mgmt.get(f"/v1/collections/{collection['id']}").json())
    assert fetched["name"] == name
    listed = mgmt.get("/v1/collections", params={"name": name})
    assert [c["id"] for c in check_page(listed.json(), "CollectionWithoutPayload", total=False)] == [
        collection["id"]
    ]
    counted = mgmt.get("/v1/collections", params={"withTotalResultSize": "true", "name": name}).json()
    assert counted["totalResultSize"] == 1 and counted["hasMore"] is False
    assert_error(mgmt.post("/v1/collections", json={"name": name}), 409, pointer="/name")
    for body, pointer in [
        ({"name": " starts with space"}, "/name"),
        ({"name": "tab\there"}, "/name"),
        ({"name": ""}, "/name"),
        ({"name": "n" * 1001}, "/name"),
        ({}, "/name"),
        ({"name": "ok", "subscribedApplicationsIds": [999999]}, "/subscribedApplicationsIds/0"),
    ]:
        assert_error(mgmt.post("/v1/collections", json=body), 400, pointer=pointer)
    url = f"/v1/collections/{collection['id']}"
    assert_error(
        mgmt.put(url, json={"subscribedApplicationsIds": [999999]}),
        400,
        pointer="/subscribedApplicationsIds/0",
    )
    for text in ("sku\nx\n", "item,extra\nx,y\n", ""):
        assert_error(mgmt.post(f"{url}/import", **_items(text)), 400, pointer="/upFile")
    deleted = mgmt.delete(url)
    assert deleted.status_code == 204 and deleted.content == b""
    for response in (
        mgmt.get(url),
        mgmt.put(url, json={}),
        mgmt.delete(url),
        mgmt.get(f"{url}/items"),
        mgmt.post(f"{url}/import", **_items("item\nx\n")),
    ):
        assert_error(response, 404)


def test_campaign_collections(mgmt: httpx.Client, app: AppContext) -> None:
    campaign = _campaign(mgmt, app)
    base = campaign + "/collections"
    created = mgmt.post(base, json={"name": "vip skus", "description": "d", "subscribedApplicationsIds": [1]})
    assert created.status_code == 201, created.text
    own = check("Collection", created.json())
    assert own["campaignId"] == int(campaign.rsplit("/", 1)[1]) and own["applicationId"] == app.id
    assert "subscribedApplicationsIds" not in own  # not part of NewCampaignCollection
    listed = check_page(mgmt.get(base).json(), "CollectionWithoutPayload", total=False)
    assert [c["id"] for c in listed] == [own["id"]]
    assert check("Collection", mgmt.get(f"{base}/{own['id']}").json())["name"] == "vip skus"
    updated = mgmt.put(f"{base}/{own['id']}", json={"description": "changed"})
    assert check("Collection", updated.json())["description"] == "changed"
    imported = mgmt.post(f"{base}/{own['id']}/import", **_items("item\na\nb\n"))
    assert imported.status_code == 200 and imported.json()["amount"] == 2
    assert mgmt.get(f"/v1/collections/{own['id']}/items").json()["data"] == [{"item": "a"}, {"item": "b"}]
    assert_error(mgmt.post(base, json={"name": "vip skus"}), 409, pointer="/name")
    assert mgmt.post(_campaign(mgmt, app) + "/collections", json={"name": "vip skus"}).status_code == 201
    account = mgmt.post("/v1/collections", json={"name": random_id("acc")}).json()
    assert_error(mgmt.get(f"{base}/{account['id']}"), 404)
    assert_error(mgmt.get(f"/v1/collections/{own['id']}"), 404)
    other = create_application(mgmt)
    wrong = f"/v1/applications/{other.id}/campaigns/{campaign.rsplit('/', 1)[1]}/collections"
    for response in (
        mgmt.get(wrong),
        mgmt.get(f"{wrong}/{own['id']}"),
        mgmt.put(f"{wrong}/{own['id']}", json={}),
        mgmt.delete(f"{wrong}/{own['id']}"),
        mgmt.post(f"{wrong}/{own['id']}/import", **_items("item\nx\n")),
        mgmt.post(wrong, json={"name": "x"}),
    ):
        assert_error(response, 404)
    assert_error(mgmt.post(base, json={"name": " x"}), 400, pointer="/name")
    assert_error(mgmt.get(base, params={"withTotalResultSize": "x"}), 400, parameter="withTotalResultSize")
    assert mgmt.delete(f"{base}/{own['id']}").status_code == 204
    assert_error(mgmt.get(f"{base}/{own['id']}"), 404)
