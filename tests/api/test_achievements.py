"""Achievements end to end, on both databases: progress committed by closes and events (completion at the
target, periods that expire and recur, fixed schedules, end dates), rolled back by cancels and reopens,
read through Talon.One's own client (``getCustomerAchievements``, ``getCustomerAchievementHistory``) with
every filter and paging, bad input answered 400 naming the parameter, and parallel closes of one
profile's sessions that never lose an increment.

There is no clock to move: a period's passing is simulated by moving the stored period's dates back
(what the database would hold had the progress been made that long ago), and ``dry=true&now=...``
shows what a later close would do."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import talon_one
from talon_one.api.integration_api import IntegrationApi

from openpromo.api.codec import decode
from openpromo.bootstrap import build_services
from openpromo.services.models.sessions import IntegrationRequest
from openpromo.storage.database import Database
from tests.api import factories
from tests.api.sdk import check
from tests.api.test_events import define as define_event
from tests.conftest import AppContext, Server, assert_error, create_application, random_id

CART = [{"sku": "SKU-1", "quantity": 1, "price": 10}]
Api = IntegrationApi


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


@pytest.fixture
def sdk(server: Server, app: AppContext) -> Api:
    config = talon_one.Configuration(host=server.base_url)
    config.api_key["api_key_v1"] = app.key
    config.api_key_prefix["api_key_v1"] = "ApiKey-v1"
    return IntegrationApi(talon_one.ApiClient(config))


def rule(name: str, delta: float = 1, *more: list[Any], condition: Any = None) -> dict[str, Any]:
    return {
        "title": f"progress {name}",
        "condition": condition if condition is not None else ["and", True],
        "effects": [["increaseAchievementProgress", name, delta], *more],
    }


def campaign(server: Server, app: AppContext, *rules: dict[str, Any], position: int = 0) -> int:
    return factories.campaign(
        server, app, list(rules), features=["achievements"], name=random_id("c"), position=position
    )


def achievement(mgmt: httpx.Client, app: AppContext, campaign_id: int, name: str, **fields: Any) -> int:
    body = {"name": name, "title": name.title(), "description": f"about {name}", "target": 3, **fields}
    created = mgmt.post(f"/v1/applications/{app.id}/campaigns/{campaign_id}/achievements", json=body)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def session(
    integration: httpx.Client, profile: str, state: str = "closed", sid: str | None = None, **params: Any
) -> dict[str, Any]:
    body = {"customerSession": {"profileId": profile, "state": state, "cartItems": CART}}
    response = integration.put(f"/v2/customer_sessions/{sid or random_id('s')}", json=body, params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def cancel(integration: httpx.Client, profile: str, sid: str) -> dict[str, Any]:
    return session(integration, profile, "cancelled", sid)


def effects(state: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    model = {
        "increaseAchievementProgress": "IncreaseAchievementProgressEffectProps",
        "rollbackIncreasedAchievementProgress": "RollbackIncreasedAchievementProgressEffectProps",
    }[kind]
    found = [e["props"] for e in state["effects"] if e["effectType"] == kind]
    for props in found:
        check(model, props)
    return found


def progressed(state: dict[str, Any]) -> list[tuple[Any, bool]]:
    return [(p["value"], p["isJustCompleted"]) for p in effects(state, "increaseAchievementProgress")]


def current(sdk: Api, profile: str, achievement_id: int) -> Any:
    found = sdk.get_customer_achievements(profile, achievement_ids=[str(achievement_id)])
    [entry] = found.data
    assert found.total_result_size == 1 and entry.id == achievement_id
    return entry.current_progress


def history(sdk: Api, profile: str, achievement_id: int, **filters: Any) -> list[Any]:
    found = sdk.get_customer_achievement_history(profile, achievement_id, **filters)
    assert found.total_result_size >= len(found.data)
    return list(found.data)


def age(server: Server, achievement_id: int, profile: str, by: timedelta) -> None:
    """Move the profile's periods of the achievement ``by`` into the past (time passing)."""
    with factories.database(server)() as uow:
        rows = uow.records.find(
            "achievement_progress", {"achievement_id": achievement_id, "profile_integration_id": profile}
        ).rows
        for row in rows:
            moved = {
                column: row[column] - by
                for column in ("start_date", "end_date", "completion_date")
                if row[column] is not None
            }
            uow.records.update("achievement_progress", row["id"], moved)
        uow.commit()


def test_progress_completes_at_its_target_once_and_stays_completed(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client, sdk: Api
) -> None:
    campaign_id = campaign(server, app, rule("orders", 1, ["setDiscount", "ten", 1]))
    orders = achievement(mgmt, app, campaign_id, "orders", target=3)
    ann = random_id("ann")
    # an open session shows the progress it would make and writes none
    assert progressed(session(integration, ann, "open")) == [(1, False)]
    assert (current(sdk, ann, orders).status, current(sdk, ann, orders).progress) == ("not_started", 0)
    closes = [session(integration, ann) for _ in range(4)]
    assert [progressed(c) for c in closes] == [[(1, False)], [(2, False)], [(3, True)], []]
    trackers = {p["progressTrackerId"] for c in closes[:3] for p in effects(c, "increaseAchievementProgress")}
    assert len(trackers) == 1
    # once completed, the rule still applies; the achievement takes no more progress
    assert [e["effectType"] for e in closes[3]["effects"]] == ["setDiscount"]
    now = current(sdk, ann, orders)
    assert (now.status, now.progress) == ("completed", 3) and now.completion_date is not None
    [period] = history(sdk, ann, orders)
    assert (period.status, period.progress, period.end_date) == ("completed", 3, None)
    raw = integration.get(f"/v1/customer_profiles/{ann}/achievements").json()
    [entry] = raw["data"]
    check("AchievementStatusEntry", entry)
    assert entry["status"] == "active" and entry["campaignId"] == campaign_id and entry["name"] == "orders"


def test_a_period_expires_and_a_new_one_starts_on_expiration(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client, sdk: Api
) -> None:
    campaign_id = campaign(server, app, rule("weekly"), rule("once"))
    weekly = achievement(
        mgmt, app, campaign_id, "weekly", target=5, period="7D", recurrencePolicy="on_expiration"
    )
    once = achievement(
        mgmt, app, campaign_id, "once", target=5, period="7D", recurrencePolicy="no_recurrence"
    )
    bob = random_id("bob")
    session(integration, bob)
    assert progressed(session(integration, bob)) == [(2, False), (2, False)]
    [started] = history(sdk, bob, weekly)
    assert started.end_date is not None and started.start_date is not None
    assert started.end_date - started.start_date == timedelta(days=7)
    # a close eight days later (a dry run at that time) starts a new period of the recurring one only
    later = (datetime.now(UTC) + timedelta(days=8)).isoformat()
    assert progressed(session(integration, bob, dry="true", now=later)) == [(1, False)]
    assert current(sdk, bob, weekly).progress == 2  # the dry run wrote nothing
    age(server, weekly, bob, timedelta(days=8))
    age(server, once, bob, timedelta(days=8))
    assert current(sdk, bob, weekly).status == "not_started"
    assert (current(sdk, bob, once).status, current(sdk, bob, once).progress) == ("expired", 2)
    assert [p.status for p in history(sdk, bob, weekly)] == ["expired"]
    assert progressed(session(integration, bob)) == [(1, False)]
    assert [(p.status, p.progress) for p in history(sdk, bob, weekly)] == [("inprogress", 1), ("expired", 2)]
    assert [p.progress for p in history(sdk, bob, weekly, progress_status=["expired"])] == [2]
    assert [p.progress for p in history(sdk, bob, once)] == [2]


def test_on_completion_a_new_period_starts_at_once(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client, sdk: Api
) -> None:
    campaign_id = campaign(server, app, rule("pair"))
    pair = achievement(mgmt, app, campaign_id, "pair", target=2, recurrencePolicy="on_completion")
    cat = random_id("cat")
    assert [progressed(session(integration, cat)) for _ in range(3)] == [
        [(1, False)],
        [(2, True)],
        [(1, False)],
    ]
    assert [(p.status, p.progress) for p in history(sdk, cat, pair)] == [("inprogress", 1), ("completed", 2)]
    assert current(sdk, cat, pair).status == "inprogress"


def test_a_fixed_schedule_cuts_the_same_periods_for_everyone(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client, sdk: Api
) -> None:
    campaign_id = campaign(server, app, rule("weekly"), rule("soon"))
    origin = (datetime.now(UTC) - timedelta(days=10)).replace(microsecond=0)
    weekly = achievement(
        mgmt,
        app,
        campaign_id,
        "weekly",
        period="7D",
        activationPolicy="fixed_schedule",
        fixedStartDate=origin.isoformat(),
        recurrencePolicy="on_expiration",
    )
    soon = achievement(
        mgmt,
        app,
        campaign_id,
        "soon",
        activationPolicy="fixed_schedule",
        fixedStartDate=(origin + timedelta(days=20)).isoformat(),
    )
    dan, eve = random_id("dan"), random_id("eve")
    assert progressed(session(integration, dan)) == [(1, False)]  # the scheduled one takes nothing yet
    session(integration, eve)
    for profile in (dan, eve):
        [period] = history(sdk, profile, weekly)
        assert (period.start_date, period.end_date) == (
            origin + timedelta(days=7),
            origin + timedelta(days=14),
        )
    assert history(sdk, dan, soon) == []
    assert [a.id for a in sdk.get_customer_achievements(dan).data] == [weekly]
    scheduled = sdk.get_customer_achievements(dan, achievement_status=["scheduled"]).data
    assert [(a.id, a.status, a.current_progress.status) for a in scheduled] == [
        (soon, "scheduled", "not_started")
    ]
    both = sdk.get_customer_achievements(dan, achievement_status=["active", "scheduled"])
    assert [a.id for a in both.data] == [weekly, soon]


def test_no_progress_after_the_end_date_and_the_rule_still_applies(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client, sdk: Api
) -> None:
    campaign_id = campaign(server, app, rule("over", 1, ["setDiscount", "ten", 1]))
    over = achievement(mgmt, app, campaign_id, "over")
    fay = random_id("fay")
    assert progressed(session(integration, fay)) == [(1, False)]
    ended = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    updated = mgmt.put(
        f"/v1/applications/{app.id}/campaigns/{campaign_id}/achievements/{over}", json={"endDate": ended}
    )
    assert updated.status_code == 200, updated.text
    state = session(integration, fay)
    assert [e["effectType"] for e in state["effects"]] == ["setDiscount"]
    assert sdk.get_customer_achievements(fay).data == []  # not active any more
    assert [p.progress for p in history(sdk, fay, over)] == [1]


def test_a_cancel_and_a_reopen_roll_the_progress_back(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client, sdk: Api
) -> None:
    campaign_id = campaign(server, app, rule("steps", 2))
    steps = achievement(mgmt, app, campaign_id, "steps", target=5)
    gus = random_id("gus")
    first, second = random_id("s"), random_id("s")
    session(integration, gus, sid=first)
    assert progressed(session(integration, gus, sid=second)) == [(4, False)]
    [rolled] = effects(cancel(integration, gus, second), "rollbackIncreasedAchievementProgress")
    assert rolled["decreaseProgressBy"] == 2 and rolled["currentProgress"] == 2 and rolled["target"] == 5
    assert rolled["achievementId"] == steps and rolled["achievementName"] == "steps"
    reopened = integration.put(f"/v2/customer_sessions/{first}/reopen")
    assert reopened.status_code == 200, reopened.text
    [back] = effects(reopened.json(), "rollbackIncreasedAchievementProgress")
    assert back["currentProgress"] == 0 and back["progressTrackerId"] == rolled["progressTrackerId"]
    assert current(sdk, gus, steps).progress == 0
    # closed again, the reopened session progresses again
    assert progressed(session(integration, gus, sid=first)) == [(2, False)]


@pytest.mark.parametrize("allowed", [False, True])
def test_a_completed_achievement_is_rolled_back_only_when_it_allows(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client, sdk: Api, allowed: bool
) -> None:
    campaign_id = campaign(server, app, rule("done", 2))
    done = achievement(mgmt, app, campaign_id, "done", target=2, allowRollbackAfterCompletion=allowed)
    hal, sid = random_id("hal"), random_id("s")
    assert progressed(session(integration, hal, sid=sid)) == [(2, True)]
    rolled = effects(cancel(integration, hal, sid), "rollbackIncreasedAchievementProgress")
    now = current(sdk, hal, done)
    if allowed:
        assert [(r["decreaseProgressBy"], r["currentProgress"]) for r in rolled] == [(2, 0)]
        assert (now.status, now.progress, now.completion_date) == ("inprogress", 0, None)
    else:
        assert rolled == []
        assert (now.status, now.progress) == ("completed", 2)


def test_events_progress_at_once(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client, sdk: Api
) -> None:
    kind = random_id("visit").replace("-", "_")
    define_event(mgmt, kind)
    visited = ["=", [".", "Event", "Type"], kind]
    campaign_id = campaign(server, app, rule("visits", 1, condition=["and", visited]))
    visits = achievement(mgmt, app, campaign_id, "visits", target=2)
    ivy = random_id("ivy")
    for expected in [(1, False), (2, True)]:
        body = talon_one.IntegrationEventV2Request(profile_id=ivy, type=kind)
        answer = sdk.track_event_v2(body, silent="no")
        props = [e.props for e in answer.effects if e.effect_type == "increaseAchievementProgress"]
        assert [(p["value"], p["isJustCompleted"]) for p in props] == [expected]
    assert (current(sdk, ivy, visits).status, current(sdk, ivy, visits).progress) == ("completed", 2)


def test_the_reads_filter_and_page_in_the_database(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client, sdk: Api
) -> None:
    first = campaign(server, app, rule("one"), rule("two", 5))
    second = campaign(server, app, rule("three"), position=1)
    one = achievement(mgmt, app, first, "one", target=1, recurrencePolicy="on_completion")
    two = achievement(mgmt, app, first, "two", target=10)
    three = achievement(mgmt, app, second, "three", target=10)
    untouched = achievement(mgmt, app, second, "untouched", target=10)
    jay = random_id("jay")
    stamps = []
    for _ in range(3):
        stamps.append(datetime.now(UTC))
        session(integration, jay)
        time.sleep(0.01)
    everything = sdk.get_customer_achievements(jay)
    assert everything.total_result_size == 4
    assert [a.id for a in everything.data] == [one, two, three, untouched]

    def ids(**filters: Any) -> list[int]:
        return [a.id for a in sdk.get_customer_achievements(jay, **filters).data]

    assert ids(campaign_ids=[str(second)]) == [three, untouched]
    assert ids(achievement_ids=[str(two), str(untouched)]) == [two, untouched]
    assert ids(current_progress_status=["inprogress"]) == [three]
    assert ids(current_progress_status=["completed"]) == [two]  # ``one`` restarts at every completion
    assert ids(current_progress_status=["not_started"]) == [one, untouched]
    assert ids(current_progress_status=["inprogress", "not_started"], campaign_ids=[str(first)]) == [one]
    page = sdk.get_customer_achievements(jay, page_size=3, skip=2)
    assert page.total_result_size == 4 and [a.id for a in page.data] == [three, untouched]
    assert sdk.get_customer_achievements(jay, skip=10).data == []
    assert {a.id: a.current_progress.progress for a in everything.data} == {
        one: 0,
        two: 10,
        three: 3,
        untouched: 0,
    }
    # history: three completed periods of ``one``, newest first
    periods = history(sdk, jay, one)
    assert [p.status for p in periods] == ["completed"] * 3
    starts = [p.start_date for p in periods]
    assert starts == sorted(starts, reverse=True)
    paged = sdk.get_customer_achievement_history(jay, one, page_size=2, skip=1)
    assert paged.total_result_size == 3 and [p.start_date for p in paged.data] == starts[1:]
    assert len(history(sdk, jay, one, start_date=stamps[1])) == 2
    assert len(history(sdk, jay, one, end_date=stamps[1])) == 1
    assert len(history(sdk, jay, one, start_date=stamps[1], end_date=stamps[2])) == 1
    assert history(sdk, jay, one, progress_status=["inprogress", "expired"]) == []
    assert [p.progress for p in history(sdk, jay, two, progress_status=["completed"])] == [10]
    raw = integration.get(f"/v1/customer_profiles/{jay}/achievements/{one}").json()
    assert set(raw) == {"totalResultSize", "data"}
    for item in raw["data"]:
        check("AchievementProgress", item)


def test_bad_filters_are_400s_naming_them_and_unknowns_404s(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    campaign_id = campaign(server, app, rule("known"))
    known = achievement(mgmt, app, campaign_id, "known")
    kim = random_id("kim")
    session(integration, kim)
    base = f"/v1/customer_profiles/{kim}/achievements"
    for parameter, value in [
        ("achievementStatus", "paused"),
        ("currentProgressStatus", "expired"),
        ("campaignIds", "one"),
        ("achievementIds", "1,x"),
        ("pageSize", "0"),
        ("pageSize", "1001"),
        ("skip", "-1"),
    ]:
        assert_error(integration.get(base, params={parameter: value}), 400, parameter=parameter)
    for parameter, value in [("progressStatus", "not_started"), ("startDate", "yesterday"), ("endDate", "x")]:
        assert_error(integration.get(f"{base}/{known}", params={parameter: value}), 400, parameter=parameter)
    nobody = f"/v1/customer_profiles/{random_id('nobody')}/achievements"
    assert_error(integration.get(nobody), 404)
    assert_error(integration.get(f"{nobody}/{known}"), 404)
    assert_error(integration.get(f"{base}/987654321"), 404)
    other = create_application(mgmt)
    foreign = achievement(mgmt, other, campaign(server, other, rule("foreign")), "foreign")
    assert_error(integration.get(f"{base}/{foreign}"), 404)
    assert integration.get(base, params={"achievementStatus": "active,scheduled"}).status_code == 200
    body = {"name": "never", "title": "t", "description": "", "target": 1, "period": "0D"}
    made = mgmt.post(f"/v1/applications/{app.id}/campaigns/{campaign_id}/achievements", json=body)
    assert_error(made, 400, pointer="/period")


def test_parallel_closes_of_one_profile_never_lose_an_increment(
    server: Server, mgmt: httpx.Client, app: AppContext, sdk: Api
) -> None:
    campaign_id = campaign(server, app, rule("hundred"))
    hundred = achievement(mgmt, app, campaign_id, "hundred", target=100)
    leo = random_id("leo")
    failures: list[str] = []

    def close_one(sid: str) -> None:
        with server.client(f"ApiKey-v1 {app.key}") as client:
            body = {"customerSession": {"profileId": leo, "state": "closed", "cartItems": CART}}
            for _ in range(200):  # a close of the same profile in progress is a 409: retry
                answer = client.put(f"/v2/customer_sessions/{sid}", json=body)
                if answer.status_code != 409:
                    break
                time.sleep(0.01)
            if answer.status_code != 200:
                failures.append(answer.text)

    sids = [random_id("s") for _ in range(10)]
    run_all([lambda sid=sid: close_one(sid) for sid in sids])
    assert failures == []
    now = current(sdk, leo, hundred)
    assert (now.status, now.progress) == ("inprogress", 10)
    assert len(history(sdk, leo, hundred)) == 1


def run_all(calls: list[Callable[[], None]]) -> None:
    threads = [threading.Thread(target=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_a_close_writes_progress_in_one_statement_and_one_without_increases_touches_none(
    server: Server, mgmt: httpx.Client, app: AppContext
) -> None:
    campaign_id = campaign(
        server, app, rule("counted", 1, condition=["and", [">", [".", "Session", "Total"], 50]])
    )
    achievement(mgmt, app, campaign_id, "counted", target=10)
    database = Database(server.database_url, pool_size=2)
    statements: list[str] = []
    sa.event.listen(database.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    try:
        services = build_services(database)
        principal = services.auth.integration(app.key)
        mia = random_id("mia")

        def close(price: int) -> list[str]:
            body = {
                "customerSession": {
                    "profileId": mia,
                    "state": "closed",
                    "cartItems": [{**CART[0], "price": price}],
                }
            }
            request = decode(json.dumps(body).encode(), IntegrationRequest)
            statements.clear()
            services.sessions.update(principal, random_id("s"), request)
            return [
                s for s in statements if "achievement_progress" in s and not s.lstrip().startswith("SELECT")
            ]

        close(10)  # the first close of the profile creates it
        assert close(10) == []
        [write] = close(100)
        assert write.lstrip().startswith("INSERT")
    finally:
        database.dispose()
