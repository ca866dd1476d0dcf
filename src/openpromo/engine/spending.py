"""A campaign run as the effect converters see it: what it may spend and what is left to discount.

``engine.run.CampaignRun`` is a ``Spending``; ``engine.converters`` turns effect requests into effects
through this class only, so the modules import one way (run → converters → spending).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo import rules
from openpromo.engine.budgets import Ledger, Scope
from openpromo.engine.discounts import Remaining
from openpromo.engine.effects import Commitments, Origin
from openpromo.engine.lookups import Lookups
from openpromo.engine.model import Campaign, CounterKey, Coupon, Limit, Referral, Settings
from openpromo.engine.money import round_money

ZERO = Decimal(0)


class CannotApply(Exception):
    """An effect that budgets, limits or missing data keep from being applied."""


@dataclass
class Spending:
    campaign: Campaign
    settings: Settings
    now: datetime
    scope: Scope
    ledger: Ledger
    remaining: Remaining
    lookups: Lookups
    new_id: Callable[[], str]
    profile: str
    coupon: Coupon | None = None
    referral: Referral | None = None
    commitments: Commitments = field(default_factory=Commitments)
    deferred: list[tuple[Origin, rules.EffectRequest]] = field(default_factory=list)
    achievement_progress: dict[int, Decimal] = field(default_factory=dict)
    """Progress after this run's increases, by achievement id (several rules may increase one)."""
    loyalty: Mapping[str, Any] = field(default_factory=dict)
    """The ``Loyalty`` root (balances of the session's profile and card, by program id as text)."""
    card: str | None = None
    """The session's loyalty card identifier."""
    card_valid: bool = False

    @property
    def limits(self) -> tuple[Limit, ...]:
        return self.campaign.limits

    def rounded(self, value: Decimal) -> Decimal:
        """Money rounded to the currency's minor units."""
        return round_money(value, self.settings.currency_digits)

    def room(self, action: str) -> Decimal | None:
        """What the campaign's budgets for ``action`` have left (None: no limit)."""
        return self.ledger.room(self.campaign.id, self.limits, action, self.scope)

    def take(self, action: str, amount: Decimal) -> None:
        """Spend ``amount`` of the ``action`` budgets; ``CannotApply`` when they cannot cover it."""
        room = self.room(action)
        if room is not None and room < amount:
            raise CannotApply(f"the campaign's {action} budget is used up")
        self.ledger.take(self.campaign.id, self.limits, action, self.scope, amount)

    def counters(self, action: str) -> tuple[CounterKey, ...]:
        """The counters that ``take(action, ...)`` spends from in this run."""
        found: list[CounterKey] = []
        for limit in self.limits:
            if limit.action == action:
                found.extend(self.ledger.counters(self.campaign.id, limit, self.scope) or ())
        return tuple(found)

    def money(self, requested: Decimal, room: Decimal) -> Decimal:
        """How much of a requested discount is given: capped, within budgets and the coupon's limit."""
        value = max(min(requested, room), ZERO)
        budget = self.room("setDiscount")
        if self.coupon is not None and self.coupon.discount_limit is not None:
            left = self.coupon.discount_limit - self.coupon.discount_counter
            left -= self.commitments.coupon_discounts.get(self.coupon.id, ZERO)
            budget = left if budget is None else min(budget, left)
        if budget is not None and budget < value:
            if not self.settings.partial_discounts or budget <= 0:
                raise CannotApply("the discount budget cannot cover this discount")
            value = max(budget, ZERO)
        self.take("setDiscountEffect", Decimal(1))
        self.ledger.take(self.campaign.id, self.limits, "setDiscount", self.scope, value)
        if self.coupon is not None and self.coupon.discount_limit is not None:
            discounts = self.commitments.coupon_discounts
            discounts[self.coupon.id] = discounts.get(self.coupon.id, ZERO) + value
        return value


__all__ = ["ZERO", "CannotApply", "Spending"]
