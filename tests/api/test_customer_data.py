"""Deleting a customer's personal data (``DELETE /v1/customer_data/{integrationId}``): the attributes of
the profile and of what references it (its sessions and events, the coupons made for it, the referrals it
advocates) are emptied in every application of the key's environment, live or sandbox, and nowhere else;
ids, counters, totals and ledgers stay. Through real HTTP and Talon.One's own client."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import talon_one
from talon_one.api.integration_api import IntegrationApi

from openpromo.services.evaluation.session import profile_key
from tests.api import factories
from tests.api.factories import campaign, coupon
from tests.conftest import AppContext, Server, assert_error, create_application, random_id


def name(prefix: str) -> str:
    return prefix + random_id("").replace("-", "")


@pytest.fixture
def names(server: Server) -> dict[str, str]:
    """Attributes defined for profiles, sessions and referrals."""
    found = {"profile": name("email"), "session": name("device"), "referral": name("note")}
    factories.attribute(server, "CustomerProfile", found["profile"], "string")
    factories.attribute(server, "CustomerSession", found["session"], "string")
    factories.attribute(server, "Referral", found["referral"], "string")
    return found


def put(client: httpx.Client, session_id: str, **session: Any) -> dict[str, Any]:
    response = client.put(f"/v2/customer_sessions/{session_id}", json={"customerSession": session})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def row(server: Server, table: str, **where: Any) -> dict[str, Any]:
    with factories.database(server)(write=False) as uow:
        found = uow.records.find_one(table, **where)
    assert found is not None, where
    return found


def customer(
    server: Server, app: AppContext, names: dict[str, str], profile: str, program: int
) -> dict[str, Any]:
    """A customer of ``app`` with personal data everywhere: its profile, a closed session (points, a
    referral it advocates), an event, a coupon made for it. The ids of what references it."""
    client = server.client(f"ApiKey-v1 {app.key}")
    body = {"attributes": {names["profile"]: f"{profile}@example.com"}}
    assert client.put(f"/v2/customer_profiles/{profile}", json=body).status_code == 200
    session_id = random_id("s")
    attributes = {names["session"]: "phone-1"}
    cart = [{"sku": "x", "quantity": 1, "price": 50}]
    closed = put(client, session_id, profileId=profile, attributes=attributes, cartItems=cart, state="closed")
    referral = closed["createdReferrals"][0]
    with server.management() as mgmt:
        base = f"/v1/applications/{app.id}/campaigns/{referral['campaignId']}/referrals/{referral['id']}"
        updated = mgmt.put(base, json={"attributes": {names["referral"]: "met at the fair"}})
        assert updated.status_code == 200, updated.text
    coupon_id = coupon(
        server,
        app,
        referral["campaignId"],
        random_id("MINE"),
        recipient_integration_id=profile,
        attributes={"engraving": profile},
    )
    with factories.database(server)() as uow:
        event_id = uow.records.insert(
            "events",
            {
                "application_id": app.id,
                "created": datetime.now(UTC),
                "type": "visited",
                "profile_integration_id": profile,
                "attributes": {"page": "/me"},
                "effects": [],
            },
        )
        uow.commit()
    return {"session": session_id, "coupon": coupon_id, "referral": referral["id"], "event": event_id}


def held(server: Server, app: AppContext, ids: dict[str, Any]) -> dict[str, Any]:
    """The attributes of what references the customer in ``app``."""
    return {
        "session": row(server, "customer_sessions", application_id=app.id, integration_id=ids["session"])[
            "attributes"
        ],
        "event": row(server, "events", id=ids["event"])["attributes"],
        "coupon": row(server, "coupons", id=ids["coupon"])["attributes"],
        "referral": row(server, "referrals", id=ids["referral"])["attributes"],
    }


def rules(program: int) -> list[dict[str, Any]]:
    effects = [["createReferral", {}], ["addLoyaltyPoints", program, 25, {"name": "order"}]]
    return [{"title": "reward", "condition": ["and", True], "effects": effects}]


def test_deletion_empties_every_attribute_of_the_environment_and_keeps_counters_and_ledgers(
    server: Server, mgmt: httpx.Client, names: dict[str, str]
) -> None:
    # given a customer (and another) with data in two live applications and a sandbox one
    live, other_live = create_application(mgmt), create_application(mgmt)
    sandbox = create_application(mgmt, sandbox=True)
    apps = (live, other_live, sandbox)
    program = factories.loyalty_program(mgmt, live, subscribedApplications=[a.id for a in apps])["id"]
    for app in apps:
        campaign(server, app, rules(program), features=["referrals", "loyalty", "coupons"])
    ann, bob = random_id("ann"), random_id("bob")
    mine = {app.id: customer(server, app, names, ann, program) for app in apps}
    theirs = customer(server, live, names, bob, program)
    before = row(server, "customer_profiles", account_id=1, integration_id=ann)
    assert before["closed_sessions"] == 3 and before["attributes"] == {names["profile"]: f"{ann}@example.com"}
    # when the sandbox application's key deletes ann's data
    sandboxed = server.client(f"ApiKey-v1 {sandbox.key}")
    response = sandboxed.delete(f"/v1/customer_data/{ann}")
    # then the profile's and the sandbox's attributes are gone, the live applications' stay
    assert response.status_code == 204 and response.content == b""
    assert row(server, "customer_profiles", account_id=1, integration_id=ann)["attributes"] == {}
    assert held(server, sandbox, mine[sandbox.id]) == {
        "session": {},
        "event": {},
        "coupon": {},
        "referral": {},
    }
    assert held(server, live, mine[live.id])["session"] == {names["session"]: "phone-1"}
    # when a live key deletes them: every live application's are gone too
    client = server.client(f"ApiKey-v1 {live.key}")
    assert client.delete(f"/v1/customer_data/{ann}").status_code == 204
    for app in (live, other_live):
        assert held(server, app, mine[app.id]) == {
            "session": {},
            "event": {},
            "coupon": {},
            "referral": {},
        }
    # and ids, counters, totals and ledgers are kept
    after = row(server, "customer_profiles", account_id=1, integration_id=ann)
    assert (after["id"], after["closed_sessions"], after["total_sales"]) == (
        before["id"],
        before["closed_sessions"],
        before["total_sales"],
    )
    balance = client.get(f"/v1/loyalty_programs/{program}/profile/{ann}/balances").json()["balance"]
    assert balance["activePoints"] == 75
    session = client.get(f"/v2/customer_sessions/{mine[live.id]['session']}").json()["customerSession"]
    assert session["profileId"] == ann and session["total"] == 50 and session["attributes"] == {}
    held_coupons = client.get(f"/v1/customer_profiles/{ann}/inventory", params={"coupons": "true"}).json()
    assert [c["id"] for c in held_coupons["coupons"]] == [mine[live.id]["coupon"]]
    assert held_coupons["coupons"][0]["attributes"] == {}
    # bob's data is untouched
    assert held(server, live, theirs) == {
        "session": {names["session"]: "phone-1"},
        "event": {"page": "/me"},
        "coupon": {"engraving": bob},
        "referral": {names["referral"]: "met at the fair"},
    }
    assert row(server, "customer_profiles", account_id=1, integration_id=bob)["attributes"] != {}


def test_an_unknown_customer_is_404_and_the_official_client_deletes(
    server: Server, app: AppContext, names: dict[str, str]
) -> None:
    client = server.client(f"ApiKey-v1 {app.key}")
    assert_error(client.delete(f"/v1/customer_data/{random_id('nobody')}"), 404)
    profile = random_id("sdk")
    body = {"attributes": {names["profile"]: "me@example.com"}}
    assert client.put(f"/v2/customer_profiles/{profile}", json=body).status_code == 200
    config = talon_one.Configuration(host=server.base_url)
    config.api_key["api_key_v1"] = app.key
    config.api_key_prefix["api_key_v1"] = "ApiKey-v1"
    api = IntegrationApi(talon_one.ApiClient(config))
    assert api.delete_customer_data(profile) is None
    assert row(server, "customer_profiles", account_id=1, integration_id=profile)["attributes"] == {}
    with pytest.raises(talon_one.exceptions.NotFoundException):
        api.delete_customer_data(random_id("nobody"))
    # deleting again is no error: the profile is still known, with nothing left to delete
    assert client.delete(f"/v1/customer_data/{profile}").status_code == 204


def test_while_another_request_holds_the_customer_the_deletion_is_409_and_changes_nothing(
    server: Server, app: AppContext, names: dict[str, str]
) -> None:
    client = server.client(f"ApiKey-v1 {app.key}")
    profile = random_id("busy")
    body = {"attributes": {names["profile"]: "busy@example.com"}}
    assert client.put(f"/v2/customer_profiles/{profile}", json=body).status_code == 200
    # a profile update (or a session naming the profile) holds the customer's request key meanwhile
    with factories.database(server)(locks=[profile_key(1, profile)]):
        assert_error(client.delete(f"/v1/customer_data/{profile}"), 409)
    assert row(server, "customer_profiles", account_id=1, integration_id=profile)["attributes"] == {
        names["profile"]: "busy@example.com"
    }
    assert client.delete(f"/v1/customer_data/{profile}").status_code == 204


def test_the_document_declares_the_deletion_answers_no_body(server: Server) -> None:
    document = httpx.get(f"{server.base_url}/openapi.json").json()
    responses = document["paths"]["/v1/customer_data/{integrationId}"]["delete"]["responses"]
    assert set(responses) == {"204", "400", "401", "404", "409"}
    assert "content" not in responses["204"]
