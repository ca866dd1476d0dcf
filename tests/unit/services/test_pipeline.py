"""The evaluation pipeline in process, on an in-memory SQLite unit of work: each test is milliseconds.

The HTTP contract tests (tests/api) prove the same behaviour through a served app; these pin the
pipeline's stages (what an open update writes, what a close commits and a cancel gives back, a profile's
effects committed at once, a dry run writing nothing) and how few calls each makes to storage.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from openpromo.api.codec import decode
from openpromo.bootstrap import build_services
from openpromo.services.auth import IntegrationPrincipal, ManagementPrincipal
from openpromo.services.container import Services
from openpromo.services.models.applications import CreateApplicationAPIKey, NewApplication
from openpromo.services.models.campaigns import NewCampaign, NewRuleset
from openpromo.services.models.coupons import NewCoupons
from openpromo.services.models.profiles import CustomerProfileIntegrationRequestV2
from openpromo.services.models.sessions import IntegrationRequest
from openpromo.storage.database import Database
from openpromo.storage.migrations import upgrade
from openpromo.storage.uow import SqlUnitOfWork

ROOT = "pipeline-root-key-0123456789abcdef"
TOTAL = [".", "Session", "Total"]


@dataclass
class Shop:
    services: Services
    database: Database
    management: ManagementPrincipal
    integration: IntegrationPrincipal
    app_id: int


def _model(model: type[Any], document: dict[str, Any]) -> Any:
    return decode(json.dumps(document).encode(), model)


@pytest.fixture
def shop() -> Iterator[Shop]:
    database = Database("sqlite:///:memory:", in_memory=True)
    upgrade(database)
    services = build_services(database)
    services.auth.ensure_account(ROOT)
    management = services.auth.management_key(ROOT)
    app = services.applications.create(
        management, _model(NewApplication, {"name": "shop", "currency": "EUR", "timezone": "UTC"})
    )
    key = services.applications.create_api_key(
        management, app.id, _model(CreateApplicationAPIKey, {"title": "k", "expires": "2099-01-01T00:00:00Z"})
    )
    yield Shop(services, database, management, services.auth.integration(key.key), app.id)
    database.dispose()


def _campaign(shop: Shop, rules: list[dict[str, Any]], **extra: Any) -> int:
    body = {"name": "c", "state": "enabled", "tags": [], "features": ["coupons"], "limits": [], **extra}
    campaign = shop.services.campaigns.create(shop.management, shop.app_id, _model(NewCampaign, body))
    ruleset = {"rules": rules, "bindings": [], "activate": True}
    shop.services.campaigns.create_ruleset(
        shop.management, shop.app_id, campaign.id, _model(NewRuleset, ruleset)
    )
    return campaign.id


def _update(shop: Shop, session: str, state: str = "open", **fields: Any) -> Any:
    body = {
        "customerSession": {"profileId": "alice", "state": state, **fields},
        "responseContent": ["coupons"],
    }
    return shop.services.sessions.update(shop.integration, session, _model(IntegrationRequest, body))


def _kinds(state: Any) -> list[str]:
    return [e.effect_type for e in state.effects]


CART = [{"sku": "mug", "quantity": 2, "price": 20}]
TEN_OFF = {
    "title": "10 off",
    "condition": ["and", [">", TOTAL, 0]],
    "effects": [["setDiscount", "10 off", 10]],
}


class _Counting:
    """Counts the calls a unit of work's session port gets (the pipeline's data calls)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        enter = SqlUnitOfWork.__enter__
        calls = self.calls

        def counted(uow: SqlUnitOfWork) -> SqlUnitOfWork:
            entered = enter(uow)
            port = entered.sessions
            for name in ("open", "consumables", "commit", "finish", "release", "history", "profile"):
                method = getattr(port, name)
                setattr(port, name, _recording(calls, name, method))
            return entered

        monkeypatch.setattr(SqlUnitOfWork, "__enter__", counted)


def _recording(calls: list[str], name: str, method: Any) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        return method(*args, **kwargs)

    return call


def test_an_open_update_reads_once_and_writes_once(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a running campaign and a session seen before
    _campaign(shop, [TEN_OFF])
    _update(shop, "s1", cartItems=CART)
    counting = _Counting(monkeypatch)
    # when the session is updated again
    state = _update(shop, "s1", cartItems=CART)
    # then it is evaluated from one read, and written in one call
    assert _kinds(state) == ["setDiscount"]
    assert counting.calls == ["open", "finish"]


def test_a_close_commits_and_a_cancel_gives_back_exactly(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a coupon campaign with a single-use coupon
    campaign = _campaign(shop, [{**TEN_OFF, "condition": ["and", ["couponValid"]]}])
    page = shop.services.coupons.create(
        shop.management,
        shop.app_id,
        campaign,
        _model(NewCoupons, {"numberOfCoupons": 1, "usageLimit": 1, "couponPattern": "P-####"}),
        silent=False,
    )
    assert page is not None
    code = page.data[0].value
    counting = _Counting(monkeypatch)
    # when a session closes with it
    closed = _update(shop, "s1", "closed", cartItems=CART, couponCodes=[code])
    # then the coupon is redeemed (the answer counts this close), in one commit call
    assert _kinds(closed) == ["acceptCoupon", "setDiscount"]
    assert closed.coupons[0].profile_redemption_count == 1
    assert counting.calls[0] == "open" and counting.calls[-2:] == ["commit", "finish"]
    # and another session cannot use it any more
    assert _kinds(_update(shop, "s2", cartItems=CART, couponCodes=[code])) == ["rejectCoupon"]
    # when the first session is cancelled, the redemption is given back
    cancelled = _update(shop, "s1", "cancelled")
    assert _kinds(cancelled) == ["rollbackCoupon", "rollbackDiscount"]
    again = _update(shop, "s2", cartItems=CART, couponCodes=[code])
    assert _kinds(again) == ["acceptCoupon", "setDiscount"]
    assert again.coupons[0].usage_counter == 0 and again.coupons[0].profile_redemption_count == 0


def test_a_dry_run_writes_nothing(shop: Shop) -> None:
    _campaign(shop, [TEN_OFF])
    body = {"customerSession": {"profileId": "bob", "state": "closed", "cartItems": CART}}
    state = shop.services.sessions.update(shop.integration, "dry", _model(IntegrationRequest, body), dry=True)
    assert _kinds(state) == ["setDiscount"]
    with shop.services.sessions._uow(write=False) as uow:
        assert uow.records.count("customer_sessions") == 0
        assert uow.records.count("customer_profiles") == 0


def test_a_profile_update_commits_its_effects_at_once(shop: Shop) -> None:
    # given a campaign that gives every profile a coupon, once (a budget of one created coupon)
    rule = {
        "title": "welcome",
        "condition": ["and", True],
        "effects": [["createCoupon", {"pattern": "W-####"}]],
    }
    _campaign(shop, [rule], limits=[{"action": "createCoupon", "limit": 1, "entities": ["Profile"]}])
    request = _model(
        CustomerProfileIntegrationRequestV2, {"attributes": {}, "responseContent": ["customerProfile"]}
    )
    # when the rules run for the profile twice
    first = shop.services.profiles.update(shop.integration, "carol", request, run_rule_engine=True)
    second = shop.services.profiles.update(shop.integration, "carol", request, run_rule_engine=True)
    # then the first created the coupon and spent the budget at once (there is no close to wait for)
    assert [e.effect_type for e in first.effects] == ["couponCreated"]
    assert [c["recipientIntegrationId"] for c in first.created_coupons] == ["carol"]
    assert [e.effect_type for e in second.effects] == []
    assert first.customer_profile is not None and first.customer_profile.integration_id == "carol"
