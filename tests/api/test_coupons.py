"""Coupons and referrals of a campaign through the Management API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.factories import COUPON_RULE, campaign, coupon
from tests.conftest import AppContext, Server, assert_error, create_application, random_id


def _campaign(mgmt: httpx.Client, app: AppContext, **settings: Any) -> str:
    body = {
        "name": "coupons",
        "state": "enabled",
        "tags": [],
        "features": ["coupons"],
        "limits": [],
        **settings,
    }
    created = mgmt.post(f"/v1/applications/{app.id}/campaigns", json=body)
    assert created.status_code == 201, created.text
    return f"/v1/applications/{app.id}/campaigns/{created.json()['id']}"


def test_generate_coupons_with_a_pattern(mgmt: httpx.Client, app: AppContext) -> None:
    base = _campaign(mgmt, app)
    body = {
        "numberOfCoupons": 5,
        "usageLimit": 2,
        "couponPattern": "SALE-###",
        "validCharacters": ["A", "B", "7"],
        "expiryDate": "2031-01-01",
        "discountLimit": 50,
        "attributes": {"channel": "mail"},
    }
    created = mgmt.post(f"{base}/coupons", params={"silent": "no"}, json=body)
    assert created.status_code == 200, created.text
    page = created.json()
    assert page["totalResultSize"] == 5 and len({c["value"] for c in page["data"]}) == 5
    for found in page["data"]:
        assert found["value"][:5] == "SALE-" and set(found["value"][5:]) <= {"A", "B", "7"}
        assert found["usageLimit"] == 2 and found["usageCounter"] == 0 and found["discountLimit"] == 50
        assert found["expiryDate"] == "2031-01-01T00:00:00Z" and found["attributes"] == {"channel": "mail"}
    silent = mgmt.post(f"{base}/coupons", json={"numberOfCoupons": 1, "usageLimit": 1})
    assert silent.status_code == 204


def test_twenty_thousand_coupons_in_one_request(mgmt: httpx.Client, app: AppContext) -> None:
    base = _campaign(mgmt, app)
    created = mgmt.post(
        f"{base}/coupons", json={"numberOfCoupons": 20_000, "usageLimit": 1, "couponPattern": "########"}
    )
    assert created.status_code == 204, created.text
    values: set[str] = set()
    skip = 0
    while True:
        page = mgmt.get(f"{base}/coupons/no_total", params={"pageSize": 1000, "skip": skip}).json()
        values |= {c["value"] for c in page["data"]}
        skip += 1000
        if not page["hasMore"]:
            break
    assert len(values) == 20_000
    assert_error(
        mgmt.post(f"{base}/coupons", json={"numberOfCoupons": 20_001, "usageLimit": 1}),
        400,
        pointer="/numberOfCoupons",
    )


def test_case_insensitive_applications_store_normalised_codes(server: Server, mgmt: httpx.Client) -> None:
    app = create_application(mgmt, caseSensitivity="insensitive-uppercase")
    base = _campaign(mgmt, app)
    created = mgmt.post(
        f"{base}/coupons",
        params={"silent": "no"},
        json={"numberOfCoupons": 1, "usageLimit": 1, "couponPattern": "low-####", "validCharacters": ["x"]},
    )
    assert created.json()["data"][0]["value"] == "LOW-XXXX"
    campaign_id = campaign(server, app, [COUPON_RULE])
    code = random_id("MiXeD").upper()
    coupon(server, app, campaign_id, code)
    with server.client(f"ApiKey-v1 {app.key}") as client:
        body = {
            "customerSession": {
                "profileId": "p",
                "couponCodes": [code.lower()],
                "cartItems": [{"sku": "a", "quantity": 1, "price": 9}],
            }
        }
        effects = client.put(f"/v2/customer_sessions/{random_id('s')}", json=body).json()["effects"]
    assert [e["effectType"] for e in effects] == ["acceptCoupon", "setDiscount"]


def test_coupons_for_recipients_list_update_delete(mgmt: httpx.Client, app: AppContext) -> None:
    base = _campaign(mgmt, app)
    created = mgmt.post(
        f"{base}/coupons_with_recipients",
        params={"silent": "no"},
        json={"usageLimit": 1, "recipientsIntegrationIds": ["ann", "ben"]},
    ).json()["data"]
    assert sorted(c["recipientIntegrationId"] for c in created) == ["ann", "ben"]
    mine = mgmt.get(f"{base}/coupons/no_total", params={"recipientIntegrationId": "ann"}).json()["data"]
    assert [c["recipientIntegrationId"] for c in mine] == ["ann"]
    exact = mgmt.get(
        f"{base}/coupons/no_total", params={"value": mine[0]["value"], "exactMatch": "true"}
    ).json()["data"]
    assert [c["id"] for c in exact] == [mine[0]["id"]]
    updated = mgmt.put(
        f"{base}/coupons/{mine[0]['id']}", json={"usageLimit": 9, "startDate": "2030-01-01"}
    ).json()
    assert updated["usageLimit"] == 9 and updated["startDate"] == "2030-01-01T00:00:00Z"
    future = mgmt.get(f"{base}/coupons/no_total", params={"valid": "validFuture"}).json()["data"]
    assert [c["id"] for c in future] == [mine[0]["id"]]
    assert mgmt.delete(f"{base}/coupons/{mine[0]['id']}").status_code == 204
    assert_error(mgmt.delete(f"{base}/coupons/{mine[0]['id']}"), 404)
    assert_error(mgmt.put(f"{base}/coupons/{mine[0]['id']}", json={}), 404)
    assert_error(mgmt.post(f"{base}/coupons", json={"numberOfCoupons": 1}), 400, pointer="/usageLimit")
    assert_error(
        mgmt.post(f"{base}/coupons", json={"numberOfCoupons": 1, "usageLimit": 1_000_000}),
        400,
        pointer="/usageLimit",
    )
    assert_error(
        mgmt.get(f"{base}/coupons/no_total", params={"createdBefore": "then"}), 400, parameter="createdBefore"
    )


def test_csv_import_commits_whole_or_not_at_all(mgmt: httpx.Client, app: AppContext) -> None:
    base = _campaign(mgmt, app)
    good = random_id("IMP")
    csv_text = (
        "value,expirydate,limitval,discountlimit,attributes,recipientintegrationid\n"
        f'{good},2031-01-01T00:00:00Z,3,20,"{{""tier"": ""gold""}}",carl\n'
        f"{good}-2,,,,,\n"
    )
    imported = mgmt.post(f"{base}/import_coupons", files={"upFile": ("coupons.csv", csv_text, "text/csv")})
    assert imported.status_code == 200, imported.text
    assert imported.json()["amount"] == 2 and imported.json()["entity"] == "Coupon"
    [first] = mgmt.get(f"{base}/coupons/no_total", params={"value": good, "exactMatch": "true"}).json()[
        "data"
    ]
    assert (
        first["usageLimit"] == 3 and first["discountLimit"] == 20 and first["attributes"] == {"tier": "gold"}
    )
    assert first["recipientIntegrationId"] == "carl" and first["importId"] == imported.json()["id"]
    bad = f"value,limitval\n{random_id('OK')},1\n{random_id('BAD')},lots\n"
    body = assert_error(
        mgmt.post(f"{base}/import_coupons", files={"upFile": ("c.csv", bad, "text/csv")}),
        400,
        pointer="/upFile/3/limitval",
    )
    assert "line 3" in body["errors"][0]["details"]
    duplicate = f"value\n{good}\n"
    assert_error(mgmt.post(f"{base}/import_coupons", files={"upFile": ("c.csv", duplicate, "text/csv")}), 409)
    skipped = mgmt.post(
        f"{base}/import_coupons",
        params={"skipDuplicates": "true"},
        files={"upFile": ("c.csv", duplicate, "text/csv")},
    )
    assert skipped.json()["amount"] == 0
    before = len(mgmt.get(f"{base}/coupons/no_total").json()["data"])
    assert before == 2


def test_referrals_list_update_delete(server: Server, mgmt: httpx.Client, app: AppContext) -> None:
    rule = {"title": "refer", "condition": ["and", True], "effects": [["createReferral", {}]]}
    campaign_id = campaign(server, app, [rule], features=["referrals"])
    with server.client(f"ApiKey-v1 {app.key}") as client:
        body = {
            "customerSession": {
                "profileId": "adv",
                "state": "closed",
                "cartItems": [{"sku": "a", "quantity": 1, "price": 1}],
            }
        }
        code = client.put(f"/v2/customer_sessions/{random_id('s')}", json=body).json()["createdReferrals"][0][
            "code"
        ]
    base = f"/v1/applications/{app.id}/campaigns/{campaign_id}/referrals"
    [referral] = mgmt.get(f"{base}/no_total").json()["data"]
    assert referral["code"] == code and referral["advocateProfileIntegrationId"] == "adv"
    updated = mgmt.put(
        f"{base}/{referral['id']}", json={"usageLimit": 4, "friendProfileIntegrationId": "fr"}
    ).json()
    assert updated["usageLimit"] == 4 and updated["friendProfileIntegrationId"] == "fr"
    assert mgmt.delete(f"{base}/{referral['id']}").status_code == 204
    assert_error(mgmt.put(f"{base}/{referral['id']}", json={}), 404)
