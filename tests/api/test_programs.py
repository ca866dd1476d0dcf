"""Loyalty programs, giveaway pools and catalogs through the Management API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from tests.api import factories
from tests.conftest import AppContext, Server, assert_error, random_id


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
        tiers=[{"name": "gold", "minPoints": 500}, {"name": "silver", "minPoints": 100}],
    )
    created = mgmt.post("/v1/loyalty_programs", json=body)
    assert created.status_code == 201, created.text
    found = created.json()
    assert (
        found["accountID"] == 1
        and found["subscribedApplications"] == [app.id]
        and found["cardBased"] is False
    )
    assert [(t["name"], t["minPoints"]) for t in found["tiers"]] == [("silver", 100), ("gold", 500)]
    assert all(t["programID"] == found["id"] for t in found["tiers"])
    assert mgmt.get(f"/v1/loyalty_programs/{found['id']}").json()["name"] == body["name"]
    assert found["id"] in [p["id"] for p in mgmt.get("/v1/loyalty_programs").json()["data"]]
    updated = mgmt.put(
        f"/v1/loyalty_programs/{found['id']}", json={"title": "Stars", "returnPolicy": "within_balance"}
    ).json()
    assert (
        updated["title"] == "Stars"
        and updated["returnPolicy"] == "within_balance"
        and len(updated["tiers"]) == 2
    )
    application = mgmt.get(f"/v1/applications/{app.id}").json()
    assert [p["id"] for p in application["loyaltyPrograms"]] == [found["id"]]


def test_loyalty_program_bad_input(mgmt: httpx.Client) -> None:
    assert_error(
        mgmt.post("/v1/loyalty_programs", json=program(defaultValidity="forever")),
        400,
        pointer="/defaultValidity",
    )
    assert_error(
        mgmt.post("/v1/loyalty_programs", json=program(timezone="Nowhere/City")), 400, pointer="/timezone"
    )
    assert_error(
        mgmt.post("/v1/loyalty_programs", json=program(subscribedApplications=[999999])),
        400,
        pointer="/subscribedApplications/0",
    )
    assert_error(
        mgmt.post("/v1/loyalty_programs", json=program(returnPolicy="never")), 400, pointer="/returnPolicy"
    )
    body = program()
    del body["sandbox"]
    assert_error(mgmt.post("/v1/loyalty_programs", json=body), 400, pointer="/sandbox")
    taken = program()
    assert mgmt.post("/v1/loyalty_programs", json=taken).status_code == 201
    assert_error(mgmt.post("/v1/loyalty_programs", json=taken), 400, pointer="/name")
    assert_error(mgmt.get("/v1/loyalty_programs/999999"), 404)


def test_giveaway_pool_and_import(mgmt: httpx.Client, app: AppContext) -> None:
    created = mgmt.post(
        "/v1/giveaways/pools",
        json={"name": "gift cards", "sandbox": False, "subscribedApplicationsIds": [app.id]},
    )
    assert created.status_code == 201, created.text
    pool = created.json()
    assert pool["accountId"] == 1 and pool["name"] == "gift cards"
    csv_text = (
        "code,startdate,enddate,attributes\n"
        'GC-1,2026-01-01T00:00:00Z,2027-01-01T00:00:00Z,"{""value"": 10}"\n'
        "GC-2,,,\n"
    )
    imported = mgmt.post(
        f"/v1/giveaways/pools/{pool['id']}/import", files={"upFile": ("g.csv", csv_text, "text/csv")}
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["amount"] == 2 and imported.json()["entity"] == "Giveaway"
    again = mgmt.post(
        f"/v1/giveaways/pools/{pool['id']}/import",
        files={"upFile": ("g.csv", "code\nGC-3\nGC-1\n", "text/csv")},
    )
    assert_error(again, 409, pointer="/upFile/3/code")
    bad = mgmt.post(
        f"/v1/giveaways/pools/{pool['id']}/import",
        files={"upFile": ("g.csv", "code,enddate\nGC-9,someday\n", "text/csv")},
    )
    assert_error(bad, 400, pointer="/upFile/2/enddate")
    assert_error(
        mgmt.post("/v1/giveaways/pools/999999/import", files={"upFile": ("g.csv", "code\nX\n", "text/csv")}),
        404,
    )


def test_catalog_items_list_and_fill_session_prices(
    server: Server, mgmt: httpx.Client, app: AppContext
) -> None:
    created = mgmt.post(
        "/v1/catalogs", json={"name": "main", "description": "", "subscribedApplicationsIds": [app.id]}
    )
    assert created.status_code == 201, created.text
    catalog = created.json()
    assert catalog["version"] == 0 and catalog["accountId"] == 1
    with factories.database(server)() as uow:
        uow.records.insert(
            "catalog_items",
            {
                "account_id": 1,
                "catalog_id": catalog["id"],
                "created": datetime.now(UTC),
                "sku": "lamp",
                "price": 42,
            },
        )
        uow.commit()
    items = mgmt.get(f"/v1/catalogs/{catalog['id']}/items", params={"sku": "lamp"}).json()
    assert [(i["sku"], i["price"], i["catalogid"]) for i in items["data"]] == [("lamp", 42, catalog["id"])]
    with server.client(f"ApiKey-v1 {app.key}") as client:
        body = {
            "customerSession": {"cartItems": [{"sku": "lamp", "quantity": 2}]},
            "responseContent": ["customerSession"],
        }
        session = client.put(f"/v2/customer_sessions/{random_id('s')}", json=body).json()["customerSession"]
    assert session["total"] == 84 and session["cartItems"][0]["price"] == 42
    assert_error(mgmt.get("/v1/catalogs/999999/items"), 404)
