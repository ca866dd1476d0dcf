"""The benchmark's echo route: absent by default, served with ``OPENPROMO_BENCH_ROUTES=1``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from openpromo.config import Settings
from tests.conftest import Server, assert_error, create_application, start_server, stop_server

BODY = {
    "customerSession": {
        "profileId": "bench-profile",
        "state": "open",
        "cartItems": [{"sku": "SKU-1", "name": "mug", "category": "kitchen", "quantity": 2, "price": 30}],
    }
}


def test_settings_read_the_flag() -> None:
    assert Settings.from_env({}).bench_routes is False
    assert Settings.from_env({"OPENPROMO_BENCH_ROUTES": "0"}).bench_routes is False
    assert Settings.from_env({"OPENPROMO_BENCH_ROUTES": "1"}).bench_routes is True


def test_echo_is_off_by_default(server: Server, mgmt: httpx.Client) -> None:
    app = create_application(mgmt)
    with server.client(f"ApiKey-v1 {app.key}") as client:
        assert client.put("/bench/echo/s-1", json=BODY).status_code == 404


@pytest.fixture(scope="module")
def bench_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OPENPROMO_BENCH_ROUTES", "1")
        folder: Path = tmp_path_factory.mktemp("bench-routes")
        srv = start_server(f"sqlite:///{folder / 'openpromo.db'}", folder / "server.log")
    yield srv
    stop_server(srv)


def test_echo_when_enabled(bench_server: Server) -> None:
    with bench_server.management() as mgmt:
        app = create_application(mgmt)
    with bench_server.client(f"ApiKey-v1 {app.key}") as client:
        answer = client.put("/bench/echo/s-1", json=BODY)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"effects": [], "createdCoupons": [], "createdReferrals": []}
        bad = client.put("/bench/echo/s-1", json={"customerSession": {"cartItems": [{"sku": 1}]}})
        assert_error(bad, 400, pointer="/customerSession/cartItems/0/sku")
    with bench_server.client("ApiKey-v1 not-a-key") as client:
        assert client.put("/bench/echo/s-1", json=BODY).status_code == 401
    with bench_server.client() as client:
        paths = client.get("/openapi.json").json()["paths"]
    assert not any(p.startswith("/bench") for p in paths)
