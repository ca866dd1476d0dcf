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


def test_an_id_in_the_path_outside_64_bits_is_a_404(
    mgmt: httpx.Client, server: Server, app: AppContext
) -> None:
    huge = -42114808426583605248
    assert_error(mgmt.get(f"/v1/loyalty_programs/{huge}/cards/x"), 404, parameter="loyaltyProgramId")
    assert_error(mgmt.get(f"/v1/applications/{2**63}"), 404, parameter="applicationId")
    with server.client(f"ApiKey-v1 {app.key}") as integration:
        found = integration.get(f"/v1/loyalty_programs/{2**64}/profile/p/balances")
        assert_error(found, 404, parameter="loyaltyProgramId")


def test_numbers_outside_what_storage_holds_exactly_are_a_400(server: Server, app: AppContext) -> None:
    with server.client(f"ApiKey-v1 {app.key}") as integration:
        for price in ("1e23", "1e308", "1e400", "9223372036854.775808", '"NaN"', '"12"', "-1e23"):
            body = '{"customerSession": {"cartItems": [{"sku": "a", "quantity": 1, "price": PRICE}]}}'
            body = body.replace("PRICE", price)
            answer = integration.put(
                "/v2/customer_sessions/big-price", content=body, headers={"content-type": "application/json"}
            )
            assert_error(answer, 400, pointer="/customerSession/cartItems/0/price")
        weight = {"customerSession": {"cartItems": [{"sku": "a", "quantity": 1, "price": 1, "weight": 1e30}]}}
        assert_error(
            integration.put("/v2/customer_sessions/w", json=weight),
            400,
            pointer="/customerSession/cartItems/0/weight",
        )
        cost = {"customerSession": {"additionalCosts": {"shipping": {"price": 1e30}}}}
        assert_error(
            integration.put("/v2/customer_sessions/c", json=cost),
            400,
            pointer="/customerSession/additionalCosts/shipping/price",
        )
        edge = {
            "customerSession": {"cartItems": [{"sku": "a", "quantity": 1, "price": 9223372036854.775807}]}
        }
        assert integration.put("/v2/customer_sessions/edge", json=edge).status_code == 200
        negative = {"customerSession": {"cartItems": [{"sku": "a", "quantity": 1, "price": -5}]}}
        assert integration.put("/v2/customer_sessions/negative", json=negative).status_code == 200


def test_codes_and_skus_have_a_length_limit(server: Server, app: AppContext) -> None:
    with server.client(f"ApiKey-v1 {app.key}") as integration:
        codes = {"customerSession": {"couponCodes": ["ok", "c" * 101]}}
        assert_error(
            integration.put("/v2/customer_sessions/long-1", json=codes),
            400,
            pointer="/customerSession/couponCodes/1",
        )
        sku = {"customerSession": {"cartItems": [{"sku": "s" * 1001, "quantity": 1, "price": 1}]}}
        assert_error(
            integration.put("/v2/customer_sessions/long-2", json=sku),
            400,
            pointer="/customerSession/cartItems/0/sku",
        )
        fits = {
            "customerSession": {
                "couponCodes": ["c" * 100],
                "cartItems": [{"sku": "s" * 1000, "quantity": 1, "price": 1}],
            }
        }
        assert integration.put("/v2/customer_sessions/long-3", json=fits).status_code == 200


def test_a_body_over_the_limit_is_a_413_in_the_error_shape(server: Server, app: AppContext) -> None:
    # the default limit is 10,000,000 bytes (OPENPROMO_MAX_BODY_BYTES)
    body = b'{"customerSession": {"attributes": {"x": "' + b"a" * 10_000_001 + b'"}}}'
    with server.client(f"ApiKey-v1 {app.key}") as integration:
        found = integration.put(
            "/v2/customer_sessions/too-big", content=body, headers={"Content-Type": "application/json"}
        )
        assert_error(found, 413)
        # and the server goes on
        small = {"customerSession": {"cartItems": []}}
        assert integration.put("/v2/customer_sessions/small", json=small).status_code == 200


def test_the_api_reference_page_is_served_with_its_own_assets(server: Server) -> None:
    page = httpx.get(f"{server.base_url}/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "/openapi.json" in page.text and "https://" not in page.text  # nothing from a CDN
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        found = httpx.get(f"{server.base_url}/docs/assets/{asset}")
        assert found.status_code == 200 and len(found.content) > 10_000, asset
    document = httpx.get(f"{server.base_url}/openapi.json").json()
    assert set(document["components"]["securitySchemes"]) >= {"api_key_v1", "management_key", "manager_auth"}
