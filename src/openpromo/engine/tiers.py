"""Loyalty tiers: which tier a ledger is in, when that tier expires, what happens then, and what is
projected for the next expiry.

* A ledger **enters** a higher tier as soon as its active points reach the tier's ``minPoints`` (when
  points are added; the answer then carries ``changeLoyaltyTierLevel``). Tiers are never lowered by
  spending: only at the tier's expiry.
* A tier **expires** by the program's ``tiersExpirationPolicy`` and ``tiersExpireIn``:
  ``tier_start_date``: that long after entering the tier; ``program_join_date``: at the first multiple of it
  after the ledger joined the program that falls after entering the tier; ``absolute_expiration``: at the
  first multiple of it after ``tierCycleStartDate`` that falls after entering. Without a policy or a
  duration (and with ``customer_attribute``, whose attribute OpenPromo does not know), tiers do not expire.
* At expiry the tier is **reevaluated** from the active points at that moment by ``tiersDowngradePolicy``:
  ``one_down`` keeps the tier when the points still reach it and drops one tier otherwise;
  ``balance_based`` (the default) takes the tier the points reach. The tier kept or taken then runs for a
  new period from the expiry moment.

Pure: the caller supplies the active points at the moments asked about.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from openpromo.rules.durations import Duration, shift

ZERO = Decimal(0)
_MAX_PERIODS = 10_000


@dataclass(frozen=True, slots=True)
class Level:
    id: int
    name: str
    min_points: Decimal


@dataclass(frozen=True, slots=True)
class Policy:
    levels: tuple[Level, ...]
    """Lowest first."""
    expiration: str | None = None
    expire_in: Duration | None = None
    downgrade: str | None = None
    cycle_start: datetime | None = None

    def level(self, tier_id: int | None) -> Level | None:
        return next((x for x in self.levels if x.id == tier_id), None)

    def reached(self, active: Decimal) -> Level | None:
        """The highest tier ``active`` points reach."""
        return next((x for x in reversed(self.levels) if x.min_points <= active), None)

    def below(self, level: Level) -> Level | None:
        lower = [x for x in self.levels if x.min_points < level.min_points]
        return lower[-1] if lower else None

    def above(self, level: Level | None) -> Level | None:
        return next((x for x in self.levels if level is None or x.min_points > level.min_points), None)


@dataclass(frozen=True, slots=True)
class Standing:
    """A ledger's tier: which (``None``: none), since when, until when (``None``: no expiry)."""

    tier_id: int | None = None
    entered: datetime | None = None
    expires: datetime | None = None


@dataclass(frozen=True, slots=True)
class Projection:
    """The ``ProjectedTier``: the active points at the tier's expiry and the tier they give."""

    active: Decimal
    tier_name: str | None
    stay_points: Decimal | None
    """What the ledger lacks to keep its tier, when a downgrade is projected."""


def expiry(policy: Policy, entered: datetime, joined: datetime | None) -> datetime | None:
    """When a tier entered at ``entered`` expires."""
    if policy.expire_in is None or policy.expiration in (None, "customer_attribute"):
        return None
    if policy.expiration == "tier_start_date":
        return shift(entered, policy.expire_in)
    origin = policy.cycle_start if policy.expiration == "absolute_expiration" else joined
    if origin is None:
        return shift(entered, policy.expire_in)
    moment = origin
    for _ in range(_MAX_PERIODS):
        moment = shift(moment, policy.expire_in)
        if moment > entered:
            return moment
    return None


def upgrade(
    policy: Policy, standing: Standing, active: Decimal, now: datetime, joined: datetime | None
) -> Standing:
    """The standing after points were added: a higher tier when ``active`` reaches one."""
    target = policy.reached(active)
    current = policy.level(standing.tier_id)
    if target is None or (current is not None and target.min_points <= current.min_points):
        return standing
    return Standing(target.id, now, expiry(policy, now, joined))


def reevaluated(policy: Policy, standing: Standing, active: Decimal) -> Level | None:
    """The tier at the standing's expiry, with ``active`` points then."""
    current = policy.level(standing.tier_id)
    if policy.downgrade == "one_down" and current is not None:
        return current if active >= current.min_points else policy.below(current)
    return policy.reached(active)


def roll(
    policy: Policy,
    standing: Standing,
    active_at: Callable[[datetime], Decimal],
    until: datetime,
    joined: datetime | None,
) -> Standing:
    """The standing at ``until``: every expiry up to then reevaluated in turn."""
    for _ in range(_MAX_PERIODS):
        moment = standing.expires
        if moment is None or moment > until or standing.tier_id is None:
            return standing
        level = reevaluated(policy, standing, active_at(moment))
        if level is None:
            return Standing()
        entered = standing.entered if level.id == standing.tier_id else moment
        standing = replace(
            standing, tier_id=level.id, entered=entered, expires=expiry(policy, moment, joined)
        )
    return standing


def projection(
    policy: Policy, standing: Standing, active_at: Callable[[datetime], Decimal]
) -> Projection | None:
    """What the tier's next expiry is projected to give (``None``: no tier, or it does not expire)."""
    current = policy.level(standing.tier_id)
    if current is None or standing.expires is None:
        return None
    active = active_at(standing.expires)
    level = reevaluated(policy, standing, active)
    stay = current.min_points - active if level is None or level.min_points < current.min_points else None
    return Projection(active, level.name if level else None, stay)


def next_tier(policy: Policy, standing: Standing, active: Decimal) -> tuple[str, Decimal] | None:
    """The next tier's name and the points missing to reach it (``None`` at the top tier)."""
    following = policy.above(policy.level(standing.tier_id))
    if following is None:
        return None
    return following.name, max(following.min_points - active, ZERO)


def levels(rows: Sequence[tuple[int, str, Decimal]]) -> tuple[Level, ...]:
    """Tiers from (id, name, minPoints), lowest first."""
    return tuple(sorted((Level(i, n, Decimal(m)) for i, n, m in rows), key=lambda x: (x.min_points, x.id)))


__all__ = [
    "Level",
    "Policy",
    "Projection",
    "Standing",
    "expiry",
    "levels",
    "next_tier",
    "projection",
    "reevaluated",
    "roll",
    "upgrade",
]
