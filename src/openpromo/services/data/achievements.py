"""``AchievementData``: the narrow, typed port of customers' progress in achievements
(``achievement_progress``), reached as ``uow.achievements`` (docs/offers.md, "Achievements").

Progress is written with one atomic upsert per increase (``progress = progress + delta`` capped at the
target, the status and completion date set in the same statement), so parallel writers never lose an
increment; rollbacks are one conditional update. The reads a customer's achievements and history need
are filtered and paged by the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from openpromo.services.data.records import Progress


@dataclass(frozen=True, slots=True)
class Advance:
    """An increase of a profile's progress in one period of an achievement (the period's row is created
    with ``start`` and ``end`` when it is new)."""

    application_id: int
    achievement_id: int
    profile: str
    period_key: str
    start: datetime
    end: datetime | None
    delta: Decimal
    target: Decimal


@dataclass(frozen=True, slots=True)
class Advanced:
    """The period's row after an increase."""

    id: int
    progress: Decimal
    status: str


@dataclass(frozen=True, slots=True)
class EntryQuery:
    """Which achievements of an application a customer's list holds (None: no filter)."""

    campaign_ids: Sequence[int] | None = None
    achievement_ids: Sequence[int] | None = None
    statuses: Sequence[str] = ("active",)
    """``active`` and/or ``scheduled``."""
    progress_statuses: Sequence[str] | None = None
    """The current progress's status: ``inprogress``, ``completed``, ``not_started``."""
    skip: int = 0
    limit: int = 1000


@dataclass(frozen=True, slots=True)
class Entry:
    """An achievement (its ``achievements`` columns), its status now and the customer's latest period
    of it (None: none yet) with that period's status now (``not_started`` when a new period is next)."""

    definition: dict[str, Any]
    status: str
    latest: Progress | None
    progress_status: str


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    statuses: Sequence[str] | None = None
    """``inprogress``, ``completed``, ``expired``."""
    start: datetime | None = None
    """Periods that started then or later."""
    end: datetime | None = None
    """Periods that started then or earlier."""
    skip: int = 0
    limit: int = 1000


class AchievementData(Protocol):
    def advance(self, advance: Advance, now: datetime) -> Advanced | None:
        """Add ``delta`` to the period's progress (created at zero when new), capped at the target; at
        the target the period is ``completed`` as of ``now``. None: the period was completed already."""

    def roll_back(self, progress_id: int, amount: Decimal, *, after_completion: bool) -> Decimal | None:
        """Take ``amount`` off a period's progress (never below zero); it is in progress again. A
        completed period is rolled back only ``after_completion``. The progress left, or None (nothing
        rolled back)."""

    def profile_known(self, account_id: int, integration_id: str) -> bool: ...

    def achievement_known(self, application_id: int, achievement_id: int) -> bool:
        """Whether the achievement belongs to a campaign of the application that is not deleted."""

    def entries(
        self, application_id: int, profile: str, query: EntryQuery, now: datetime
    ) -> tuple[list[Entry], int]:
        """A page of the application's achievements (by id) and how many match."""

    def history(
        self, application_id: int, achievement_id: int, profile: str, query: HistoryQuery, now: datetime
    ) -> tuple[list[Progress], int]:
        """A page of the profile's periods of the achievement, newest first, and how many match; each
        with its status now (``expired`` once it ended unfinished)."""


__all__ = ["AchievementData", "Advance", "Advanced", "Entry", "EntryQuery", "HistoryQuery"]
