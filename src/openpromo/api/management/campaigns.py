"""Management API: campaigns, rulesets and campaign evaluation groups."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Request, delete, get, post, put
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.routing import (
    MANAGEMENT,
    CreatedAfter,
    CreatedBefore,
    EndAfter,
    EndBefore,
    PageSize,
    Skip,
    Sort,
    StartAfter,
    StartBefore,
    body,
    page,
    time_ranges,
)
from openpromo.services.models.base import Page
from openpromo.services.models.campaigns import (
    Campaign,
    CampaignEvaluationGroup,
    NewCampaign,
    NewCampaignEvaluationGroup,
    NewRuleset,
    Ruleset,
    UpdateCampaign,
)

Req = Request[Any, Any, Any]
CAMPAIGNS = "/v1/applications/{application_id:int}/campaigns"
CAMPAIGN = CAMPAIGNS + "/{campaign_id:int}"
GROUPS = "/v1/applications/{application_id:int}/campaign_evaluation_groups"
CampaignState = Annotated[
    Literal["enabled", "disabled", "archived", "scheduled", "running", "expired", "staged"] | None,
    QueryParameter(name="campaignState", required=False),
]
Name = Annotated[str | None, QueryParameter(name="name", required=False)]
Tags = Annotated[str | None, QueryParameter(name="tags", required=False)]
CampaignGroupId = Annotated[int | None, QueryParameter(name="campaignGroupId", required=False)]
TemplateId = Annotated[int | None, QueryParameter(name="templateId", required=False)]
StoreId = Annotated[int | None, QueryParameter(name="storeId", required=False)]


@post(CAMPAIGNS, operation_id="createCampaign", status_code=201, **MANAGEMENT, **body(NewCampaign))
async def create_campaign(request: Req, application_id: int, body: bytes) -> Campaign:
    return await endpoint.management(
        request,
        lambda use, principal: use.campaigns.create(
            principal, application_id, endpoint.decoded(body, NewCampaign)
        ),
    )


@get(CAMPAIGNS, operation_id="getCampaigns", **MANAGEMENT)
async def list_campaigns(
    request: Req,
    application_id: int,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    campaign_state: CampaignState = None,
    name: Name = None,
    tags: Tags = None,
    created_before: CreatedBefore = None,
    created_after: CreatedAfter = None,
    start_before: StartBefore = None,
    start_after: StartAfter = None,
    end_before: EndBefore = None,
    end_after: EndAfter = None,
    campaign_group_id: CampaignGroupId = None,
    template_id: TemplateId = None,
    store_id: StoreId = None,
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.campaigns.list(
            principal,
            application_id,
            page(page_size, skip, sort),
            {
                "campaign_state": campaign_state,
                "name": name,
                "tags": tags,
                "campaign_group_id": campaign_group_id,
                "template_id": template_id,
                "store_id": store_id,
                **time_ranges(
                    created=(created_before, created_after),
                    start=(start_before, start_after),
                    end=(end_before, end_after),
                ),
            },
        ),
    )


@get(CAMPAIGN, operation_id="getCampaign", **MANAGEMENT)
async def get_campaign(request: Req, application_id: int, campaign_id: int) -> Campaign:
    return await endpoint.management(
        request, lambda use, principal: use.campaigns.get(principal, application_id, campaign_id)
    )


@put(CAMPAIGN, operation_id="updateCampaign", **MANAGEMENT, **body(UpdateCampaign))
async def update_campaign(request: Req, application_id: int, campaign_id: int, body: bytes) -> Campaign:
    return await endpoint.management(
        request,
        lambda use, principal: use.campaigns.update(
            principal, application_id, campaign_id, endpoint.decoded(body, UpdateCampaign)
        ),
    )


@delete(CAMPAIGN, operation_id="deleteCampaign", **MANAGEMENT)
async def delete_campaign(request: Req, application_id: int, campaign_id: int) -> None:
    return await endpoint.management(
        request, lambda use, principal: use.campaigns.delete(principal, application_id, campaign_id)
    )


@post(CAMPAIGN + "/rulesets", operation_id="createRuleset", status_code=201, **MANAGEMENT, **body(NewRuleset))
async def create_ruleset(request: Req, application_id: int, campaign_id: int, body: bytes) -> Ruleset:
    return await endpoint.management(
        request,
        lambda use, principal: use.campaigns.create_ruleset(
            principal, application_id, campaign_id, endpoint.decoded(body, NewRuleset)
        ),
    )


@get(CAMPAIGN + "/rulesets", operation_id="getRulesets", **MANAGEMENT)
async def list_rulesets(
    request: Req,
    application_id: int,
    campaign_id: int,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.campaigns.list_rulesets(
            principal, application_id, campaign_id, page(page_size, skip, sort)
        ),
    )


@get(CAMPAIGN + "/rulesets/{ruleset_id:int}", operation_id="getRuleset", **MANAGEMENT)
async def get_ruleset(request: Req, application_id: int, campaign_id: int, ruleset_id: int) -> Ruleset:
    return await endpoint.management(
        request,
        lambda use, principal: use.campaigns.get_ruleset(principal, application_id, campaign_id, ruleset_id),
    )


@post(
    GROUPS,
    operation_id="createCampaignEvaluationGroup",
    status_code=201,
    **MANAGEMENT,
    **body(NewCampaignEvaluationGroup),
)
async def create_group(request: Req, application_id: int, body: bytes) -> CampaignEvaluationGroup:
    return await endpoint.management(
        request,
        lambda use, principal: use.groups.create(
            principal, application_id, endpoint.decoded(body, NewCampaignEvaluationGroup)
        ),
    )


@get(GROUPS, operation_id="getCampaignEvaluationGroups", **MANAGEMENT)
async def list_groups(request: Req, application_id: int, page_size: PageSize = 1000, skip: Skip = 0) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.groups.list(principal, application_id, page(page_size, skip, None)),
    )


@get(GROUPS + "/{group_id:int}", operation_id="getCampaignEvaluationGroup", **MANAGEMENT)
async def get_group(request: Req, application_id: int, group_id: int) -> CampaignEvaluationGroup:
    return await endpoint.management(
        request, lambda use, principal: use.groups.get(principal, application_id, group_id)
    )


ROUTES = [
    create_campaign,
    list_campaigns,
    get_campaign,
    update_campaign,
    delete_campaign,
    create_ruleset,
    list_rulesets,
    get_ruleset,
    create_group,
    list_groups,
    get_group,
]

__all__ = ["ROUTES"]
