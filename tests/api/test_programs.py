"""Loyalty programs, giveaway pools and catalogs through the Management API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.api import factories
from tests.api.sdk import check, check_page
from tests.conftest import AppContext, Server, assert_error, random_id

HUGE = 2**70


def program(**fields: Any) -> dict[str, Any]:
    return {
        "name": random_id("points"),
        "title": "Points",
        "defaultValidity": "365D",
        "defaultPending": "immediate",
        "allowSubledger": False,
        "sandbox": False,
        "timezone": "Europe/Berlin",
        "cardBased": False,
        **fields,
    }


def test_loyalty_program_lifecycle(mgmt: httpx.Client, app: AppContext) -> None:
    body = program(
        subscribedApplications=[app.id],
        tiers=[{"name": "gold", "minPoints": 500}, {"name": "silver", "minPoints": 100.5}],
        description="our points",
        usersPerCardLimit=2,
        programJoinPolicy="points_activated",
        tiersExpirationPolicy="tier_start_date",
        tiersExpireIn="1Y",
        tiersDowngradePolicy="one_down",
        cardCodeSettings={"validCharacters": ["A", "1"], "couponPattern": "CARD-####"},
        returnPolicy="only_pending",
        tierCycleStartDate="2030-01-01",
    )
    created = mgmt.post("/v1/loyalty_programs", json=body)
    assert created.status_code == 201, created.text
    found = check("LoyaltyProgram", created.json())
    assert (
        found["accountID"] == 1
        and found["subscribedApplications"] == [app.id]
        and found["cardBased"] is False
    )
    assert [(t["name"], t["minPoints"]) for t in found["tiers"]] == [("silver", 100.5), ("gold", 500)]
    assert all(t["programID"] == found["id"] and t["programName"] == body["name"] for t in found["tiers"])
    assert found["tierCycleStartDate"] == "2030-01-01T00:00:00Z" and found["usersPerCardLimit"] == 2
    assert check("LoyaltyProgram", mgmt.get(f"/v1/loyalty_programs/{found['id']}").json()) == found
    listed = check_page(mgmt.get("/v1/loyalty_programs").json(), "LoyaltyProgram", total=True)
    assert found["id"] in [p["id"] for p in listed]
    assert len(mgmt.get("/v1/loyalty_programs", params={"pageSize": 1}).json()["data"]) == 1
    updated = mgmt.put(
        f"/v1/loyalty_programs/{found['id']}", json={"title": "Stars", "returnPolicy": "within_balance"}
    )
    assert updated.status_code == 200, updated.text
    body2 = check("LoyaltyProgram", updated.json())
    assert (
        body2["title"] == "Stars" and body2["returnPolicy"] == "within_balance" and len(body2["tiers"]) == 2
    )
    assert body2["description"] == "our points"
    gold = next(t for t in body2["tiers"] if t["name"] == "gold")
    moved = mgmt.put(
        f"/v1/loyalty_programs/{found['id']}",
        json={"tiers": [{"name": "gold", "minPoints": 700}, {"name": "bronze", "minPoints": 10}]},
    ).json()
    assert [(t["name"], t["minPoints"]) for t in moved["tiers"]] == [("bronze", 10), ("gold", 700)]
    assert next(t["id"] for t in moved["tiers"] if t["name"] == "gold") == gold["id"]  # ledgers name it by id
    retiered = mgmt.put(
        f"/v1/loyalty_programs/{found['id']}", json={"tiers": [{"name": "only", "minPoints": 1}]}
    ).json()
    assert [t["name"] for t in retiered["tiers"]] == ["only"]
    application = mgmt.get(f"/v1/applications/{app.id}").json()
    assert [(p["id"], [t["name"] for t in p["tiers"]]) for p in application["loyaltyPrograms"]] == [
        (found["id"], ["only"])
    ]
    assert_error(mgmt.get("/v1/loyalty_programs/999999"), 404)
    assert_error(mgmt.put("/v1/loyalty_programs/999999", json={"title": "x"}), 404)
    assert_error(mgmt.get(f"/v1/loyalty_programs/{HUGE}"), 404)


def test_program_names_are_unique(mgmt: httpx.Client) -> None:
    taken = program()
    assert mgmt.post("/v1/loyalty_programs", json=taken).status_code == 201
    assert_error(mgmt.post("/v1/loyalty_programs", json=taken), 409, pointer="/name")


BAD_PROGRAMS = [
    (program(defaultValidity="forever"), "/defaultValidity"),
    (program(defaultPending="later"), "/defaultPending"),
    (program(tiersExpireIn="soon"), "/tiersExpireIn"),
    (program(timezone="Nowhere/City"), "/timezone"),
    (program(timezone="America"), "/timezone"),
    (program(subscribedApplications=[999999]), "/subscribedApplications/0"),
    (program(subscribedApplications=[HUGE]), "/subscribedApplications/0"),
    (program(returnPolicy="never"), "/returnPolicy"),
    (program(programJoinPolicy="always"), "/programJoinPolicy"),
    (program(tiersExpirationPolicy="x"), "/tiersExpirationPolicy"),
    (program(tiersDowngradePolicy="x"), "/tiersDowngradePolicy"),
    (program(usersPerCardLimit=-1), "/usersPerCardLimit"),
    (program(usersPerCardLimit=2**31), "/usersPerCardLimit"),
    (program(tierCycleStartDate="x"), "/tierCycleStartDate"),
    (
        program(cardCodeSettings={"validCharacters": ["AB"], "couponPattern": "####"}),
        "/cardCodeSettings/validCharacters/0",
    ),
    (program(tiers=[{"name": "a", "minPoints": 1}, {"name": "a", "minPoints": 2}]), "/tiers/1/name"),
    (program(tiers=[{"name": "a", "minPoints": -1}]), "/tiers/0/minPoints"),
    (program(tiers=[{"name": "a", "minPoints": 1e12}]), "/tiers/0/minPoints"),
    (program(tiers=[{"name": "", "minPoints": 1}]), "/tiers/0/name"),
    (program(tiers=[{"minPoints": 1}]), "/tiers/0/name"),
    (program(name=""), "/name"),
    (program(name="n" * 256), "/name"),
    (program(title="t" * 256), "/title"),
    ({k: v for k, v in program().items() if k != "sandbox"}, "/sandbox"),
    ({k: v for k, v in program().items() if k != "title"}, "/title"),
    ({k: v for k, v in program().items() if k != "timezone"}, "/timezone"),
    ({k: v for k, v in program().items() if k != "allowSubledger"}, "/allowSubledger"),
]


@pytest.mark.parametrize(("body", "pointer"), BAD_PROGRAMS)
def test_bad_loyalty_programs_are_refused(mgmt: httpx.Client, body: dict[str, Any], pointer: str) -> None:
    assert_error(mgmt.post("/v1/loyalty_programs", json=body), 400, pointer=pointer)


def test_bad_program_updates_are_refused(mgmt: httpx.Client) -> None:
    found = mgmt.post("/v1/loyalty_programs", json=program()).json()
    url = f"/v1/loyalty_programs/{found['id']}"
    for fields, pointer in [
        ({"defaultValidity": "forever"}, "/defaultValidity"),
        ({"subscribedApplications": [999999]}, "/subscribedApplications/0"),
        ({"tiers": [{"name": "a", "minPoints": "x"}]}, "/tiers/0/minPoints"),
        ({"sandbox": "no"}, "/sandbox"),
    ]:
        assert_error(mgmt.put(url, json=fields), 400, pointer=pointer)
    assert check("LoyaltyProgram", mgmt.get(url).json()) == found


def _upload(text: str) -> dict[str, Any]:
    return {"files": {"upFile": ("g.csv", text, "text/csv")}}


def test_giveaway_pool_and_import(mgmt: httpx.Client, app: AppContext) -> None:
    created = mgmt.post(
        "/v1/giveaways/pools",
        json={
            "name": "gift cards",
            "description": "d",
            "sandbox": False,
            "subscribedApplicationsIds": [app.id],
        },
    )
    assert created.status_code == 201, created.text
    pool = check("GiveawaysPool", created.json())
    assert (
        pool["accountId"] == 1
        and pool["name"] == "gift cards"
        and pool["subscribedApplicationsIds"] == [app.id]
    )
    csv_text = (
        "code,startdate,enddate,attributes\n"
        'GC-1,2026-01-01T00:00:00Z,2027-01-01T00:00:00Z,"{""value"": 10}"\n'
        "GC-2,,,\n"
    )
    imported = mgmt.post(f"/v1/giveaways/pools/{pool['id']}/import", **_upload(csv_text))
    assert imported.status_code == 200, imported.text
    record = check("Import", imported.json())
    assert record["amount"] == 2 and record["entity"] == "Giveaway"
    again = mgmt.post(f"/v1/giveaways/pools/{pool['id']}/import", **_upload("code\nGC-3\nGC-1\nGC-3\n"))
    body = assert_error(again, 409, pointer="/upFile/3/code")
    assert [e["source"]["pointer"] for e in body["errors"]] == ["/upFile/3/code", "/upFile/4/code"]
    assert_error(mgmt.post("/v1/giveaways/pools/999999/import", **_upload("code\nX\n")), 404)
    other = mgmt.post("/v1/giveaways/pools", json={"name": "other", "sandbox": False}).json()
    assert (
        mgmt.post(f"/v1/giveaways/pools/{other['id']}/import", **_upload("code\nGC-1\n")).status_code == 200
    )


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ("code,enddate\nGC-9,someday\n", "/upFile/2/enddate"),
        ("code,startdate\nGC-9,2030-13-01\n", "/upFile/2/startdate"),
        ("code,attributes\nGC-9,[1]\n", "/upFile/2/attributes"),
        ("code,attributes\nGC-9,{x\n", "/upFile/2/attributes"),
        ("code\n\n,\n", "/upFile/3/code"),
        (f"code\n{'c' * 1001}\n", "/upFile/2/code"),
        ("value\nGC-9\n", "/upFile"),
        ("code,colour\nGC-9,red\n", "/upFile"),
        ("code\n", "/upFile"),
        ('code\n"GC-9\n', "/upFile/2"),
    ],
)
def test_bad_giveaway_imports_are_refused(mgmt: httpx.Client, text: str, pointer: str) -> None:
    pool = mgmt.post("/v1/giveaways/pools", json={"name": "bad", "sandbox": False}).json()
    assert_error(mgmt.post(f"/v1/giveaways/pools/{pool['id']}/import", **_upload(text)), 400, pointer=pointer)


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"sandbox": False}, "/name"),
        ({"name": "p"}, "/sandbox"),
        ({"name": "", "sandbox": False}, "/name"),
        ({"name": "n" * 256, "sandbox": False}, "/name"),
        (
            {"name": "p", "sandbox": False, "subscribedApplicationsIds": [999999]},
            "/subscribedApplicationsIds/0",
        ),
    ],
)
def test_bad_giveaway_pools_are_refused(mgmt: httpx.Client, body: dict[str, Any], pointer: str) -> None:
    assert_error(mgmt.post("/v1/giveaways/pools", json=body), 400, pointer=pointer)


def test_catalog_items_list_and_fill_session_prices(
    server: Server, mgmt: httpx.Client, app: AppContext
) -> None:
    created = mgmt.post(
        "/v1/catalogs", json={"name": "main", "description": "", "subscribedApplicationsIds": [app.id]}
    )
    assert created.status_code == 201, created.text
    catalog = check("Catalog", created.json())
    assert (
        catalog["version"] == 0
        and catalog["accountId"] == 1
        and catalog["subscribedApplicationsIds"] == [app.id]
    )
    # items written straight into the database (tests/api/test_catalog_sync.py syncs them through the API)
    with factories.database(server)() as uow:
        for sku, price, name in (("lamp", 42, "Lamp"), ("desk", 100, "Desk"), ("chair", 30, "Chair")):
            uow.records.insert(
                "catalog_items",
                {
                    "account_id": 1,
                    "catalog_id": catalog["id"],
                    "created": datetime.now(UTC),
                    "sku": sku,
                    "price": price,
                    "product": {"name": name},
                },
            )
        uow.commit()
    url = f"/v1/catalogs/{catalog['id']}/items"

    def skus(**params: Any) -> list[str]:
        response = mgmt.get(url, params=params)
        assert response.status_code == 200, response.text
        return [i["sku"] for i in check_page(response.json(), "CatalogItem", total=False)]

    items = mgmt.get(url, params={"sku": "lamp"}).json()
    assert [(i["sku"], i["price"], i["catalogid"]) for i in items["data"]] == [("lamp", 42, catalog["id"])]
    assert skus() == ["lamp", "desk", "chair"]
    assert skus(sku=["lamp", "chair"]) == ["lamp", "chair"]
    assert skus(productNames=["Desk"]) == ["desk"]
    assert skus(pageSize=1, skip=1) == ["desk"]
    counted = mgmt.get(url, params={"withTotalResultSize": "true", "pageSize": 2}).json()
    assert counted["totalResultSize"] == 3 and counted["hasMore"] is True
    with server.client(f"ApiKey-v1 {app.key}") as client:
        body = {
            "customerSession": {"cartItems": [{"sku": "lamp", "quantity": 2}]},
            "responseContent": ["customerSession"],
        }
        session = client.put(f"/v2/customer_sessions/{random_id('s')}", json=body).json()["customerSession"]
    assert session["total"] == 84 and session["cartItems"][0]["price"] == 42
    assert_error(mgmt.get("/v1/catalogs/999999/items"), 404)
    assert_error(mgmt.get(url, params={"withTotalResultSize": "x"}), 400, parameter="withTotalResultSize")
    for body, pointer in [
        ({"description": ""}, "/name"),
        ({"name": "c"}, "/description"),
        ({"name": "n" * 256, "description": ""}, "/name"),
        (
            {"name": "c", "description": "", "subscribedApplicationsIds": [999999]},
            "/subscribedApplicationsIds/0",
        ),
    ]:
        assert_error(mgmt.post("/v1/catalogs", json=body), 400, pointer=pointer)
