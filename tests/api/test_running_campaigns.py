"""``integrationGetAllCampaigns`` on both databases: only the application's running campaigns, the
``campaignIds`` and time filters, paging, and bad parameters naming themselves. (talon-one-sdk 26.2
has no method or model for it, so the shape is checked against the spec's ``IntegrationCampaign``.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.factories import campaign
from tests.conftest import AppContext, Server, assert_error, create_application

URL = "/v1/integration/campaigns"
NOW = datetime.now(UTC).replace(microsecond=0)
RULE = {"title": "r", "condition": ["and", True], "effects": [["setDiscount", "d", 1]]}
REQUIRED = {"id", "applicationId", "name", "state", "tags", "features"}
ALLOWED = REQUIRED | {"description", "startTime", "endTime", "attributes"}


@pytest.fixture
def integration(server: Server, app: AppContext) -> httpx.Client:
    return server.client(f"ApiKey-v1 {app.key}")


def listed(integration: httpx.Client, **params: Any) -> tuple[list[str], bool]:
    response = integration.get(URL, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data", "hasMore"}
    for item in body["data"]:
        assert REQUIRED <= set(item) <= ALLOWED, item
        assert item["state"] == "enabled" and isinstance(item["tags"], list)
    return [c["name"] for c in body["data"]], body["hasMore"]


def test_only_running_campaigns_are_listed(
    server: Server, mgmt: httpx.Client, app: AppContext, integration: httpx.Client
) -> None:
    day = timedelta(days=1)
    ids = {
        "always": campaign(server, app, [RULE], name="always"),
        "since-last-week": campaign(server, app, [RULE], name="since-last-week", start_time=NOW - 7 * day),
        "until-tomorrow": campaign(server, app, [RULE], name="until-tomorrow", end_time=NOW + day),
    }
    campaign(server, app, [RULE], name="disabled", state="disabled")
    campaign(server, app, [RULE], name="scheduled", start_time=NOW + day)
    campaign(server, app, [RULE], name="expired", end_time=NOW - day)
    other = create_application(mgmt)
    campaign(server, other, [RULE], name="elsewhere")
    assert listed(integration) == (["always", "since-last-week", "until-tomorrow"], False)
    # paging
    assert listed(integration, pageSize=2) == (["always", "since-last-week"], True)
    assert listed(integration, pageSize=2, skip=2) == (["until-tomorrow"], False)
    # campaignIds: a comma-separated list
    wanted = f"{ids['always']},{ids['until-tomorrow']}"
    assert listed(integration, campaignIds=wanted)[0] == ["always", "until-tomorrow"]
    # the time windows
    assert listed(integration, startAfter=(NOW - 8 * day).isoformat())[0] == ["since-last-week"]
    assert listed(integration, startBefore=(NOW - 6 * day).isoformat())[0] == ["since-last-week"]
    assert listed(integration, endBefore=(NOW + 2 * day).isoformat())[0] == ["until-tomorrow"]
    assert listed(integration, endAfter=NOW.isoformat())[0] == ["until-tomorrow"]


def test_bad_parameters_name_themselves(integration: httpx.Client) -> None:
    for params, name in (
        ({"campaignIds": "1,x"}, "campaignIds"),
        ({"startAfter": "soon"}, "startAfter"),
        ({"endBefore": "soon"}, "endBefore"),
        ({"pageSize": 0}, "pageSize"),
        ({"pageSize": 1001}, "pageSize"),
        ({"skip": -1}, "skip"),
    ):
        assert_error(integration.get(URL, params=params), 400, parameter=name)
