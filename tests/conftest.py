"""Test fixtures: a real OpenPromo server (subprocess, real HTTP) on SQLite and on PostgreSQL.

``server`` is parametrised by database, so every API test runs on both. PostgreSQL comes from
``OPENPROMO_TEST_POSTGRES_URL`` or 127.0.0.1:5432; each test run gets a fresh database. Outside CI a
missing PostgreSQL skips those tests with one visible line; under ``CI=true`` it fails the run.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from openpromo.storage.database import Database

ROOT_KEY = "test-root-" + secrets.token_hex(8)
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def random_id(prefix: str = "id") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _postgres_admin_url() -> str:
    return os.environ.get("OPENPROMO_TEST_POSTGRES_URL") or DEFAULT_PG


def _postgres_available() -> str | None:
    try:
        with psycopg.connect(_postgres_admin_url(), connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped at the end."""
    problem = _postgres_available()
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true but not reachable: {problem}")
        pytest.skip(f"PostgreSQL not reachable ({problem}): PostgreSQL tests skipped")
    admin = _postgres_admin_url()
    name = f"openpromo_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scratch_database(
    request: pytest.FixtureRequest, kind: str, sqlite_path: Path, prefix: str
) -> Iterator[Database]:
    """A fresh, empty database of ``kind`` for one test (PostgreSQL: created here, dropped after), for tests
    that talk to ``storage`` directly instead of through a server. Use as a fixture's body."""
    if kind == "sqlite":
        database = Database(f"sqlite:///{sqlite_path}", pool_size=1)
        yield database
        database.dispose()
        return
    request.getfixturevalue("postgres_url")  # skips or fails as the contract says when PostgreSQL is missing
    admin = _postgres_admin_url()
    name = f"openpromo_{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    database = Database(f"{admin.rpartition('/')[0]}/{name}", pool_size=1)
    yield database
    database.dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'openpromo.db'}"


@dataclass
class Server:
    base_url: str
    database_url: str
    root_key: str
    process: subprocess.Popen[str]
    log_path: Path

    def client(self, auth: str | None = None) -> httpx.Client:
        headers = {"Authorization": auth} if auth else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    def management(self) -> httpx.Client:
        return self.client(f"ManagementKey-v1 {self.root_key}")

    def log(self) -> str:
        return self.log_path.read_text()


def start_server(
    database_url: str,
    log_path: Path,
    *,
    workers: int = 1,
    extra: list[str] | None = None,
    port: int | None = None,
    env: dict[str, str] | None = None,
) -> Server:
    """A server on ``database_url`` logging to ``log_path``; ``port``: a given one (default: a free one);
    ``env``: more environment variables."""
    port = port or _free_port()
    environment = {
        **os.environ,
        "OPENPROMO_MANAGEMENT_KEY": ROOT_KEY,
        "OPENPROMO_DATABASE_URL": database_url,
        **(env or {}),
    }
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = log_path.open("w")
    command = [sys.executable, "-m", "openpromo", "serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        [*command, *(extra or [])], env=environment, stdout=log, stderr=subprocess.STDOUT, text=True
    )
    server = Server(f"http://127.0.0.1:{port}", database_url, ROOT_KEY, process, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log()}")
        try:
            if httpx.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server did not start:\n{server.log()}")


def cli_user(database_url: str, password: str) -> str:
    """The email of a user made with the CLI (``openpromo users create``) on ``database_url``."""
    email = f"{random_id('user')}@example.com"
    created = subprocess.run(
        [sys.executable, "-m", "openpromo", "users", "create", "--email", email, "--password-stdin"],
        input=password + "\n",
        capture_output=True,
        text=True,
        env={"OPENPROMO_DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert created.returncode == 0, created.stderr
    return email


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    url = request.getfixturevalue(f"{request.param}_url")
    srv = start_server(url, tmp_path_factory.mktemp("log") / f"server-{request.param}.log")
    yield srv
    stop_server(srv)


@pytest.fixture
def mgmt(server: Server) -> Iterator[httpx.Client]:
    with server.management() as client:
        yield client


@dataclass
class AppContext:
    id: int
    key: str
    body: dict[str, Any]


def create_application(mgmt: httpx.Client, **fields: Any) -> AppContext:
    body = {"name": random_id("app"), "timezone": "UTC", "currency": "EUR", **fields}
    response = mgmt.post("/v1/applications", json=body)
    assert response.status_code == 201, response.text
    app = response.json()
    key = mgmt.post(
        f"/v1/applications/{app['id']}/api_keys", json={"title": "tests", "expires": "2099-01-01T00:00:00Z"}
    )
    assert key.status_code == 201, key.text
    return AppContext(app["id"], key.json()["key"], app)


@pytest.fixture
def app(mgmt: httpx.Client) -> AppContext:
    return create_application(mgmt)


@pytest.fixture(scope="session")
def shared_app(server: Server) -> AppContext:
    """One application per server, for tests that do not care what else it holds (tables of bad input)."""
    with server.management() as client:
        return create_application(client)


def assert_error(
    response: httpx.Response, status: int, *, pointer: str | None = None, parameter: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["StatusCode"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], list) and body["errors"]
    if pointer is not None:
        assert body["errors"][0]["source"].get("pointer") == pointer, body
    if parameter is not None:
        assert body["errors"][0]["source"].get("parameter") == parameter, body
    return body  # type: ignore[no-any-return]
