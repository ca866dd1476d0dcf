"""Achievements and collections (spec: CreateAchievement, UpdateAchievement, Achievement, TimePoint,
NewCollection, NewCampaignCollection, UpdateCollection, UpdateCampaignCollection, Collection)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from openpromo.services.models.base import Amount, Int64, Model, Text1000, Time

AchievementName = Annotated[str, msgspec.Meta(min_length=1, max_length=1000, pattern=r"^[a-zA-Z]\w+$")]
# the spec's ^[^[:cntrl:]\s][^[:cntrl:]]*$ in Python's regular expressions
CollectionName = Annotated[
    str, msgspec.Meta(min_length=1, max_length=1000, pattern=r"^[^\x00-\x1f\x7f\s][^\x00-\x1f\x7f]*$")
]
Recurrence = Literal["no_recurrence", "on_expiration", "on_completion"]
Activation = Literal["user_action", "fixed_schedule"]


class TimePoint(Model, kw_only=True):
    month: Annotated[int, msgspec.Meta(ge=1, le=12)] | None = None
    day_of_month: Annotated[int, msgspec.Meta(ge=1, le=31)] | None = None
    day_of_week: Annotated[int, msgspec.Meta(ge=1, le=7)] | None = None
    hour: Annotated[int, msgspec.Meta(ge=0, le=23)]
    minute: Annotated[int, msgspec.Meta(ge=0, le=59)]
    second: Annotated[int, msgspec.Meta(ge=0, le=59)]


class AchievementFields(Model, kw_only=True):
    name: AchievementName | None = None
    title: Text1000 | None = None
    description: str | None = None
    target: Amount | None = None
    period: Annotated[str, msgspec.Meta(max_length=32)] | None = None
    period_end_override: TimePoint | None = None
    recurrence_policy: Recurrence | None = None
    activation_policy: Activation | None = None
    fixed_start_date: Time | None = None
    end_date: Time | None = None
    allow_rollback_after_completion: bool | None = None


class CreateAchievement(AchievementFields, kw_only=True):
    name: AchievementName
    title: Text1000
    description: str
    target: Amount


class UpdateAchievement(AchievementFields, kw_only=True):
    pass


class Achievement(Model, kw_only=True):
    id: int
    created: datetime
    name: str
    title: str
    description: str
    target: Decimal
    period: str | None = None
    period_end_override: TimePoint | None = None
    recurrence_policy: Recurrence | None = None
    activation_policy: Activation | None = None
    fixed_start_date: datetime | None = None
    end_date: datetime | None = None
    allow_rollback_after_completion: bool | None = None
    campaign_id: int
    user_id: int
    has_progress: bool | None = None


class AchievementProgress(Model, kw_only=True):
    """A customer's progress in one period of an achievement."""

    status: str
    """``inprogress``, ``completed``, ``expired`` or ``not_started``."""
    progress: Decimal
    start_date: datetime | None = None
    completion_date: datetime | None = None
    end_date: datetime | None = None


class AchievementStatusEntry(Model, kw_only=True):
    """An achievement available to a customer, with the customer's current progress in it."""

    id: int
    created: datetime
    name: str
    title: str
    description: str
    target: Decimal
    period: str | None = None
    period_end_override: TimePoint | None = None
    recurrence_policy: Recurrence | None = None
    activation_policy: Activation | None = None
    fixed_start_date: datetime | None = None
    end_date: datetime | None = None
    allow_rollback_after_completion: bool | None = None
    campaign_id: int | None = None
    status: Literal["active", "scheduled"] | None = None
    current_progress: AchievementProgress | None = None


class AchievementStatusPage(Model, kw_only=True):
    total_result_size: int
    data: list[AchievementStatusEntry]


class AchievementProgressPage(Model, kw_only=True):
    total_result_size: int
    data: list[AchievementProgress]


class NewCollection(Model, kw_only=True):
    description: str | None = None
    subscribed_applications_ids: list[Int64] | None = None
    name: CollectionName


class NewCampaignCollection(Model, kw_only=True):
    description: str | None = None
    name: CollectionName


class UpdateCollection(Model, kw_only=True):
    description: str | None = None
    subscribed_applications_ids: list[Int64] | None = None


class UpdateCampaignCollection(Model, kw_only=True):
    description: str | None = None


class CollectionItem(Model, kw_only=True):
    item: str


class Collection(Model, kw_only=True):
    id: int
    created: datetime
    account_id: int
    modified: datetime
    description: str | None = None
    subscribed_applications_ids: list[int] | None = None
    name: str
    modified_by: int | None = None
    created_by: int
    application_id: int | None = None
    campaign_id: int | None = None
    payload: list[str] | None = None


__all__ = [
    "Achievement",
    "AchievementFields",
    "AchievementProgress",
    "AchievementProgressPage",
    "AchievementStatusEntry",
    "AchievementStatusPage",
    "Collection",
    "CollectionItem",
    "CreateAchievement",
    "NewCampaignCollection",
    "NewCollection",
    "TimePoint",
    "UpdateAchievement",
    "UpdateCampaignCollection",
    "UpdateCollection",
]
