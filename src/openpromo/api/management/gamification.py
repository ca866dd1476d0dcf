"""Management API: achievements of a campaign, and collections (account-level and of a campaign)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, delete, get, post, put
from litestar.params import QueryParameter

from openpromo.api.auth import management, services
from openpromo.api.codec import decode
from openpromo.api.routing import MANAGEMENT, PageSize, Skip, Sort, WithTotal, body, page, run_blocking
from openpromo.api.uploads import authorised_upload
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
    def run() -> Achievement:
        principal = management(request)
        data = decode(body, CreateAchievement)
        return services(request).achievements.create(principal, application_id, campaign_id, data)

    return await run_blocking(run)


@get(CAMPAIGN + "/achievements", operation_id="listAchievements", **MANAGEMENT)
async def list_achievements(
    request: Req,
    application_id: int,
    campaign_id: int,
    page_size: AchievementPageSize = 50,
    skip: Skip = 0,
    title: Text = None,
) -> Page:
    def run() -> Page:
        principal = management(request)
        return services(request).achievements.list(
            principal, application_id, campaign_id, page(page_size, skip, None), title
        )

    return await run_blocking(run)


@get(ACHIEVEMENT, operation_id="getAchievement", **MANAGEMENT)
async def get_achievement(
    request: Req, application_id: int, campaign_id: int, achievement_id: int
) -> Achievement:
    def run() -> Achievement:
        principal = management(request)
        return services(request).achievements.get(principal, application_id, campaign_id, achievement_id)

    return await run_blocking(run)


@put(ACHIEVEMENT, operation_id="updateAchievement", **MANAGEMENT, **body(UpdateAchievement))
async def update_achievement(
    request: Req, application_id: int, campaign_id: int, achievement_id: int, body: bytes
) -> Achievement:
    def run() -> Achievement:
        principal = management(request)
        data = decode(body, UpdateAchievement)
        achievements = services(request).achievements
        return achievements.update(principal, application_id, campaign_id, achievement_id, data)

    return await run_blocking(run)


@delete(ACHIEVEMENT, operation_id="deleteAchievement", **MANAGEMENT)
async def delete_achievement(
    request: Req, application_id: int, campaign_id: int, achievement_id: int
) -> None:
    def run() -> None:
        principal = management(request)
        services(request).achievements.delete(principal, application_id, campaign_id, achievement_id)

    await run_blocking(run)


@post(
    "/v1/collections",
    operation_id="createAccountCollection",
    status_code=201,
    **MANAGEMENT,
    **body(NewCollection),
)
async def create_account_collection(request: Req, body: bytes) -> Collection:
    def run() -> Collection:
        principal = management(request)
        return services(request).collections.create(principal, decode(body, NewCollection))

    return await run_blocking(run)


@get("/v1/collections", operation_id="listAccountCollections", **MANAGEMENT)
async def list_account_collections(
    request: Req,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    sort: Sort = None,
    with_total_result_size: WithTotal = False,
    name: Text = None,
) -> Page:
    def run() -> Page:
        principal = management(request)
        return services(request).collections.list(
            principal, page(page_size, skip, sort), name, with_total=with_total_result_size
        )

    return await run_blocking(run)


@get(COLLECTION, operation_id="getAccountCollection", **MANAGEMENT)
async def get_account_collection(request: Req, collection_id: int) -> Collection:
    def run() -> Collection:
        return services(request).collections.get(management(request), collection_id)

    return await run_blocking(run)


@put(COLLECTION, operation_id="updateAccountCollection", **MANAGEMENT, **body(UpdateCollection))
async def update_account_collection(request: Req, collection_id: int, body: bytes) -> Collection:
    def run() -> Collection:
        principal = management(request)
        data = decode(body, UpdateCollection)
        return services(request).collections.update(principal, collection_id, data)

    return await run_blocking(run)


@delete(COLLECTION, operation_id="deleteAccountCollection", **MANAGEMENT)
async def delete_account_collection(request: Req, collection_id: int) -> None:
    def run() -> None:
        services(request).collections.delete(management(request), collection_id)

    await run_blocking(run)


@post(COLLECTION + "/import", operation_id="importAccountCollection", status_code=200, **MANAGEMENT)
async def import_account_collection(request: Req, collection_id: int) -> Import:
    principal, content = await authorised_upload(request)

    def run() -> Import:
        return services(request).collections.import_items(principal, collection_id, content)

    return await run_blocking(run)


@get(COLLECTION + "/items", operation_id="getCollectionItems", **MANAGEMENT)
async def collection_items(
    request: Req, collection_id: int, page_size: PageSize = 1000, skip: Skip = 0
) -> Page:
    def run() -> Page:
        return services(request).collections.items(
            management(request), collection_id, page(page_size, skip, None)
        )

    return await run_blocking(run)


@post(
    CAMPAIGN + "/collections",
    operation_id="createCollection",
    status_code=201,
    **MANAGEMENT,
    **body(NewCampaignCollection),
)
async def create_collection(request: Req, application_id: int, campaign_id: int, body: bytes) -> Collection:
    def run() -> Collection:
        principal = management(request)
        data = decode(body, NewCampaignCollection)
        return services(request).collections.create(principal, data, (application_id, campaign_id))

    return await run_blocking(run)


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
    def run() -> Page:
        principal = management(request)
        return services(request).collections.list(
            principal,
            page(page_size, skip, sort),
            name,
            (application_id, campaign_id),
            with_total=with_total_result_size,
        )

    return await run_blocking(run)


@get(CAMPAIGN_COLLECTION, operation_id="getCollection", **MANAGEMENT)
async def get_collection(
    request: Req, application_id: int, campaign_id: int, collection_id: int
) -> Collection:
    def run() -> Collection:
        principal = management(request)
        return services(request).collections.get(principal, collection_id, (application_id, campaign_id))

    return await run_blocking(run)


@put(CAMPAIGN_COLLECTION, operation_id="updateCollection", **MANAGEMENT, **body(UpdateCampaignCollection))
async def update_collection(
    request: Req, application_id: int, campaign_id: int, collection_id: int, body: bytes
) -> Collection:
    def run() -> Collection:
        principal = management(request)
        data = decode(body, UpdateCampaignCollection)
        return services(request).collections.update(
            principal, collection_id, data, (application_id, campaign_id)
        )

    return await run_blocking(run)


@delete(CAMPAIGN_COLLECTION, operation_id="deleteCollection", **MANAGEMENT)
async def delete_collection(request: Req, application_id: int, campaign_id: int, collection_id: int) -> None:
    def run() -> None:
        principal = management(request)
        services(request).collections.delete(principal, collection_id, (application_id, campaign_id))

    await run_blocking(run)


@post(CAMPAIGN_COLLECTION + "/import", operation_id="importCollection", status_code=200, **MANAGEMENT)
async def import_collection(
    request: Req, application_id: int, campaign_id: int, collection_id: int
) -> Import:
    principal, content = await authorised_upload(request)

    def run() -> Import:
        collections = services(request).collections
        return collections.import_items(principal, collection_id, content, (application_id, campaign_id))

    return await run_blocking(run)


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
