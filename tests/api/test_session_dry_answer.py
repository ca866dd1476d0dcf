"""A dry ``PUT /v2/customer_sessions/{id}`` answers the parts ``responseContent`` asks for, as the update
would leave them, and writes nothing: the session (with its id when it exists, 0 when it does not yet)
and the profile."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.sdk import check
from tests.conftest import AppContext, Server, assert_error, random_id

CART = [{"sku": "shirt", "quantity": 2, "price": 15.5}, {"sku": "cap", "quantity": 1, "price": 9}]
CONTENT = ["customerSession", "customerProfile"]


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def put(client: httpx.Client, session_id: str, *, dry: bool = False, **session: Any) -> dict[str, Any]:
    response = client.put(
        f"/v2/customer_sessions/{session_id}",
        params={"dry": "true"} if dry else {},
        json={"customerSession": session, "responseContent": CONTENT},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    check("IntegrationStateV2", body)
    check("CustomerSessionV2", body["customerSession"])
    return body


def test_a_dry_update_of_a_stored_session_answers_the_session(integration: httpx.Client) -> None:
    session_id, profile = random_id("s"), random_id("p")
    first = put(integration, session_id, profileId=profile, cartItems=CART)
    stored, seen = first["customerSession"], first["customerProfile"]["lastActivity"]
    # when a dry update changes the cart
    dry = put(integration, session_id, dry=True, cartItems=CART[:1])
    # then the answer has the session as the update would leave it (merged), with its id
    session = dry["customerSession"]
    assert session["id"] == stored["id"] and session["integrationId"] == session_id
    assert session["state"] == "open" and session["profileId"] == profile
    assert session["total"] == 31 and [i["sku"] for i in session["cartItems"]] == ["shirt"]
    assert session["updateCount"] == stored["updateCount"] + 1
    # a dry close considers its payload alone; the profile is answered with the close counted
    closing = put(integration, session_id, dry=True, profileId=profile, cartItems=CART[1:], state="closed")
    session = closing["customerSession"]
    assert session["id"] == stored["id"] and session["state"] == "closed" and session["total"] == 9
    assert closing["customerProfile"]["closedSessions"] == 1 and closing["customerProfile"]["totalSales"] == 9
    assert closing["customerProfile"]["lastActivity"] == seen  # a dry run records no activity
    # and nothing was written
    got = integration.get(f"/v2/customer_sessions/{session_id}").json()["customerSession"]
    assert got["state"] == "open" and got["total"] == 40 and got["updateCount"] == stored["updateCount"]
    again = put(integration, random_id("s"), profileId=profile)
    assert again["customerProfile"]["closedSessions"] == 0 and again["customerProfile"]["totalSales"] == 0


def test_a_dry_update_of_a_new_session_answers_it_with_no_id(integration: httpx.Client) -> None:
    session_id = random_id("s")
    dry = put(integration, session_id, dry=True, profileId=random_id("p"), cartItems=CART)
    session = dry["customerSession"]
    assert session["id"] == 0 and session["integrationId"] == session_id and session["total"] == 40
    assert session["state"] == "open" and session["updateCount"] == 1
    assert_error(integration.get(f"/v2/customer_sessions/{session_id}"), 404)


def test_a_dry_cancel_of_a_closed_session_answers_it_cancelled_and_writes_nothing(
    integration: httpx.Client,
) -> None:
    session_id, profile = random_id("s"), random_id("p")
    put(integration, session_id, profileId=profile, cartItems=CART, state="closed")
    dry = put(integration, session_id, dry=True, state="cancelled")
    assert dry["customerSession"]["state"] == "cancelled"
    assert dry["customerProfile"]["closedSessions"] == 0 and dry["customerProfile"]["totalSales"] == 0
    got = integration.get(f"/v2/customer_sessions/{session_id}").json()["customerSession"]
    assert got["state"] == "closed"
    again = put(integration, random_id("s"), profileId=profile)
    assert again["customerProfile"]["closedSessions"] == 1 and again["customerProfile"]["totalSales"] == 40
