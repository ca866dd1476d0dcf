"""Coupons and referrals of a campaign through the Management API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.factories import COUPON_RULE, campaign, coupon
from tests.api.sdk import check, check_page
from tests.conftest import AppContext, Server, assert_error, create_application, random_id

HUGE = 2**70
NOW = datetime.now(UTC)


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


def _upload(text: str) -> dict[str, Any]:
    return {"files": {"upFile": ("coupons.csv", text, "text/csv")}}


def _values(mgmt: httpx.Client, base: str, **params: Any) -> list[str]:
    response = mgmt.get(f"{base}/coupons/no_total", params=params)
    assert response.status_code == 200, response.text
    return [c["value"] for c in check_page(response.json(), "Coupon", total=False)]


def test_generate_coupons_with_a_pattern(mgmt: httpx.Client, app: AppContext) -> None:
    base = _campaign(mgmt, app)
    body = {
        "numberOfCoupons": 5,
        "usageLimit": 2,
        "couponPattern": "SALE-###",
        "validCharacters": ["A", "B", "7"],
        "startDate": "2030-01-01T00:00:00+0000",
        "expiryDate": "2031-01-01",
        "discountLimit": 50.5,
        "reservationLimit": 3,
        "attributes": {"channel": "mail"},
        "isReservationMandatory": True,
    }
    created = mgmt.post(f"{base}/coupons", params={"silent": "no"}, json=body)
    assert created.status_code == 200, created.text
    page = created.json()
    coupons = check_page(page, "Coupon", total=True)
    assert page["totalResultSize"] == 5 and len({c["value"] for c in coupons}) == 5
    assert len({c["batchId"] for c in coupons}) == 1
    for found in coupons:
        assert found["value"][:5] == "SALE-" and set(found["value"][5:]) <= {"A", "B", "7"}
        assert found["usageLimit"] == 2 and found["usageCounter"] == 0 and found["discountLimit"] == 50.5
        assert found["startDate"] == "2030-01-01T00:00:00Z" and found["expiryDate"] == "2031-01-01T00:00:00Z"
        assert found["attributes"] == {"channel": "mail"} and found["reservationLimit"] == 3
        assert found["isReservationMandatory"] is True and found["campaignId"] == int(base.rsplit("/", 1)[1])
    silent = mgmt.post(f"{base}/coupons", json={"numberOfCoupons": 1, "usageLimit": 1})
    assert silent.status_code == 204 and silent.content == b""
    assert len(_values(mgmt, base)) == 6
    assert_error(mgmt.post(f"{base}/coupons", params={"silent": "maybe"}, json=body), 400, parameter="silent")


def test_prefix_default_pattern_and_campaign_settings(mgmt: httpx.Client, app: AppContext) -> None:
    plain = _campaign(mgmt, app)
    [default] = mgmt.post(
        f"{plain}/coupons", params={"silent": "no"}, json={"numberOfCoupons": 1, "usageLimit": 1}
    ).json()["data"]
    assert len(default["value"]) == 9 and default["value"][4] == "-"
    prefixed = mgmt.post(
        f"{plain}/coupons",
        params={"silent": "no"},
        json={"numberOfCoupons": 2, "usageLimit": 1, "uniquePrefix": "VIP-", "couponPattern": "####"},
    ).json()["data"]
    assert all(c["value"].startswith("VIP-") and len(c["value"]) == 8 for c in prefixed)
    configured = _campaign(mgmt, app, couponSettings={"validCharacters": ["z"], "couponPattern": "CFG-##"})
    [made] = mgmt.post(
        f"{configured}/coupons", params={"silent": "no"}, json={"numberOfCoupons": 1, "usageLimit": 1}
    ).json()["data"]
    assert made["value"] == "CFG-zz"


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


def test_generated_codes_are_unique_in_the_application(mgmt: httpx.Client) -> None:
    # given an application where DUPE-1 exists in one campaign
    app = create_application(mgmt)
    first, second = _campaign(mgmt, app), _campaign(mgmt, app)
    assert mgmt.post(f"{first}/import_coupons", **_upload("value\nDUPE-1\n")).status_code == 200
    # when another campaign generates from a pattern that can only give DUPE-1 and DUPE-2
    body = {"numberOfCoupons": 1, "usageLimit": 1, "couponPattern": "DUPE-#", "validCharacters": ["1", "2"]}
    [made] = mgmt.post(f"{second}/coupons", params={"silent": "no"}, json=body).json()["data"]
    # then it gets the free one, and nothing is left
    assert made["value"] == "DUPE-2"
    assert_error(mgmt.post(f"{second}/coupons", json=body), 400, pointer="/couponPattern")
    # another application has its own codes
    other = _campaign(mgmt, create_application(mgmt))
    assert mgmt.post(f"{other}/coupons", json={**body, "numberOfCoupons": 2}).status_code == 204


def test_case_insensitive_applications_store_normalised_codes(server: Server, mgmt: httpx.Client) -> None:
    app = create_application(mgmt, caseSensitivity="insensitive-uppercase")
    base = _campaign(mgmt, app)
    created = mgmt.post(
        f"{base}/coupons",
        params={"silent": "no"},
        json={"numberOfCoupons": 1, "usageLimit": 1, "couponPattern": "low-####", "validCharacters": ["x"]},
    )
    assert created.json()["data"][0]["value"] == "LOW-XXXX"
    assert_error(
        mgmt.post(f"{base}/import_coupons", **_upload("value\nlow-xxxx\n")), 409, pointer="/upFile/2/value"
    )
    campaign_id = campaign(server, app, [COUPON_RULE])
    code = random_id("MiXeD")
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
    sensitive = _campaign(mgmt, create_application(mgmt))
    both = mgmt.post(f"{sensitive}/import_coupons", **_upload("value\nCase-1\ncase-1\n"))
    assert both.json()["amount"] == 2


BAD_NEW_COUPONS = [
    ({"usageLimit": None}, "/usageLimit"),
    ({"numberOfCoupons": None}, "/numberOfCoupons"),
    ({"usageLimit": 1_000_000}, "/usageLimit"),
    ({"usageLimit": -1}, "/usageLimit"),
    ({"usageLimit": "1"}, "/usageLimit"),
    ({"numberOfCoupons": 0}, "/numberOfCoupons"),
    ({"numberOfCoupons": 20_001}, "/numberOfCoupons"),
    ({"discountLimit": -1}, "/discountLimit"),
    ({"discountLimit": 1e16}, "/discountLimit"),
    ({"reservationLimit": 1_000_000}, "/reservationLimit"),
    ({"couponPattern": "##"}, "/couponPattern"),
    ({"couponPattern": "###"}, "/couponPattern"),
    ({"couponPattern": "ABCD"}, "/couponPattern"),
    ({"couponPattern": "#" * 101}, "/couponPattern"),
    ({"uniquePrefix": "P" * 1000, "couponPattern": "####"}, "/uniquePrefix"),
    ({"validCharacters": ["AB"]}, "/validCharacters/0"),
    ({"validCharacters": "AB"}, "/validCharacters"),
    ({"numberOfCoupons": 3, "couponPattern": "ONE-#", "validCharacters": ["1"]}, "/couponPattern"),
    ({"numberOfCoupons": 2, "limits": [{"action": "redeemCoupon", "limit": 1, "entities": []}]}, "/limits"),
    (
        {"recipientIntegrationId": "r", "limits": [{"action": "redeemCoupon", "limit": 1, "entities": []}]},
        "/limits",
    ),
    ({"limits": [{"action": "fly", "limit": 1, "entities": []}]}, "/limits/0/action"),
    ({"startDate": "soon"}, "/startDate"),
    ({"expiryDate": "2030-02-30"}, "/expiryDate"),
    ({"attributes": ["x"]}, "/attributes"),
    ({"recipientIntegrationId": "r" * 1001}, "/recipientIntegrationId"),
    ({"isReservationMandatory": "no"}, "/isReservationMandatory"),
]


@pytest.mark.parametrize(("fields", "pointer"), BAD_NEW_COUPONS)  # a None field is left out
def test_bad_coupon_generation_is_refused(
    mgmt: httpx.Client, shared_campaign: str, fields: dict[str, Any], pointer: str
) -> None:
    base = shared_campaign
    body = {k: v for k, v in {"numberOfCoupons": 1, "usageLimit": 1, **fields}.items() if v is not None}
    assert_error(mgmt.post(f"{base}/coupons", json=body), 400, pointer=pointer)
    assert _values(mgmt, base) == []


def test_coupons_for_recipients(mgmt: httpx.Client, app: AppContext) -> None:
    base = _campaign(mgmt, app)
    created = mgmt.post(
        f"{base}/coupons_with_recipients",
        params={"silent": "no"},
        json={"usageLimit": 1, "recipientsIntegrationIds": ["ann", "ben"], "couponPattern": "R-####"},
    )
    assert created.status_code == 200, created.text
    coupons = check_page(created.json(), "Coupon", total=True)
    assert sorted(c["recipientIntegrationId"] for c in coupons) == ["ann", "ben"]
    assert all(c["value"].startswith("R-") for c in coupons)
    silent = mgmt.post(
        f"{base}/coupons_with_recipients", json={"usageLimit": 1, "recipientsIntegrationIds": ["cy"]}
    )
    assert silent.status_code == 204
    url = f"{base}/coupons_with_recipients"
    for fields, pointer in [
        ({"usageLimit": 1}, "/recipientsIntegrationIds"),
        ({"usageLimit": 1, "recipientsIntegrationIds": []}, "/recipientsIntegrationIds"),
        ({"usageLimit": 1, "recipientsIntegrationIds": ["x"] * 1001}, "/recipientsIntegrationIds"),
        ({"usageLimit": 1, "recipientsIntegrationIds": [5]}, "/recipientsIntegrationIds/0"),
        ({"recipientsIntegrationIds": ["x"]}, "/usageLimit"),
        ({"usageLimit": 1, "recipientsIntegrationIds": ["x"], "couponPattern": "X"}, "/couponPattern"),
    ]:
        assert_error(mgmt.post(url, json=fields), 400, pointer=pointer)


def test_list_filters(server: Server, mgmt: httpx.Client, app: AppContext) -> None:
    # given coupons of every kind: expired, future, redeemed, for a recipient, of a batch
    campaign_id = campaign(server, app, [COUPON_RULE])
    base = f"/v1/applications/{app.id}/campaigns/{campaign_id}"
    past, future = NOW - timedelta(days=1), NOW + timedelta(days=1)
    coupon(server, app, campaign_id, "OLD-0001", expiry_date=past)
    coupon(server, app, campaign_id, "NEW-0001", start_date=future)
    coupon(server, app, campaign_id, "USED-0001", usage_limit=1)
    coupon(server, app, campaign_id, "ANN-0001", recipient_integration_id="ann")
    batch = mgmt.post(
        f"{base}/coupons",
        params={"silent": "no"},
        json={"numberOfCoupons": 1, "usageLimit": 1, "couponPattern": "BAT-####", "validCharacters": ["b"]},
    ).json()["data"][0]
    with server.client(f"ApiKey-v1 {app.key}") as client:
        session = {
            "profileId": "p",
            "couponCodes": ["USED-0001"],
            "cartItems": [{"sku": "a", "quantity": 1, "price": 9}],
        }
        closed = client.put(
            f"/v2/customer_sessions/{random_id('s')}",
            json={"customerSession": {**session, "state": "closed"}},
        )
        assert closed.status_code == 200, closed.text
    everything = ["OLD-0001", "NEW-0001", "USED-0001", "ANN-0001", "BAT-bbbb"]
    # when filtered, then each filter keeps its coupons
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({}, everything),
        ({"value": "used"}, ["USED-0001"]),
        ({"value": "used0001"}, ["USED-0001"]),
        ({"value": "ann-0001", "exactMatch": "true"}, ["ANN-0001"]),
        ({"value": "ann-00", "exactMatch": "true"}, []),
        ({"valid": "expired"}, ["OLD-0001"]),
        ({"valid": "validFuture"}, ["NEW-0001"]),
        ({"valid": "validNow"}, ["USED-0001", "ANN-0001", "BAT-bbbb"]),
        ({"usable": "false"}, ["USED-0001"]),
        ({"usable": "true"}, ["OLD-0001", "NEW-0001", "ANN-0001", "BAT-bbbb"]),
        ({"redeemed": "true"}, ["USED-0001"]),
        ({"redeemed": "false"}, ["OLD-0001", "NEW-0001", "ANN-0001", "BAT-bbbb"]),
        ({"recipientIntegrationId": "ann"}, ["ANN-0001"]),
        ({"batchId": batch["batchId"]}, ["BAT-bbbb"]),
        ({"expiresBefore": NOW.isoformat()}, ["OLD-0001"]),
        ({"expiresAfter": NOW.isoformat()}, []),
        ({"startsAfter": NOW.isoformat()}, ["NEW-0001"]),
        ({"startsBefore": NOW.isoformat()}, []),
        ({"createdAfter": (NOW - timedelta(hours=1)).isoformat()}, everything),
        ({"createdBefore": "2001-01-01"}, []),
        ({"pageSize": 2, "skip": 1}, everything[1:3]),
        ({"sort": "-value"}, sorted(everything, reverse=True)),
        ({"sort": "value", "valid": "validNow"}, ["ANN-0001", "BAT-bbbb", "USED-0001"]),
        ({"referralId": 1}, []),
    ]
    for params, expected in cases:
        assert _values(mgmt, base, **params) == expected, params
    values = mgmt.get(f"{base}/coupons/no_total", params={"valuesOnly": "true", "pageSize": 2}).json()
    assert values == {"hasMore": True, "data": [{"value": "OLD-0001"}, {"value": "NEW-0001"}]}


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"valid": "sometimes"}, "valid"),
        ({"usable": "yes"}, "usable"),
        ({"redeemed": "1"}, "redeemed"),
        ({"usable": "true", "redeemed": "true"}, "redeemed"),
        ({"exactMatch": "maybe"}, "exactMatch"),
        ({"valuesOnly": "maybe"}, "valuesOnly"),
        ({"referralId": "r"}, "referralId"),
        ({"createdBefore": "then"}, "createdBefore"),
        ({"expiresAfter": "then"}, "expiresAfter"),
        ({"startsBefore": "then"}, "startsBefore"),
        ({"sort": "colour"}, "sort"),
        ({"pageSize": 1001}, "pageSize"),
    ],
)
def test_bad_coupon_queries_name_the_parameter(
    mgmt: httpx.Client, shared_campaign: str, params: dict[str, Any], parameter: str
) -> None:
    base = shared_campaign
    assert_error(mgmt.get(f"{base}/coupons/no_total", params=params), 400, parameter=parameter)


def test_update_and_delete_coupons(mgmt: httpx.Client, app: AppContext) -> None:
    base = _campaign(mgmt, app)
    [made] = mgmt.post(
        f"{base}/coupons", params={"silent": "no"}, json={"numberOfCoupons": 1, "usageLimit": 1}
    ).json()["data"]
    update = {
        "usageLimit": 9,
        "startDate": "2030-01-01",
        "expiryDate": "2031-01-01",
        "discountLimit": 20,
        "reservationLimit": 2,
        "recipientIntegrationId": "zoe",
        "attributes": {"a": 1},
        "limits": [{"action": "redeemCoupon", "limit": 2, "entities": ["Profile"]}],
        "isReservationMandatory": True,
        "implicitlyReserved": True,
    }
    updated = mgmt.put(f"{base}/coupons/{made['id']}", json=update)
    assert updated.status_code == 200, updated.text
    body = check("Coupon", updated.json())
    assert body["usageLimit"] == 9 and body["startDate"] == "2030-01-01T00:00:00Z"
    assert body["recipientIntegrationId"] == "zoe" and body["limits"] == update["limits"]
    assert body["implicitlyReserved"] is True and body["value"] == made["value"]
    unchanged = check("Coupon", mgmt.put(f"{base}/coupons/{made['id']}", json={}).json())
    assert unchanged == body
    for fields, pointer in [
        ({"usageLimit": -1}, "/usageLimit"),
        ({"discountLimit": "x"}, "/discountLimit"),
        ({"startDate": "x"}, "/startDate"),
        ({"limits": [{"action": "x", "limit": 1, "entities": []}]}, "/limits/0/action"),
        ({"recipientIntegrationId": "r" * 1001}, "/recipientIntegrationId"),
    ]:
        assert_error(mgmt.put(f"{base}/coupons/{made['id']}", json=fields), 400, pointer=pointer)
    other = _campaign(mgmt, app)
    assert_error(mgmt.put(f"{other}/coupons/{made['id']}", json={}), 404)
    assert_error(mgmt.delete(f"{other}/coupons/{made['id']}"), 404)
    deleted = mgmt.delete(f"{base}/coupons/{made['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert_error(mgmt.delete(f"{base}/coupons/{made['id']}"), 404)
    assert_error(mgmt.put(f"{base}/coupons/{made['id']}", json={}), 404)
    assert_error(mgmt.put(f"{base}/coupons/{HUGE}", json={}), 404)


def test_csv_import(mgmt: httpx.Client, app: AppContext) -> None:
    base = _campaign(mgmt, app)
    good = random_id("IMP")
    csv_text = (
        "Value,ExpiryDate,LimitVal,DiscountLimit,Attributes,RecipientIntegrationId,StartDate\n"
        f'{good},2031-01-01T00:00:00Z,3,20.5,"{{""tier"": ""gold""}}",carl,2030-01-01\n'
        "\n"
        f"{good}-2,,,,,,\n"
    )
    imported = mgmt.post(f"{base}/import_coupons", **_upload(csv_text))
    assert imported.status_code == 200, imported.text
    record = check("Import", imported.json())
    assert record["amount"] == 2 and record["entity"] == "Coupon" and record["accountId"] == 1
    first, second = mgmt.get(f"{base}/coupons/no_total", params={"value": good}).json()["data"]
    assert (first["usageLimit"], first["discountLimit"], first["attributes"]) == (3, 20.5, {"tier": "gold"})
    assert first["recipientIntegrationId"] == "carl" and first["importId"] == record["id"]
    assert first["startDate"] == "2030-01-01T00:00:00Z" and first["expiryDate"] == "2031-01-01T00:00:00Z"
    assert second["usageLimit"] == 1 and "expiryDate" not in second
    plain = mgmt.post(
        f"{base}/import_coupons", content=f"value\n{good}-3\n", headers={"Content-Type": "text/csv"}
    )
    assert plain.status_code == 200 and plain.json()["amount"] == 1
    skipped = mgmt.post(
        f"{base}/import_coupons", params={"skipDuplicates": "true"}, **_upload(f"value\n{good}\nNEW-{good}\n")
    )
    assert skipped.json()["amount"] == 1
    assert len(_values(mgmt, base)) == 4


BAD_CSV = [
    ("value,limitval\nGOOD-1,1\nBAD-1,lots\n", 400, "/upFile/3/limitval", "line 3"),
    ("value,limitval\nBAD-2,1000000\n", 400, "/upFile/2/limitval", "line 2"),
    ("value\nabc\n", 400, "/upFile/2/value", "4 to 1000"),
    (f"value\n{'x' * 1001}\n", 400, "/upFile/2/value", "line 2"),
    ("value,expirydate\nBAD-3,someday\n", 400, "/upFile/2/expirydate", "RFC 3339"),
    ("value,startdate\nBAD-4,2030-13-01\n", 400, "/upFile/2/startdate", "RFC 3339"),
    ("value,discountlimit\nBAD-5,ten\n", 400, "/upFile/2/discountlimit", "not a number"),
    ("value,discountlimit\nBAD-6,-1\n", 400, "/upFile/2/discountlimit", "from 0"),
    ("value,discountlimit\nBAD-7,1e20\n", 400, "/upFile/2/discountlimit", "from 0"),
    ("value,discountlimit\nBAD-8,NaN\n", 400, "/upFile/2/discountlimit", "from 0"),
    ("value,attributes\nBAD-9,[1]\n", 400, "/upFile/2/attributes", "JSON object"),
    ("value,attributes\nBAD-10,{nope\n", 400, "/upFile/2/attributes", "JSON object"),
    (f"value,recipientintegrationid\nBAD-11,{'r' * 1001}\n", 400, "/upFile/2/recipientintegrationid", "1000"),
    ("code\nBAD-12\n", 400, "/upFile", "value column"),
    ("value,colour\nBAD-13,red\n", 400, "/upFile", "colour"),
    ("value\n", 400, "/upFile", "no coupons"),
    ("", 400, "/upFile", "value column"),
    ('value\n"BAD-14\n', 400, "/upFile/2", "line 2"),
    ("value\nTWICE-1\nTWICE-1\n", 409, "/upFile/3/value", "line 3"),
]


@pytest.mark.parametrize(("text", "status", "pointer", "detail"), BAD_CSV)
def test_bad_csv_imports_name_the_line_and_column(
    mgmt: httpx.Client, shared_campaign: str, text: str, status: int, pointer: str, detail: str
) -> None:
    base = shared_campaign
    body = assert_error(mgmt.post(f"{base}/import_coupons", **_upload(text)), status, pointer=pointer)
    assert detail in body["errors"][0]["details"]
    assert _values(mgmt, base) == []


def test_csv_import_reports_every_bad_row_and_refuses_other_uploads(
    mgmt: httpx.Client, app: AppContext
) -> None:
    base = _campaign(mgmt, app)
    body = assert_error(
        mgmt.post(f"{base}/import_coupons", **_upload("value,limitval\nA-001,x\nA-002,1\nA-003,y\n")),
        400,
        pointer="/upFile/2/limitval",
    )
    assert [e["source"]["pointer"] for e in body["errors"]] == ["/upFile/2/limitval", "/upFile/4/limitval"]
    not_utf8 = mgmt.post(
        f"{base}/import_coupons", files={"upFile": ("c.csv", b"value\n\xff\xfe\n", "text/csv")}
    )
    assert_error(not_utf8, 400, pointer="/upFile")
    assert_error(
        mgmt.post(f"{base}/import_coupons", files={"other": ("c.csv", "value\nX-001\n")}),
        400,
        pointer="/upFile",
    )
    assert_error(
        mgmt.post(f"{base}/import_coupons", params={"skipDuplicates": "x"}, **_upload("value\nX\n")),
        400,
        parameter="skipDuplicates",
    )
    assert _values(mgmt, base) == []


def _referral(server: Server, app: AppContext, campaign_id: int, advocate: str) -> None:
    with server.client(f"ApiKey-v1 {app.key}") as client:
        body = {
            "customerSession": {
                "profileId": advocate,
                "state": "closed",
                "cartItems": [{"sku": "a", "quantity": 1, "price": 1}],
            }
        }
        answer = client.put(f"/v2/customer_sessions/{random_id('s')}", json=body)
        assert answer.status_code == 200 and answer.json()["createdReferrals"], answer.text


def test_referrals_list_update_delete(server: Server, mgmt: httpx.Client, app: AppContext) -> None:
    rule = {"title": "refer", "condition": ["and", True], "effects": [["createReferral", {}]]}
    campaign_id = campaign(server, app, [rule], features=["referrals"])
    _referral(server, app, campaign_id, "adv")
    _referral(server, app, campaign_id, "other")
    base = f"/v1/applications/{app.id}/campaigns/{campaign_id}/referrals"

    def codes(**params: Any) -> list[str]:
        response = mgmt.get(f"{base}/no_total", params=params)
        assert response.status_code == 200, response.text
        return [r["code"] for r in check_page(response.json(), "Referral", total=False)]

    first, second = mgmt.get(f"{base}/no_total").json()["data"]
    assert first["advocateProfileIntegrationId"] == "adv" and first["usageCounter"] == 0
    assert codes(advocate="adv") == [first["code"]]
    assert codes(code=first["code"].lower()) == [first["code"]]
    assert codes(valid="validNow") == [first["code"], second["code"]]
    assert codes(valid="expired") == [] and codes(valid="validFuture") == []
    assert codes(usable="true") == [first["code"], second["code"]] and codes(usable="false") == []
    assert codes(createdBefore="2001-01-01") == []
    assert codes(sort="-id", pageSize=1) == [second["code"]]
    updated = mgmt.put(
        f"{base}/{first['id']}",
        json={
            "usageLimit": 4,
            "friendProfileIntegrationId": "fr",
            "expiryDate": "2001-01-01",
            "attributes": {"x": 1},
        },
    )
    assert updated.status_code == 200, updated.text
    body = check("Referral", updated.json())
    assert (
        body["usageLimit"] == 4
        and body["friendProfileIntegrationId"] == "fr"
        and body["attributes"] == {"x": 1}
    )
    assert codes(valid="expired") == [first["code"]]
    for fields, pointer in [
        ({"usageLimit": -1}, "/usageLimit"),
        ({"startDate": "x"}, "/startDate"),
        ({"friendProfileIntegrationId": "f" * 1001}, "/friendProfileIntegrationId"),
        ({"attributes": 1}, "/attributes"),
    ]:
        assert_error(mgmt.put(f"{base}/{first['id']}", json=fields), 400, pointer=pointer)
    for params, parameter in [
        ({"valid": "x"}, "valid"),
        ({"usable": "x"}, "usable"),
        ({"createdAfter": "x"}, "createdAfter"),
        ({"sort": "x"}, "sort"),
    ]:
        assert_error(mgmt.get(f"{base}/no_total", params=params), 400, parameter=parameter)
    deleted = mgmt.delete(f"{base}/{first['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert_error(mgmt.put(f"{base}/{first['id']}", json={}), 404)
    assert_error(mgmt.delete(f"{base}/{first['id']}"), 404)
    other = create_application(mgmt)
    wrong = f"/v1/applications/{other.id}/campaigns/{campaign_id}/referrals"
    assert_error(mgmt.get(f"{wrong}/no_total"), 404)
    assert_error(mgmt.put(f"{wrong}/{second['id']}", json={}), 404)
    assert_error(mgmt.delete(f"{wrong}/{second['id']}"), 404)
