"""The auth matrix: every route in the OpenAPI document, with no key, a wrong key, the wrong kind of key,
an expired or deleted key; every id-bearing route with unknown ids and with another application's ids.

Routes are read from ``/openapi.json``, so a route added later is covered without touching this file;
a Management route that takes a body needs a valid one in ``BODIES`` (the test says so when it is
missing), so that its 404 is not hidden behind a 400.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from talon_one.models.session import Session

from openpromo.services.auth import hash_key
from tests.api import factories
from tests.conftest import AppContext, Server, assert_error, create_application, random_id

PUBLIC = {("post", "/v1/sessions")}
UNKNOWN = 987_654_321
RULE = {"title": "r", "condition": ["and", True], "effects": [["createReferral", {}]]}


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # with {name} placeholders
    operation: str
    kind: str  # "integration" or "management"

    def url(self, ids: dict[str, Any]) -> str:
        return re.sub(r"\{([^}]+)\}", lambda m: str(ids.get(m.group(1), 1)), self.path)

    @property
    def names(self) -> list[str]:
        return re.findall(r"\{([^}]+)\}", self.path)


def _routes(server: Server) -> list[Route]:
    document = httpx.get(f"{server.base_url}/openapi.json").json()
    routes = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in {"get", "post", "put", "delete", "patch"} and (method, path) not in PUBLIC:
                kind = "integration" if "integration" in operation.get("tags", []) else "management"
                routes.append(Route(method, path, operation["operationId"], kind))
    return routes


def _csv(text: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda _ids: {"files": {"upFile": ("f.csv", text, "text/csv")}}


def _json(body: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda ids: {"json": body(ids) if callable(body) else body}


CAMPAIGN = {"name": "c", "tags": [], "features": [], "limits": []}
ATTRIBUTE = {
    "entity": "CustomerSession",
    "name": "authMatrix",
    "title": "t",
    "type": "string",
    "description": "",
    "suggestions": [],
    "editable": True,
}
# a valid body for every Management operation that takes one (ids the body names come from ``ids``)
BODIES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "createApplication": _json({"name": "a", "timezone": "UTC", "currency": "EUR"}),
    "updateApplication": _json({"name": "a", "timezone": "UTC", "currency": "EUR"}),
    "createApplicationAPIKey": _json({"title": "t", "expires": "2099-01-01"}),
    "createCampaign": _json(CAMPAIGN),
    "updateCampaign": _json(CAMPAIGN),
    "createRuleset": _json({"rules": [], "bindings": []}),
    "createCampaignEvaluationGroup": _json(
        lambda ids: {
            "name": "g",
            "parentId": ids["group_id"],
            "evaluationMode": "stackable",
            "evaluationScope": "session",
            "locked": False,
        }
    ),
    "createCoupons": _json({"numberOfCoupons": 1, "usageLimit": 1}),
    "createCouponsForMultipleRecipients": _json({"usageLimit": 1, "recipientsIntegrationIds": ["r"]}),
    "updateCoupon": _json({}),
    "importCoupons": _csv("value\nMATRIX-1\n"),
    "updateReferral": _json({}),
    "createAttribute": _json(ATTRIBUTE),
    "updateAttribute": _json(ATTRIBUTE),
    "createAdditionalCost": _json({"name": "matrix", "title": "t", "description": ""}),
    "updateAdditionalCost": _json({"name": "matrix", "title": "t", "description": ""}),
    "createEventType": _json({"name": "matrix", "title": "t"}),
    "createStore": _json({"name": "s", "description": "", "integrationId": "matrix"}),
    "updateStore": _json({"name": "s", "description": "", "integrationId": "matrix"}),
    "createLoyaltyProgram": _json(
        {
            "name": "matrix",
            "title": "t",
            "defaultValidity": "unlimited",
            "defaultPending": "immediate",
            "allowSubledger": False,
            "sandbox": False,
            "timezone": "UTC",
        }
    ),
    "updateLoyaltyProgram": _json({}),
    "createGiveawaysPool": _json({"name": "p", "sandbox": False}),
    "importPoolGiveaways": _csv("code\nMATRIX\n"),
    "createCatalog": _json({"name": "c", "description": ""}),
    "createAchievement": _json({"name": "matrix", "title": "t", "description": "", "target": 1}),
    "updateAchievement": _json({}),
    "createAccountCollection": _json({"name": "matrix"}),
    "updateAccountCollection": _json({}),
    "importAccountCollection": _csv("item\nx\n"),
    "createCollection": _json({"name": "matrix"}),
    "updateCollection": _json({}),
    "importCollection": _csv("item\nx\n"),
}

# the query parameters an operation requires
QUERIES: dict[str, dict[str, str]] = {
    "getCampaignAnalytics": {"rangeStart": "2020-01-01", "rangeEnd": "2030-01-01"}
}


@dataclass
class World:
    """Application A with one of everything an id names, and application B."""

    a: AppContext
    b: AppContext
    ids: dict[str, Any]
    session: str


@pytest.fixture(scope="module")
def world(server: Server) -> World:
    with server.management() as mgmt:
        a, b = create_application(mgmt), create_application(mgmt)
        ids: dict[str, Any] = {"application_id": a.id, "group_id": a.body["defaultEvaluationGroupId"]}
        ids["api_key_id"] = mgmt.get(f"/v1/applications/{a.id}/api_keys").json()["data"][0]["id"]
        ids["campaign_id"] = factories.campaign(server, a, [RULE], features=["referrals", "coupons"])
        base = f"/v1/applications/{a.id}/campaigns/{ids['campaign_id']}"
        ids["ruleset_id"] = mgmt.get(f"{base}/rulesets").json()["data"][0]["id"]
        coupons = mgmt.post(
            f"{base}/coupons", params={"silent": "no"}, json={"numberOfCoupons": 1, "usageLimit": 1}
        )
        ids["coupon_id"] = coupons.json()["data"][0]["id"]
        ids["store_id"] = mgmt.post(
            f"/v1/applications/{a.id}/stores",
            json={"name": "s", "description": "", "integrationId": random_id()},
        ).json()["id"]
        ids["achievement_id"] = mgmt.post(
            f"{base}/achievements", json={"name": "once", "title": "t", "description": "", "target": 1}
        ).json()["id"]
        ids["collection_id"] = mgmt.post(f"{base}/collections", json={"name": random_id("c")}).json()["id"]
    session = random_id("s")
    with server.client(f"ApiKey-v1 {a.key}") as client:
        body = {"customerSession": {"profileId": random_id("p"), "state": "closed", "cartItems": []}}
        assert client.put(f"/v2/customer_sessions/{session}", json=body).status_code == 200
    with server.management() as mgmt:
        ids["referral_id"] = mgmt.get(f"{base}/referrals/no_total").json()["data"][0]["id"]
        ids["session_id"] = mgmt.get(f"/v1/applications/{a.id}/sessions").json()["data"][0]["id"]
        ids["customer_id"] = mgmt.get(f"/v1/applications/{a.id}/customers").json()["data"][0]["id"]
    return World(a, b, ids, session)


def _request(client: httpx.Client, route: Route, ids: dict[str, Any], **kwargs: Any) -> httpx.Response:
    body = BODIES.get(route.operation)
    if body is not None:
        kwargs = {**body(ids), **kwargs}
    return client.request(route.method, route.url(ids), params=QUERIES.get(route.operation), **kwargs)


def test_the_document_lists_every_route_and_every_body_is_known(server: Server) -> None:
    routes = _routes(server)
    assert Route("post", "/v1/applications", "createApplication", "management") in routes
    assert len({r.operation for r in routes}) == len(routes)
    bodies = {r.operation for r in routes if r.kind == "management" and r.method in ("post", "put")}
    assert bodies - set(BODIES) == set(), "add a valid body to BODIES"
    assert set(BODIES) - bodies == set()


@pytest.mark.parametrize(
    "header",
    [None, "", "ManagementKey-v1", "ManagementKey-v1 wrong", "Bearer nope", "ApiKey-v1 nope", "Basic abc"],
)
def test_every_route_refuses_missing_or_wrong_credentials(server: Server, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    with server.client() as client:
        for route in _routes(server):
            response = client.request(route.method, route.url({}), headers=headers, content=b"{}")
            assert_error(response, 401)


def test_every_route_refuses_the_wrong_kind_of_key(server: Server, world: World, user: str) -> None:
    token = _login(server, user)
    management = [f"ManagementKey-v1 {server.root_key}", f"Bearer {token}"]
    with server.client() as client:
        for route in _routes(server):
            for header in management if route.kind == "integration" else [f"ApiKey-v1 {world.a.key}"]:
                response = client.request(
                    route.method, route.url({}), headers={"Authorization": header}, content=b"{}"
                )
                assert_error(response, 401)


def test_every_id_route_answers_404_for_unknown_ids(server: Server, world: World) -> None:
    unknown = {name: UNKNOWN for name in world.ids} | {"group_id": world.ids["group_id"]}
    with server.management() as mgmt:
        for route in _routes(server):
            if route.kind == "management" and route.names:
                ids = {name: UNKNOWN for name in route.names}
                response = _request(mgmt, route, unknown | ids)
                assert response.status_code == 404, (route, response.text)
                assert_error(response, 404)


def test_application_routes_answer_404_for_another_applications_ids(server: Server, world: World) -> None:
    checked = 0
    with server.management() as mgmt:
        for route in _routes(server):
            if route.kind == "management" and "application_id" in route.names and len(route.names) > 1:
                response = _request(mgmt, route, {**world.ids, "application_id": world.b.id})
                assert response.status_code == 404, (route, response.text)
                checked += 1
    assert checked >= 30


def test_an_integration_key_sees_only_its_own_applications_sessions(server: Server, world: World) -> None:
    with server.client(f"ApiKey-v1 {world.b.key}") as other:
        assert_error(other.get(f"/v2/customer_sessions/{world.session}"), 404)
        assert_error(other.put(f"/v2/customer_sessions/{world.session}/reopen"), 404)
        returned = other.post(
            f"/v2/customer_sessions/{world.session}/returns",
            json={"return": {"returnedCartItems": [{"position": 0, "quantity": 1}]}},
        )
        assert_error(returned, 404)
    with server.client(f"ApiKey-v1 {world.a.key}") as own:
        assert own.get(f"/v2/customer_sessions/{world.session}").status_code == 200


def test_expired_and_deleted_integration_keys_are_refused(
    server: Server, mgmt: httpx.Client, app: AppContext
) -> None:
    keys = mgmt.get(f"/v1/applications/{app.id}/api_keys").json()["data"]
    assert mgmt.delete(f"/v1/applications/{app.id}/api_keys/{keys[0]['id']}").status_code == 204
    expired = mgmt.post(
        f"/v1/applications/{app.id}/api_keys", json={"title": "old", "expires": "2001-01-01T00:00:00Z"}
    ).json()["key"]
    fresh = mgmt.post(
        f"/v1/applications/{app.id}/api_keys", json={"title": "new", "expires": "2099-01-01"}
    ).json()
    path = f"/v2/customer_sessions/{random_id('s')}"
    for key in (app.key, expired):
        with server.client(f"ApiKey-v1 {key}") as client:
            assert_error(client.get(path), 401)
    with server.client(f"ApiKey-v1 {fresh['key']}") as client:
        assert_error(client.get(path), 404)  # the key works: the session does not exist


PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def user(server: Server) -> str:
    """The email of a user made with the CLI (``openpromo users create``)."""
    email = f"{random_id('user')}@example.com"
    created = subprocess.run(
        [sys.executable, "-m", "openpromo", "users", "create", "--email", email, "--password-stdin"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env={"OPENPROMO_DATABASE_URL": server.database_url, "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert created.returncode == 0, created.stderr
    return email


def _login(server: Server, email: str) -> str:
    with server.client() as client:
        login = client.post("/v1/sessions", json={"email": email, "password": PASSWORD})
    assert login.status_code == 201, login.text
    token: str = login.json()["token"]
    return token


def test_login_gives_a_bearer_token_for_the_management_api(server: Server, user: str) -> None:
    token = _login(server, user)
    with server.client() as client:
        bearer = {"Authorization": f"Bearer {token}"}
        assert client.get("/v1/applications", headers=bearer).status_code == 200
        assert client.post(
            "/v1/applications", headers=bearer, json=BODIES["createApplication"]({})["json"]
        ).is_success
        logout = client.delete("/v1/sessions", headers=bearer)
        assert logout.status_code == 204 and logout.content == b""
        assert_error(client.get("/v1/applications", headers=bearer), 401)
        assert_error(client.delete("/v1/sessions", headers=bearer), 401)


def test_login_refuses_wrong_passwords_and_bad_bodies(server: Server, user: str) -> None:
    with server.client() as client:
        assert_error(client.post("/v1/sessions", json={"email": user, "password": "wrong"}), 401)
        assert_error(client.post("/v1/sessions", json={"email": "nobody@example.com", "password": "x"}), 401)
        assert_error(client.post("/v1/sessions", json={"email": "x@example.com"}), 400, pointer="/password")
        assert_error(client.post("/v1/sessions", json={"password": "x"}), 400, pointer="/email")
        assert_error(client.post("/v1/sessions", json={"email": 5, "password": "x"}), 400, pointer="/email")
        assert_error(
            client.post("/v1/sessions", content=b"{", headers={"Content-Type": "application/json"}), 400
        )
        login = client.post("/v1/sessions", json={"email": user.upper(), "password": PASSWORD})
    assert login.status_code == 201, login.text
    parsed = Session.from_dict(login.json())
    assert parsed is not None and parsed.created.tzinfo is not None and isinstance(parsed.user_id, int)


def test_expired_tokens_are_refused(server: Server, user: str) -> None:
    token = random_id("token")
    with factories.database(server)() as uow:
        user_id = uow.records.find("users", {"email": user}).rows[0]["id"]
        uow.records.insert(
            "auth_tokens",
            {
                "token_hash": hash_key(token),
                "account_id": 1,
                "user_id": user_id,
                "created": datetime.now(UTC) - timedelta(days=2),
                "expires": datetime.now(UTC) - timedelta(days=1),
            },
        )
        uow.commit()
    with server.client(f"Bearer {token}") as client:
        assert_error(client.get("/v1/applications"), 401)


def test_keys_are_stored_hashed(server: Server, app: AppContext) -> None:
    with factories.database(server)(write=False) as uow:
        stored = [row["key_hash"] for row in uow.records.find("api_keys", {"application_id": app.id}).rows]
        roots = [row["key_hash"] for row in uow.records.find("management_keys", {"is_root": True}).rows]
    assert stored and app.key not in stored and all(len(h) == 64 for h in stored)
    assert stored == [hash_key(app.key)]
    assert roots and server.root_key not in roots and roots == [hash_key(server.root_key)]
