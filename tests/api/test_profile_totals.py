"""A profile's ``closedSessions`` and ``totalSales`` (DOMAIN B §1.5): a close counts the session and its
total before discounts; a cancel or reopen of a closed session takes it out again, and a return takes out
the returned items."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.factories import campaign, discount_rule
from tests.conftest import AppContext, Server, random_id

CART = [
    {"sku": "shirt", "quantity": 2, "price": 15.5},
    {"sku": "cap", "quantity": 1, "price": 9},
]


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def put(client: httpx.Client, session_id: str, **session: Any) -> dict[str, Any]:
    body = {"customerSession": session, "responseContent": ["customerProfile", "customerSession"]}
    response = client.put(f"/v2/customer_sessions/{session_id}", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def counted(state: dict[str, Any]) -> tuple[int, float]:
    profile = state["customerProfile"]
    return profile["closedSessions"], profile["totalSales"]


def totals(client: httpx.Client, profile: str) -> tuple[int, float]:
    found = put(client, random_id("look"), profileId=profile)["customerProfile"]
    return found["closedSessions"], found["totalSales"]


def test_cancel_takes_a_closed_session_out_of_the_profile(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    campaign(server, app, [discount_rule("five", ["and", True], 5)])
    profile = random_id("p")
    first, second = random_id("s"), random_id("s")
    put(integration, first, profileId=profile, cartItems=CART, state="closed")
    closed = put(integration, second, profileId=profile, cartItems=CART, state="closed")
    assert counted(closed) == (2, 80)
    cancelled = put(integration, second, state="cancelled")
    # the cancel's own answer shows the profile without it, as the profile now is
    assert counted(cancelled) == (1, 40)
    assert totals(integration, profile) == (1, 40)


def test_reopen_takes_the_session_out_and_a_new_close_counts_it_again(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    campaign(server, app, [discount_rule("five", ["and", True], 5)])
    profile, session_id = random_id("p"), random_id("s")
    put(integration, session_id, profileId=profile, cartItems=CART, state="closed")
    assert totals(integration, profile) == (1, 40)
    reopened = integration.put(f"/v2/customer_sessions/{session_id}/reopen")
    assert reopened.status_code == 200, reopened.text
    assert totals(integration, profile) == (0, 0)
    # an update of the reopened (open) session counts nothing; closing it again counts it once
    assert counted(put(integration, session_id, cartItems=CART[:1])) == (0, 0)
    assert counted(put(integration, session_id, state="closed")) == (1, 31)
    assert totals(integration, profile) == (1, 31)


def test_returned_items_leave_the_total_and_the_session_stays_counted(
    server: Server, app: AppContext, integration: httpx.Client
) -> None:
    profile, session_id = random_id("p"), random_id("s")
    put(integration, session_id, profileId=profile, cartItems=CART, state="closed")
    body = {
        "return": {"returnedCartItems": [{"position": 0, "quantity": 1}]},
        "responseContent": ["customerProfile"],
    }
    returned = integration.post(f"/v2/customer_sessions/{session_id}/returns", json=body)
    assert returned.status_code == 200, returned.text
    # one shirt (15.50) of the 40.00 comes back: the session is still a closed one of the profile's
    assert counted(returned.json()) == (1, 24.5)
    assert totals(integration, profile) == (1, 24.5)
    # a dry return changes nothing, though it answers the profile as the return would leave it
    dry = integration.post(
        f"/v2/customer_sessions/{session_id}/returns",
        params={"dry": "true"},
        json={"return": {"returnedCartItems": [{"position": 1}]}, "responseContent": ["customerProfile"]},
    )
    assert dry.status_code == 200, dry.text
    assert counted(dry.json()) == (1, 15.5)
    assert totals(integration, profile) == (1, 24.5)
    # cancelling the partially returned session takes out what was left of it
    assert counted(put(integration, session_id, state="cancelled")) == (0, 0)
    assert totals(integration, profile) == (0, 0)
