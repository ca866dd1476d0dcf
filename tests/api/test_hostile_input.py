"""Input that once reached the database unchecked (found by the schema fuzzing of every operation)."""

from __future__ import annotations

import httpx

from tests.conftest import AppContext, Server, assert_error


def test_a_nul_character_in_any_text_is_a_400_on_both_databases(
    mgmt: httpx.Client, server: Server, app: AppContext
) -> None:
    body = {"name": "tea\u0000time", "title": "t", "description": ""}
    assert_error(mgmt.post("/v1/event_types", json=body), 400, pointer="/name")
    with server.client(f"ApiKey-v1 {app.key}") as integration:
        session = {"customerSession": {"profileId": "p\u0000", "cartItems": []}}
        assert_error(
            integration.put("/v2/customer_sessions/nul-1", json=session),
            400,
            pointer="/customerSession/profileId",
        )
        keyed = {"customerSession": {"attributes": {"x\u0000": 1}}}
        assert_error(
            integration.put("/v2/customer_sessions/nul-2", json=keyed),
            400,
            pointer="/customerSession/attributes/x\u0000",
        )
    assert_error(mgmt.get("/v1/event_types", params={"name": "tea\u0000time"}), 400, parameter="name")
    with server.client(f"ApiKey-v1 {app.key}") as integration:
        assert_error(integration.get("/v2/customer_sessions/nul%00id"), 400, parameter="path")


def test_a_skip_past_any_table_is_an_empty_page(mgmt: httpx.Client) -> None:
    found = mgmt.get("/v1/applications", params={"skip": 4294967296, "pageSize": 53})
    assert found.status_code == 200, found.text
    assert found.json()["data"] == []
