"""Facts about account-level things that effects name: loyalty programs, giveaway pools, achievements.

The service loads what the running campaigns may need; an effect naming something absent fails its rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from openpromo.engine.achievements import Period
from openpromo.engine.tiers import Policy


@dataclass(frozen=True, slots=True)
class Program:
    id: int
    name: str
    title: str
    card_based: bool
    default_pending: str
    default_validity: str
    allow_subledger: bool
    return_policy: str = "only_pending"
    tiers: Policy | None = None
    """The program's tier policy (None: no tiers)."""
    join_policy: str = "not_join"
    """When a customer joins (``programJoinPolicy``): ``points_earned``, ``points_activated`` or never."""
    timezone: str = "UTC"
    """The program's time zone: durations with ``_D``/``_U`` round in its wall clock."""


@dataclass(frozen=True, slots=True)
class Achievement:
    """An achievement of a campaign and where the session's profile stands in its current period."""

    id: int
    name: str
    target: Decimal
    progress: Decimal
    tracker_id: int | None = None
    """The profile's progress record, when it has one."""
    period: Period | None = None
    """The period a progress made now goes to (None: the achievement takes no progress now)."""


@dataclass(frozen=True, slots=True)
class Lookups:
    programs: Mapping[int, Program] = field(default_factory=dict)
    pools: Mapping[int, str] = field(default_factory=dict)
    achievements: Mapping[tuple[int, str], Achievement] = field(default_factory=dict)
    additional_cost_ids: Mapping[str, int] = field(default_factory=dict)
    audiences: Mapping[int, str] = field(default_factory=dict)


__all__ = ["Achievement", "Lookups", "Program"]
