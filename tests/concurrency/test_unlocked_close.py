"""A close on SQLite evaluates before it takes the writer lock, then reads again under it what it consumes:
when another close redeemed the same coupon in between, it is evaluated again and the coupon rejected."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from openpromo.api.codec import decode
from openpromo.bootstrap import build_services
from openpromo.services.container import Services
from openpromo.services.evaluation import load as evaluation_load
from openpromo.services.models.sessions import IntegrationRequest
from openpromo.storage.database import Database
from openpromo.storage.uow import SqlUnitOfWork
from tests.api import factories
from tests.api.factories import campaign, coupon, discount_rule
from tests.conftest import AppContext, Server, create_application, random_id, start_server, stop_server


@pytest.fixture
def sqlite_server(sqlite_url: str, tmp_path: Path) -> Iterator[Server]:
    server = start_server(sqlite_url, tmp_path / "server.log")
    yield server
    stop_server(server)


@pytest.fixture
def in_process(sqlite_server: Server) -> Iterator[Services]:
    database = Database(sqlite_server.database_url)
    yield build_services(database)
    database.dispose()


def _request(profile: str, code: str, state: str) -> IntegrationRequest:
    body = (
        f'{{"customerSession": {{"profileId": "{profile}", "couponCodes": ["{code}"], "state": "{state}",'
        ' "cartItems": [{"sku": "shirt", "quantity": 1, "price": 50}]}}'
    )
    return decode(body.encode(), IntegrationRequest)


def _profiles(services: Services, app: AppContext, count: int) -> list[str]:
    """Profiles that exist already (a request that creates its profile takes the writer lock first)."""
    profiles = [random_id("p") for _ in range(count)]
    principal = services.auth.integration(app.key)
    for profile in profiles:
        services.sessions.update(principal, random_id("s"), _request(profile, "", "open"))
    return profiles


def _single_use_coupon(server: Server) -> tuple[AppContext, str, int]:
    with server.management() as mgmt:
        app = create_application(mgmt)
    campaign_id = campaign(server, app, [discount_rule("coupon", ["and", ["couponValid"]], 10, name="ten")])
    code = random_id("ONCE")
    return app, code, coupon(server, app, campaign_id, code, usage_limit=1)


def _evaluations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    runs: list[int] = []
    run = evaluation_load._run

    def counted(inputs: Any) -> Any:
        runs.append(1)
        return run(inputs)

    monkeypatch.setattr(evaluation_load, "_run", counted)
    return runs


def _types(state: Any) -> list[str]:
    return [effect.effect_type for effect in state.effects]


def test_a_coupon_redeemed_between_evaluation_and_lock_is_rejected(
    sqlite_server: Server, in_process: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, code, coupon_id = _single_use_coupon(sqlite_server)
    principal = in_process.auth.integration(app.key)
    mine, theirs = _profiles(in_process, app, 2)
    other: list[Any] = []
    writing: Callable[[SqlUnitOfWork], None] = SqlUnitOfWork.writing

    def close_another_first(uow: SqlUnitOfWork) -> None:
        # the first close has evaluated without the lock: another close takes the coupon now
        if not other:
            other.append(None)
            worker = threading.Thread(
                target=lambda: other.append(
                    in_process.sessions.update(principal, random_id("s"), _request(theirs, code, "closed"))
                )
            )
            worker.start()
            worker.join(30)
        writing(uow)

    monkeypatch.setattr(SqlUnitOfWork, "writing", close_another_first)
    evaluations = _evaluations(monkeypatch)
    first = in_process.sessions.update(principal, random_id("s"), _request(mine, code, "closed"))
    # the other close redeemed the coupon; this one saw it valid, read it again under the lock, and lost it
    assert "acceptCoupon" in _types(other[1])
    assert "rejectCoupon" in _types(first) and "acceptCoupon" not in _types(first)
    assert len(evaluations) == 3  # the other close once, this one twice
    assert factories.row(sqlite_server, "coupons", coupon_id)["usage_counter"] == 1


def test_a_close_whose_reads_did_not_change_is_evaluated_once(
    sqlite_server: Server, in_process: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, code, coupon_id = _single_use_coupon(sqlite_server)
    (profile,) = _profiles(in_process, app, 1)
    evaluations = _evaluations(monkeypatch)
    principal = in_process.auth.integration(app.key)
    state = in_process.sessions.update(principal, random_id("s"), _request(profile, code, "closed"))
    assert "acceptCoupon" in _types(state)
    assert len(evaluations) == 1
    assert factories.row(sqlite_server, "coupons", coupon_id)["usage_counter"] == 1
