"""Giveaway draws: an ``awardGiveaway`` rule promises a code while the session is open
(``willAwardGiveaway``) and draws one when it closes (``awardGiveaway``, listed in ``awardedGiveaways`` and
the customer inventory); an exhausted pool is a rule failure that leaves the other effects alone; codes
not valid now are skipped; a dry run draws nothing; a reopen keeps the code; the campaign's
``awardGiveaway`` budget counts only codes awarded; and the pool's CSV export with its filters."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import talon_one
from talon_one.api.integration_api import IntegrationApi
from talon_one.models.cart_item import CartItem
from talon_one.models.integration_request import IntegrationRequest
from talon_one.models.new_customer_session_v2 import NewCustomerSessionV2

from openpromo.services.data.offers import GiveawayAward
from tests.api import factories
from tests.api.factories import campaign
from tests.api.sdk import check
from tests.conftest import AppContext, Server, assert_error, random_id

CART = [{"sku": "tea", "quantity": 1, "price": 10}]
EXPORT_COLUMNS = [
    "id",
    "poolid",
    "code",
    "startdate",
    "enddate",
    "attributes",
    "used",
    "importid",
    "created",
    "profileintegrationid",
    "profileid",
]


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


@pytest.fixture
def api(server: Server, app: AppContext) -> IntegrationApi:
    config = talon_one.Configuration(host=server.base_url)
    config.api_key["api_key_v1"] = app.key
    config.api_key_prefix["api_key_v1"] = "ApiKey-v1"
    return IntegrationApi(talon_one.ApiClient(config))


def new_pool(mgmt: httpx.Client, app: AppContext, name: str = "prizes") -> int:
    created = mgmt.post(
        "/v1/giveaways/pools", json={"name": name, "subscribedApplicationsIds": [app.id], "sandbox": False}
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def fill(mgmt: httpx.Client, pool_id: int, lines: list[str]) -> dict[str, Any]:
    """Import ``lines`` (``code,startdate,enddate,attributes`` rows) into the pool."""
    upload = "code,startdate,enddate,attributes\n" + "\n".join(lines) + "\n"
    imported = mgmt.post(
        f"/v1/giveaways/pools/{pool_id}/import", files={"upFile": ("g.csv", upload, "text/csv")}
    )
    assert imported.status_code == 200, imported.text
    return imported.json()  # type: ignore[no-any-return]


def giveaway_rule(pool_id: int, *more: list[Any], title: str = "prize") -> dict[str, Any]:
    return {"title": title, "condition": ["and", True], "effects": [["awardGiveaway", pool_id], *more]}


def update(client: httpx.Client, session: str, body: dict[str, Any], **params: str) -> dict[str, Any]:
    response = client.put(f"/v2/customer_sessions/{session}", json=body, params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def close(client: httpx.Client, profile: str, session: str | None = None, **params: str) -> dict[str, Any]:
    body = {
        "customerSession": {"profileId": profile, "state": "closed", "cartItems": CART},
        "responseContent": ["awardedGiveaways", "ruleFailureReasons"],
    }
    return update(client, session or random_id("s"), body, **params)


def of_type(state: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in state["effects"] if e["effectType"] == kind]


def codes_of(server: Server, pool_id: int) -> list[dict[str, Any]]:
    with factories.database(server)(write=False) as uow:
        return sorted(uow.records.find("giveaway_codes", {"pool_id": pool_id}).rows, key=lambda r: r["id"])


def test_a_close_draws_a_code_that_the_answer_and_the_inventory_list(
    server: Server, mgmt: httpx.Client, app: AppContext, api: IntegrationApi, integration: httpx.Client
) -> None:
    # given a pool of three codes and a campaign that awards one to every customer
    pool_id = new_pool(mgmt, app)
    fill(mgmt, pool_id, ["G-1,,,", 'G-2,,,"{""tier"":""gold""}"', "G-3,,,"])
    campaign_id = campaign(server, app, [giveaway_rule(pool_id)])
    profile, session = random_id("winner"), random_id("s")
    items = [CartItem(sku="tea", quantity=1, price=10)]
    # when the official client updates an open session, a code is only promised
    opened = api.update_customer_session_v2(
        session,
        IntegrationRequest(
            customer_session=NewCustomerSessionV2(profile_id=profile, cart_items=items),
            response_content=["awardedGiveaways"],
        ),
    )
    [promise] = opened.effects
    assert (promise.effect_type, promise.campaign_id) == ("willAwardGiveaway", campaign_id)
    assert check("WillAwardGiveawayEffectProps", promise.props) == {
        "poolId": pool_id,
        "poolName": "prizes",
        "recipientIntegrationId": profile,
    }
    assert opened.awarded_giveaways == []
    assert all(r["awarded_at"] is None for r in codes_of(server, pool_id))
    # when it closes the session, the oldest code is drawn and awarded to the profile
    closed = api.update_customer_session_v2(
        session,
        IntegrationRequest(
            customer_session=NewCustomerSessionV2(state="closed"),
            response_content=["awardedGiveaways", "customerSession"],
        ),
    )
    [effect] = closed.effects
    assert effect.effect_type == "awardGiveaway"
    props = check("AwardGiveawayEffectProps", effect.props)
    first = codes_of(server, pool_id)[0]
    assert props == {
        "poolId": pool_id,
        "poolName": "prizes",
        "recipientIntegrationId": profile,
        "giveawayId": first["id"],
        "code": "G-1",
    }
    [awarded] = closed.awarded_giveaways or []
    assert (awarded.id, awarded.code, awarded.pool_id, awarded.used) == (first["id"], "G-1", pool_id, True)
    assert awarded.profile_integration_id == profile and awarded.profile_id is not None
    assert closed.customer_session is not None
    stored = codes_of(server, pool_id)[0]
    assert stored["profile_integration_id"] == profile and stored["awarded_at"] is not None
    assert stored["session_id"] == closed.customer_session.id and stored["application_id"] == app.id
    # and the session keeps the effect as awarded
    fetched = integration.get(f"/v2/customer_sessions/{session}")
    assert fetched.status_code == 200, fetched.text
    assert [e["effectType"] for e in fetched.json()["effects"]] == ["awardGiveaway"]
    # and the customer's inventory holds the code
    inventory = api.get_customer_inventory(profile, giveaways=True)
    assert [(g.id, g.code, g.used) for g in inventory.giveaways or []] == [(first["id"], "G-1", True)]
    # when another customer's session closes, it draws the next code
    other = random_id("second")
    state = close(integration, other)
    [second] = of_type(state, "awardGiveaway")
    assert second["props"]["code"] == "G-2"
    assert second["props"]["recipientIntegrationId"] == other
    [listed] = state["awardedGiveaways"]
    check("Giveaway", listed)
    assert listed["code"] == "G-2" and listed["attributes"] == {"tier": "gold"}
    awarded_to = [(r["code"], r["profile_integration_id"]) for r in codes_of(server, pool_id)]
    assert awarded_to == [("G-1", profile), ("G-2", other), ("G-3", None)]


def test_an_exhausted_pool_is_a_rule_failure_and_the_other_effects_still_apply(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given a pool of one code, a rule that awards it and gives a discount, and a second campaign
    pool_id = new_pool(mgmt, app, "one prize")
    fill(mgmt, pool_id, ["ONLY,,,"])
    limits = [{"action": "awardGiveaway", "limit": 5, "entities": []}]
    rule = giveaway_rule(pool_id, ["setDiscount", "with prize", 2])
    giving = campaign(server, app, [rule], name="giving", limits=limits)
    other = campaign(server, app, [factories.discount_rule("other", ["and", True], 1, name="other")])
    # when the first close takes the code
    first = close(integration, random_id("lucky"))
    assert [e["effectType"] for e in first["effects"]] == ["awardGiveaway", "setDiscount", "setDiscount"]
    assert first["ruleFailureReasons"] == []
    # then the next close has no code: a rule failure, and no giveaway effect
    profile = random_id("late")
    session = random_id("s")
    state = close(integration, profile, session)
    assert of_type(state, "awardGiveaway") == [] and of_type(state, "willAwardGiveaway") == []
    [failure] = state["ruleFailureReasons"]
    check("RuleFailureReason", failure)
    assert failure["details"] == "giveaway pool exhausted"
    assert (failure["campaignID"], failure["campaignName"], failure["ruleName"]) == (
        giving,
        "giving",
        "prize",
    )
    assert state["awardedGiveaways"] == []
    # and the other effects applied and were committed
    discounts = {(e["campaignId"], e["props"]["value"]) for e in of_type(state, "setDiscount")}
    assert discounts == {(giving, 2), (other, 1)}
    fetched = integration.get(f"/v2/customer_sessions/{session}").json()
    assert fetched["customerSession"]["state"] == "closed"
    assert sorted(e["effectType"] for e in fetched["effects"]) == ["setDiscount", "setDiscount"]
    # and the campaign's awardGiveaway budget counted only the code awarded
    with factories.database(server)(write=False) as uow:
        counters = uow.records.find("limit_counters", {"campaign_id": giving, "action": "awardGiveaway"}).rows
    assert sum(c["consumed"] for c in counters) == 1


def test_codes_not_valid_now_are_skipped(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given a pool whose oldest codes have expired or have not started yet
    now = datetime.now(UTC)
    past, soon, later = now - timedelta(days=2), now - timedelta(days=1), now + timedelta(days=3)
    pool_id = new_pool(mgmt, app)

    def at(moment: datetime) -> str:
        return moment.isoformat().replace("+00:00", "Z")

    fill(
        mgmt,
        pool_id,
        [
            f"EXPIRED,{at(past)},{at(soon)},",
            f"NOT-YET,{at(later)},,",
            f"ENDED,,{at(soon)},",
            f"VALID,{at(past)},{at(later)},",
            "OPEN-ENDED,,,",
        ],
    )
    campaign(server, app, [giveaway_rule(pool_id)])
    # when three customers close sessions
    drawn = [of_type(close(integration, random_id("p")), "awardGiveaway") for _ in range(3)]
    # then the valid codes are drawn, in order, and the third close finds the pool exhausted
    assert [d[0]["props"]["code"] for d in drawn[:2]] == ["VALID", "OPEN-ENDED"]
    assert drawn[2] == []
    unused = [r["code"] for r in codes_of(server, pool_id) if r["awarded_at"] is None]
    assert unused == ["EXPIRED", "NOT-YET", "ENDED"]


def test_a_dry_close_draws_nothing_and_a_reopen_or_cancel_keeps_the_code(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    pool_id = new_pool(mgmt, app)
    fill(mgmt, pool_id, ["KEEP-1,,,", "KEEP-2,,,"])
    limits = [{"action": "awardGiveaway", "limit": 10, "entities": []}]
    campaign_id = campaign(server, app, [giveaway_rule(pool_id)], limits=limits)
    profile, session = random_id("p"), random_id("s")
    # a dry close only promises the code and writes nothing
    dry = close(integration, profile, session, dry="true")
    assert [e["effectType"] for e in dry["effects"]] == ["willAwardGiveaway"]
    assert dry["awardedGiveaways"] == []
    assert all(r["awarded_at"] is None for r in codes_of(server, pool_id))
    # a real close draws the first code
    closed = close(integration, profile, session)
    assert [e["props"]["code"] for e in of_type(closed, "awardGiveaway")] == ["KEEP-1"]
    # reopening gives nothing back for the giveaway: the code stays awarded, its budget stays counted
    reopened = integration.put(f"/v2/customer_sessions/{session}/reopen")
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["effects"] == []
    [kept] = [r for r in codes_of(server, pool_id) if r["awarded_at"] is not None]
    assert (kept["code"], kept["profile_integration_id"]) == ("KEEP-1", profile)
    with factories.database(server)(write=False) as uow:
        counters = uow.records.find(
            "limit_counters", {"campaign_id": campaign_id, "action": "awardGiveaway"}
        ).rows
    assert sum(c["consumed"] for c in counters) == 1
    inventory = integration.get(f"/v1/customer_profiles/{profile}/inventory", params={"giveaways": "true"})
    assert [g["code"] for g in inventory.json()["giveaways"]] == ["KEEP-1"]
    # a cancel of another closed session keeps its code too, and lists it
    other_session = random_id("s")
    close(integration, profile, other_session)
    body = {"customerSession": {"state": "cancelled"}, "responseContent": ["awardedGiveaways"]}
    cancelled = update(integration, other_session, body)
    assert [g["code"] for g in cancelled["awardedGiveaways"]] == ["KEEP-2"]
    assert [r["code"] for r in codes_of(server, pool_id) if r["awarded_at"] is not None] == [
        "KEEP-1",
        "KEEP-2",
    ]


def test_a_session_without_a_profile_draws_nothing(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    pool_id = new_pool(mgmt, app)
    fill(mgmt, pool_id, ["NOBODY,,,"])
    campaign(server, app, [giveaway_rule(pool_id)])
    body = {
        "customerSession": {"state": "closed", "cartItems": CART},
        "responseContent": ["ruleFailureReasons"],
    }
    state = update(integration, random_id("anon"), body)
    assert state["effects"] == []
    [failure] = state["ruleFailureReasons"]
    assert failure["details"] == "a giveaway needs a customer profile"
    assert codes_of(server, pool_id)[0]["awarded_at"] is None


def test_an_event_awards_its_code_at_once(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given an event type and a campaign that awards a code for it
    kind = random_id("signup").replace("-", "_")
    created = mgmt.post("/v1/event_types", json={"name": kind, "title": kind})
    assert created.status_code in (200, 201), created.text
    pool_id = new_pool(mgmt, app)
    fill(mgmt, pool_id, ["EVENT-1,,,"])
    rule = {
        "title": "welcome",
        "condition": ["and", ["=", [".", "Event", "Type"], kind]],
        "effects": [["awardGiveaway", pool_id]],
    }
    campaign(server, app, [rule])
    profile = random_id("p")
    body = {
        "profileId": profile,
        "type": kind,
        "attributes": {},
        "responseContent": ["awardedGiveaways", "ruleFailureReasons"],
    }
    # a dry run only promises it
    dry = integration.post("/v2/events", json=body, params={"silent": "no", "dry": "true"})
    assert dry.status_code == 200, dry.text
    assert [e["effectType"] for e in dry.json()["effects"]] == ["willAwardGiveaway"]
    # when the event is tracked, the code is drawn at once (an event has no close to wait for)
    tracked = integration.post("/v2/events", json=body, params={"silent": "no"})
    assert tracked.status_code == 200, tracked.text
    answer = check("TrackEventV2Response", tracked.json())
    [effect] = answer["effects"]
    assert effect["effectType"] == "awardGiveaway" and effect["props"]["code"] == "EVENT-1"
    assert [g["code"] for g in answer["awardedGiveaways"]] == ["EVENT-1"]
    [row] = codes_of(server, pool_id)
    assert (row["profile_integration_id"], row["session_id"]) == (profile, None)
    # and the next one finds the pool exhausted
    again = integration.post("/v2/events", json=body, params={"silent": "no"}).json()
    assert again["effects"] == [] and again["awardedGiveaways"] == []
    assert [f["details"] for f in again["ruleFailureReasons"]] == ["giveaway pool exhausted"]


def test_a_draw_skips_the_code_a_transaction_in_flight_holds(
    server: Server, mgmt: httpx.Client, app: AppContext
) -> None:
    """The claim itself, through the storage port: while one transaction holds the code it drew, a
    second draw takes the next code at once instead of waiting for it (and then finding it taken)."""
    if not server.database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: two draws cannot be in flight together")
    pool_id = new_pool(mgmt, app)
    fill(mgmt, pool_id, ["HELD-1,,,", "HELD-2,,,"])
    database = factories.database(server)

    def award(profile: str) -> GiveawayAward:
        return GiveawayAward(
            account_id=app.body["accountId"],
            pool_id=pool_id,
            application_id=app.id,
            profile_integration_id=profile,
            session_id=None,
            now=datetime.now(UTC),
        )

    with database() as first:
        held = first.offers.award_giveaway(award("first"))
        assert held is not None and held["code"] == "HELD-1"
        with database() as second:
            second.conn.execute(sa.text("SET LOCAL lock_timeout = '2s'"))  # a wait would fail the test
            other = second.offers.award_giveaway(award("second"))
            assert other is not None and other["code"] == "HELD-2"
            assert second.offers.award_giveaway(award("third")) is None  # both codes are held
            second.commit()
        first.commit()
    awarded = [(r["code"], r["profile_integration_id"]) for r in codes_of(server, pool_id)]
    assert awarded == [("HELD-1", "first"), ("HELD-2", "second")]


def export(mgmt: httpx.Client, pool_id: int, **params: str) -> list[dict[str, str]]:
    response = mgmt.get(f"/v1/giveaways/pools/{pool_id}/export", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/csv")
    reader = csv.DictReader(io.StringIO(response.text))
    assert reader.fieldnames == EXPORT_COLUMNS
    return list(reader)


def test_the_pool_export_lists_its_codes_with_the_awards_and_filters_by_creation(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    # given a pool filled by two imports, a moment apart, one of whose codes is awarded
    pool_id = new_pool(mgmt, app)
    start, end = "2020-01-01T00:00:00Z", "2099-01-01T00:00:00Z"
    first_import = fill(mgmt, pool_id, [f'E-1,{start},{end},"{{""brand"":""tea, green""}}"', "E-2,,,"])
    time.sleep(0.05)
    between = datetime.now(UTC)
    time.sleep(0.05)
    second_import = fill(mgmt, pool_id, ["E-3,,,"])
    campaign(server, app, [giveaway_rule(pool_id)])
    winner = random_id("winner")
    close(integration, winner)
    # when the pool is exported, every code is listed by id with the spec's columns
    rows = export(mgmt, pool_id)
    stored = codes_of(server, pool_id)
    assert [r["id"] for r in rows] == [str(s["id"]) for s in stored]
    e1, e2, e3 = rows
    profile = integration.get(f"/v1/customer_profiles/{winner}/inventory", params={"profile": "true"})
    assert e1 == {
        "id": str(stored[0]["id"]),
        "poolid": str(pool_id),
        "code": "E-1",
        "startdate": start,
        "enddate": end,
        "attributes": '{"brand":"tea, green"}',
        "used": "true",
        "importid": str(first_import["id"]),
        "created": e1["created"],
        "profileintegrationid": winner,
        "profileid": str(profile.json()["profile"]["id"]),
    }
    assert datetime.fromisoformat(e1["created"]) < between
    assert (e2["code"], e2["used"], e2["startdate"], e2["attributes"]) == ("E-2", "false", "", "")
    assert (e2["profileintegrationid"], e2["profileid"]) == ("", "")
    assert (e3["code"], e3["importid"]) == ("E-3", str(second_import["id"]))
    # and the creation filters keep the codes created before or after a moment
    cut = between.isoformat().replace("+00:00", "Z")
    assert [r["code"] for r in export(mgmt, pool_id, createdBefore=cut)] == ["E-1", "E-2"]
    assert [r["code"] for r in export(mgmt, pool_id, createdAfter=cut)] == ["E-3"]
    assert export(mgmt, pool_id, createdAfter=cut, createdBefore="2000-01-01T00:00:00Z") == []


def test_the_export_of_an_unknown_pool_or_with_a_bad_time_is_refused(
    server: Server, mgmt: httpx.Client, app: AppContext
) -> None:
    assert_error(mgmt.get("/v1/giveaways/pools/987654321/export"), 404)
    pool_id = new_pool(mgmt, app)
    bad = mgmt.get(f"/v1/giveaways/pools/{pool_id}/export", params={"createdAfter": "yesterday"})
    assert_error(bad, 400, parameter="createdAfter")
    assert export(mgmt, pool_id) == []
