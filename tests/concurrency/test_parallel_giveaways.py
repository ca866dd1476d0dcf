"""Parallel closes drawing from one giveaway pool on a server with two workers: every code is awarded
once, to one customer, and every close past the pool's size is a "giveaway pool exhausted" failure."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api import factories
from tests.api.factories import campaign
from tests.conftest import Server, create_application, random_id, start_server, stop_server

CLOSES = 20
CODES = 5


@pytest.fixture(params=[("postgres", 2), ("sqlite", 2)], ids=["postgres-2-workers", "sqlite-2-workers"])
def busy_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    kind, workers = request.param
    url = request.getfixturevalue(f"{kind}_url")
    server = start_server(url, tmp_path / "server.log", workers=workers)
    yield server
    stop_server(server)


def _close(server: Server, key: str, barrier: threading.Barrier) -> httpx.Response:
    body: dict[str, Any] = {
        "customerSession": {
            "profileId": random_id("p"),
            "state": "closed",
            "cartItems": [{"sku": "tea", "quantity": 1, "price": 10}],
        },
        "responseContent": ["ruleFailureReasons", "awardedGiveaways"],
    }
    with server.client(f"ApiKey-v1 {key}") as client:
        barrier.wait()
        return client.put(f"/v2/customer_sessions/{random_id('race')}", json=body)


@pytest.mark.parametrize("budget", [None, 100], ids=["no-budget", "budget"])
def test_twenty_parallel_closes_award_each_of_five_codes_once(
    busy_server: Server, budget: int | None
) -> None:
    """Without a budget nothing else orders the closes (distinct sessions and profiles): the draws
    themselves race; with one, the campaign's counter is read under lock too."""
    # given a pool of five codes and a campaign that awards one at every close
    with busy_server.management() as mgmt:
        app = create_application(mgmt)
        created = mgmt.post(
            "/v1/giveaways/pools",
            json={"name": "race", "subscribedApplicationsIds": [app.id], "sandbox": False},
        )
        assert created.status_code == 201, created.text
        pool_id = created.json()["id"]
        upload = "code\n" + "".join(f"RACE-{i}\n" for i in range(CODES))
        imported = mgmt.post(
            f"/v1/giveaways/pools/{pool_id}/import", files={"upFile": ("g.csv", upload, "text/csv")}
        )
        assert imported.status_code == 200, imported.text
    rule = {"title": "prize", "condition": ["and", True], "effects": [["awardGiveaway", pool_id]]}
    limits = [{"action": "awardGiveaway", "limit": budget, "entities": []}] if budget else []
    campaign_id = campaign(busy_server, app, [rule], limits=limits)
    barrier = threading.Barrier(CLOSES)
    # when twenty customers close their sessions at the same moment
    with ThreadPoolExecutor(CLOSES) as pool:
        responses = list(pool.map(lambda _: _close(busy_server, app.key, barrier), range(CLOSES)))
    # then every close succeeded
    assert [r.status_code for r in responses] == [200] * CLOSES, [
        r.text for r in responses if r.status_code != 200
    ]
    states = [r.json() for r in responses]
    # five of them were awarded a code each, all different
    awarded = [e["props"] for s in states for e in s["effects"] if e["effectType"] == "awardGiveaway"]
    assert sorted(a["code"] for a in awarded) == [f"RACE-{i}" for i in range(CODES)]
    assert len({a["recipientIntegrationId"] for a in awarded}) == CODES
    assert sorted(g["code"] for s in states for g in s["awardedGiveaways"]) == sorted(
        a["code"] for a in awarded
    )
    # and the other fifteen found the pool exhausted
    failures = [f["details"] for s in states for f in s["ruleFailureReasons"]]
    assert failures == ["giveaway pool exhausted"] * (CLOSES - CODES)
    assert not any(e["effectType"] == "willAwardGiveaway" for s in states for e in s["effects"])
    # the database agrees: each code awarded once, to the customer its answer named
    with factories.database(busy_server)(write=False) as uow:
        rows = uow.records.find("giveaway_codes", {"pool_id": pool_id}).rows
        counters = uow.records.find(
            "limit_counters", {"campaign_id": campaign_id, "action": "awardGiveaway"}
        ).rows
    assert {r["code"]: r["profile_integration_id"] for r in rows} == {
        a["code"]: a["recipientIntegrationId"] for a in awarded
    }
    assert all(r["awarded_at"] is not None and r["session_id"] is not None for r in rows)
    # and the campaign's budget counted only the codes awarded
    assert sum(c["consumed"] for c in counters) == (CODES if budget else 0)
