"""The auth matrix: every route in the OpenAPI document, with no key, a wrong key, the wrong kind of key.

Routes are read from ``/openapi.json``, so a route added later is covered without touching this file.
"""

from __future__ import annotations

import re

import httpx
import pytest

from openpromo.bootstrap import build_services
from openpromo.services.errors import Unauthorized
from openpromo.storage.database import Database
from openpromo.storage.uow import SqlUnitOfWorkFactory
from tests.conftest import AppContext, Server, assert_error, create_application, random_id

PUBLIC = {("post", "/v1/sessions")}


def _routes(server: Server) -> list[tuple[str, str, str]]:
    document = httpx.get(f"{server.base_url}/openapi.json").json()
    routes = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in {"get", "post", "put", "delete", "patch"} and (method, path) not in PUBLIC:
                kind = "integration" if "integration" in operation.get("tags", []) else "management"
                routes.append((method, re.sub(r"\{[^}]+\}", "1", path), kind))
    return routes


def test_the_document_lists_routes(server: Server) -> None:
    routes = _routes(server)
    assert ("post", "/v1/applications", "management") in routes


@pytest.mark.parametrize(
    "header", [None, "", "ManagementKey-v1", "ManagementKey-v1 wrong", "Bearer nope", "Basic abc"]
)
def test_every_route_refuses_missing_or_wrong_credentials(server: Server, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    with server.client() as client:
        for method, path, _kind in _routes(server):
            response = client.request(method, path, headers=headers, content=b"{}")
            assert_error(response, 401)


def test_every_route_refuses_the_wrong_kind_of_key(server: Server, app: AppContext) -> None:
    with server.client() as client:
        for method, path, kind in _routes(server):
            header = (
                f"ManagementKey-v1 {server.root_key}" if kind == "integration" else f"ApiKey-v1 {app.key}"
            )
            response = client.request(method, path, headers={"Authorization": header}, content=b"{}")
            assert_error(response, 401)


def test_a_deleted_or_expired_integration_key_is_refused(server: Server, mgmt: httpx.Client) -> None:
    app = create_application(mgmt)
    keys = mgmt.get(f"/v1/applications/{app.id}/api_keys").json()["data"]
    assert mgmt.delete(f"/v1/applications/{app.id}/api_keys/{keys[0]['id']}").status_code == 204
    expired = mgmt.post(
        f"/v1/applications/{app.id}/api_keys", json={"title": "old", "expires": "2001-01-01T00:00:00Z"}
    ).json()["key"]
    database = Database(server.database_url, pool_size=1)
    try:
        auth = build_services(database).auth
        fresh = create_application(mgmt)
        assert auth.integration(fresh.key).application_id == fresh.id
        for key in (app.key, expired):
            with pytest.raises(Unauthorized):
                auth.integration(key)
    finally:
        database.dispose()


def test_login_gives_a_bearer_token_for_the_management_api(server: Server) -> None:
    # given a user created with the CLI
    import subprocess
    import sys

    email = f"{random_id('user')}@example.com"
    created = subprocess.run(
        [sys.executable, "-m", "openpromo", "users", "create", "--email", email, "--password-stdin"],
        input="correct horse battery\n",
        capture_output=True,
        text=True,
        env={"OPENPROMO_DATABASE_URL": server.database_url, "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert created.returncode == 0, created.stderr
    with server.client() as client:
        # when
        wrong = client.post("/v1/sessions", json={"email": email, "password": "nope"})
        login = client.post("/v1/sessions", json={"email": email, "password": "correct horse battery"})
        # then
        assert_error(wrong, 401)
        assert login.status_code == 201, login.text
        token = login.json()["token"]
        assert isinstance(login.json()["userId"], int)
        bearer = {"Authorization": f"Bearer {token}"}
        assert client.get("/v1/applications", headers=bearer).status_code == 200
        assert client.delete("/v1/sessions", headers=bearer).status_code == 204
        assert_error(client.get("/v1/applications", headers=bearer), 401)
    assert_error(server.client().post("/v1/sessions", json={"email": email}), 400, pointer="/password")


def test_keys_are_stored_hashed(server: Server, app: AppContext) -> None:
    database = Database(server.database_url, pool_size=1)
    try:
        with SqlUnitOfWorkFactory(database)(write=False) as uow:
            stored = [
                row["key_hash"] for row in uow.records.find("api_keys", {"application_id": app.id}).rows
            ]
            roots = [row["key_hash"] for row in uow.records.find("management_keys", {"is_root": True}).rows]
    finally:
        database.dispose()
    assert stored and app.key not in stored and all(len(h) == 64 for h in stored)
    assert roots and server.root_key not in roots
