"""Best prior price and price history on both databases: the window by each end-date type (and the older
SDK's ``strictEndDate``), the price in force when the window opens, SKUs without history, errors; answers
checked with Talon.One's own models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from openpromo.services.data.prices import Observation
from tests.api import factories
from tests.api.sdk import check
from tests.conftest import AppContext, Server, assert_error, random_id

NOW = datetime.now(UTC).replace(microsecond=0)


def day(n: int) -> datetime:
    return NOW - timedelta(days=n)


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


@pytest.fixture
def tv(server: Server) -> str:
    """A SKU whose price went 500, 420, 450, then 480 and 399 in a Black Friday sale."""
    sku = random_id("tv")
    history = [(40, "500", ""), (35, "420", ""), (20, "450", ""), (10, "480", "bf"), (2, "399", "bf")]
    with factories.database(server)() as uow:
        uow.prices.record(
            1,
            [Observation(sku, Decimal(p), day(d), context_id=c, price_type="catalog") for d, p, c in history],
        )
        uow.commit()
    return sku


def best(integration: httpx.Client, skus: list[str], **fields: Any) -> list[dict[str, Any]]:
    body = {"skus": skus, "timeframeEndDate": NOW.isoformat(), "timeframe": "5", **fields}
    found = integration.post("/v1/best_prior_price", json=body)
    assert found.status_code == 200, found.text
    return [check("BestPriorPrice", item) for item in found.json()]


def test_the_window_ends_where_its_type_says(integration: httpx.Client, tv: str) -> None:
    # strict: the 5 days before now; 480 was in force when they began, 399 is inside
    [strict] = best(integration, [tv], timeframeEndDateType="strict")
    assert (strict["sku"], strict["price"], strict["contextId"]) == (tv, 399.0, "bf")
    # price: the 5 days before the current price (399) began; 480 was in force all along
    [price] = best(integration, [tv], timeframeEndDateType="price")
    assert price["price"] == 480.0
    # sale: the 5 days before the current sale (bf) began; 450 was in force all along
    [sale] = best(integration, [tv], timeframeEndDateType="sale")
    assert sale["price"] == 450.0 and sale["contextId"] == ""
    # the older SDK's strictEndDate: true is strict, false counts back from the sale
    assert best(integration, [tv], strictEndDate=True)[0]["price"] == 399.0
    assert best(integration, [tv], strictEndDate=False)[0]["price"] == 450.0
    # 30 days strictly: 420 was in force when they began
    assert best(integration, [tv], timeframeEndDateType="strict", timeframe="30")[0]["price"] == 399.0
    assert best(integration, [tv], timeframeEndDateType="price", timeframe="30")[0]["price"] == 420.0
    # a SKU without observations has no answer
    assert [b["sku"] for b in best(integration, [tv, "never-priced"], timeframeEndDateType="strict")] == [tv]


def test_bad_requests_name_the_field(integration: httpx.Client, tv: str) -> None:
    url = "/v1/best_prior_price"
    base = {"skus": [tv], "timeframeEndDate": NOW.isoformat(), "timeframe": "5"}
    assert_error(integration.post(url, json=base), 400, pointer="/timeframeEndDateType")
    for body, pointer in (
        ({**base, "skus": [], "timeframeEndDateType": "strict"}, "/skus"),
        ({**base, "timeframe": "five", "timeframeEndDateType": "strict"}, "/timeframe"),
        ({**base, "timeframe": "0", "timeframeEndDateType": "strict"}, "/timeframe"),
        ({**base, "timeframeEndDateType": "soon"}, "/timeframeEndDateType"),
        (
            {**base, "timeframeEndDateType": "strict", "target": {"targetType": "AUDIENCE"}},
            "/target/audienceID",
        ),
    ):
        assert_error(integration.post(url, json=body), 400, pointer=pointer)
    unknown = {
        **base,
        "timeframeEndDateType": "strict",
        "target": {"targetType": "AUDIENCE", "audienceID": 987654},
    }
    assert_error(
        integration.post(url, json=unknown), 400, pointer="/target/audienceID"
    )  # the spec has no 404


def test_the_management_price_history(mgmt: httpx.Client, app: AppContext, tv: str) -> None:
    url = f"/v1/applications/{app.id}/price_history"
    found = mgmt.post(url, json={"sku": tv, "startDate": day(25).isoformat(), "endDate": NOW.isoformat()})
    assert found.status_code == 200, found.text
    answer = found.json()  # the SDK has no model of it; the fields as the spec's PriceHistoryResponse
    assert [h["price"] for h in answer["history"]] == [450.0, 480.0, 399.0]
    assert all(
        set(h) == {"id", "observedAt", "contextId", "price", "metadata", "target"} for h in answer["history"]
    )
    assert answer["sku"] == tv
    backwards = {"sku": tv, "startDate": NOW.isoformat(), "endDate": day(1).isoformat()}
    assert_error(mgmt.post(url, json=backwards), 400, pointer="/endDate")
    assert_error(
        mgmt.post(
            "/v1/applications/987654321/price_history",
            json={"sku": tv, "startDate": day(3).isoformat(), "endDate": NOW.isoformat()},
        ),
        404,
    )


def per_item(name: str, sku: str, value: int, *extra: Any) -> dict[str, Any]:
    """``value`` off each unit of ``sku``; ``extra``: the scope and ``excludeFromPriceHistory``."""
    units = ["filter", [".", "Session", "CartItems"], [["Item"], ["=", [".", "Item", "Sku"], sku]]]
    return {
        "title": name,
        "condition": ["and", True],
        "effects": [["setDiscountPerItem", name, units, [["Item"], value], *extra]],
    }


def history(mgmt: httpx.Client, app: AppContext, sku: str) -> list[dict[str, Any]]:
    found = mgmt.post(
        f"/v1/applications/{app.id}/price_history",
        json={"sku": sku, "startDate": day(1).isoformat(), "endDate": (NOW + timedelta(days=1)).isoformat()},
    )
    assert found.status_code == 200, found.text
    entries: list[dict[str, Any]] = found.json()["history"]
    return entries


def test_closed_sessions_record_discounted_unit_prices(
    server: Server, mgmt: httpx.Client, integration: httpx.Client, app: AppContext
) -> None:
    tv, lamp, desk = random_id("tv"), random_id("lamp"), random_id("desk")
    first = factories.campaign(server, app, [per_item("tv deal", tv, 50)], name="tv deal")
    factories.campaign(server, app, [per_item("lamp deal", lamp, 20, "price", True)], name="lamp deal")
    factories.campaign(server, app, [per_item("desk deal", desk, 30, "itemTotal")], name="desk deal")
    cart = [
        {"sku": tv, "quantity": 2, "price": 500},
        {"sku": lamp, "quantity": 1, "price": 100},
        {"sku": desk, "quantity": 1, "price": 200},
    ]

    def update(state: str, dry: bool = False) -> dict[str, Any]:
        answered = integration.put(
            f"/v2/customer_sessions/{random_id('s')}",
            params={"dry": "true"} if dry else {},
            json={"customerSession": {"cartItems": cart, "state": state}},
        )
        assert answered.status_code == 200, answered.text
        body: dict[str, Any] = answered.json()
        return body

    # open sessions and dry closes record nothing
    opened = update("open")
    lamp_effect = next(e for e in opened["effects"] if e["props"]["name"] == "lamp deal")
    assert lamp_effect["props"]["excludedFromPriceHistory"] is True
    update("closed", dry=True)
    assert history(mgmt, app, tv) == []
    # a close records the discounted unit price, with the campaign behind it; twice the same is once
    update("closed")
    update("closed")
    [observed] = history(mgmt, app, tv)
    assert (observed["price"], observed["contextId"]) == (450, str(first))
    assert observed["metadata"]["influencingCampaignDetails"] == [{"campaignId": first, "discountValue": 50}]
    # an excluded discount and one on the item's total (not its price alone) record nothing
    assert history(mgmt, app, lamp) == [] and history(mgmt, app, desk) == []
    # a second campaign on the same units: a new price and context, both campaigns named
    second = factories.campaign(server, app, [per_item("tv extra", tv, 30)], name="tv extra")
    update("closed")
    assert [(h["price"], h["contextId"]) for h in history(mgmt, app, tv)] == [
        (450, str(first)),
        (420, f"{first},{second}"),
    ]
    [best_answer] = best(
        integration, [tv], timeframeEndDateType="strict", timeframeEndDate=day(-1).isoformat()
    )
    assert best_answer["price"] == 420
    assert {d["campaignId"] for d in best_answer["metadata"]["influencingCampaignDetails"]} == {first, second}
