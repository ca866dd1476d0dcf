"""Management API: achievements of a campaign, and collections (account-level and of a campaign)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, delete, get, post, put
from litestar.params import QueryParameter

from openpromo.api import endpoint
from openpromo.api.routing import MANAGEMENT, PageSize, Skip, Sort, WithTotal, body, page
from openpromo.services.models.base import Page
from openpromo.services.models.coupons import Import
from openpromo.services.models.gamification import (
    Achievement,
    Collection,
    CreateAchievement,
    NewCampaignCollection,
    NewCollection,
    UpdateAchievement,
    UpdateCampaignCollection,
    UpdateCollection,
)

Req = Request[Any, Any, Any]
CAMPAIGN = "/v1/applications/{application_id:int}/campaigns/{campaign_id:int}"
ACHIEVEMENT = CAMPAIGN + "/achievements/{achievement_id:int}"
COLLECTION = "/v1/collections/{collection_id:int}"
CAMPAIGN_COLLECTION = CAMPAIGN + "/collections/{collection_id:int}"
Text = Annotated[str | None, QueryParameter(required=False)]
AchievementPageSize = Annotated[int, QueryParameter(name="pageSize", ge=1, le=50, required=False)]


@post(
    CAMPAIGN + "/achievements",
    operation_id="createAchievement",
    status_code=201,
    **MANAGEMENT,
    **body(CreateAchievement),
)
async def create_achievement(request: Req, application_id: int, campaign_id: int, body: bytes) -> Achievement:
    return await endpoint.management(
        request,
        lambda use, principal: use.achievements.create(
            principal, application_id, campaign_id, endpoint.decoded(body, CreateAchievement)
        ),
    )


@get(CAMPAIGN + "/achievements", operation_id="listAchievements", **MANAGEMENT)
async def list_achievements(
    request: Req,
    application_id: int,
    campaign_id: int,
    page_size: AchievementPageSize = 50,
    skip: Skip = 0,
    title: Text = None,
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.achievements.list(
            principal, application_id, campaign_id, page(page_size, skip, None), title
        ),
    )


@get(ACHIEVEMENT, operation_id="getAchievement", **MANAGEMENT)
async def get_achievement(
    request: Req, application_id: int, campaign_id: int, achievement_id: int
) -> Achievement:
    return await endpoint.management(
        request,
        lambda use, principal: use.achievements.get(principal, application_id, campaign_id, achievement_id),
    )


@put(ACHIEVEMENT, operation_id="updateAchievement", **MANAGEMENT, **body(UpdateAchievement))
async def update_achievement(
    request: Req, application_id: int, campaign_id: int, achievement_id: int, body: bytes
) -> Achievement:
    return await endpoint.management(
        request,
        lambda use, principal: use.achievements.update(
            principal, application_id, campaign_id, achievement_id, endpoint.decoded(body, UpdateAchievement)
        ),
    )


@delete(ACHIEVEMENT, operation_id="deleteAchievement", **MANAGEMENT)
async def delete_achievement(
    request: Req, application_id: int, campaign_id: int, achievement_id: int
) -> None:
    return await endpoint.management(
        request,
        lambda use, principal: use.achievements.delete(
            principal, application_id, campaign_id, achievement_id
        ),
    )


@post(
    "/v1/collections",
    operation_id="createAccountCollection",
    status_code=201,
    **MANAGEMENT,
    **body(NewCollection),
)
async def create_account_collection(request: Req, body: bytes) -> Collection:
    return await endpoint.management(
        request,
        lambda use, principal: use.collections.create(principal, endpoint.decoded(body, NewCollection)),
    )


@get("/v1/collections", operation_id="listAccountCollections", **MANAGEMENT)
async def list_account_collections(
    request: Req,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    with_total_result_size: WithTotal = False,
    name: Text = None,
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.collections.list(
            principal, page(page_size, skip, sort), name, with_total=with_total_result_size
        ),
    )


@get(COLLECTION, operation_id="getAccountCollection", **MANAGEMENT)
async def get_account_collection(request: Req, collection_id: int) -> Collection:
    return await endpoint.management(
        request, lambda use, principal: use.collections.get(principal, collection_id)
    )


@put(COLLECTION, operation_id="updateAccountCollection", **MANAGEMENT, **body(UpdateCollection))
async def update_account_collection(request: Req, collection_id: int, body: bytes) -> Collection:
    return await endpoint.management(
        request,
        lambda use, principal: use.collections.update(
            principal, collection_id, endpoint.decoded(body, UpdateCollection)
        ),
    )


@delete(COLLECTION, operation_id="deleteAccountCollection", **MANAGEMENT)
async def delete_account_collection(request: Req, collection_id: int) -> None:
    return await endpoint.management(
        request, lambda use, principal: use.collections.delete(principal, collection_id)
    )


@post(COLLECTION + "/import", operation_id="importAccountCollection", status_code=200, **MANAGEMENT)
async def import_account_collection(request: Req, collection_id: int) -> Import:
    return await endpoint.upload(
        request,
        lambda use, principal, content: use.collections.import_items(principal, collection_id, content),
    )


@get(COLLECTION + "/items", operation_id="getCollectionItems", **MANAGEMENT)
async def collection_items(
    request: Req, collection_id: int, page_size: PageSize = 1000, skip: Skip = 0
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.collections.items(principal, collection_id, page(page_size, skip, None)),
    )


@post(
    CAMPAIGN + "/collections",
    operation_id="createCollection",
    status_code=201,
    **MANAGEMENT,
    **body(NewCampaignCollection),
)
async def create_collection(request: Req, application_id: int, campaign_id: int, body: bytes) -> Collection:
    return await endpoint.management(
        request,
        lambda use, principal: use.collections.create(
            principal, endpoint.decoded(body, NewCampaignCollection), (application_id, campaign_id)
        ),
    )


@get(CAMPAIGN + "/collections", operation_id="listCollections", **MANAGEMENT)
async def list_collections(
    request: Req,
    application_id: int,
    campaign_id: int,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    with_total_result_size: WithTotal = False,
    name: Text = None,
) -> Page:
    return await endpoint.management(
        request,
        lambda use, principal: use.collections.list(
            principal,
            page(page_size, skip, sort),
            name,
            (application_id, campaign_id),
            with_total=with_total_result_size,
        ),
    )


@get(CAMPAIGN_COLLECTION, operation_id="getCollection", **MANAGEMENT)
async def get_collection(
    request: Req, application_id: int, campaign_id: int, collection_id: int
) -> Collection:
    return await endpoint.management(
        request,
        lambda use, principal: use.collections.get(principal, collection_id, (application_id, campaign_id)),
    )


@put(CAMPAIGN_COLLECTION, operation_id="updateCollection", **MANAGEMENT, **body(UpdateCampaignCollection))
async def update_collection(
    request: Req, application_id: int, campaign_id: int, collection_id: int, body: bytes
) -> Collection:
    return await endpoint.management(
        request,
        lambda use, principal: use.collections.update(
            principal,
            collection_id,
            endpoint.decoded(body, UpdateCampaignCollection),
            (application_id, campaign_id),
        ),
    )


@delete(CAMPAIGN_COLLECTION, operation_id="deleteCollection", **MANAGEMENT)
async def delete_collection(request: Req, application_id: int, campaign_id: int, collection_id: int) -> None:
    return await endpoint.management(
        request,
        lambda use, principal: use.collections.delete(
            principal, collection_id, (application_id, campaign_id)
        ),
    )


@post(CAMPAIGN_COLLECTION + "/import", operation_id="importCollection", status_code=200, **MANAGEMENT)
async def import_collection(
    request: Req, application_id: int, campaign_id: int, collection_id: int
) -> Import:
    return await endpoint.upload(
        request,
        lambda use, principal, content: use.collections.import_items(
            principal, collection_id, content, (application_id, campaign_id)
        ),
    )


ROUTES = [
    create_achievement,
    list_achievements,
    get_achievement,
    update_achievement,
    delete_achievement,
    create_account_collection,
    list_account_collections,
    get_account_collection,
    update_account_collection,
    delete_account_collection,
    import_account_collection,
    collection_items,
    create_collection,
    list_collections,
    get_collection,
    update_collection,
    delete_collection,
    import_collection,
]

__all__ = ["ROUTES"]
