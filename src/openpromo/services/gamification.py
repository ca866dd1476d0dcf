"""Use cases of a campaign's achievements and of collections (account-level or of a campaign).

Achievement names are unique per campaign (409). ``period`` uses the duration grammar (``1W``, ``30D``).
A collection's items are strings, replaced whole by a CSV import (one ``item`` column).
"""

from __future__ import annotations

from typing import Any

from openpromo.rules.durations import parse_duration
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.campaigns import CampaignService
from openpromo.services.errors import Conflict, InvalidInput, NotFound
from openpromo.services.models.base import Page
from openpromo.services.models.convert import fields_of, from_row
from openpromo.services.models.coupons import Import
from openpromo.services.models.gamification import (
    Achievement,
    AchievementFields,
    Collection,
    CreateAchievement,
    NewCollection,
    UpdateAchievement,
    UpdateCollection,
)
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Clock, Row, UnitOfWork, UnitOfWorkFactory
from openpromo.services.uploads import csv_rows, record_import

_ACHIEVEMENT = tuple(AchievementFields.__struct_fields__)


def achievement_record(row: Row, has_progress: bool = False) -> Achievement:
    return from_row(Achievement, row, user_id=row["user_id"] or 0, has_progress=has_progress)


def collection_record(row: Row) -> Collection:
    return from_row(
        Collection,
        row,
        modified=row["modified"] or row["created"],
        created_by=row["created_by"] or 0,
        payload=None,
    )


class GamificationService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, campaigns: CampaignService) -> None:
        self._uow = uow
        self._clock = clock
        self._campaigns = campaigns

    # -- achievements ----------------------------------------------------------------------------

    @staticmethod
    def _check(data: AchievementFields) -> None:
        if data.period is not None and parse_duration(data.period) is None:
            raise InvalidInput(f"{data.period!r} is not a duration", pointer="/period")
        if data.target is not None and data.target <= 0:
            raise InvalidInput("the target is positive", pointer="/target")

    def _achievement(self, uow: UnitOfWork, campaign_id: int, ident: int) -> Row:
        row = uow.records.get("achievements", ident, campaign_id=campaign_id)
        if row is None:
            raise NotFound("achievement", ident)
        return row

    def create_achievement(
        self, principal: ManagementPrincipal, app_id: int, campaign_id: int, data: CreateAchievement
    ) -> Achievement:
        self._check(data)
        with self._uow() as uow:
            self._campaigns._require(uow.records, principal, app_id, campaign_id)
            if uow.records.find_one("achievements", campaign_id=campaign_id, name=data.name):
                raise Conflict(f"an achievement named {data.name!r} exists in this campaign", pointer="/name")
            columns = fields_of(data, *_ACHIEVEMENT)
            columns.update(
                period=data.period or "",
                allow_rollback_after_completion=bool(data.allow_rollback_after_completion),
            )
            ident = uow.records.insert(
                "achievements",
                {
                    **columns,
                    "application_id": app_id,
                    "campaign_id": campaign_id,
                    "created": self._clock.now(),
                    "user_id": principal.actor_id,
                },
            )
            row = self._achievement(uow, campaign_id, ident)
            uow.commit()
        return achievement_record(row)

    def list_achievements(
        self,
        principal: ManagementPrincipal,
        app_id: int,
        campaign_id: int,
        page: PageRequest,
        title: str | None,
    ) -> Page:
        where: dict[str, Any] = {"campaign_id": campaign_id}
        if title:
            where["title"] = title
        with self._uow(write=False) as uow:
            self._campaigns._require(uow.records, principal, app_id, campaign_id)
            return list_page(uow.records, "achievements", where, page, achievement_record)

    def get_achievement(
        self, principal: ManagementPrincipal, app_id: int, campaign_id: int, ident: int
    ) -> Achievement:
        with self._uow(write=False) as uow:
            self._campaigns._require(uow.records, principal, app_id, campaign_id)
            row = self._achievement(uow, campaign_id, ident)
            progress = uow.records.count("achievement_progress", achievement_id=ident) > 0
        return achievement_record(row, progress)

    def update_achievement(
        self,
        principal: ManagementPrincipal,
        app_id: int,
        campaign_id: int,
        ident: int,
        data: UpdateAchievement,
    ) -> Achievement:
        self._check(data)
        with self._uow() as uow:
            self._campaigns._require(uow.records, principal, app_id, campaign_id)
            self._achievement(uow, campaign_id, ident)
            if data.name is not None:
                other = uow.records.find_one("achievements", campaign_id=campaign_id, name=data.name)
                if other is not None and other["id"] != ident:
                    raise Conflict(
                        f"an achievement named {data.name!r} exists in this campaign", pointer="/name"
                    )
            names = [n for n in _ACHIEVEMENT if getattr(data, n) is not None]
            if names:
                uow.records.update("achievements", ident, fields_of(data, *names))
            row = self._achievement(uow, campaign_id, ident)
            uow.commit()
        return achievement_record(row)

    def delete_achievement(
        self, principal: ManagementPrincipal, app_id: int, campaign_id: int, ident: int
    ) -> None:
        with self._uow() as uow:
            self._campaigns._require(uow.records, principal, app_id, campaign_id)
            self._achievement(uow, campaign_id, ident)
            uow.records.delete("achievements", ident)
            uow.records.delete_where("achievement_progress", achievement_id=ident)
            uow.commit()

    # -- collections -----------------------------------------------------------------------------

    def create_collection(
        self,
        principal: ManagementPrincipal,
        data: NewCollection,
        app_id: int | None = None,
        campaign_id: int | None = None,
    ) -> Collection:
        now = self._clock.now()
        with self._uow() as uow:
            if campaign_id is not None and app_id is not None:
                self._campaigns._require(uow.records, principal, app_id, campaign_id)
            ident = uow.records.insert(
                "collections",
                {
                    **fields_of(data, "name", "description", "subscribed_applications_ids"),
                    "account_id": principal.account_id,
                    "application_id": app_id,
                    "campaign_id": campaign_id,
                    "created": now,
                    "modified": now,
                    "items": [],
                    "created_by": principal.actor_id,
                },
            )
            row = uow.records.get("collections", ident)
            uow.commit()
        assert row is not None
        return collection_record(row)

    def _collection(
        self,
        uow: UnitOfWork,
        principal: ManagementPrincipal,
        ident: int,
        app_id: int | None,
        campaign_id: int | None,
    ) -> Row:
        if campaign_id is not None and app_id is not None:
            self._campaigns._require(uow.records, principal, app_id, campaign_id)
        row = uow.records.get("collections", ident, account_id=principal.account_id, campaign_id=campaign_id)
        if row is None:
            raise NotFound("collection", ident)
        return row

    def list_collections(
        self,
        principal: ManagementPrincipal,
        page: PageRequest,
        name: str | None,
        app_id: int | None = None,
        campaign_id: int | None = None,
    ) -> Page:
        where: dict[str, Any] = {"account_id": principal.account_id, "campaign_id": campaign_id}
        if app_id is not None and campaign_id is None:
            where.pop("campaign_id")
            where["application_id"] = app_id
        if name:
            where["name"] = name
        with self._uow(write=False) as uow:
            if campaign_id is not None and app_id is not None:
                self._campaigns._require(uow.records, principal, app_id, campaign_id)
            return list_page(uow.records, "collections", where, page, collection_record)

    def get_collection(
        self,
        principal: ManagementPrincipal,
        ident: int,
        app_id: int | None = None,
        campaign_id: int | None = None,
    ) -> Collection:
        with self._uow(write=False) as uow:
            return collection_record(self._collection(uow, principal, ident, app_id, campaign_id))

    def update_collection(
        self,
        principal: ManagementPrincipal,
        ident: int,
        data: UpdateCollection,
        app_id: int | None = None,
        campaign_id: int | None = None,
    ) -> Collection:
        with self._uow() as uow:
            self._collection(uow, principal, ident, app_id, campaign_id)
            names = [
                n for n in ("description", "subscribed_applications_ids") if getattr(data, n) is not None
            ]
            uow.records.update(
                "collections",
                ident,
                {**fields_of(data, *names), "modified": self._clock.now(), "modified_by": principal.actor_id},
            )
            row = uow.records.get("collections", ident)
            uow.commit()
        assert row is not None
        return collection_record(row)

    def delete_collection(
        self,
        principal: ManagementPrincipal,
        ident: int,
        app_id: int | None = None,
        campaign_id: int | None = None,
    ) -> None:
        with self._uow() as uow:
            self._collection(uow, principal, ident, app_id, campaign_id)
            uow.records.delete("collections", ident)
            uow.commit()

    def import_items(
        self,
        principal: ManagementPrincipal,
        ident: int,
        content: bytes,
        app_id: int | None = None,
        campaign_id: int | None = None,
    ) -> Import:
        items = parse_items(content)
        now = self._clock.now()
        with self._uow() as uow:
            self._collection(uow, principal, ident, app_id, campaign_id)
            uow.records.update(
                "collections", ident, {"items": items, "modified": now, "modified_by": principal.actor_id}
            )
            record = record_import(uow, principal, "Collection", len(items), now, app_id)
            uow.commit()
        return record

    def items(self, principal: ManagementPrincipal, ident: int, page: PageRequest) -> Page:
        with self._uow(write=False) as uow:
            row = uow.records.get("collections", ident, account_id=principal.account_id)
        if row is None:
            raise NotFound("collection", ident)
        items = row["items"] or []
        chunk = items[page.skip : page.skip + page.page_size]
        return Page(has_more=page.skip + page.page_size < len(items), data=chunk)


def parse_items(content: bytes) -> list[str]:
    header, lines = csv_rows(content)
    if header != ["item"]:
        raise InvalidInput("the CSV has one column, item", pointer="/upFile")
    items = [cells.get("item", "") for _line, cells in lines]
    return list(dict.fromkeys(i for i in items if i))


__all__ = ["GamificationService", "achievement_record", "collection_record", "parse_items"]
