"""Tiers: entering on added points, expiry by policy, reevaluation by downgrade policy, projections."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from openpromo.engine import tiers
from openpromo.engine.tiers import Policy, Standing
from openpromo.rules.durations import parse_duration

LEVELS = tiers.levels(
    [(1, "silver", Decimal(100)), (3, "platinum", Decimal(1000)), (2, "gold", Decimal(500))]
)
JAN = datetime(2026, 1, 10, 12, tzinfo=UTC)


def policy(**fields: object) -> Policy:
    return Policy(LEVELS, **fields)  # type: ignore[arg-type]


def test_levels_sort_by_min_points_and_reached_takes_the_highest() -> None:
    assert [x.name for x in LEVELS] == ["silver", "gold", "platinum"]
    p = policy()
    assert p.reached(Decimal("99.99")) is None
    assert p.reached(Decimal(500)).name == "gold"  # type: ignore[union-attr]
    assert p.reached(Decimal(10**6)).name == "platinum"  # type: ignore[union-attr]


def test_upgrade_enters_a_higher_tier_only() -> None:
    p = policy(expiration="tier_start_date", expire_in=parse_duration("1Y"))
    standing = tiers.upgrade(p, Standing(), Decimal(600), JAN, None)
    assert standing == Standing(2, JAN, datetime(2027, 1, 10, 12, tzinfo=UTC))
    assert tiers.upgrade(p, standing, Decimal(200), JAN, None) == standing  # never down by spending
    assert tiers.upgrade(p, Standing(), Decimal(50), JAN, None) == Standing()


def test_expiry_by_policy() -> None:
    joined = datetime(2025, 6, 1, tzinfo=UTC)
    cycle = datetime(2020, 1, 1, tzinfo=UTC)
    year = parse_duration("1Y")
    assert tiers.expiry(policy(), JAN, joined) is None
    assert tiers.expiry(policy(expiration="tier_start_date"), JAN, joined) is None
    assert tiers.expiry(policy(expiration="customer_attribute", expire_in=year), JAN, joined) is None
    assert tiers.expiry(policy(expiration="program_join_date", expire_in=year), JAN, joined) == datetime(
        2026, 6, 1, tzinfo=UTC
    )
    assert tiers.expiry(
        policy(expiration="absolute_expiration", expire_in=year, cycle_start=cycle), JAN, None
    ) == (datetime(2027, 1, 1, tzinfo=UTC))
    assert tiers.expiry(
        policy(expiration="tier_start_date", expire_in=parse_duration("1M_U")), JAN, None
    ) == (datetime(2026, 2, 28, 23, 59, 59, tzinfo=UTC))


def test_roll_reevaluates_at_each_expiry() -> None:
    half = parse_duration("6M")
    start = Standing(3, JAN, datetime(2026, 7, 10, 12, tzinfo=UTC))
    one_down = policy(expiration="tier_start_date", expire_in=half, downgrade="one_down")
    balance = policy(expiration="tier_start_date", expire_in=half, downgrade="balance_based")

    def flat(points: int):  # type: ignore[no-untyped-def]
        return lambda _at: Decimal(points)

    later = datetime(2026, 8, 1, tzinfo=UTC)
    assert tiers.roll(balance, start, flat(150), later, None).tier_id == 1
    assert tiers.roll(one_down, start, flat(150), later, None).tier_id == 2
    kept = tiers.roll(one_down, start, flat(5000), later, None)
    assert kept == Standing(3, JAN, datetime(2027, 1, 10, 12, tzinfo=UTC))
    two_years = datetime(2028, 1, 1, tzinfo=UTC)
    assert tiers.roll(one_down, start, flat(0), two_years, None) == Standing()
    assert tiers.roll(balance, start, flat(150), JAN, None) == start  # nothing expired yet


def test_projection_and_next_tier() -> None:
    p = policy(expiration="tier_start_date", expire_in=parse_duration("6M"), downgrade="one_down")
    standing = Standing(2, JAN, datetime(2026, 7, 10, 12, tzinfo=UTC))
    down = tiers.projection(p, standing, lambda _at: Decimal(420))
    assert down == tiers.Projection(Decimal(420), "silver", Decimal(80))
    stay = tiers.projection(p, standing, lambda _at: Decimal(700))
    assert stay == tiers.Projection(Decimal(700), "gold", None)
    assert tiers.projection(p, Standing(), lambda _at: Decimal(0)) is None
    assert tiers.next_tier(p, standing, Decimal(700)) == ("platinum", Decimal(300))
    assert tiers.next_tier(p, Standing(), Decimal(20)) == ("silver", Decimal(80))
    assert tiers.next_tier(p, Standing(3, JAN, None), Decimal(2000)) is None


def test_rounding_follows_the_program_time_zone() -> None:
    from zoneinfo import ZoneInfo

    from openpromo.rules.durations import shift

    berlin = ZoneInfo("Europe/Berlin")
    moment = datetime(
        2026, 3, 10, 23, 30, tzinfo=UTC
    )  # already 11 March in Berlin: +1D, 00:00 on 12 March there
    assert shift(moment, parse_duration("1D_D"), zone=berlin) == datetime(2026, 3, 11, 23, tzinfo=UTC)
    assert shift(moment, parse_duration("1D_D")) == datetime(2026, 3, 11, tzinfo=UTC)
    end_of_month = shift(moment, parse_duration("1M_U"), zone=berlin)
    assert end_of_month == datetime(2026, 4, 30, 21, 59, 59, tzinfo=UTC)  # CEST, UTC+2
