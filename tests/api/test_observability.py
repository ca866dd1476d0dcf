"""What an operator reads of a running server: JSON log lines with the request id, the request id echoed,
one access line per request, unknown routes counted; and no key, token, password or body in the log.

Then the business counters and the pool's gauges: what the 2 workers count adds up in one ``/metrics``,
whichever worker answers it.

One server: SQLite, 2 workers, JSON logs, use cases in the thread pool (the request id must reach the
threads; and each worker listens on a socket of its own, so new connections spread over both)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.api.factories import COUPON_RULE, campaign, coupon, loyalty_program
from tests.conftest import (
    AppContext,
    Server,
    cli_user,
    create_application,
    random_id,
    start_server,
    stop_server,
)

PASSWORD = "hunter2-but-longer-\u00e9"
REQUEST_ID = "client-chosen.id:42-x"


@pytest.fixture(scope="module")
def json_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("observe")
    env = {"OPENPROMO_LOG_FORMAT": "json", "OPENPROMO_THREADS": "1", "OPENPROMO_ACCESS_LOG": "1"}
    server = start_server(f"sqlite:///{folder / 'openpromo.db'}", folder / "server.log", workers=2, env=env)
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def application(json_server: Server) -> AppContext:
    with json_server.management() as mgmt:
        return create_application(mgmt)


def _lines(server: Server) -> list[dict[str, Any]]:
    """The log's JSON lines (every line but ``serve``'s own prints must be one)."""
    lines = []
    for text in server.log().splitlines():
        if text.startswith("{"):
            lines.append(json.loads(text))
        else:
            assert text.startswith(("OpenPromo listening", "Generated the root", "  OPENPROMO_")), text
    return lines


def _access(server: Server, request_id: str) -> dict[str, Any]:
    [line] = [
        x for x in _lines(server) if x["logger"] == "openpromo.access" and x.get("request_id") == request_id
    ]
    return line


def test_the_request_id_is_echoed_or_made(json_server: Server) -> None:
    with json_server.client() as client:
        chosen = client.get("/healthz", headers={"X-Request-Id": REQUEST_ID})
        made = client.get("/healthz")
        too_long = client.get("/healthz", headers={"X-Request-Id": "a" * 129})
        bad = client.get("/healthz", headers={"X-Request-Id": "no spaces"})
        not_found = client.get("/v2/nothing-here", headers={"X-Request-Id": "nf-1"})
        unauthorised = client.get("/v1/applications", headers={"X-Request-Id": "401-1"})
    assert chosen.headers["x-request-id"] == REQUEST_ID
    for response in (made, too_long, bad):
        generated = response.headers["x-request-id"]
        assert len(generated) == 32 and int(generated, 16) >= 0
    assert (
        len({made.headers["x-request-id"], too_long.headers["x-request-id"], bad.headers["x-request-id"]})
        == 3
    )
    assert not_found.status_code == 404 and not_found.headers["x-request-id"] == "nf-1"
    assert unauthorised.status_code == 401 and unauthorised.headers["x-request-id"] == "401-1"


def test_an_access_line_names_the_route_template_never_the_path(
    json_server: Server, application: AppContext
) -> None:
    # given a session whose id and customer id are in the path and the body
    session_id, customer = random_id("session-secret"), random_id("customer-secret")
    body = {
        "customerSession": {"profileId": customer, "cartItems": [{"sku": "S", "quantity": 1, "price": 7}]}
    }
    with json_server.client(f"ApiKey-v1 {application.key}") as client:
        # when
        response = client.put(
            f"/v2/customer_sessions/{session_id}", json=body, headers={"X-Request-Id": "acc-1"}
        )
        assert response.status_code == 200, response.text
        client.get("/v2/no/such/route", headers={"X-Request-Id": "acc-2"})
    # then
    line = _access(json_server, "acc-1")
    assert line["level"] == "info" and line["message"] == "request"
    assert line["method"] == "PUT" and line["route"] == "/v2/customer_sessions/{customerSessionId}"
    assert line["operation"] == "updateCustomerSessionV2" and line["status"] == 200
    assert line["application_id"] == application.id
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert _access(json_server, "acc-2") | {"time": "", "duration_ms": 0} == {
        "time": "",
        "level": "info",
        "logger": "openpromo.access",
        "message": "request",
        "request_id": "acc-2",
        "method": "GET",
        "route": None,
        "operation": "unmatched",
        "status": 404,
        "duration_ms": 0,
    }
    log = json_server.log()
    assert session_id not in log and customer not in log


def test_a_line_written_inside_a_use_case_names_its_request(json_server: Server) -> None:
    # a failed login is logged by the use case, which runs in the thread pool here
    with json_server.client() as client:
        login = client.post(
            "/v1/sessions",
            json={"email": "nobody@example.com", "password": "wrong-password-1"},
            headers={"X-Request-Id": "login-1"},
        )
    assert login.status_code == 401
    lines = [x for x in _lines(json_server) if x.get("request_id") == "login-1"]
    assert {x["logger"] for x in lines} == {"openpromo.auth", "openpromo.access"}
    assert [x["message"] for x in lines if x["logger"] == "openpromo.auth"] == [
        "failed login for 'nobody@example.com' from '127.0.0.1'"
    ]


def test_unmatched_requests_are_counted(json_server: Server) -> None:
    with json_server.client() as client:
        client.get("/v2/unknown-route-counted")
        client.request("PATCH", "/healthz")
        client.request("PROPFIND", "/healthz")
        metrics = client.get("/metrics").text
    assert 'openpromo_requests_total{method="GET",operation="unmatched",status="404"}' in metrics
    assert 'openpromo_requests_total{method="PATCH",operation="unmatched",status="405"}' in metrics
    assert 'operation="unmatched",status="405"} ' in metrics and 'method="PROPFIND"' not in metrics
    assert 'method="OTHER",operation="unmatched"' in metrics


def test_no_key_token_password_or_body_reaches_the_log(json_server: Server, application: AppContext) -> None:
    # given a run that used the root key, an application key, a user's password and its token
    email = cli_user(json_server.database_url, PASSWORD)
    attribute_value = random_id("body-value")
    with json_server.client() as client:
        login = client.post("/v1/sessions", json={"email": email, "password": PASSWORD})
        assert login.status_code == 201, login.text
        token = login.json()["token"]
        assert client.get("/v1/applications", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        client.post("/v1/sessions", json={"email": email, "password": PASSWORD + "-wrong"})
        client.get("/v1/applications", headers={"Authorization": f"Bearer {token}x"})
        client.get("/v1/applications", headers={"Authorization": "ManagementKey-v1 not-the-key"})
    with json_server.client(f"ApiKey-v1 {application.key}") as client:
        body = {"customerSession": {"attributes": {"note": attribute_value}}}
        client.put(f"/v2/customer_sessions/{random_id('s')}", json=body)
        client.put("/v2/customer_sessions/bad", content=b'{"customerSession": ' + attribute_value.encode())
    # then none of them is in the log
    log = json_server.log()
    for secret in (json_server.root_key, application.key, PASSWORD, token, "not-the-key", attribute_value):
        assert secret not in log, secret
    assert httpx.get(f"{json_server.base_url}/healthz").status_code == 200


CART = [{"sku": "SKU-1", "quantity": 1, "price": 40}]


def _samples(server: Server) -> dict[str, float]:
    """Every sample of a fresh ``/metrics`` (a new connection: any worker may answer), by its line."""
    text = httpx.get(f"{server.base_url}/metrics").text
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def _close(client: httpx.Client, session_id: str, **fields: Any) -> dict[str, Any]:
    body = {"customerSession": {"state": "closed", "cartItems": CART, **fields}}
    response = client.put(f"/v2/customer_sessions/{session_id}", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def setup(json_server: Server) -> tuple[AppContext, int, int]:
    """An application with a coupon campaign that adds points and allows one redemption, and a campaign
    whose rule divides by zero; returns the application, the program id and the failing campaign id."""
    with json_server.management() as mgmt:
        app = create_application(mgmt)
        program = loyalty_program(mgmt, app)["id"]
    rules = [{**COUPON_RULE, "effects": [*COUPON_RULE["effects"], ["addLoyaltyPoints", program, 30]]}]
    limits = [{"action": "redeemCoupon", "limit": 1, "entities": []}]
    coupons = campaign(json_server, app, rules, limits=limits, features=["coupons", "loyalty"])
    coupon(json_server, app, coupons, "OBSERVE-10")
    broken = [{"title": "broken", "condition": [">", ["/", 1, ["-", 2, 2]], 0], "effects": []}]
    failing = campaign(json_server, app, broken, name="broken", features=[])
    return app, program, failing


def test_business_counters_move_after_closes_and_a_cancel(
    json_server: Server, setup: tuple[AppContext, int, int]
) -> None:
    # given
    app, program, failing = setup
    with json_server.client(f"ApiKey-v1 {app.key}") as client:
        # when one close accepts the coupon (using up its campaign's one redemption) and earns points,
        session_id = random_id("s")
        _close(client, session_id, profileId=random_id("p"), couponCodes=["OBSERVE-10"])
        # another names a coupon and a referral code that do not exist,
        _close(client, random_id("s"), couponCodes=["NO-SUCH"], referralCode="NO-SUCH-REF")
        # the first is cancelled, the second's item returned, and the second reopened
        cancel = {"customerSession": {"state": "cancelled"}}
        assert client.put(f"/v2/customer_sessions/{session_id}", json=cancel).status_code == 200
        other = random_id("s")
        _close(client, other)
        returned = {"return": {"returnedCartItems": [{"position": 0, "quantity": 1}]}}
        assert client.post(f"/v2/customer_sessions/{other}/returns", json=returned).status_code == 200
        third = random_id("s")
        _close(client, third)
        assert client.put(f"/v2/customer_sessions/{third}/reopen").status_code == 200
    # then
    samples = _samples(json_server)
    assert samples["openpromo_coupons_accepted_total"] == 1
    assert samples['openpromo_coupons_rejected_total{reason="CouponNotFound"}'] == 1
    assert samples['openpromo_referrals_rejected_total{reason="ReferralNotFound"}'] == 1
    assert samples["openpromo_referrals_accepted_total"] == 0
    assert samples['openpromo_effects_total{type="acceptCoupon"}'] == 1
    assert samples['openpromo_effects_total{type="setDiscount"}'] == 1
    assert samples['openpromo_effects_total{type="rejectCoupon"}'] == 1
    assert samples[f'openpromo_loyalty_points_total{{change="added",program="{program}"}}'] == 30
    assert samples['openpromo_budget_limits_reached_total{action="redeemCoupon"}'] == 1
    assert samples['openpromo_session_changes_total{change="closed"}'] == 4
    assert samples['openpromo_session_changes_total{change="cancelled"}'] == 1
    assert samples['openpromo_session_changes_total{change="returned"}'] == 1
    assert samples['openpromo_session_changes_total{change="reopened"}'] == 1
    assert samples[f'openpromo_rule_errors_total{{campaign="{failing}"}}'] >= 2
    assert samples["openpromo_rule_cache_rebuild_seconds_count"] >= 1


def test_pool_gauges_are_published(json_server: Server) -> None:
    samples = _samples(json_server)
    for gauge in ("in_use", "idle", "waiting"):
        assert samples[f"openpromo_database_pool_{gauge}"] >= 0
    assert samples["openpromo_database_pool_idle"] >= 1  # each worker has used a connection


def test_the_workers_counts_add_up(json_server: Server) -> None:
    # given 40 requests, each on a new connection (spread over both workers by the kernel)
    for _ in range(40):
        assert httpx.delete(f"{json_server.base_url}/healthz").status_code == 405
    # then one scrape counts all of them, whichever worker answers it
    for _ in range(4):
        key = 'openpromo_requests_total{method="DELETE",operation="unmatched",status="405"}'
        assert _samples(json_server)[key] == 40
