"""Integration API: the application's running campaigns (``integrationGetAllCampaigns``)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.routing import (
    INTEGRATION,
    EndAfter,
    EndBefore,
    PageSize,
    Skip,
    StartAfter,
    StartBefore,
    page,
    time_ranges,
)
from openpromo.services.errors import InvalidInput
from openpromo.services.models.base import Page

Req = Request[Any, Any, Any]
CampaignIds = Annotated[str | None, QueryParameter(name="campaignIds", required=False)]


def campaign_ids(value: str | None) -> list[int]:
    """``campaignIds``: ids separated by commas (400 naming the parameter for anything else)."""
    parts = [part.strip() for part in (value or "").split(",") if part.strip()]
    if not all(part.isdigit() and int(part) < 2**63 for part in parts):
        raise InvalidInput("campaignIds is a comma-separated list of campaign ids", parameter="campaignIds")
    return [int(part) for part in parts]


@get("/v1/integration/campaigns", operation_id="integrationGetAllCampaigns", **INTEGRATION)
async def running_campaigns(
    request: Req,
    page_size: PageSize = 50,
    skip: Skip = 0,
    campaign_ids_: CampaignIds = None,
    start_before: StartBefore = None,
    start_after: StartAfter = None,
    end_before: EndBefore = None,
    end_after: EndAfter = None,
) -> Page:
    return await endpoint.integration(
        request,
        lambda use, principal: use.campaign_lists.running(
            principal,
            page(page_size, skip, None, integration=True),
            campaign_ids(campaign_ids_),
            time_ranges(start=(start_before, start_after), end=(end_before, end_after)),
        ),
    )


ROUTES = [running_campaigns]

__all__ = ["ROUTES", "campaign_ids"]
