"""The auth matrix: every route in the OpenAPI document, with no key, a wrong key, the wrong kind of key,
an expired or deleted key; every id-bearing route with unknown ids and with another application's ids.

Routes are read from ``/openapi.json`` (``tests.api.routes``), so a route added later is covered
without touching this file.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from talon_one.models.session import Session

from openpromo.services.auth import hash_key
from tests.api import factories
from tests.api.routes import BODIES, UNKNOWN, Route, World, routes, send
from tests.conftest import AppContext, Server, assert_error, cli_user, random_id


def test_the_document_lists_every_route_and_every_body_is_known(server: Server) -> None:
    listed = routes(server)
    assert Route("post", "/v1/applications", "createApplication", "management") in listed
    assert len({r.operation for r in listed}) == len(listed)
    bodies = {r.operation for r in listed if r.kind == "management" and r.method in ("post", "put")}
    assert bodies - set(BODIES) == set(), "add a valid body to BODIES"
    assert set(BODIES) - bodies == set()


@pytest.mark.parametrize(
    "header",
    ["ManagementKey-v1", "ManagementKey-v1 wrong", "Bearer nope", "ApiKey-v1 nope"],  # no header: below
)
def test_every_route_refuses_missing_or_wrong_credentials(server: Server, header: str) -> None:
    headers = {"Authorization": header}
    with server.client() as client:
        for route in routes(server):
            response = client.request(route.method, route.url({}), headers=headers, content=b"{}")
            assert_error(response, 401)


def test_without_credentials_of_the_right_kind_parameters_are_not_even_read(server: Server) -> None:
    junk = {"pageSize": "abc", "skip": "-1", "campaignState": "asleep", "withTotalResultSize": "maybe"}
    with server.client() as client:
        for route in routes(server):
            for header in ({}, {"Authorization": "Basic abc"}):
                response = client.request(
                    route.method, route.url({}), headers=header, params=junk, content=b"{"
                )
                assert_error(response, 401)


def test_every_route_refuses_the_wrong_kind_of_key(server: Server, world: World, user: str) -> None:
    token = _login(server, user)
    management = [f"ManagementKey-v1 {server.root_key}", f"Bearer {token}"]
    with server.client() as client:
        for route in routes(server):
            for header in management if route.kind == "integration" else [f"ApiKey-v1 {world.a.key}"]:
                response = client.request(
                    route.method, route.url({}), headers={"Authorization": header}, content=b"{}"
                )
                assert_error(response, 401)


def test_every_id_route_answers_404_for_unknown_ids(server: Server, world: World) -> None:
    unknown = {name: UNKNOWN for name in world.ids} | {"group_id": world.ids["group_id"]}
    with server.management() as mgmt:
        for route in routes(server):
            if route.kind == "management" and route.names:
                ids = {name: UNKNOWN for name in route.names}
                response = send(mgmt, route, unknown | ids)
                assert response.status_code == 404, (route, response.text)
                assert_error(response, 404)


def test_application_routes_answer_404_for_another_applications_ids(server: Server, world: World) -> None:
    checked = 0
    with server.management() as mgmt:
        for route in routes(server):
            if route.kind == "management" and "application_id" in route.names and len(route.names) > 1:
                response = send(mgmt, route, {**world.ids, "application_id": world.b.id})
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
    assert_error(
        mgmt.post(f"/v1/applications/{app.id}/api_keys", json={"title": "old", "expires": "2001-01-01"}),
        400,
        pointer="/expires",
    )  # a key is never created expired
    soon = (datetime.now(UTC) + timedelta(seconds=1.5)).isoformat()
    expired = mgmt.post(f"/v1/applications/{app.id}/api_keys", json={"title": "old", "expires": soon}).json()[
        "key"
    ]
    time.sleep(1.6)
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
    return cli_user(server.database_url, PASSWORD)


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


def test_passwords_are_stored_with_argon2id_and_scrypt_ones_upgraded_at_login(
    server: Server, user: str
) -> None:
    # a user made now has an Argon2id hash with its parameters, never the password
    with factories.database(server)(write=False) as uow:
        stored = uow.records.find_one("users", email=user)
    assert stored is not None and stored["password_hash"].startswith("$argon2id$v=19$m=")
    assert PASSWORD not in stored["password_hash"]
    # a password an earlier version stored with scrypt still logs in, and is stored with Argon2id after
    salt = bytes(range(16))
    digest = hashlib.scrypt(PASSWORD.encode(), salt=salt, n=2**14, r=8, p=1)
    with factories.database(server)() as uow:
        uow.records.update("users", stored["id"], {"password_hash": f"scrypt${salt.hex()}${digest.hex()}"})
        uow.commit()
    _login(server, user)
    with factories.database(server)(write=False) as uow:
        upgraded = uow.records.find_one("users", email=user)
    assert upgraded is not None and upgraded["password_hash"].startswith("$argon2id$")
    _login(server, user)


def test_failed_logins_are_throttled_by_email_with_retry_after(server: Server) -> None:
    # given a user
    email = f"{random_id('throttled')}@example.com"
    with server.management() as mgmt:
        created = mgmt.post("/v1/users", json={"email": email, "password": PASSWORD, "name": "t"})
    if created.status_code not in (200, 201):  # no user-creating route: the CLI makes one
        subprocess.run(
            [sys.executable, "-m", "openpromo", "users", "create", "--email", email, "--password-stdin"],
            input=PASSWORD + "\n",
            capture_output=True,
            text=True,
            env={"OPENPROMO_DATABASE_URL": server.database_url, "PATH": "/usr/bin:/bin"},
            check=True,
        )
    with server.client() as client:
        # when five wrong passwords are sent, the sixth attempt is refused whatever its password
        for _ in range(5):
            assert_error(client.post("/v1/sessions", json={"email": email, "password": "wrong"}), 401)
        refused = client.post("/v1/sessions", json={"email": email, "password": PASSWORD})
        assert_error(refused, 429)
        assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
        # another user from another email is not held back by it
        assert_error(client.post("/v1/sessions", json={"email": "other@example.com", "password": "x"}), 401)
    # and the refusal is lifted when its time has passed
    with factories.database(server)() as uow:
        uow.records.delete_where("login_failures", subject=f"email:{email}")
        uow.commit()
    _login(server, email)
