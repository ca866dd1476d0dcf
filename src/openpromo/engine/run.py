"""One evaluation of one campaign (with at most one coupon in context): rules → effects.

Rules run in order; a fired rule's effects are turned into API effects one by one with capping and
budgets. A rule whose effect cannot be applied fails whole (its effects are dropped) and, when a coupon
is in play, rejects it with ``EffectCouldNotBeApplied``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo import rules
from openpromo.engine.budgets import Ledger, Scope
from openpromo.engine.coupons import coupon_limits
from openpromo.engine.discounts import Remaining
from openpromo.engine.effects import Commitments, Effect, Origin, RuleFailure
from openpromo.engine.lookups import Lookups
from openpromo.engine.model import Campaign, Coupon, Limit, Referral, Settings
from openpromo.engine.money import round_money, split_pro_rata

ZERO = Decimal(0)


class CannotApply(Exception):
    """An effect that budgets, limits or missing data keep from being applied."""


@dataclass
class CampaignRun:
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
    coupon_reason: tuple[str, str] | None = None
    referral: Referral | None = None
    referral_reason: tuple[str, str] | None = None
    effects: list[Effect] = field(default_factory=list)
    failures: list[RuleFailure] = field(default_factory=list)
    commitments: Commitments = field(default_factory=Commitments)
    deferred: list[tuple[Origin, rules.EffectRequest]] = field(default_factory=list)
    triggered: bool = False
    achievement_progress: dict[int, Decimal] = field(default_factory=dict)
    """Progress after this run's increases, by achievement id (several rules may increase one)."""
    coupon_accepted: bool = False
    referral_accepted: bool = False
    allowed_units: frozenset[tuple[int, int]] | None = None
    """In a ``cartItem``-scope group, the units this campaign won; per-unit effects on others are
    dropped (None: every unit)."""

    @property
    def discount_total(self) -> Decimal:
        return sum((e.amount for e in self.effects), ZERO)

    def origin(self, rule_index: int, title: str) -> Origin:
        return Origin(
            self.campaign.id,
            self.campaign.ruleset_id,
            rule_index,
            title,
            self.campaign.group.id,
            self.campaign.group.mode,
            self.coupon.id if self.coupon else None,
        )

    # -- the rules ---------------------------------------------------------------------------

    def apply(self, result: rules.RulesetResult) -> None:
        coupon_miss: tuple[str, str, int | None] | None = None
        referral_miss: tuple[str, str, int | None] | None = None
        for outcome in result.rules:
            info = self.campaign.rules[outcome.rule_index]
            origin = self.origin(outcome.rule_index, outcome.title)
            if outcome.error is not None:
                self._fail(origin, str(outcome.error), outcome)
                continue
            if not outcome.fired:
                if info.checks_coupon and self.coupon is not None and coupon_miss is None:
                    coupon_miss = _miss(
                        self.coupon_reason, "CouponRejectedByCondition", outcome.condition_index
                    )
                if info.checks_referral and self.referral is not None and referral_miss is None:
                    referral_miss = _miss(
                        self.referral_reason, "ReferralRejectedByCondition", outcome.condition_index
                    )
                continue
            self._fire(origin, outcome, info.checks_coupon, info.checks_referral)
        if self.coupon is not None and not self.coupon_accepted:
            miss = coupon_miss or _miss(self.coupon_reason, "CouponRejectedByCondition", None)
            self.effects.append(self._reject_coupon(*miss))
        if self.referral is not None and not self.referral_accepted:
            miss = referral_miss or _miss(self.referral_reason, "ReferralRejectedByCondition", None)
            self.effects.append(self._reject_referral(*miss))

    def _fire(
        self, origin: Origin, outcome: rules.RuleOutcome, checks_coupon: bool, checks_referral: bool
    ) -> None:
        saved = (self.ledger.fork(), self.remaining.copy(), len(self.deferred))
        produced: list[Effect] = []
        accept_coupon = checks_coupon and self.coupon is not None and not self.coupon_accepted
        accept_referral = checks_referral and self.referral is not None and not self.referral_accepted
        try:
            if accept_coupon and self.coupon is not None:
                produced.append(Effect(origin, "acceptCoupon", {"value": self.coupon.value}))
                self._take("redeemCoupon", Decimal(1))
                self.ledger.take(
                    self.campaign.id, coupon_limits(self.coupon), "redeemCoupon", self.scope, Decimal(1)
                )
            if accept_referral and self.referral is not None:
                produced.append(Effect(origin, "acceptReferral", {"value": self.referral.code}))
                self._take("redeemReferral", Decimal(1))
            pro_rata: list[rules.SetDiscountPerItemProRata] = []
            for index, request in enumerate(outcome.effects):
                if not self._unit_allowed(request):
                    continue
                try:
                    if isinstance(request, rules.SetDiscountPerItemProRata):
                        pro_rata.append(request)
                        continue
                    produced.extend(self._effect(origin, request))
                except CannotApply as exc:
                    raise _RuleCannotApply(str(exc), index) from None
            if pro_rata:
                produced.extend(self._pro_rata(origin, pro_rata))
        except _RuleCannotApply as exc:
            self.ledger, self.remaining = saved[0], saved[1]
            del self.deferred[saved[2] :]
            self.failures.append(self._failure(origin, exc.details, effect_index=exc.effect_index))
            if accept_coupon:
                self.effects.append(
                    self._reject_coupon(
                        "EffectCouldNotBeApplied", exc.details, None, effect_index=exc.effect_index
                    )
                )
                self.coupon = None  # rejected once; later rules run without it
            if accept_referral:
                self.effects.append(
                    self._reject_referral(
                        "EffectCouldNotBeApplied", exc.details, None, effect_index=exc.effect_index
                    )
                )
                self.referral = None
            return
        if accept_coupon and self.coupon is not None:
            self.coupon_accepted = True
            self.commitments.coupon_redemptions.append(self.coupon.id)
        if accept_referral and self.referral is not None:
            self.referral_accepted = True
            self.commitments.referral_redemptions.append(self.referral.id)
        self.effects.extend(produced)
        self.triggered = True

    def _unit_allowed(self, request: rules.EffectRequest) -> bool:
        if self.allowed_units is None:
            return True
        position = getattr(request, "position", None)
        return position is None or (position, getattr(request, "sub_position", 0)) in self.allowed_units

    def _fail(self, origin: Origin, details: str, outcome: rules.RuleOutcome) -> None:
        self.failures.append(
            self._failure(
                origin, details, condition_index=outcome.condition_index, effect_index=outcome.effect_index
            )
        )

    def _failure(
        self,
        origin: Origin,
        details: str,
        *,
        condition_index: int | None = None,
        effect_index: int | None = None,
    ) -> RuleFailure:
        return RuleFailure(
            origin,
            self.campaign.name,
            details,
            coupon_value=self.coupon.value if self.coupon else None,
            referral_id=self.referral.id if self.referral else None,
            referral_value=self.referral.code if self.referral else None,
            condition_index=condition_index,
            effect_index=effect_index,
        )

    def _reject_coupon(
        self, reason: str, details: str, condition: int | None, *, effect_index: int | None = None
    ) -> Effect:
        assert self.coupon is not None
        props: dict[str, Any] = {"value": self.coupon.value, "rejectionReason": reason, "details": details}
        if condition is not None:
            props["conditionIndex"] = condition
        if effect_index is not None:
            props["effectIndex"] = effect_index
        return Effect(self.origin(0, self._first_title()), "rejectCoupon", props, condition_index=condition)

    def _reject_referral(
        self, reason: str, details: str, condition: int | None, *, effect_index: int | None = None
    ) -> Effect:
        assert self.referral is not None
        props: dict[str, Any] = {"value": self.referral.code, "rejectionReason": reason, "details": details}
        if condition is not None:
            props["conditionIndex"] = condition
        if effect_index is not None:
            props["effectIndex"] = effect_index
        return Effect(self.origin(0, self._first_title()), "rejectReferral", props, condition_index=condition)

    def _first_title(self) -> str:
        return self.campaign.rules[0].title if self.campaign.rules else ""

    # -- budgets -----------------------------------------------------------------------------

    def _limits(self) -> tuple[Limit, ...]:
        return self.campaign.limits

    def _room(self, action: str) -> Decimal | None:
        return self.ledger.room(self.campaign.id, self._limits(), action, self.scope)

    def _take(self, action: str, amount: Decimal) -> None:
        room = self._room(action)
        if room is not None and room < amount:
            raise CannotApply(f"the campaign's {action} budget is used up")
        self.ledger.take(self.campaign.id, self._limits(), action, self.scope, amount)

    def _money(self, requested: Decimal, room: Decimal) -> Decimal:
        """How much of a requested discount is given: capped, within budgets and the coupon's limit."""
        value = max(min(requested, room), ZERO)
        budget = self._room("setDiscount")
        if self.coupon is not None and self.coupon.discount_limit is not None:
            left = self.coupon.discount_limit - self.coupon.discount_counter
            left -= self.commitments.coupon_discounts.get(self.coupon.id, ZERO)
            budget = left if budget is None else min(budget, left)
        if budget is not None and budget < value:
            if not self.settings.partial_discounts or budget <= 0:
                raise CannotApply("the discount budget cannot cover this discount")
            value = max(budget, ZERO)
        self._take("setDiscountEffect", Decimal(1))
        self.ledger.take(self.campaign.id, self._limits(), "setDiscount", self.scope, value)
        if self.coupon is not None and self.coupon.discount_limit is not None:
            discounts = self.commitments.coupon_discounts
            discounts[self.coupon.id] = discounts.get(self.coupon.id, ZERO) + value
        return value

    def _discount_props(self, name: str, value: Decimal, requested: Decimal) -> dict[str, Any]:
        props: dict[str, Any] = {"name": name, "value": value}
        if value != requested:
            props["desiredValue"] = requested
        return props

    # -- effects -----------------------------------------------------------------------------

    def _round(self, value: Decimal) -> Decimal:
        return round_money(value, self.settings.currency_digits)

    def _effect(self, origin: Origin, request: rules.EffectRequest) -> list[Effect]:
        from openpromo.engine.converters import convert

        return convert(self, origin, request)

    def _pro_rata(self, origin: Origin, requests: list[rules.SetDiscountPerItemProRata]) -> list[Effect]:
        effects: list[Effect] = []
        groups: dict[tuple[str, Decimal], list[rules.SetDiscountPerItemProRata]] = {}
        for request in requests:
            groups.setdefault((request.name, request.total_discount), []).append(request)
        for (name, total), parts in groups.items():
            asked = self._round(total)
            shares = split_pro_rata(asked, [max(p.value, ZERO) for p in parts], self.settings.currency_digits)
            for part, share in zip(parts, shares, strict=True):
                unit = (part.position, part.sub_position)
                room = self.remaining.unit_room(unit, "price")
                value = self._money(share, room)
                self.remaining.take_unit(unit, "price", value)
                props = self._discount_props(name, value, share)
                props.update(position=part.position, subPosition=part.sub_position, totalDiscount=asked)
                effects.append(Effect(origin, "setDiscountPerItem", props, amount=value, unit=unit))
        return effects


def _miss(
    reason: tuple[str, str] | None, fallback: str, condition: int | None
) -> tuple[str, str, int | None]:
    """Why a code was not accepted: the check it failed before the rules, or the rule's conditions."""
    if reason is not None:
        return reason[0], reason[1], None
    return fallback, "the rule's conditions are not met", condition


class _RuleCannotApply(Exception):
    def __init__(self, details: str, effect_index: int) -> None:
        super().__init__(details)
        self.details = details
        self.effect_index = effect_index


__all__ = ["CampaignRun", "CannotApply"]
