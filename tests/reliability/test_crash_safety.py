"""Crash safety: closing sessions under steady load while the server is hurt, on SQLite and PostgreSQL.

Four clients close sessions without pause against two workers; meanwhile a worker is killed
(``SIGKILL``), then the whole server (parent and workers), and on PostgreSQL every connection the server
holds is terminated. The server is started again on the same database and port. Afterwards every close
a client saw answered 200 is stored closed, and every counter agrees with the closes that are stored
(acknowledged or not): the coupon's usage, the campaign's budget, the loyalty ledger and the profiles'
closed sessions. Nothing half-written, nothing acknowledged lost.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.api import factories
from tests.api.factories import campaign, coupon
from tests.api.test_ledger import entries_sum
from tests.conftest import AppContext, Server, create_application, random_id, start_server, stop_server

CLIENTS = 4
PROFILES = [f"crash-{i}" for i in range(CLIENTS)]
CART = [{"sku": "shirt", "quantity": 1, "price": 20}]


class Load:
    """``CLIENTS`` threads closing sessions until stopped; each keeps the ids answered 200."""

    def __init__(self, base_url: str, key: str, code: str) -> None:
        self.base_url, self.key, self.code = base_url, key, code
        self.acknowledged: dict[str, str] = {}  # session id -> profile
        self.statuses: dict[int, int] = {}
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(p,)) for p in PROFILES]

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _run(self, profile: str) -> None:
        headers = {"Authorization": f"ApiKey-v1 {self.key}"}
        body = {
            "customerSession": {
                "profileId": profile,
                "state": "closed",
                "couponCodes": [self.code],
                "cartItems": CART,
            }
        }
        while not self._stop.is_set():
            session = random_id("crash")
            try:
                with httpx.Client(base_url=self.base_url, headers=headers, timeout=10) as client:
                    status = client.put(f"/v2/customer_sessions/{session}", json=body).status_code
            except httpx.HTTPError:
                time.sleep(0.05)  # the server is down: try again
                continue
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 200:
                self.acknowledged[session] = profile

    def wait_for(self, closes: int, timeout: float = 30) -> None:
        """Block until ``closes`` more closes have been acknowledged."""
        target = len(self.acknowledged) + closes
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < target:
            assert time.monotonic() < deadline, f"the load stalled: {self.statuses}"
            time.sleep(0.02)


def _workers(server: Server) -> list[int]:
    """The worker processes of a server with several (uvicorn's spawned children)."""
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def _restart(server: Server, log_dir: Path) -> Server:
    """Kill the whole server (parent and workers at once), then start it again on the same port."""
    victims = [server.process.pid, *_workers(server)]
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    server.process.wait(timeout=10)
    port = int(server.base_url.rsplit(":", 1)[1])
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in victims[1:]):
        assert time.monotonic() < deadline, "a killed worker lives on"
        time.sleep(0.05)
    return start_server(server.database_url, log_dir / "restarted.log", workers=2, port=port)


def _terminate_connections(server: Server) -> int:
    """Terminate every PostgreSQL connection of the server under test (found by its application name)."""
    engine = sa.create_engine(server.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            ended = conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = 'crash-safety' AND pid <> pg_backend_pid()"
                )
            ).all()
    finally:
        engine.dispose()
    return len(ended)


@pytest.fixture(params=["sqlite", "postgres"])
def hurt_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'crash.db'}"
    else:
        base = request.getfixturevalue("postgres_url")
        url = base + ("&" if "?" in base else "?") + "application_name=crash-safety"
    server = start_server(url, tmp_path / "server.log", workers=2)
    yield server
    stop_server(server)


def _setup(server: Server) -> tuple[AppContext, int, int, int, str]:
    """An application whose one campaign, at every close with its coupon, takes 2 off a budget and adds
    a loyalty point."""
    with server.management() as mgmt:
        app = create_application(mgmt)
        program = factories.loyalty_program(mgmt, app)["id"]
    rule = {
        "title": "crash",
        "condition": ["and", ["couponValid"]],
        "effects": [["setDiscount", "two", 2], ["addLoyaltyPoints", program, 1, {"name": "point"}]],
    }
    limits = [{"action": "setDiscount", "limit": 1_000_000, "entities": []}]
    campaign_id = campaign(server, app, [rule], limits=limits, features=["coupons", "loyalty"])
    code = random_id("CRASH")
    coupon_id = coupon(server, app, campaign_id, code, usage_limit=999_999)
    return app, program, campaign_id, coupon_id, code


def _stored_closes(server: Server, app: AppContext) -> dict[str, str]:
    """Every session of ``app`` the database holds: its id and state."""
    with factories.database(server)(write=False) as uow:
        rows = uow.records.find("customer_sessions", {"application_id": app.id}).rows
    return {r["integration_id"]: r["state"] for r in rows}


def _check_counters(server: Server, app: AppContext, ids: tuple[int, int, int], closes: int) -> None:
    program, campaign_id, coupon_id = ids
    assert factories.row(server, "coupons", coupon_id)["usage_counter"] == closes
    with factories.database(server)(write=False) as uow:
        counters = uow.records.find("limit_counters", {"campaign_id": campaign_id, "action": "setDiscount"})
    assert sum(Decimal(r["consumed"]) for r in counters.rows) == 2 * closes
    points = sum(entries_sum(server, program, f"profile:{p}") for p in PROFILES)
    assert points == closes
    closed: list[Any] = []
    with server.client(f"ApiKey-v1 {app.key}") as client:
        for profile in PROFILES:
            inventory = client.get(f"/v1/customer_profiles/{profile}/inventory", params={"profile": True})
            assert inventory.status_code == 200, inventory.text
            closed.append(inventory.json()["profile"]["closedSessions"])
    assert sum(closed) == closes


def test_acknowledged_closes_survive_killed_workers_server_and_connections(
    hurt_server: Server, tmp_path: Path
) -> None:
    app, program, campaign_id, coupon_id, code = _setup(hurt_server)
    server = hurt_server
    with Load(server.base_url, app.key, code) as load:
        load.wait_for(40)
        # a worker dies mid-flight and is replaced
        os.kill(_workers(server)[0], signal.SIGKILL)
        load.wait_for(40)
        # the whole server dies and is started again
        server = _restart(server, tmp_path)
        load.wait_for(40)
        if "postgresql" in server.database_url:
            # every database connection the server holds is cut
            assert _terminate_connections(server) >= 1
            load.wait_for(40)
    hurt_server.process = server.process  # the fixture stops the server that runs now
    stored = _stored_closes(server, app)
    lost = [s for s in load.acknowledged if stored.get(s) != "closed"]
    assert not lost, f"{len(lost)} acknowledged closes are not stored closed"
    assert set(stored.values()) == {"closed"}, "a session was stored half-way"
    _check_counters(server, app, (program, campaign_id, coupon_id), len(stored))
