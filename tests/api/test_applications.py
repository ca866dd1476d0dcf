"""Applications and Integration API keys over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx

from tests.conftest import AppContext, assert_error, create_application, random_id


def test_create_application_returns_the_spec_shape(mgmt: httpx.Client) -> None:
    # given
    name = random_id("shop")
    # when
    response = mgmt.post(
        "/v1/applications",
        json={
            "name": name,
            "timezone": "Europe/Berlin",
            "currency": "EUR",
            "caseSensitivity": "insensitive-uppercase",
        },
    )
    # then
    assert response.status_code == 201
    app = response.json()
    assert app["name"] == name
    assert app["timezone"] == "Europe/Berlin"
    assert app["currency"] == "EUR"
    assert app["caseSensitivity"] == "insensitive-uppercase"
    assert app["accountId"] == 1
    assert app["loyaltyPrograms"] == []
    assert isinstance(app["defaultEvaluationGroupId"], int)
    assert app["created"].endswith("Z")


def test_get_update_delete_application(mgmt: httpx.Client, app: AppContext) -> None:
    fetched = mgmt.get(f"/v1/applications/{app.id}")
    assert fetched.status_code == 200
    assert fetched.json()["id"] == app.id

    update = {
        "name": "renamed " + random_id(),
        "timezone": "UTC",
        "currency": "USD",
        "enablePartialDiscounts": True,
    }
    updated = mgmt.put(f"/v1/applications/{app.id}", json=update)
    assert updated.status_code == 200, updated.text
    assert updated.json()["currency"] == "USD"
    assert updated.json()["enablePartialDiscounts"] is True
    assert updated.json()["defaultEvaluationGroupId"] == app.body["defaultEvaluationGroupId"]

    assert mgmt.delete(f"/v1/applications/{app.id}").status_code == 204
    assert_error(mgmt.get(f"/v1/applications/{app.id}"), 404)


def test_list_applications_pages(mgmt: httpx.Client) -> None:
    for _ in range(3):
        create_application(mgmt)
    first = mgmt.get("/v1/applications", params={"pageSize": 2}).json()
    assert len(first["data"]) == 2
    assert first["totalResultSize"] >= 3
    rest = mgmt.get("/v1/applications", params={"pageSize": 1000, "skip": 2}).json()
    assert {a["id"] for a in first["data"]}.isdisjoint({a["id"] for a in rest["data"]})


def test_application_bad_input_names_the_field(mgmt: httpx.Client) -> None:
    assert_error(
        mgmt.post("/v1/applications", json={"timezone": "UTC", "currency": "EUR"}), 400, pointer="/name"
    )
    assert_error(
        mgmt.post("/v1/applications", json={"name": "x", "timezone": "UTC", "currency": 5}),
        400,
        pointer="/currency",
    )
    assert_error(
        mgmt.post("/v1/applications", json={"name": "x", "timezone": "Mars/Base", "currency": "EUR"}),
        400,
        pointer="/timezone",
    )
    assert_error(
        mgmt.post(
            "/v1/applications",
            json={"name": "x", "timezone": "UTC", "currency": "EUR", "caseSensitivity": "no"},
        ),
        400,
        pointer="/caseSensitivity",
    )
    bad_json = mgmt.post(
        "/v1/applications", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_error(bad_json, 400, pointer="/")
    assert_error(mgmt.get("/v1/applications", params={"pageSize": 5000}), 400)


def test_unknown_application_is_404(mgmt: httpx.Client) -> None:
    assert_error(mgmt.get("/v1/applications/987654321"), 404)
    assert_error(
        mgmt.put("/v1/applications/987654321", json={"name": "x", "timezone": "UTC", "currency": "EUR"}), 404
    )
    assert_error(mgmt.delete("/v1/applications/987654321"), 404)


def test_api_keys_create_list_delete(mgmt: httpx.Client, app: AppContext) -> None:
    created = mgmt.post(
        f"/v1/applications/{app.id}/api_keys",
        json={"title": "checkout", "expires": "2031-05-01", "platform": "none"},
    )
    assert created.status_code == 201, created.text
    key = created.json()
    assert key["expires"] == "2031-05-01T00:00:00Z"
    assert key["applicationID"] == app.id and key["accountID"] == 1
    assert len(key["key"]) == 64

    listed = mgmt.get(f"/v1/applications/{app.id}/api_keys").json()
    ids = [k["id"] for k in listed["data"]]
    assert key["id"] in ids
    assert all("key" not in k for k in listed["data"])

    assert mgmt.delete(f"/v1/applications/{app.id}/api_keys/{key['id']}").status_code == 204
    assert_error(mgmt.delete(f"/v1/applications/{app.id}/api_keys/{key['id']}"), 404)


def test_api_key_bad_input(mgmt: httpx.Client, app: AppContext) -> None:
    assert_error(
        mgmt.post(f"/v1/applications/{app.id}/api_keys", json={"title": "x"}), 400, pointer="/expires"
    )
    assert_error(
        mgmt.post(f"/v1/applications/{app.id}/api_keys", json={"title": "x", "expires": "tomorrow"}),
        400,
        pointer="/expires",
    )
    assert_error(
        mgmt.post(
            f"/v1/applications/{app.id}/api_keys",
            json={"title": "x", "expires": "2030-01-01", "type": "prod"},
        ),
        400,
        pointer="/type",
    )
