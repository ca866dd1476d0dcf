"""The operator's commands (``openpromo keys``, ``users``, ``status``) run as real processes against the
database of a running server, on SQLite and PostgreSQL; what they do is checked through HTTP."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.api.factories import COUPON_RULE, campaign
from tests.conftest import Server, create_application, random_id

Command = tuple[tuple[str, ...], str, int]
"""argv, standard input, the exit status expected."""


def _start(database_url: str, argv: tuple[str, ...]) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENPROMO_")}
    return subprocess.Popen(
        [sys.executable, "-m", "openpromo", *argv, "--database-url", database_url],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def together(database_url: str, *commands: Command) -> list[subprocess.CompletedProcess[str]]:
    """Run independent commands at once; each must end with its exit status (a failure: one line)."""
    started = [(command, _start(database_url, command[0])) for command in commands]
    results = []
    for (argv, stdin, expect), process in started:
        out, err = process.communicate(stdin, timeout=120)
        assert process.returncode == expect, (argv, out, err)
        if expect:
            assert len(err.splitlines()) == 1 and err.startswith("openpromo: "), err
        results.append(subprocess.CompletedProcess(argv, process.returncode, out, err))
    return results


def openpromo(
    database_url: str, *argv: str, stdin: str = "", expect: int = 0
) -> subprocess.CompletedProcess[str]:
    return together(database_url, (argv, stdin, expect))[0]


def _campaigns(server: Server, key: str) -> int:
    response = httpx.get(
        f"{server.base_url}/v1/integration/campaigns", headers={"Authorization": f"ApiKey-v1 {key}"}
    )
    return response.status_code


def test_keys_create_list_revoke(server: Server) -> None:
    url = server.database_url
    with server.management() as mgmt:
        app = create_application(mgmt)
    # when an Integration API key and a management key are created
    integration, management = together(
        url,
        (("keys", "create", "--application", str(app.id), "--name", "checkout"), "", 0),
        (("keys", "create", "--management", "--name", "ops", "--expires", "2099-01-01T00:00:00Z"), "", 0),
    )
    key, admin_key = integration.stdout.strip(), management.stdout.strip()
    key_id = re.search(r"Integration API key (\d+)", integration.stderr).group(1)  # type: ignore[union-attr]
    admin_id = re.search(r"management key (\d+)", management.stderr).group(1)  # type: ignore[union-attr]
    # then each is printed once, alone, and works on its API
    assert re.fullmatch(r"[0-9a-f]{64}", key) and re.fullmatch(r"[0-9a-f]{64}", admin_key)
    assert _campaigns(server, key) == 200
    admin = {"Authorization": f"ManagementKey-v1 {admin_key}"}
    body = {"name": random_id("cli-app"), "timezone": "UTC", "currency": "EUR"}
    assert httpx.post(f"{server.base_url}/v1/applications", headers=admin, json=body).status_code == 201
    # and keys list shows them (never the keys themselves)
    listed = openpromo(url, "keys", "list").stdout
    assert re.search(rf"^\s*{key_id}\s+application {app.id}\s+\S+\s+never\s+checkout$", listed, re.M), listed
    assert re.search(rf"^\s*{admin_id}\s+management\s+\S+\s+2099-01-01T00:00:00Z\s+ops$", listed, re.M)
    assert "management (root)" in listed and key not in listed and admin_key not in listed
    # when they are revoked, then the next request with either is refused
    revoked, _ = together(
        url, (("keys", "revoke", key_id), "", 0), (("keys", "revoke", admin_id, "--management"), "", 0)
    )
    assert f"revoked key {key_id} (application {app.id}, 'checkout')" in revoked.stdout
    assert _campaigns(server, key) == 401
    assert httpx.get(f"{server.base_url}/v1/applications", headers=admin).status_code == 401


def _login(server: Server, email: str, password: str) -> httpx.Response:
    return httpx.post(f"{server.base_url}/v1/sessions", json={"email": email, "password": password})


def _apps_with(server: Server, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(f"{server.base_url}/v1/applications", headers=headers).status_code


def _create_user(url: str, email: str) -> None:
    openpromo(
        url,
        "users",
        "create",
        "--email",
        email,
        "--name",
        "Ops",
        "--password-stdin",
        stdin="first password\n",
    )


def test_users_list_disable_enable_set_password(server: Server) -> None:
    url = server.database_url
    email = f"{random_id('ops')}@example.com"
    _create_user(url, email)
    token = _login(server, email, "first password").json()["token"]
    assert _apps_with(server, token) == 200
    # when the user is disabled: no login, and the token stops working; the list says so
    openpromo(url, "users", "disable", email)
    assert _login(server, email, "first password").status_code == 401
    assert _apps_with(server, token) == 401
    listed = openpromo(url, "users", "list").stdout
    assert re.search(rf"disabled\s+\S+\s+{re.escape(email)} \(Ops\)$", listed, re.M), listed
    # when enabled again and given a new password: only the new one logs in, and old tokens end
    openpromo(url, "users", "enable", email)
    token = _login(server, email, "first password").json()["token"]
    openpromo(url, "users", "set-password", email, "--password-stdin", stdin="second password\n")
    assert _apps_with(server, token) == 401
    assert _login(server, email, "first password").status_code == 401
    assert _login(server, email, "second password").status_code == 201


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_what_cannot_be_done_is_one_line(server: Server) -> None:
    """Bad values exit with 2, operations that cannot be done with 1 (the same code on either database)."""
    url = server.database_url
    email = f"{random_id('taken')}@example.com"
    _create_user(url, email)
    with server.management() as mgmt:
        app, other = create_application(mgmt), create_application(mgmt)
        [key] = mgmt.get(f"/v1/applications/{app.id}/api_keys").json()["data"]
        assert mgmt.delete(f"/v1/applications/{app.id}/api_keys/{key['id']}").status_code == 204
        [kept] = mgmt.get(f"/v1/applications/{other.id}/api_keys").json()["data"]
    results = together(
        url,
        (("users", "create", "--email", email, "--password-stdin"), "another password\n", 1),
        (("users", "disable", "nobody@example.com"), "", 1),
        (("users", "create", "--email", "nobody", "--password-stdin"), "long enough\n", 2),
        (("users", "set-password", email, "--password-stdin"), "short\n", 2),
        (("keys", "revoke", str(key["id"])), "", 1),
        (("keys", "create", "--application", "987654"), "", 1),
        (("keys", "create", "--application", str(app.id), "--expires", "2001-01-01"), "", 2),
        (("keys", "list", "--application", str(app.id)), "", 0),
        (("keys", "list", "--application", str(other.id)), "", 0),
    )
    assert [r.stderr for r in results[:-2]] == [
        f"openpromo: a user with email {email} exists already\n",
        "openpromo: user nobody@example.com not found\n",
        "openpromo: email: not an email address\n",
        "openpromo: password: a password needs at least 8 characters\n",
        f"openpromo: API key {key['id']} not found\n",
        "openpromo: application 987654 not found\n",
        "openpromo: expires: a key must expire in the future\n",
    ]
    assert results[-2].stdout.splitlines()[1:] == []  # a deleted key is not listed
    assert [line.split()[:3] for line in results[-1].stdout.splitlines()[1:]] == [
        [str(kept["id"]), "application", str(other.id)]
    ]  # one application's keys only


def test_status_before_and_after_migrate(tmp_path: Path) -> None:
    # given a fresh database: no schema, every migration pending
    fresh = f"sqlite:///{tmp_path / 'status.db'}"
    before = json.loads(openpromo(fresh, "status", "--json").stdout)
    assert before["revision"] is None and before["pendingMigrations"][-1] == before["head"]
    assert len(before["pendingMigrations"]) > 10 and before["applicationCount"] == 0
    # when it is migrated, then nothing is pending
    openpromo(fresh, "migrate")
    assert openpromo(fresh, "status").stdout.splitlines() == [
        f"OpenPromo {before['version']}",
        f"database: {fresh}",
        f"schema: revision {before['head']}, current",
        "applications: 0",
        "running campaigns: 0",
    ]


def test_status_of_a_served_database(server: Server) -> None:
    # given an application running a campaign
    with server.management() as mgmt:
        app = create_application(mgmt)
    campaign(server, app, [COUPON_RULE])
    # when
    status = json.loads(openpromo(server.database_url, "status", "--json").stdout)
    # then
    assert status["revision"] == status["head"] and status["pendingMigrations"] == []
    assert {"id": app.id, "name": app.body["name"]} in status["applications"]
    assert status["applicationCount"] == len(status["applications"]) and status["runningCampaigns"] >= 1
    assert status["database"] == server.database_url  # it has no password to hide
