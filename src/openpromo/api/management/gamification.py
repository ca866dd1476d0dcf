"""Management API: achievements of a campaign, and collections (account-level and of a campaign)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, delete, get, post, put
from litestar.params import QueryParameter

from openpromo.api.auth import management, services
from openpromo.api.codec import decode
from openpromo.api.management.coupons import upload
from openpromo.api.routing import MANAGEMENT, PageSize, Skip, Sort, body, in_thread, page
from openpromo.services.models.base import Page
from openpromo.services.models.coupons import Import
from openpromo.services.models.gamification import (
    Achievement,
    Collection,
    CreateAchievement,
    NewCollection,
    UpdateAchievement,
    UpdateCollection,
)

Req = Request[Any, Any, Any]
CAMPAIGN = "/v1/applications/{application_id:int}/campaigns/{campaign_id:int}"
ACHIEVEMENT = CAMPAIGN + "/achievements/{achievement_id:int}"
CAMPAIGN_COLLECTION = CAMPAIGN + "/collections/{collection_id:int}"
Text = Annotated[str | None, QueryParameter(required=False)]


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
        return services(request).gamification.create_achievement(principal, application_id, campaign_id, data)

    return await in_thread(run)


@get(CAMPAIGN + "/achievements", operation_id="listAchievements", **MANAGEMENT)
async def list_achievements(
    request: Req,
    application_id: int,
    campaign_id: int,
    page_size: PageSize = 50,
    skip: Skip = 0,
    title: Text = None,
) -> Page:
    def run() -> Page:
        principal = management(request)
        return services(request).gamification.list_achievements(
            principal, application_id, campaign_id, page(page_size, skip, None), title
        )

    return await in_thread(run)


@get(ACHIEVEMENT, operation_id="getAchievement", **MANAGEMENT)
async def get_achievement(
    request: Req, application_id: int, campaign_id: int, achievement_id: int
) -> Achievement:
    def run() -> Achievement:
        principal = management(request)
        return services(request).gamification.get_achievement(
            principal, application_id, campaign_id, achievement_id
        )

    return await in_thread(run)


@put(ACHIEVEMENT, operation_id="updateAchievement", **MANAGEMENT, **body(UpdateAchievement))
async def update_achievement(
    request: Req, application_id: int, campaign_id: int, achievement_id: int, body: bytes
) -> Achievement:
    def run() -> Achievement:
        principal = management(request)
        data = decode(body, UpdateAchievement)
        gamification = services(request).gamification
        return gamification.update_achievement(principal, application_id, campaign_id, achievement_id, data)

    return await in_thread(run)


@delete(ACHIEVEMENT, operation_id="deleteAchievement", **MANAGEMENT)
async def delete_achievement(
    request: Req, application_id: int, campaign_id: int, achievement_id: int
) -> None:
    def run() -> None:
        principal = management(request)
        services(request).gamification.delete_achievement(
            principal, application_id, campaign_id, achievement_id
        )

    await in_thread(run)


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
        return services(request).gamification.create_collection(principal, decode(body, NewCollection))

    return await in_thread(run)


@get("/v1/collections", operation_id="listAccountCollections", **MANAGEMENT)
async def list_account_collections(
    request: Req, page_size: PageSize = 1000, skip: Skip = 0, sort: Sort = None, name: Text = None
) -> Page:
    def run() -> Page:
        principal = management(request)
        return services(request).gamification.list_collections(principal, page(page_size, skip, sort), name)

    return await in_thread(run)


@get("/v1/collections/{collection_id:int}", operation_id="getAccountCollection", **MANAGEMENT)
async def get_account_collection(request: Req, collection_id: int) -> Collection:
    def run() -> Collection:
        return services(request).gamification.get_collection(management(request), collection_id)

    return await in_thread(run)


@put(
    "/v1/collections/{collection_id:int}",
    operation_id="updateAccountCollection",
    **MANAGEMENT,
    **body(UpdateCollection),
)
async def update_account_collection(request: Req, collection_id: int, body: bytes) -> Collection:
    def run() -> Collection:
        principal = management(request)
        data = decode(body, UpdateCollection)
        return services(request).gamification.update_collection(principal, collection_id, data)

    return await in_thread(run)


@delete("/v1/collections/{collection_id:int}", operation_id="deleteAccountCollection", **MANAGEMENT)
async def delete_account_collection(request: Req, collection_id: int) -> None:
    def run() -> None:
        services(request).gamification.delete_collection(management(request), collection_id)

    await in_thread(run)


@post(
    "/v1/collections/{collection_id:int}/import",
    operation_id="importAccountCollection",
    status_code=200,
    **MANAGEMENT,
)
async def import_account_collection(request: Req, collection_id: int) -> Import:
    content = await upload(request)

    def run() -> Import:
        return services(request).gamification.import_items(management(request), collection_id, content)

    return await in_thread(run)


@get("/v1/collections/{collection_id:int}/items", operation_id="getCollectionItems", **MANAGEMENT)
async def collection_items(
    request: Req, collection_id: int, page_size: PageSize = 1000, skip: Skip = 0
) -> Page:
    def run() -> Page:
        return services(request).gamification.items(
            management(request), collection_id, page(page_size, skip, None)
        )

    return await in_thread(run)


@post(
    CAMPAIGN + "/collections",
    operation_id="createCollection",
    status_code=201,
    **MANAGEMENT,
    **body(NewCollection),
)
async def create_collection(request: Req, application_id: int, campaign_id: int, body: bytes) -> Collection:
    def run() -> Collection:
        principal = management(request)
        data = decode(body, NewCollection)
        return services(request).gamification.create_collection(principal, data, application_id, campaign_id)

    return await in_thread(run)


@get(CAMPAIGN + "/collections", operation_id="listCollections", **MANAGEMENT)
async def list_collections(
    request: Req,
    application_id: int,
    campaign_id: int,
    page_size: PageSize = 1000,
    skip: Skip = 0,
    name: Text = None,
) -> Page:
    def run() -> Page:
        principal = management(request)
        return services(request).gamification.list_collections(
            principal, page(page_size, skip, None), name, application_id, campaign_id
        )

    return await in_thread(run)


@get(CAMPAIGN_COLLECTION, operation_id="getCollection", **MANAGEMENT)
async def get_collection(
    request: Req, application_id: int, campaign_id: int, collection_id: int
) -> Collection:
    def run() -> Collection:
        principal = management(request)
        return services(request).gamification.get_collection(
            principal, collection_id, application_id, campaign_id
        )

    return await in_thread(run)


@put(CAMPAIGN_COLLECTION, operation_id="updateCollection", **MANAGEMENT, **body(UpdateCollection))
async def update_collection(
    request: Req, application_id: int, campaign_id: int, collection_id: int, body: bytes
) -> Collection:
    def run() -> Collection:
        principal = management(request)
        data = decode(body, UpdateCollection)
        gamification = services(request).gamification
        return gamification.update_collection(principal, collection_id, data, application_id, campaign_id)

    return await in_thread(run)


@delete(CAMPAIGN_COLLECTION, operation_id="deleteCollection", **MANAGEMENT)
async def delete_collection(request: Req, application_id: int, campaign_id: int, collection_id: int) -> None:
    def run() -> None:
        principal = management(request)
        services(request).gamification.delete_collection(
            principal, collection_id, application_id, campaign_id
        )

    await in_thread(run)


@post(CAMPAIGN_COLLECTION + "/import", operation_id="importCollection", status_code=200, **MANAGEMENT)
async def import_collection(
    request: Req, application_id: int, campaign_id: int, collection_id: int
) -> Import:
    content = await upload(request)

    def run() -> Import:
        principal = management(request)
        gamification = services(request).gamification
        return gamification.import_items(principal, collection_id, content, application_id, campaign_id)

    return await in_thread(run)


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
