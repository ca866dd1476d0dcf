"""Achievements over time: which period a progress made now falls in, and how a stored period reads.

Pure: the caller gives the definition, the profile's periods of it (oldest first), the moment and the
application's time zone (docs/offers.md, "Achievements").

- ``period`` (the duration grammar, ``rules.durations``) is how long a period lasts; without one a period
  lasts until the achievement's ``endDate``. ``periodEndOverride`` moves a period's end to a moment of
  the last unit of the period (the month and day of a ``Y`` period, the day of a ``M`` period, the
  weekday of a ``W`` period, the time of day of every unit from ``D`` up).
- ``activationPolicy``: ``user_action`` starts a customer's period at their first progress;
  ``fixed_schedule`` cuts time into periods from ``fixedStartDate`` on, the same for everyone (before it,
  nobody progresses).
- ``recurrencePolicy``: ``no_recurrence``, one period per customer (once it completed or expired, there
  is no other); ``on_expiration``, a new period once the previous one ended; ``on_completion``, a new
  period as soon as the previous one completed (or ended).
- ``endDate``: nobody progresses from then on.

A period's key (``period_key``) is its ordinal, ``"1"`` first: with a fixed schedule the number of the
schedule's period counted from ``fixedStartDate`` (a period restarted by ``on_completion`` inside it is
``"<n>.<k>"``, k from 2); with ``user_action`` the number of the customer's periods so far plus one.
Two requests that start the same period compute the same key, so the row's unique key makes them meet.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from openpromo.rules.durations import Duration, parse_duration, shift

ZERO = Decimal(0)
_APPROXIMATE = {"s": 1, "m": 60, "h": 3600, "D": 86400, "W": 604800, "M": 2629746, "Y": 31556952}


@dataclass(frozen=True, slots=True)
class Definition:
    """An achievement as the evaluation needs it."""

    id: int
    campaign_id: int
    name: str
    target: Decimal
    period: str = ""
    period_end_override: Mapping[str, Any] | None = None
    recurrence_policy: str = "no_recurrence"
    activation_policy: str = "user_action"
    fixed_start_date: datetime | None = None
    end_date: datetime | None = None
    allow_rollback_after_completion: bool = False


@dataclass(frozen=True, slots=True)
class Tracked:
    """One period of a profile in an achievement, as stored."""

    id: int
    key: str
    progress: Decimal
    status: str
    start: datetime
    end: datetime | None
    completed: datetime | None = None


@dataclass(frozen=True, slots=True)
class Period:
    """Where a progress goes: the row of ``key`` (created with ``start`` and ``end`` when new)."""

    key: str
    start: datetime
    end: datetime | None


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a profile stands now: the period a progress would go to (None: none can be made now, and
    ``reason`` says why), the progress already in it and its row."""

    period: Period | None
    progress: Decimal = ZERO
    tracker_id: int | None = None
    reason: str = ""


def ended(row: Tracked, now: datetime) -> bool:
    return row.end is not None and row.end <= now


def row_status(status: str, end: datetime | None, now: datetime) -> str:
    """A stored period's status as read: one that ended before completing is ``expired``."""
    if status != "completed" and end is not None and end <= now:
        return "expired"
    return status


def standing(definition: Definition, rows: Sequence[Tracked], now: datetime, zone: tzinfo) -> Standing:
    """Where a progress made at ``now`` goes (``rows``: the profile's periods, oldest first)."""
    if definition.end_date is not None and now >= definition.end_date:
        return Standing(None, reason="the achievement has ended")
    duration = _duration(definition.period)
    recurrence = definition.recurrence_policy or "no_recurrence"
    if (definition.activation_policy or "user_action") == "fixed_schedule":
        return _fixed(definition, duration, recurrence, rows, now, zone)
    latest = rows[-1] if rows else None
    if latest is not None and not ended(latest, now):
        if latest.status != "completed":
            return Standing(Period(latest.key, latest.start, latest.end), latest.progress, latest.id)
        if recurrence != "on_completion":
            return Standing(None, reason="the achievement is completed")
    elif latest is not None and recurrence == "no_recurrence":
        return Standing(None, reason="the achievement can be taken once and its period is over")
    key = str(_next_ordinal(rows))
    end = boundary(now, duration, 1, definition.period_end_override, zone) if duration else None
    return Standing(Period(key, now, end))


def _fixed(
    definition: Definition,
    duration: Duration | None,
    recurrence: str,
    rows: Sequence[Tracked],
    now: datetime,
    zone: tzinfo,
) -> Standing:
    origin = definition.fixed_start_date
    if origin is None or now < origin:
        return Standing(None, reason="the achievement has not started")
    if duration is None:
        index, start, end = 0, origin, None
    else:
        index, start, end = _window(origin, duration, definition.period_end_override, now, zone)
    if recurrence == "no_recurrence" and index > 0:
        return Standing(None, reason="the achievement can be taken once and its period is over")
    base = str(index + 1)
    inside = [r for r in rows if r.key == base or r.key.startswith(base + ".")]
    latest = inside[-1] if inside else None
    if latest is None:
        return Standing(Period(base, start, end))
    if latest.status != "completed":
        return Standing(Period(latest.key, latest.start, latest.end), latest.progress, latest.id)
    if recurrence != "on_completion":
        return Standing(None, reason="the achievement is completed for this period")
    return Standing(Period(f"{base}.{len(inside) + 1}", now, end))


def _next_ordinal(rows: Sequence[Tracked]) -> int:
    return max((int(r.key) for r in rows if r.key.isdigit()), default=0) + 1


def _duration(period: str) -> Duration | None:
    parsed = parse_duration(period) if period else None
    return parsed if parsed is not None and parsed.amount > 0 else None


def boundary(
    origin: datetime, duration: Duration, count: int, override: Mapping[str, Any] | None, zone: tzinfo
) -> datetime:
    """The end of the ``count``-th period after ``origin``: ``origin`` + ``count`` periods, rounded as the
    duration says, then moved to ``override`` within its last unit."""
    moved = shift(origin, Duration(duration.amount * count, duration.unit, duration.rounding), zone=zone)
    return _override(moved, duration.unit, override, zone) if override else moved


def _override(moment: datetime, unit: str, point: Mapping[str, Any], zone: tzinfo) -> datetime:
    if unit not in "DWMY":
        return moment
    local = moment.astimezone(zone)
    year, month, day = local.year, local.month, local.day
    if unit == "Y" and point.get("month"):
        month = int(point["month"])
    if unit in "YM" and point.get("dayOfMonth"):
        day = int(point["dayOfMonth"])
    day = min(day, calendar.monthrange(year, month)[1])
    moved = local.replace(
        year=year,
        month=month,
        day=day,
        hour=int(point.get("hour") or 0),
        minute=int(point.get("minute") or 0),
        second=int(point.get("second") or 0),
        microsecond=0,
    )
    if unit == "W" and point.get("dayOfWeek"):
        moved += timedelta(days=int(point["dayOfWeek"]) - 1 - moved.weekday())
    return moved.astimezone(UTC)


def _window(
    origin: datetime,
    duration: Duration,
    override: Mapping[str, Any] | None,
    now: datetime,
    zone: tzinfo,
) -> tuple[int, datetime, datetime]:
    """The schedule's period that holds ``now``: its index (0 first), start and end. Period ``k`` runs
    from the ``k``-th boundary to the next (the 0th is ``origin``)."""

    def edge(k: int) -> datetime:
        return origin if k == 0 else boundary(origin, duration, k, override, zone)

    step = _APPROXIMATE[duration.unit] * duration.amount
    k = max(int((now - origin).total_seconds() // step) - 1, 0)
    while k > 0 and edge(k) > now:
        k -= 1
    while edge(k + 1) <= now:
        k += 1
    return k, edge(k), edge(k + 1)


__all__ = [
    "Definition",
    "Period",
    "Standing",
    "Tracked",
    "boundary",
    "ended",
    "row_status",
    "standing",
]
