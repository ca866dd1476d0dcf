"""Coupon reservations through the Integration API (Talon.One's own client): reserve, remove and list,
codes URL-encoded in paths, the endpoint past the coupon's reservation limit while the ``reserveCoupon``
effect keeps within it (under parallel closes too), hard reservations in sessions, and the 400s and
404s."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import talon_one
from talon_one.api.integration_api import IntegrationApi
from talon_one.exceptions import ApiException
from talon_one.models.coupon_reservations import CouponReservations

from tests.api import factories
from tests.api.factories import COUPON_RULE, campaign, coupon
from tests.api.sdk import check
from tests.conftest import AppContext, Server, assert_error, create_application, random_id

CART = [{"sku": "tea", "quantity": 2, "price": 10}]


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


@pytest.fixture
def api(server: Server, app: AppContext) -> IntegrationApi:
    config = talon_one.Configuration(host=server.base_url)
    config.api_key["api_key_v1"] = app.key
    config.api_key_prefix["api_key_v1"] = "ApiKey-v1"
    return IntegrationApi(talon_one.ApiClient(config))


def code(prefix: str = "RES") -> str:
    return random_id(prefix).upper()


def path(value: str, *, customers: bool = False) -> str:
    base = "/v1/coupon_reservations/customerprofiles/" if customers else "/v1/coupon_reservations/"
    return base + quote(value, safe="")


def reserved(client: httpx.Client, value: str) -> list[str]:
    response = client.get(path(value, customers=True))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"totalResultSize", "data"} and body["totalResultSize"] == len(body["data"])
    return [check("CustomerProfile", p)["integrationId"] for p in body["data"]]


def close(client: httpx.Client, profile: str, **session: Any) -> dict[str, Any]:
    body = {"customerSession": {"profileId": profile, "state": "closed", "cartItems": CART, **session}}
    response = client.put(f"/v2/customer_sessions/{random_id('s')}", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def kinds(state: dict[str, Any]) -> list[str]:
    return [e["effectType"] for e in state["effects"]]


def set_limit(server: Server, app: AppContext, campaign_id: int, coupon_id: int, limit: int) -> None:
    with server.management() as mgmt:
        base = f"/v1/applications/{app.id}/campaigns/{campaign_id}/coupons/{coupon_id}"
        assert mgmt.put(base, json={"reservationLimit": limit}).status_code == 200


def test_the_official_client_reserves_lists_and_removes(
    server: Server, app: AppContext, api: IntegrationApi, integration: httpx.Client
) -> None:
    # given a coupon whose code needs URL encoding (a % and a space)
    value = f"SUMMER25%OFF {code('X')}"
    campaign_id = campaign(server, app, [COUPON_RULE])
    coupon(server, app, campaign_id, value)
    ann, bob, cat = random_id("ann"), random_id("bob"), random_id("cat")
    # when it is reserved for two customers, then for one of them again and a third
    first = api.create_coupon_reservation(value, CouponReservations(integration_ids=[ann, bob]))
    assert first.value == value and first.campaign_id == campaign_id and first.reservation_counter == 2
    again = integration.post(path(value), json={"integrationIDs": [bob, cat, cat]})
    assert again.status_code == 201, again.text
    assert check("Coupon", again.json())["reservationCounter"] == 3
    # then the three hold it, oldest reservation first, and their profiles exist
    listed = api.get_reserved_customers(value)
    assert listed.total_result_size == 3
    assert [p.integration_id for p in listed.data] == [ann, bob, cat]
    assert all(p.closed_sessions == 0 and p.attributes == {} for p in listed.data)
    # when two reservations are removed (and one the customer never held)
    api.delete_coupon_reservation(value, CouponReservations(integration_ids=[ann, cat, random_id("no")]))
    assert reserved(integration, value) == [bob]
    removed = integration.request("DELETE", path(value), json={"integrationIDs": [bob]})
    assert removed.status_code == 204 and removed.content == b""
    assert reserved(integration, value) == []
    # then the counter counts who holds it now
    counted = integration.post(path(value), json={"integrationIDs": []})
    assert counted.status_code == 201 and counted.json()["reservationCounter"] == 0


def test_codes_are_found_as_the_application_compares_them(server: Server, mgmt: httpx.Client) -> None:
    app = create_application(mgmt, caseSensitivity="insensitive-uppercase")
    value = code("CASE")
    coupon(server, app, campaign(server, app, [COUPON_RULE]), value)
    with server.client(f"ApiKey-v1 {app.key}") as client:
        made = client.post(path(value.lower()), json={"integrationIDs": ["someone"]})
        assert made.status_code == 201 and made.json()["value"] == value
        assert reserved(client, value) == ["someone"]


def test_the_endpoint_ignores_the_reservation_limit_and_the_effect_keeps_it(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    # given two coupons with a reservation limit of 1, one reserved by a rule at close
    wallet, prize = code("WALLET"), code("PRIZE")
    holder = campaign(server, app, [COUPON_RULE])
    set_limit(server, app, holder, coupon(server, app, holder, wallet), 1)
    set_limit(server, app, holder, coupon(server, app, holder, prize), 1)
    rule = {"title": "reserve", "condition": ["and", True], "effects": [["reserveCoupon", prize]]}
    campaign(server, app, [rule])
    # the endpoint reserves past the limit
    made = integration.post(path(wallet), json={"integrationIDs": ["a", "b", "c"]})
    assert made.status_code == 201 and made.json()["reservationCounter"] == 3
    assert made.json()["reservationLimit"] == 1
    # the effect reserves for the first customer, again for them (not new), and for nobody else
    first, second = random_id("first"), random_id("second")
    effect = [e for e in close(integration, first)["effects"] if e["effectType"] == "reserveCoupon"]
    assert effect[0]["props"] == {
        "couponValue": prize,
        "profileIntegrationId": first,
        "isNewReservation": True,
    }
    again = [e for e in close(integration, first)["effects"] if e["effectType"] == "reserveCoupon"]
    assert again[0]["props"]["isNewReservation"] is False
    assert "reserveCoupon" not in kinds(close(integration, second))
    assert reserved(integration, prize) == [first]
    # nor does it reserve a coupon made for another customer
    personal = code("THEIRS")
    coupon(server, app, holder, personal, recipient_integration_id="owner")
    rule = {"title": "reserve theirs", "condition": ["and", True], "effects": [["reserveCoupon", personal]]}
    campaign(server, app, [rule])
    effects = [
        e["props"]["couponValue"]
        for e in close(integration, second)["effects"]
        if e["effectType"] == "reserveCoupon"
    ]
    assert effects == [] and reserved(integration, personal) == []


def test_parallel_closes_never_reserve_past_the_limit(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    prize = code("RUSH")
    holder = campaign(server, app, [COUPON_RULE])
    set_limit(server, app, holder, coupon(server, app, holder, prize), 2)
    rule = {"title": "reserve", "condition": ["and", True], "effects": [["reserveCoupon", prize]]}
    campaign(server, app, [rule])
    profiles = [random_id("rush") for _ in range(8)]

    def attempt(profile: str) -> int:
        with server.client(f"ApiKey-v1 {app.key}") as client:
            return kinds(close(client, profile)).count("reserveCoupon")

    with ThreadPoolExecutor(max_workers=8) as pool:
        made = sum(pool.map(attempt, profiles))
    holders = reserved(integration, prize)
    assert made == 2 and len(holders) == 2 and set(holders) <= set(profiles)
    assert (
        factories.row(server, "coupons", _coupon_id(server, app, holder, prize))["reservation_counter"] == 2
    )


def test_parallel_reservations_and_removals_keep_the_counter_right(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    # given a coupon, and customers whose reservations parallel requests make (overlapping, in other
    # orders) and remove, while closes reserve it by a rule
    value = code("BUSY")
    holder = campaign(server, app, [COUPON_RULE])
    coupon_id = coupon(server, app, holder, value)
    rule = {"title": "reserve", "condition": ["and", True], "effects": [["reserveCoupon", value]]}
    campaign(server, app, [rule])
    people = [random_id("p") for _ in range(12)]
    batches = [people[i : i + 6][:: 1 if i % 2 else -1] for i in range(0, 8)]

    def reserve(batch: list[str]) -> int:
        with server.client(f"ApiKey-v1 {app.key}") as client:
            return client.post(path(value), json={"integrationIDs": batch}).status_code

    def remove(batch: list[str]) -> int:
        with server.client(f"ApiKey-v1 {app.key}") as client:
            return client.request("DELETE", path(value), json={"integrationIDs": batch[:2]}).status_code

    def closing(profile: str) -> int:
        with server.client(f"ApiKey-v1 {app.key}") as client:
            close(client, profile)
            return 200

    with ThreadPoolExecutor(max_workers=8) as pool:
        calls = [pool.submit(reserve, b) for b in batches] + [pool.submit(remove, b) for b in batches[:3]]
        calls += [pool.submit(closing, p) for p in people[:4]]
        statuses = [c.result() for c in calls]
    # then every request succeeded, and the counter is the number of customers holding it
    assert set(statuses) <= {200, 201, 204}, statuses
    holders = reserved(integration, value)
    assert len(holders) == len(set(holders)) and set(holders) <= set(people)
    assert factories.row(server, "coupons", coupon_id)["reservation_counter"] == len(holders)


def _coupon_id(server: Server, app: AppContext, campaign_id: int, value: str) -> int:
    with server.management() as mgmt:
        found = mgmt.get(
            f"/v1/applications/{app.id}/campaigns/{campaign_id}/coupons/no_total",
            params={"value": value, "exactMatch": "true"},
        )
    ident: int = found.json()["data"][0]["id"]
    return ident


def test_a_hard_reservation_refuses_every_other_customer(
    server: Server, app: AppContext, api: IntegrationApi, integration: httpx.Client
) -> None:
    # given a coupon that must be reserved, one that need not be, and one visible to everybody
    hard, soft, visible = code("HARD"), code("SOFT"), code("SEEN")
    campaign_id = campaign(server, app, [COUPON_RULE])
    coupon(server, app, campaign_id, hard, is_reservation_mandatory=True)
    coupon(server, app, campaign_id, soft)
    coupon(server, app, campaign_id, visible, is_reservation_mandatory=True, implicitly_reserved=True)
    holder, other = random_id("holder"), random_id("other")
    for value in (hard, soft, visible):
        api.create_coupon_reservation(value, CouponReservations(integration_ids=[holder]))
    # a customer without the reservation is refused the hard one, with the reason
    refused = close(integration, other, couponCodes=[hard])
    [rejection] = [e for e in refused["effects"] if e["effectType"] == "rejectCoupon"]
    assert rejection["props"]["rejectionReason"] == "CouponReservationRequired"
    assert "setDiscount" not in kinds(refused)
    # an implicit reservation is soft: it does not lift the requirement either
    implicit = close(integration, other, couponCodes=[visible])
    [rejection] = [e for e in implicit["effects"] if e["effectType"] == "rejectCoupon"]
    assert rejection["props"]["rejectionReason"] == "CouponReservationRequired"
    # while the holder redeems it, and anybody redeems a soft-reserved coupon
    assert kinds(close(integration, holder, couponCodes=[hard])) == ["acceptCoupon", "setDiscount"]
    assert kinds(close(integration, other, couponCodes=[soft])) == ["acceptCoupon", "setDiscount"]
    # and once the reservation is removed, the holder is refused too
    api.delete_coupon_reservation(hard, CouponReservations(integration_ids=[holder]))
    assert "rejectCoupon" in kinds(close(integration, holder, couponCodes=[hard]))


def test_unknown_coupons_are_404s(server: Server, app: AppContext, integration: httpx.Client) -> None:
    # a code no coupon has, another application's coupon, and the coupon of a deleted campaign
    theirs, gone = code("THEIRS"), code("GONE")
    with server.management() as mgmt:
        other = create_application(mgmt)
    coupon(server, other, campaign(server, other, [COUPON_RULE]), theirs)
    deleted = campaign(server, app, [COUPON_RULE])
    coupon(server, app, deleted, gone)
    with server.management() as mgmt:
        assert mgmt.delete(f"/v1/applications/{app.id}/campaigns/{deleted}").status_code == 204
    for value in (code("NONE"), theirs, gone):
        body = {"integrationIDs": ["x"]}
        assert_error(integration.post(path(value), json=body), 404)
        assert_error(integration.request("DELETE", path(value), json=body), 404)
        assert_error(integration.get(path(value, customers=True)), 404)


def test_bad_reservation_requests_are_400s(
    server: Server, app: AppContext, api: IntegrationApi, integration: httpx.Client
) -> None:
    value, personal = code("BAD"), code("MINE")
    campaign_id = campaign(server, app, [COUPON_RULE])
    coupon(server, app, campaign_id, value)
    coupon(server, app, campaign_id, personal, recipient_integration_id="owner")
    bodies: list[tuple[Any, str]] = [
        ({}, "/integrationIDs"),
        ({"integrationIDs": "x"}, "/integrationIDs"),
        ({"integrationIDs": [f"p{i}" for i in range(1001)]}, "/integrationIDs"),
        ({"integrationIDs": ["ok", ""]}, "/integrationIDs/1"),
        ({"integrationIDs": ["ok", 5]}, "/integrationIDs/1"),
        ({"integrationIDs": ["x" * 1001]}, "/integrationIDs/0"),
    ]
    for body, pointer in bodies:
        assert_error(integration.post(path(value), json=body), 400, pointer=pointer)
        assert_error(integration.request("DELETE", path(value), json=body), 400, pointer=pointer)
    # a coupon made for one customer is reserved for that customer only
    assert_error(
        integration.post(path(personal), json={"integrationIDs": ["owner", "thief"]}),
        400,
        pointer="/integrationIDs/1",
    )
    assert reserved(integration, personal) == []
    assert integration.post(path(personal), json={"integrationIDs": ["owner"]}).status_code == 201
    assert reserved(integration, value) == []  # nothing above was written
    # the official client sees the 404 as an exception too
    with pytest.raises(ApiException) as raised:
        api.get_reserved_customers(code("NOPE"))
    assert raised.value.status == 404
