"""Use cases of a campaign's achievements.

Names are unique per campaign (409). ``period`` uses the duration grammar (``1W``, ``30D``); an
achievement with ``activationPolicy: fixed_schedule`` starts at its ``fixedStartDate``, which it needs.
"""

from __future__ import annotations

from typing import Any

from openpromo.rules.durations import parse_duration
from openpromo.services.access import require_campaign
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import Conflict, ErrorDetail, NotFound, raise_problems
from openpromo.services.models.base import Page
from openpromo.services.models.convert import fields_of, from_row, given_fields
from openpromo.services.models.gamification import (
    Achievement,
    AchievementFields,
    CreateAchievement,
    UpdateAchievement,
)
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Clock, Contains, Row, UnitOfWork, UnitOfWorkFactory

ACHIEVEMENT_PAGE_SIZE = 50
_FIELDS = tuple(AchievementFields.__struct_fields__)


def achievement_record(row: Row, has_progress: bool = False) -> Achievement:
    return from_row(Achievement, row, user_id=row["user_id"] or 0, has_progress=has_progress)


def _problems(data: AchievementFields, current: Row | None) -> list[ErrorDetail]:
    """The checks of a new achievement, or of ``current`` with ``data``'s changes."""
    problems = []
    parsed = parse_duration(data.period) if data.period else None
    if data.period and (parsed is None or parsed.amount == 0):
        problems.append(
            ErrorDetail("Invalid value", f"{data.period!r} is not a positive duration", "/period")
        )
    if data.target is not None and data.target <= 0:
        problems.append(ErrorDetail("Invalid value", "the target is positive", "/target"))
    policy = data.activation_policy or (current or {}).get("activation_policy")
    start = data.fixed_start_date or (current or {}).get("fixed_start_date")
    end = data.end_date or (current or {}).get("end_date")
    if policy == "fixed_schedule" and start is None:
        problems.append(
            ErrorDetail("Invalid value", "a fixed schedule needs a fixedStartDate", "/fixedStartDate")
        )
    if start is not None and end is not None and end <= start:
        problems.append(ErrorDetail("Invalid value", "endDate must be after fixedStartDate", "/endDate"))
    return problems


class AchievementService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def _achievement(self, uow: UnitOfWork, campaign_id: int, ident: int) -> Row:
        row = uow.records.get("achievements", ident, campaign_id=campaign_id)
        if row is None:
            raise NotFound("achievement", ident)
        return row

    @staticmethod
    def _unique(uow: UnitOfWork, campaign_id: int, name: str | None, ident: int | None) -> None:
        if name is None:
            return
        other = uow.records.find_one("achievements", campaign_id=campaign_id, name=name)
        if other is not None and other["id"] != ident:
            raise Conflict(f"an achievement named {name!r} exists in this campaign", pointer="/name")

    def create(
        self, principal: ManagementPrincipal, app_id: int, campaign_id: int, data: CreateAchievement
    ) -> Achievement:
        with self._uow() as uow:
            require_campaign(uow.records, principal, app_id, campaign_id)
            raise_problems(_problems(data, None))
            self._unique(uow, campaign_id, data.name, None)
            columns = fields_of(data, *_FIELDS)
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

    def list(
        self,
        principal: ManagementPrincipal,
        app_id: int,
        campaign_id: int,
        page: PageRequest,
        title: str | None,
    ) -> Page:
        """``title``: a case-insensitive part of the title."""
        with self._uow(write=False) as uow:
            require_campaign(uow.records, principal, app_id, campaign_id)
            # the distribution key first (docs/scaling.md), then the campaign
            where: dict[str, Any] = {"application_id": app_id, "campaign_id": campaign_id}
            conditions = [Contains("title", title)] if title is not None else []
            return list_page(
                uow.records, "achievements", where, page, achievement_record, conditions=conditions
            )

    def get(self, principal: ManagementPrincipal, app_id: int, campaign_id: int, ident: int) -> Achievement:
        with self._uow(write=False) as uow:
            require_campaign(uow.records, principal, app_id, campaign_id)
            row = self._achievement(uow, campaign_id, ident)
            progress = uow.records.count("achievement_progress", achievement_id=ident) > 0
        return achievement_record(row, progress)

    def update(
        self,
        principal: ManagementPrincipal,
        app_id: int,
        campaign_id: int,
        ident: int,
        data: UpdateAchievement,
    ) -> Achievement:
        with self._uow() as uow:
            require_campaign(uow.records, principal, app_id, campaign_id)
            current = self._achievement(uow, campaign_id, ident)
            raise_problems(_problems(data, current))
            self._unique(uow, campaign_id, data.name, ident)
            if fields := given_fields(data, _FIELDS):
                uow.records.update("achievements", ident, fields)
            row = self._achievement(uow, campaign_id, ident)
            uow.commit()
        return achievement_record(row)

    def delete(self, principal: ManagementPrincipal, app_id: int, campaign_id: int, ident: int) -> None:
        with self._uow() as uow:
            require_campaign(uow.records, principal, app_id, campaign_id)
            self._achievement(uow, campaign_id, ident)
            uow.records.delete("achievements", ident)
            uow.records.delete_where("achievement_progress", achievement_id=ident)
            uow.commit()


__all__ = ["ACHIEVEMENT_PAGE_SIZE", "AchievementService", "achievement_record"]
