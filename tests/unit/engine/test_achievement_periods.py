"""Which period a progress made now goes to (``engine.achievements.standing``): period lengths and their
rounding in the application's time zone, end overrides, fixed schedules, recurrence and end dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpromo.engine.achievements import Definition, Tracked, row_status, standing

NOW = datetime(2025, 3, 12, 15, 30, tzinfo=UTC)  # a Wednesday


def definition(**fields: Any) -> Definition:
    return Definition(id=1, campaign_id=1, name="a", target=Decimal(5), **fields)


def tracked(key: str, start: datetime, end: datetime | None, status: str = "inprogress") -> Tracked:
    return Tracked(1, key, Decimal(2), status, start, end)


def test_a_customers_first_progress_starts_their_period() -> None:
    found = standing(definition(period="1W"), [], NOW, UTC)
    assert found.period is not None and found.progress == 0 and found.tracker_id is None
    assert (found.period.key, found.period.start, found.period.end) == ("1", NOW, NOW + timedelta(weeks=1))
    assert standing(definition(), [], NOW, UTC).period.end is None  # type: ignore[union-attr]


def test_rounding_and_overrides_follow_the_time_zone() -> None:
    month_end = standing(definition(period="1M_U"), [], NOW, UTC).period
    assert month_end is not None and month_end.end == datetime(2025, 4, 30, 23, 59, 59, tzinfo=UTC)
    berlin = ZoneInfo("Europe/Berlin")
    day_end = standing(definition(period="1D_U"), [], NOW, berlin).period
    assert day_end is not None and day_end.end == datetime(2025, 3, 13, 22, 59, 59, tzinfo=UTC)
    point = {"month": 11, "dayOfMonth": 23, "hour": 23, "minute": 59, "second": 59}
    override = standing(definition(period="1Y", period_end_override=point), [], NOW, UTC)
    assert override.period is not None and override.period.end == datetime(
        2026, 11, 23, 23, 59, 59, tzinfo=UTC
    )
    sunday = {"dayOfWeek": 7, "hour": 20, "minute": 0, "second": 0}
    weekly = standing(definition(period="1W", period_end_override=sunday), [], NOW, UTC).period
    assert weekly is not None and weekly.end == datetime(2025, 3, 23, 20, 0, tzinfo=UTC)


def test_a_fixed_schedule_cuts_periods_from_its_start() -> None:
    origin = NOW - timedelta(days=10)
    recurring = {"activation_policy": "fixed_schedule", "recurrence_policy": "on_expiration"}
    weekly = definition(period="7D", fixed_start_date=origin, **recurring)
    found = standing(weekly, [], NOW, UTC).period
    assert found is not None and (found.key, found.start, found.end) == (
        "2",
        origin + timedelta(days=7),
        origin + timedelta(days=14),
    )
    monthly = definition(period="1M", fixed_start_date=datetime(2024, 1, 31, tzinfo=UTC), **recurring)
    march = standing(monthly, [], NOW, UTC).period
    assert march is not None and march.key == "14"
    assert (march.start, march.end) == (datetime(2025, 2, 28, tzinfo=UTC), datetime(2025, 3, 31, tzinfo=UTC))
    later = definition(activation_policy="fixed_schedule", fixed_start_date=NOW + timedelta(days=1))
    assert standing(later, [], NOW, UTC).reason == "the achievement has not started"
    once = definition(
        period="7D",
        activation_policy="fixed_schedule",
        fixed_start_date=origin,
        recurrence_policy="no_recurrence",
    )
    assert standing(once, [], NOW, UTC).period is None  # its only period is over


def test_recurrence_decides_what_follows_a_period() -> None:
    ended = tracked("1", NOW - timedelta(days=10), NOW - timedelta(days=3))
    assert standing(definition(period="7D"), [ended], NOW, UTC).period is None
    again = standing(definition(period="7D", recurrence_policy="on_expiration"), [ended], NOW, UTC)
    assert again.period is not None and again.period.key == "2" and again.progress == 0
    running = tracked("1", NOW - timedelta(days=1), NOW + timedelta(days=6))
    kept = standing(definition(period="7D"), [running], NOW, UTC)
    assert kept.period is not None and kept.period.key == "1" and kept.progress == 2 and kept.tracker_id == 1
    done = tracked("1", NOW - timedelta(days=1), NOW + timedelta(days=6), "completed")
    assert (
        standing(definition(period="7D", recurrence_policy="on_expiration"), [done], NOW, UTC).period is None
    )
    restarted = standing(definition(period="7D", recurrence_policy="on_completion"), [done], NOW, UTC)
    assert restarted.period is not None and restarted.period.key == "2"


def test_nothing_progresses_after_the_end_date_and_ended_periods_read_expired() -> None:
    over = definition(end_date=NOW)
    assert standing(over, [], NOW, UTC).reason == "the achievement has ended"
    assert row_status("inprogress", NOW, NOW) == "expired"
    assert row_status("completed", NOW, NOW) == "completed"
    assert row_status("inprogress", None, NOW) == "inprogress"
