"""Integration API: a customer's achievements and their history in one achievement."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.routing import INTEGRATION, PageSize, Skip, page, time_parameter
from openpromo.services.integration.achievements import (
    ACHIEVEMENT_STATUSES,
    CURRENT_STATUSES,
    HISTORY_STATUSES,
    listed,
    listed_ids,
)
from openpromo.services.models.gamification import AchievementProgressPage, AchievementStatusPage

Req = Request[Any, Any, Any]
PROFILE = "/v1/customer_profiles/{integration_id:str}/achievements"
PAGE_SIZE = 1000
"""The spec's default page size of both lists."""


def _list(name: str) -> Any:
    return QueryParameter(name=name, required=False)


@get(PROFILE, operation_id="getCustomerAchievements", **INTEGRATION)
async def get_customer_achievements(
    request: Req,
    integration_id: str,
    campaign_ids: Annotated[list[str] | None, _list("campaignIds")] = None,
    achievement_ids: Annotated[list[str] | None, _list("achievementIds")] = None,
    achievement_status: Annotated[list[str] | None, _list("achievementStatus")] = None,
    current_progress_status: Annotated[list[str] | None, _list("currentProgressStatus")] = None,
    page_size: PageSize = PAGE_SIZE,
    skip: Skip = 0,
) -> AchievementStatusPage:
    return await endpoint.integration(
        request,
        lambda use, principal: use.customer_achievements.achievements(
            principal,
            integration_id,
            campaign_ids=listed_ids(campaign_ids, "campaignIds"),
            achievement_ids=listed_ids(achievement_ids, "achievementIds"),
            statuses=listed(achievement_status, ACHIEVEMENT_STATUSES, "achievementStatus"),
            progress_statuses=listed(current_progress_status, CURRENT_STATUSES, "currentProgressStatus"),
            page=page(page_size, skip, None),
        ),
    )


@get(PROFILE + "/{achievement_id:int}", operation_id="getCustomerAchievementHistory", **INTEGRATION)
async def get_customer_achievement_history(
    request: Req,
    integration_id: str,
    achievement_id: int,
    progress_status: Annotated[list[str] | None, _list("progressStatus")] = None,
    start_date: Annotated[str | None, _list("startDate")] = None,
    end_date: Annotated[str | None, _list("endDate")] = None,
    page_size: PageSize = PAGE_SIZE,
    skip: Skip = 0,
) -> AchievementProgressPage:
    return await endpoint.integration(
        request,
        lambda use, principal: use.customer_achievements.history(
            principal,
            integration_id,
            achievement_id,
            statuses=listed(progress_status, HISTORY_STATUSES, "progressStatus"),
            start=time_parameter("startDate", start_date),
            end=time_parameter("endDate", end_date),
            page=page(page_size, skip, None),
        ),
    )


ROUTES = [get_customer_achievements, get_customer_achievement_history]

__all__ = ["ROUTES"]
