"""Budget counters (``LimitConfig``): which counters an action touches, and how much room they have.

A limit with no entities is one campaign-wide counter; with entities it is one counter per combination
(``Coupon=12|Profile=alice``). Periods roll over in the application's time zone (ISO weeks).
A counter whose entity is missing from the context (an anonymous profile, no identifiers) has no room.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpromo.engine.model import CounterKey, Limit


def period_key(period: str | None, now: datetime, timezone: ZoneInfo) -> str:
    if not period:
        return ""
    local = now.astimezone(timezone)
    if period == "daily":
        return f"D{local:%Y-%m-%d}"
    if period == "weekly":
        year, week, _ = local.isocalendar()
        return f"W{year}-{week:02d}"
    if period == "monthly":
        return f"M{local:%Y-%m}"
    return f"Y{local:%Y}"


@dataclass(frozen=True, slots=True)
class Scope:
    """The entities in play for one evaluation: what a limit's ``entities`` resolve to."""

    profile: str | None
    coupon_id: int | None = None
    referral_id: int | None = None
    identifiers: tuple[str, ...] = ()
    store: str | None = None
    session: str | None = None

    def entity_keys(self, entities: Iterable[str]) -> list[str] | None:
        """The counters' entity keys, or None when an entity is missing (no room)."""
        keys = [""]
        for entity in sorted(entities):
            if entity == "Identifier":
                if not self.identifiers:
                    return None
                keys = [
                    f"{k}|Identifier={i}" if k else f"Identifier={i}" for k in keys for i in self.identifiers
                ]
                continue
            value = {
                "Profile": self.profile,
                "Coupon": self.coupon_id,
                "Referral": self.referral_id,
                "Store": self.store,
                "Session": self.session,
            }.get(entity)
            if value is None or value == "":
                return None
            keys = [f"{k}|{entity}={value}" if k else f"{entity}={value}" for k in keys]
        return keys


@dataclass
class Ledger:
    """Consumed amounts per counter: what storage holds plus what this evaluation has taken so far."""

    stored: Mapping[CounterKey, Decimal]
    timezone: ZoneInfo
    now: datetime
    pending: dict[CounterKey, Decimal] = field(default_factory=dict)
    limits: dict[CounterKey, Decimal] = field(default_factory=dict)
    points: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    """Loyalty points this evaluation deducted so far, by (program id, subledger id): a failed rule
    gives its deductions back with the rest of the fork."""

    def counters(self, campaign_id: int, limit: Limit, scope: Scope) -> list[CounterKey] | None:
        entity_keys = scope.entity_keys(limit.entities)
        if entity_keys is None:
            return None
        period = period_key(limit.period, self.now, self.timezone)
        return [(campaign_id, limit.action, key, period) for key in entity_keys]

    def room(self, campaign_id: int, limits: Iterable[Limit], action: str, scope: Scope) -> Decimal | None:
        """How much of ``action`` may still happen (None: unlimited)."""
        room: Decimal | None = None
        for limit in limits:
            if limit.action != action:
                continue
            keys = self.counters(campaign_id, limit, scope)
            if keys is None:
                return Decimal(0)
            for key in keys:
                used = self.stored.get(key, Decimal(0)) + self.pending.get(key, Decimal(0))
                left = max(limit.limit - used, Decimal(0))
                room = left if room is None else min(room, left)
        return room

    def take(
        self, campaign_id: int, limits: Iterable[Limit], action: str, scope: Scope, amount: Decimal
    ) -> None:
        for limit in limits:
            if limit.action != action:
                continue
            for key in self.counters(campaign_id, limit, scope) or ():
                self.pending[key] = self.pending.get(key, Decimal(0)) + amount
                self.limits[key] = limit.limit

    def fork(self) -> Ledger:
        return Ledger(
            self.stored, self.timezone, self.now, dict(self.pending), dict(self.limits), dict(self.points)
        )


def candidate_counters(
    campaign_id: int, limits: Iterable[Limit], scopes: Iterable[Scope], now: datetime, timezone: ZoneInfo
) -> set[CounterKey]:
    """Every counter an evaluation might read, so storage can load (and lock) them in one query."""
    ledger = Ledger({}, timezone, now)
    found: set[CounterKey] = set()
    for scope in scopes:
        for limit in limits:
            found.update(ledger.counters(campaign_id, limit, scope) or ())
    return found


__all__ = ["Ledger", "Scope", "candidate_counters", "period_key"]
