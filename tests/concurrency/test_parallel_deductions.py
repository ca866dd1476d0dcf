"""Real parallel closes deducting points from one ledger, on two workers of each database: nothing is
ever spent past the balance, no 5xx, and the balances are the ledger's entries."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api import factories
from tests.api.test_ledger import EARN, SPEND, close, earn_and_spend, entries_sum
from tests.conftest import Server, create_application, random_id, start_server, stop_server

CLIENTS = 50


@pytest.fixture(params=[("postgres", 2), ("sqlite", 2)], ids=["postgres-2-workers", "sqlite-2-workers"])
def busy_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    kind, workers = request.param
    url = request.getfixturevalue(f"{kind}_url")
    server = start_server(url, tmp_path / "server.log", workers=workers)
    yield server
    stop_server(server)


def _spend(server: Server, key: str, session: dict[str, Any], barrier: threading.Barrier) -> httpx.Response:
    with server.client(f"ApiKey-v1 {key}") as client:
        body = {
            "customerSession": {
                **session,
                "state": "closed",
                "cartItems": [{"sku": "x", "quantity": 1, "price": SPEND}],
            }
        }
        barrier.wait()
        return client.put(f"/v2/customer_sessions/{random_id('race')}", json=body)


@pytest.mark.parametrize("owner", ["profile", "card"])
def test_fifty_parallel_closes_never_overspend(busy_server: Server, owner: str) -> None:
    # given a ledger holding 100 points (one profile, or one card shared by fifty profiles)
    with busy_server.management() as mgmt:
        app = create_application(mgmt)
        points = factories.loyalty_program(mgmt, app, cardBased=owner == "card", allowSubledger=False)
    pid, profile, card = points["id"], random_id("p"), random_id("card")
    if owner == "card":
        factories.define_row(
            busy_server,
            "loyalty_cards",
            program_id=pid,
            identifier=card,
            status="active",
            modified=datetime.now(UTC),
        )
    earn_and_spend(busy_server, app, pid, earn=100, spend=15)
    cards = {"loyaltyCards": [card]} if owner == "card" else {}
    with busy_server.client(f"ApiKey-v1 {app.key}") as client:
        close(client, profile, EARN, **cards)

    def spender() -> dict[str, Any]:
        """The same profile every time, or a new profile with the shared card."""
        return {"profileId": profile if owner == "profile" else random_id("p"), **cards}

    barrier = threading.Barrier(CLIENTS)
    # when fifty closes deduct 15 each at the same moment
    with ThreadPoolExecutor(CLIENTS) as pool:
        responses = list(pool.map(lambda _: _spend(busy_server, app.key, spender(), barrier), range(CLIENTS)))
    # then nothing failed on the server, and at most 6 deductions went through
    assert all(r.status_code < 500 for r in responses), [r.text for r in responses if r.status_code >= 500]
    ok = [r for r in responses if r.status_code == 200]
    assert len(ok) + len([r for r in responses if r.status_code == 409]) == CLIENTS
    deducted = [e for r in ok for e in r.json()["effects"] if e["effectType"] == "deductLoyaltyPoints"]
    assert 1 <= len(deducted) <= 6
    # the ledger agrees with the answers
    owner_key = f"profile:{profile}"
    if owner == "card":
        with factories.database(busy_server)(write=False) as uow:
            found = uow.ledgers.card(pid, card)
        assert found is not None
        owner_key = f"card:{found[0]}"
    assert entries_sum(busy_server, pid, owner_key) == Decimal(100 - 15 * len(deducted))
    with factories.database(busy_server)(write=False) as uow:
        [(_, ledger)] = uow.ledgers.ledgers_of(pid, owner_key)
    assert ledger.figures.active == 100 - 15 * len(deducted) and ledger.figures.spent == 15 * len(deducted)


def test_fifty_parallel_deductions_by_hand_never_overspend(busy_server: Server) -> None:
    # given a profile holding 100 points added by hand
    profile = random_id("hand")
    with busy_server.management() as mgmt:
        app = create_application(mgmt)
        pid = factories.loyalty_program(mgmt, app)["id"]
    with busy_server.client(f"ApiKey-v1 {app.key}") as client:
        assert client.put(f"/v2/customer_profiles/{profile}", json={"attributes": {}}).status_code == 200
    url = f"/v1/loyalty_programs/{pid}/profile/{profile}"
    with busy_server.management() as mgmt:
        assert mgmt.put(f"{url}/add_points", json={"points": 100}).status_code == 204
    barrier = threading.Barrier(CLIENTS)

    def deduct(_: int) -> httpx.Response:
        with busy_server.management() as mgmt:
            barrier.wait()
            return mgmt.put(f"{url}/deduct_points", json={"points": 15})

    # when fifty managers deduct 15 each at the same moment
    with ThreadPoolExecutor(CLIENTS) as pool:
        responses = list(pool.map(deduct, range(CLIENTS)))
    # then each was taken, refused for the balance, or refused as a parallel write; at most 6 went through
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {204, 400, 409}, [r.text for r in responses if r.status_code >= 500]
    taken = statuses.count(204)
    assert 1 <= taken <= 6
    assert entries_sum(busy_server, pid, f"profile:{profile}") == Decimal(100 - 15 * taken)
    with factories.database(busy_server)(write=False) as uow:
        [(_, ledger)] = uow.ledgers.ledgers_of(pid, f"profile:{profile}")
    assert ledger.figures.active == 100 - 15 * taken
