"""Real parallel requests against limits: nothing is ever redeemed or spent past its limit, no 5xx."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from openpromo.storage.key_locks import FileKeyLocks, key_hash
from tests.api import factories
from tests.api.factories import campaign, coupon, discount_rule
from tests.conftest import Server, create_application, random_id, start_server, stop_server

CART = [{"sku": "shirt", "quantity": 2, "price": 20}]
CLIENTS = 50


@pytest.fixture(params=[("postgres", 2), ("sqlite", 2)], ids=["postgres-2-workers", "sqlite-2-workers"])
def busy_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    kind, workers = request.param
    url = request.getfixturevalue(f"{kind}_url")
    server = start_server(url, tmp_path / "server.log", workers=workers)
    yield server
    stop_server(server)


def _close(server: Server, key: str, code: str, barrier: threading.Barrier) -> httpx.Response:
    with server.client(f"ApiKey-v1 {key}") as client:
        body: dict[str, Any] = {
            "customerSession": {
                "profileId": random_id("p"),
                "couponCodes": [code],
                "cartItems": CART,
                "state": "closed",
            }
        }
        barrier.wait()
        return client.put(f"/v2/customer_sessions/{random_id('race')}", json=body)


def test_fifty_parallel_closes_redeem_a_single_use_coupon_once(busy_server: Server) -> None:
    # given a coupon with usageLimit 1 in a campaign with a discount budget of 3 coupons' worth
    with busy_server.management() as mgmt:
        app = create_application(mgmt)
    rule = discount_rule("coupon", ["and", ["couponValid"]], 10, name="ten")
    limits = [{"action": "setDiscount", "limit": 30, "entities": []}]
    campaign_id = campaign(busy_server, app, [rule], limits=limits)
    code = random_id("ONCE")
    coupon_id = coupon(busy_server, app, campaign_id, code, usage_limit=1)
    # and a second campaign whose budget allows exactly 3 discounts of 10
    budget_rule = discount_rule("budget", ["and", True], 10, name="budgeted")
    budget_campaign = campaign(busy_server, app, [budget_rule], limits=limits)
    barrier = threading.Barrier(CLIENTS)
    # when 50 clients close sessions at the same moment
    with ThreadPoolExecutor(CLIENTS) as pool:
        responses = list(pool.map(lambda _: _close(busy_server, app.key, code, barrier), range(CLIENTS)))
    # then nothing failed on the server
    assert all(r.status_code < 500 for r in responses), [r.text for r in responses if r.status_code >= 500]
    ok = [r for r in responses if r.status_code == 200]
    assert len(ok) + len([r for r in responses if r.status_code == 409]) == CLIENTS
    # the coupon was redeemed exactly once, in the database and in the answers
    accepted = [r for r in ok if any(e["effectType"] == "acceptCoupon" for e in r.json()["effects"])]
    assert len(accepted) == 1
    assert factories.row(busy_server, "coupons", coupon_id)["usage_counter"] == 1
    # the budgeted campaign gave at most 3 discounts, and its counter agrees
    budgeted = [
        e
        for r in ok
        for e in r.json()["effects"]
        if e["effectType"] == "setDiscount" and e["campaignId"] == budget_campaign
    ]
    assert len(budgeted) <= 3
    with factories.database(busy_server)(write=False) as uow:
        counters = uow.records.find(
            "limit_counters", {"campaign_id": budget_campaign, "action": "setDiscount"}
        ).rows
    assert sum(c["consumed"] for c in counters) == 10 * len(budgeted) <= 30


@contextmanager
def _held_elsewhere(server: Server, key: str) -> Iterator[None]:
    """Hold a request key as another writer would: from another process, a record lock on SQLite's
    ``.keylocks`` file, or a transaction-level advisory lock on PostgreSQL."""
    if server.database_url.startswith("sqlite"):
        locks = FileKeyLocks(server.database_url.removeprefix("sqlite:///") + ".keylocks")
        held = locks.try_acquire([key])
        assert held is not None
        try:
            yield
        finally:
            locks.release(held)
        return
    with psycopg.connect(server.database_url) as conn:  # a transaction until the block ends
        assert conn.execute("SELECT pg_try_advisory_xact_lock(%s)", [key_hash(key)]).fetchone() == (True,)
        yield


def test_a_parallel_write_to_one_session_gets_409(busy_server: Server) -> None:
    # Deterministic: whether two requests of a test overlap in time depends on the scheduler, and a
    # SQLite worker runs its requests one after the other, so the other writer is the test itself.
    with busy_server.management() as mgmt:
        app = create_application(mgmt)
    session_id = random_id("same")
    body = {"customerSession": {"cartItems": CART}}
    with busy_server.client(f"ApiKey-v1 {app.key}") as client:
        with _held_elsewhere(busy_server, f"session:{app.id}:{session_id}"):
            busy = client.put(f"/v2/customer_sessions/{session_id}", json=body)
        assert busy.status_code == 409, busy.text
        assert client.put(f"/v2/customer_sessions/{session_id}", json=body).status_code == 200


def test_a_campaign_change_is_seen_by_the_next_request_on_every_worker(busy_server: Server) -> None:
    # given a running campaign, answered by every worker (and so cached by each)
    with busy_server.management() as mgmt:
        app = create_application(mgmt)
        campaign_id = campaign(busy_server, app, [discount_rule("first", ["and", True], 1, name="first")])

        def names() -> set[str]:
            with ThreadPoolExecutor(8) as pool:
                responses = list(
                    pool.map(
                        lambda _: busy_server.client(f"ApiKey-v1 {app.key}").put(
                            f"/v2/customer_sessions/{random_id('w')}",
                            json={"customerSession": {"cartItems": CART}},
                        ),
                        range(16),
                    )
                )
            assert all(r.status_code == 200 for r in responses)
            return {e["props"]["name"] for r in responses for e in r.json()["effects"]}

        assert names() == {"first"}
        # when a new ruleset is activated
        rules = [discount_rule("second", ["and", True], 2, name="second")]
        created = mgmt.post(
            f"/v1/applications/{app.id}/campaigns/{campaign_id}/rulesets",
            json={"rules": rules, "bindings": [], "activate": True},
        )
        assert created.status_code == 201, created.text
        # then every following request, on any worker, evaluates it
        assert names() == {"second"}
        # and disabling the campaign stops it everywhere
        disabled = mgmt.put(
            f"/v1/applications/{app.id}/campaigns/{campaign_id}",
            json={"name": "campaign", "state": "disabled", "tags": [], "features": ["coupons"], "limits": []},
        )
        assert disabled.status_code == 200, disabled.text
        assert names() == set()


def test_a_deleted_key_is_refused_by_every_worker_that_knew_it(busy_server: Server) -> None:
    with busy_server.management() as mgmt:
        app = create_application(mgmt)
        path = f"/v2/customer_sessions/{random_id('k')}"

        def statuses() -> set[int]:
            def call(_: int) -> int:
                with busy_server.client(f"ApiKey-v1 {app.key}") as client:
                    return client.put(path + random_id("-"), json={"customerSession": {}}).status_code

            with ThreadPoolExecutor(8) as pool:
                return set(pool.map(call, range(16)))

        # given a key every worker has used (and remembers)
        assert statuses() == {200}
        # when it is deleted, every later request on any worker is refused
        keys = mgmt.get(f"/v1/applications/{app.id}/api_keys").json()["data"]
        assert mgmt.delete(f"/v1/applications/{app.id}/api_keys/{keys[0]['id']}").status_code == 204
        assert statuses() == {401}
