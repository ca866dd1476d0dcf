"""Limits under real parallel load: ``RACE_CLOSES`` closing sessions per case (500 in ``make test``,
10,000 in ``make bench``) from 32 parallel clients against two workers, on SQLite and PostgreSQL.

Cases: a coupon with ``usageLimit`` 1, a campaign budget (``setDiscount`` limit 100), a per-profile limit
(3 discounts a profile), loyalty deductions that can cover only some requests, and a giveaway pool of 5
codes. After each: no 5xx,
every answer a 200 or a 409, nothing redeemed or spent past its limit, and the stored counters equal to
the effects the answers committed. ``RACE_REPORT`` (a path) receives the figures as JSON.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api import factories
from tests.api.factories import campaign, coupon, discount_rule
from tests.api.test_ledger import entries_sum
from tests.conftest import AppContext, Server, create_application, random_id, start_server, stop_server

CLOSES = int(os.environ.get("RACE_CLOSES", "500"))
CLIENTS = 32
CART = [{"sku": "shirt", "quantity": 1, "price": 50}]
FIGURES: dict[str, Any] = {}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def busy(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    url = request.getfixturevalue(f"{request.param}_url")
    server = start_server(url, tmp_path_factory.mktemp("race") / "server.log", workers=2)
    yield server
    stop_server(server)
    report = os.environ.get("RACE_REPORT")
    if report:
        Path(report).write_text(json.dumps(FIGURES, indent=2))


def fire(server: Server, app: AppContext, sessions: list[dict[str, Any]], case: str) -> list[httpx.Response]:
    """Close every session, ``CLIENTS`` at a time; the answers in order."""
    local = threading.local()

    def close(session: dict[str, Any]) -> httpx.Response:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = server.client(f"ApiKey-v1 {app.key}")
        body = {"customerSession": {"cartItems": CART, "state": "closed", **session}}
        return client.put(f"/v2/customer_sessions/{random_id('race')}", json=body)

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(pool.map(close, sessions))
    seconds = time.perf_counter() - started
    statuses = [a.status_code for a in answers]
    FIGURES[f"{server.database_url.split(':')[0]}/{case}"] = {
        "closes": len(sessions),
        "seconds": round(seconds, 2),
        "per_second": round(len(sessions) / seconds, 1),
        "answered_200": statuses.count(200),
        "answered_409": statuses.count(409),
    }
    assert set(statuses) <= {200, 409}, [a.text for a in answers if a.status_code not in (200, 409)][:3]
    return answers


def effects(answers: list[httpx.Response], kind: str, campaign_id: int | None = None) -> list[dict[str, Any]]:
    return [
        e
        for a in answers
        if a.status_code == 200
        for e in a.json()["effects"]
        if e["effectType"] == kind and (campaign_id is None or e["campaignId"] == campaign_id)
    ]


def consumed(server: Server, campaign_id: int) -> Decimal:
    with factories.database(server)(write=False) as uow:
        rows = uow.records.find("limit_counters", {"campaign_id": campaign_id, "action": "setDiscount"}).rows
    return sum((Decimal(r["consumed"]) for r in rows), Decimal(0))


def test_a_single_use_coupon_is_redeemed_once(busy: Server) -> None:
    with busy.management() as mgmt:
        app = create_application(mgmt)
    campaign_id = campaign(busy, app, [discount_rule("coupon", ["and", ["couponValid"]], 10, name="ten")])
    code = random_id("ONCE")
    coupon_id = coupon(busy, app, campaign_id, code, usage_limit=1)
    answers = fire(
        busy, app, [{"profileId": random_id("p"), "couponCodes": [code]} for _ in range(CLOSES)], "coupon"
    )
    assert len(effects(answers, "acceptCoupon")) == 1
    assert factories.row(busy, "coupons", coupon_id)["usage_counter"] == 1


def test_a_campaign_budget_is_never_overspent(busy: Server) -> None:
    with busy.management() as mgmt:
        app = create_application(mgmt)
    limits = [{"action": "setDiscount", "limit": 100, "entities": []}]
    campaign_id = campaign(busy, app, [discount_rule("budget", ["and", True], 10, name="b")], limits=limits)
    answers = fire(busy, app, [{"profileId": random_id("p")} for _ in range(CLOSES)], "budget")
    given = effects(answers, "setDiscount", campaign_id)
    assert 1 <= len(given) <= 10
    assert consumed(busy, campaign_id) == sum(Decimal(str(e["props"]["value"])) for e in given) <= 100


def test_a_per_profile_limit_holds_for_every_profile(busy: Server) -> None:
    with busy.management() as mgmt:
        app = create_application(mgmt)
    limits = [{"action": "setDiscount", "limit": 30, "entities": ["Profile"]}]
    campaign_id = campaign(busy, app, [discount_rule("each", ["and", True], 10, name="p")], limits=limits)
    profiles = [random_id("p") for _ in range(25)]
    answers = fire(busy, app, [{"profileId": profiles[i % 25]} for i in range(CLOSES)], "per-profile")
    by_profile: dict[str, int] = {}
    for answer in answers:
        if answer.status_code == 200 and any(
            e["effectType"] == "setDiscount" for e in answer.json()["effects"]
        ):
            request = json.loads(answer.request.content)
            profile = request["customerSession"]["profileId"]
            by_profile[profile] = by_profile.get(profile, 0) + 1
    assert by_profile and max(by_profile.values()) <= 3
    assert consumed(busy, campaign_id) == 10 * sum(by_profile.values())


def test_loyalty_deductions_never_overspend(busy: Server) -> None:
    # given 20 profiles holding 45 points each, and a campaign deducting 15 at every close
    with busy.management() as mgmt:
        app = create_application(mgmt)
        pid = factories.loyalty_program(mgmt, app)["id"]
    profiles = [random_id("spender") for _ in range(20)]
    with busy.client(f"ApiKey-v1 {app.key}") as client, busy.management() as mgmt:
        for profile in profiles:
            assert client.put(f"/v2/customer_profiles/{profile}", json={"attributes": {}}).status_code == 200
            url = f"/v1/loyalty_programs/{pid}/profile/{profile}/add_points"
            assert mgmt.put(url, json={"points": 45}).status_code == 204
    spend = {
        "title": "spend",
        "condition": ["and", True],
        "effects": [["deductLoyaltyPoints", pid, 15, {"name": "spend"}]],
    }
    campaign(busy, app, [spend], features=["loyalty"])
    # when the closes run
    answers = fire(busy, app, [{"profileId": profiles[i % 20]} for i in range(CLOSES)], "loyalty")
    # then no profile spent more than it held, and every ledger is its entries
    spent: dict[str, int] = {}
    for answer in answers:
        if answer.status_code == 200 and any(
            e["effectType"] == "deductLoyaltyPoints" for e in answer.json()["effects"]
        ):
            profile = json.loads(answer.request.content)["customerSession"]["profileId"]
            spent[profile] = spent.get(profile, 0) + 1
    assert spent and max(spent.values()) <= 3
    for profile in profiles:
        assert entries_sum(busy, pid, f"profile:{profile}") == Decimal(45 - 15 * spent.get(profile, 0))


def test_a_giveaway_pool_awards_each_code_once(busy: Server) -> None:
    # given a pool of five codes and a campaign that awards one at every close
    with busy.management() as mgmt:
        app = create_application(mgmt)
        created = mgmt.post(
            "/v1/giveaways/pools",
            json={"name": random_id("pool"), "subscribedApplicationsIds": [app.id], "sandbox": False},
        )
        assert created.status_code == 201, created.text
        pool_id = created.json()["id"]
        upload = "code\n" + "".join(f"RACE-{i}\n" for i in range(5))
        imported = mgmt.post(
            f"/v1/giveaways/pools/{pool_id}/import", files={"upFile": ("g.csv", upload, "text/csv")}
        )
        assert imported.status_code == 200, imported.text
    rule = {"title": "prize", "condition": ["and", True], "effects": [["awardGiveaway", pool_id]]}
    campaign(busy, app, [rule])
    # when the closes run
    answers = fire(busy, app, [{"profileId": random_id("p")} for _ in range(CLOSES)], "giveaway")
    # then each code went out once, to the one customer its answer named, and the database agrees
    awarded = effects(answers, "awardGiveaway")
    assert sorted(e["props"]["code"] for e in awarded) == [f"RACE-{i}" for i in range(5)]
    with factories.database(busy)(write=False) as uow:
        rows = uow.records.find("giveaway_codes", {"pool_id": pool_id}).rows
    assert {r["code"]: r["profile_integration_id"] for r in rows} == {
        e["props"]["code"]: e["props"]["recipientIntegrationId"] for e in awarded
    }
