"""Talon.One's own clients against OpenPromo: their models validate our responses.

``talon-one-sdk`` (pydantic v2) fails to deserialize a response with a wrong type or a missing required
field, so every call here is a shape check. The previous generation, ``talon-one-python-sdk`` 9.0.0,
imports as ``talon_one`` too, so it runs in its own virtual environment in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import talon_one
from talon_one.api.integration_api import IntegrationApi
from talon_one.api.management_api import ManagementApi
from talon_one.models.cart_item import CartItem
from talon_one.models.integration_request import IntegrationRequest
from talon_one.models.new_customer_session_v2 import NewCustomerSessionV2

from tests.api.factories import COUPON_RULE, campaign, coupon
from tests.conftest import AppContext, Server, random_id

ROOT = Path(__file__).resolve().parents[2]


def integration_api(server: Server, key: str) -> IntegrationApi:
    config = talon_one.Configuration(host=server.base_url)
    config.api_key["api_key_v1"] = key
    config.api_key_prefix["api_key_v1"] = "ApiKey-v1"
    return IntegrationApi(talon_one.ApiClient(config))


def management_api(server: Server) -> ManagementApi:
    config = talon_one.Configuration(host=server.base_url)
    config.api_key["management_key"] = server.root_key
    config.api_key_prefix["management_key"] = "ManagementKey-v1"
    return ManagementApi(talon_one.ApiClient(config))


def test_the_sdk_updates_closes_reads_and_reopens_a_session(server: Server, app: AppContext) -> None:
    # given a coupon campaign
    campaign_id = campaign(server, app, [COUPON_RULE])
    code = random_id("SDK")
    coupon(server, app, campaign_id, code)
    api = integration_api(server, app.key)
    session_id = random_id("sdk")
    items = [CartItem(sku="shirt", quantity=2, price=15.5, category="clothes")]
    # when the official client sends the cart
    state = api.update_customer_session_v2(
        session_id,
        IntegrationRequest(
            customer_session=NewCustomerSessionV2(
                profile_id="sdk-customer", coupon_codes=[code], cart_items=items
            ),
            response_content=["customerSession", "customerProfile", "ruleFailureReasons"],
        ),
    )
    # then its models accept every field, and the values are ours
    assert [e.effect_type for e in state.effects] == ["acceptCoupon", "setDiscount"]
    assert state.effects[1].props["value"] == 5
    assert state.customer_session is not None and state.customer_session.total == 31
    assert state.customer_profile is not None and state.customer_profile.integration_id == "sdk-customer"
    assert state.created_coupons == [] and state.rule_failure_reasons == []
    closed = api.update_customer_session_v2(
        session_id, IntegrationRequest(customer_session=NewCustomerSessionV2(state="closed"))
    )
    assert [e.effect_type for e in closed.effects] == ["acceptCoupon", "setDiscount"]
    fetched = api.get_customer_session(session_id)
    assert fetched.customer_session is not None and fetched.customer_session.state == "closed"
    assert len(fetched.effects or []) == 2
    reopened = api.reopen_customer_session(session_id)
    assert [e.effect_type for e in reopened.effects] == ["rollbackCoupon", "rollbackDiscount"]


def test_the_sdk_dry_run_with_now(server: Server, app: AppContext) -> None:
    from datetime import UTC, datetime, timedelta

    api = integration_api(server, app.key)
    request = IntegrationRequest(
        customer_session=NewCustomerSessionV2(cart_items=[CartItem(sku="a", quantity=1, price=1)])
    )
    state = api.update_customer_session_v2(
        random_id("dry"), request, dry=True, now=datetime.now(UTC) + timedelta(days=1)
    )
    assert state.effects == []


def test_the_sdk_reads_applications(server: Server, app: AppContext) -> None:
    api = management_api(server)
    fetched = api.get_application(app.id)
    assert fetched.id == app.id and fetched.currency == "EUR"
    listed = api.get_applications(page_size=5)
    assert listed.total_result_size >= 1


def test_the_previous_generation_client_round_trips_a_session(
    server: Server, app: AppContext, tmp_path: Path
) -> None:
    venv = Path(os.environ.get("OPENPROMO_LEGACY_SDK_VENV", ROOT / ".venv-legacy-sdk"))
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "talon-one-python-sdk==9.0.0"], check=True)
    script = textwrap.dedent(
        f"""
        import talon_one
        config = talon_one.Configuration(host={server.base_url!r})
        config.api_key["Authorization"] = {app.key!r}
        config.api_key_prefix["Authorization"] = "ApiKey-v1"
        api = talon_one.IntegrationApi(talon_one.ApiClient(config))
        body = talon_one.IntegrationRequest(
            customer_session=talon_one.NewCustomerSessionV2(
                profile_id="legacy", cart_items=[talon_one.CartItem(sku="a", quantity=1, price=3)]
            ),
            response_content=["customerSession"],
        )
        state = api.update_customer_session_v2("{random_id("legacy")}", body)
        print(state.customer_session.total, len(state.effects))
        """
    )
    result = subprocess.run([str(python), "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    total, effect_count = result.stdout.split()
    assert float(total) == 3 and effect_count == "0"
