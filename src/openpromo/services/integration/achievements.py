"""A customer's achievements through the Integration API: the achievements available to them with their
current progress (``getCustomerAchievements``) and their periods of one achievement
(``getCustomerAchievementHistory``). docs/offers.md, "Achievements", says what each status means.

Both are filtered, counted and paged by the database (``uow.achievements``); an unknown customer
profile, or an achievement that is not in the key's application, is a 404.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from openpromo.services.access import application_snapshot
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.data.achievements import Entry, EntryQuery, HistoryQuery
from openpromo.services.data.records import Progress
from openpromo.services.errors import InvalidInput, NotFound
from openpromo.services.integration.base import IntegrationService
from openpromo.services.models.convert import from_row
from openpromo.services.models.gamification import (
    AchievementProgress,
    AchievementProgressPage,
    AchievementStatusEntry,
    AchievementStatusPage,
)
from openpromo.services.paging import PageRequest

ACHIEVEMENT_STATUSES = ("active", "scheduled")
CURRENT_STATUSES = ("inprogress", "completed", "not_started")
HISTORY_STATUSES = ("inprogress", "completed", "expired")


def listed(values: Sequence[str] | None, allowed: Sequence[str], parameter: str) -> list[str] | None:
    """A comma-separated (or repeated) list of enum values; 400 naming ``parameter`` for another value."""
    if values is None:
        return None
    found = [part.strip() for value in values for part in value.split(",") if part.strip()]
    for value in found:
        if value not in allowed:
            raise InvalidInput(f"{value[:100]!r} is not one of {', '.join(allowed)}", parameter=parameter)
    return found or None


def listed_ids(values: Sequence[str] | None, parameter: str) -> list[int] | None:
    """A comma-separated (or repeated) list of ids; 400 naming ``parameter`` for one that is not."""
    if values is None:
        return None
    found = [part.strip() for value in values for part in value.split(",") if part.strip()]
    if not all(part.isdigit() and len(part) <= 18 for part in found):
        raise InvalidInput(f"{parameter} is a comma-separated list of ids", parameter=parameter)
    return [int(part) for part in found] or None


class CustomerAchievementService(IntegrationService):
    def achievements(
        self,
        principal: IntegrationPrincipal,
        integration_id: str,
        *,
        campaign_ids: Sequence[int] | None,
        achievement_ids: Sequence[int] | None,
        statuses: Sequence[str] | None,
        progress_statuses: Sequence[str] | None,
        page: PageRequest,
    ) -> AchievementStatusPage:
        """The application's achievements (``active`` ones unless ``statuses`` says otherwise), by id,
        each with the customer's current progress."""
        now = self._clock.now()
        query = EntryQuery(
            campaign_ids=campaign_ids,
            achievement_ids=achievement_ids,
            statuses=tuple(statuses or ("active",)),
            progress_statuses=progress_statuses,
            skip=page.skip,
            limit=page.page_size,
        )
        with self._uow(write=False) as uow:
            application_snapshot(self._snapshots, uow, principal)
            data = uow.achievements
            if not data.profile_known(principal.account_id, integration_id):
                raise NotFound("customer profile", integration_id)
            entries, total = data.entries(principal.application_id, integration_id, query, now)
        return AchievementStatusPage(total_result_size=total, data=[_entry(e) for e in entries])

    def history(
        self,
        principal: IntegrationPrincipal,
        integration_id: str,
        achievement_id: int,
        *,
        statuses: Sequence[str] | None,
        start: datetime | None,
        end: datetime | None,
        page: PageRequest,
    ) -> AchievementProgressPage:
        """The customer's periods of the achievement, newest first."""
        now = self._clock.now()
        query = HistoryQuery(statuses, start, end, skip=page.skip, limit=page.page_size)
        with self._uow(write=False) as uow:
            application_snapshot(self._snapshots, uow, principal)
            data = uow.achievements
            if not data.profile_known(principal.account_id, integration_id):
                raise NotFound("customer profile", integration_id)
            if not data.achievement_known(principal.application_id, achievement_id):
                raise NotFound("achievement", achievement_id)
            periods, total = data.history(
                principal.application_id, achievement_id, integration_id, query, now
            )
        return AchievementProgressPage(
            total_result_size=total, data=[_progress(p, p.status) for p in periods]
        )


def _progress(period: Progress, status: str) -> AchievementProgress:
    return AchievementProgress(
        status=status,
        progress=period.progress,
        start_date=period.start_date,
        completion_date=period.completion_date,
        end_date=period.end_date,
    )


def _entry(entry: Entry) -> AchievementStatusEntry:
    definition = entry.definition
    if entry.latest is None or entry.progress_status == "not_started":
        current = AchievementProgress(status="not_started", progress=Decimal(0))
    else:
        current = _progress(entry.latest, entry.progress_status)
    return from_row(
        AchievementStatusEntry,
        definition,
        target=Decimal(definition["target"] or 0),
        recurrence_policy=definition["recurrence_policy"] or "no_recurrence",
        activation_policy=definition["activation_policy"] or "user_action",
        allow_rollback_after_completion=bool(definition["allow_rollback_after_completion"]),
        status=entry.status,
        current_progress=current,
    )


__all__ = [
    "ACHIEVEMENT_STATUSES",
    "CURRENT_STATUSES",
    "HISTORY_STATUSES",
    "CustomerAchievementService",
    "listed",
    "listed_ids",
]
