"""One evaluation of one campaign (with at most one coupon in context): rules → effects.

Rules run in order; a fired rule's effects are turned into API effects one by one with capping and
budgets. A rule whose effect cannot be applied fails whole (its effects are dropped) and, when a coupon
is in play, rejects it with ``EffectCouldNotBeApplied``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpromo import rules
from openpromo.engine.converters import convert, convert_pro_rata
from openpromo.engine.coupons import coupon_limits
from openpromo.engine.effects import Effect, Origin, RuleFailure
from openpromo.engine.spending import ZERO, CannotApply, Spending


@dataclass
class CampaignRun(Spending):
    coupon_reason: tuple[str, str] | None = None
    referral_reason: tuple[str, str] | None = None
    effects: list[Effect] = field(default_factory=list)
    failures: list[RuleFailure] = field(default_factory=list)
    triggered: bool = False
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
        """A fired rule: its effects apply whole (with its codes accepted), or not at all."""
        saved = (self.ledger.fork(), self.remaining.copy(), len(self.deferred))
        accept_coupon = checks_coupon and self.coupon is not None and not self.coupon_accepted
        accept_referral = checks_referral and self.referral is not None and not self.referral_accepted
        try:
            try:
                produced = self._accept(origin, accept_coupon, accept_referral)
            except CannotApply as exc:  # the codes' redemption budgets are used up
                raise _RuleCannotApply(str(exc), None) from None
            produced.extend(self._convert(origin, outcome.effects))
        except _RuleCannotApply as exc:
            self.ledger, self.remaining = saved[0], saved[1]
            del self.deferred[saved[2] :]
            self._cannot_apply(origin, exc, accept_coupon, accept_referral)
            return
        if accept_coupon and self.coupon is not None:
            self.coupon_accepted = True
            self.commitments.coupon_redemptions.append(self.coupon.id)
        if accept_referral and self.referral is not None:
            self.referral_accepted = True
            self.commitments.referral_redemptions.append(self.referral.id)
        self.effects.extend(produced)
        self.triggered = True

    def _accept(self, origin: Origin, coupon: bool, referral: bool) -> list[Effect]:
        """The acceptance of the codes a fired rule checked, with their redemptions budgeted."""
        produced: list[Effect] = []
        if coupon and self.coupon is not None:
            produced.append(Effect(origin, "acceptCoupon", {"value": self.coupon.value}))
            self.take("redeemCoupon", Decimal(1))
            self.ledger.take(
                self.campaign.id, coupon_limits(self.coupon), "redeemCoupon", self.scope, Decimal(1)
            )
        if referral and self.referral is not None:
            produced.append(Effect(origin, "acceptReferral", {"value": self.referral.code}))
            self.take("redeemReferral", Decimal(1))
        return produced

    def _convert(self, origin: Origin, requests: tuple[rules.EffectRequest, ...]) -> list[Effect]:
        """A fired rule's effect requests as effects; pro-rata discounts are split together, last."""
        produced: list[Effect] = []
        pro_rata: list[rules.SetDiscountPerItemProRata] = []
        first_pro_rata: int | None = None
        for index, request in enumerate(requests):
            if not self._unit_allowed(request):
                continue
            try:
                if isinstance(request, rules.SetDiscountPerItemProRata):
                    pro_rata.append(request)
                    first_pro_rata = index if first_pro_rata is None else first_pro_rata
                    continue
                produced.extend(convert(self, origin, request))
            except CannotApply as exc:
                raise _RuleCannotApply(str(exc), index) from None
        if pro_rata:
            try:
                produced.extend(convert_pro_rata(self, origin, pro_rata))
            except CannotApply as exc:  # the discount budget cannot cover the split
                raise _RuleCannotApply(str(exc), first_pro_rata) from None
        return produced

    def _cannot_apply(self, origin: Origin, exc: _RuleCannotApply, coupon: bool, referral: bool) -> None:
        """A rule that failed whole: its failure, and the rejection of the codes it would have accepted."""
        self.failures.append(self._failure(origin, exc.details, effect_index=exc.effect_index))
        if coupon:
            self.effects.append(
                self._reject_coupon(
                    "EffectCouldNotBeApplied", exc.details, None, effect_index=exc.effect_index
                )
            )
            self.coupon = None  # rejected once; later rules run without it
        if referral:
            self.effects.append(
                self._reject_referral(
                    "EffectCouldNotBeApplied", exc.details, None, effect_index=exc.effect_index
                )
            )
            self.referral = None

    def _unit_allowed(self, request: rules.EffectRequest) -> bool:
        if self.allowed_units is None:
            return True
        position = getattr(request, "position", None)
        return position is None or (position, getattr(request, "sub_position", 0)) in self.allowed_units

    def _fail(self, origin: Origin, details: str, outcome: rules.RuleOutcome) -> None:
        self.failures.append(
            self._failure(
                origin,
                details,
                condition_index=outcome.condition_index,
                effect_index=outcome.effect_index,
                error=True,
            )
        )

    def _failure(
        self,
        origin: Origin,
        details: str,
        *,
        condition_index: int | None = None,
        effect_index: int | None = None,
        error: bool = False,
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
            error=error,
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


def _miss(
    reason: tuple[str, str] | None, fallback: str, condition: int | None
) -> tuple[str, str, int | None]:
    """Why a code was not accepted: the check it failed before the rules, or the rule's conditions."""
    if reason is not None:
        return reason[0], reason[1], None
    return fallback, "the rule's conditions are not met", condition


class _RuleCannotApply(Exception):
    def __init__(self, details: str, effect_index: int | None) -> None:
        super().__init__(details)
        self.details = details
        self.effect_index = effect_index


__all__ = ["CampaignRun"]
