"""The state of one evaluation: its inputs, what has been decided so far, and one campaign's runs.

``State`` moves forward as campaigns apply; a group that must choose among its members evaluates each
on a ``fork`` and ``adopt``s the winner. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpromo import rules
from openpromo.engine import context as roots
from openpromo.engine.budgets import Ledger, Scope
from openpromo.engine.coupons import coupon_rejection, referral_rejection
from openpromo.engine.discounts import Remaining
from openpromo.engine.effects import Commitments, Effect, Origin, RuleFailure
from openpromo.engine.lookups import Lookups
from openpromo.engine.model import (
    Campaign,
    CounterKey,
    Coupon,
    EvaluationGroup,
    Profile,
    Referral,
    Session,
    Settings,
)
from openpromo.engine.run import CampaignRun

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Inputs:
    settings: Settings
    session: Session
    profile: Profile | None
    campaigns: Sequence[Campaign]
    coupons: Mapping[str, Coupon]
    """Session coupon codes (as sent) → the coupon found for each; missing codes are not found."""
    referral: Referral | None
    counters: Mapping[CounterKey, Decimal]
    now: datetime
    new_id: Callable[[], str]
    lookups: Lookups = field(default_factory=Lookups)
    store_attributes: Mapping[str, Any] | None = None
    loyalty: Mapping[str, Any] = field(default_factory=dict)
    """The ``Loyalty`` root: balances by program id (as text), see ``services.ledgers``."""
    loyalty_card_valid: bool = False
    accepted_coupons: frozenset[int] = frozenset()
    """Coupons a re-evaluation takes as valid: the session redeemed them when it closed."""
    accepted_referrals: frozenset[int] = frozenset()
    groups: Mapping[int, EvaluationGroup] = field(default_factory=dict)
    """Every evaluation group of the application, for the tree (groups without campaigns too)."""
    event: tuple[str, Mapping[str, Any]] | None = None
    """The event evaluated for (its type and attributes): the ``Event`` root; None in a session."""


@dataclass
class Evaluation:
    effects: list[Effect]
    failures: list[RuleFailure]
    consumed: dict[CounterKey, Decimal]
    limits: dict[CounterKey, Decimal]
    commitments: Commitments
    deferred: list[tuple[Origin, rules.EffectRequest]]
    triggered_campaigns: list[int]


class State:
    """What the evaluation has decided so far; campaigns that apply move it forward."""

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs
        settings = inputs.settings
        self.ledger = Ledger(inputs.counters, ZoneInfo(settings.timezone), inputs.now)
        self.remaining = Remaining.of(inputs.session)
        self.effects: list[Effect] = []
        self.failures: list[RuleFailure] = []
        self.commitments = Commitments()
        self.deferred: list[tuple[Origin, rules.EffectRequest]] = []
        self.triggered: list[int] = []
        self._base: dict[str, Any] | None = None

    def roots(self) -> dict[str, Any]:
        """The Talang roots; rebuilt after each applied campaign when discounts cascade."""
        if self._base is not None:
            return self._base
        inputs, session = self.inputs, self.inputs.session
        cascading = inputs.settings.cascading
        items = [
            roots.item_root(
                item, sub, self.remaining.unit_price[(item.position, sub)] if cascading else item.price
            )
            for item, sub in roots.units(session)
        ]
        discounted_total = self.remaining.total if cascading else session.total
        discounted_items = self.remaining.items_total if cascading else session.cart_item_total
        base: dict[str, Any] = {
            "Session": roots.session_root(session, items, discounted_total, discounted_items),
            "Profile": roots.profile_root(inputs.profile),
            "Application": roots.attributes_root(inputs.settings.attributes),
            "Loyalty": dict(inputs.loyalty),
        }
        if inputs.event is not None:
            kind, attributes = inputs.event
            base["Event"] = {"Type": kind, **roots.attributes_root(attributes)}
        if session.store_integration_id:
            store = {"IntegrationId": session.store_integration_id}
            store.update(roots.attributes_root(inputs.store_attributes or {}))
            base["Store"] = store
        self._base = base
        return base

    def fork(self) -> State:
        """A copy to evaluate on in isolation (a member a group's mode may not choose)."""
        child = State(self.inputs)
        child.ledger, child.remaining, child._base = self.ledger.fork(), self.remaining.copy(), self._base
        return child

    def accept(self, run: CampaignRun) -> None:
        """Apply a campaign's run."""
        self._take(run.effects, run.failures, run.commitments, run.deferred)
        self.ledger, self.remaining = run.ledger, run.remaining
        if run.triggered and run.campaign.id not in self.triggered:
            self.triggered.append(run.campaign.id)
        if self.inputs.settings.cascading and run.effects:
            self._base = None

    def adopt(self, child: State) -> None:
        """Apply what a fork decided (a group that won its parent's mode)."""
        self._take(child.effects, child.failures, child.commitments, child.deferred)
        self.ledger, self.remaining, self._base = child.ledger, child.remaining, child._base
        self.triggered.extend(i for i in child.triggered if i not in self.triggered)

    def _take(
        self,
        effects: list[Effect],
        failures: list[RuleFailure],
        commitments: Commitments,
        deferred: list[tuple[Origin, rules.EffectRequest]],
    ) -> None:
        self.effects.extend(effects)
        self.failures.extend(failures)
        self.commitments.coupon_redemptions.extend(commitments.coupon_redemptions)
        self.commitments.referral_redemptions.extend(commitments.referral_redemptions)
        for coupon_id, amount in commitments.coupon_discounts.items():
            discounts = self.commitments.coupon_discounts
            discounts[coupon_id] = discounts.get(coupon_id, ZERO) + amount
        self.deferred.extend(deferred)


def campaign_runs(
    state: State,
    campaign: Campaign,
    by_campaign: dict[int, list[Coupon]],
    *,
    isolated: bool = False,
    allowed_units: frozenset[tuple[int, int]] | None = None,
) -> list[CampaignRun]:
    """One run per coupon of the campaign (or one without).

    Not isolated (stackable groups), each run is accepted into the state at once and later runs
    build on it; isolated, the runs are returned for the group's mode to choose from.
    """
    inputs = state.inputs
    coupons: list[Coupon | None] = list(by_campaign.get(campaign.id, [])) or [None]
    referral = inputs.referral if inputs.referral and inputs.referral.campaign_id == campaign.id else None
    runs: list[CampaignRun] = []
    ledger, remaining = state.ledger.fork(), state.remaining.copy()
    for coupon in coupons:
        run = _run(inputs, campaign, _scope(inputs, coupon, referral), ledger, remaining, coupon, referral)
        run.allowed_units = allowed_units
        run.apply(campaign.ruleset.evaluate(_context(state, run)))
        runs.append(run)
        if not isolated:
            state.accept(run)
            ledger, remaining = state.ledger.fork(), state.remaining.copy()
        else:
            ledger, remaining = run.ledger, run.remaining
    return [] if not isolated else runs


def _scope(inputs: Inputs, coupon: Coupon | None, referral: Referral | None) -> Scope:
    """Whose budgets a run spends: the profile's, the coupon's, the referral's, the session's ..."""
    session = inputs.session
    return Scope(
        session.profile_id or None,
        coupon.id if coupon else None,
        referral.id if referral else None,
        session.identifiers,
        session.store_integration_id,
        session.integration_id,
    )


def _run(
    inputs: Inputs,
    campaign: Campaign,
    scope: Scope,
    ledger: Ledger,
    remaining: Remaining,
    coupon: Coupon | None,
    referral: Referral | None,
) -> CampaignRun:
    """A run of the campaign with this coupon and referral, and why they are not valid (if not)."""
    profile = inputs.session.profile_id
    run = CampaignRun(
        campaign=campaign,
        settings=inputs.settings,
        now=inputs.now,
        scope=scope,
        ledger=ledger,
        remaining=remaining,
        lookups=inputs.lookups,
        new_id=inputs.new_id,
        profile=profile,
        coupon=coupon,
        referral=referral,
        loyalty=inputs.loyalty,
        card=inputs.session.loyalty_cards[0] if inputs.session.loyalty_cards else None,
        card_valid=inputs.loyalty_card_valid,
    )
    if coupon is not None and coupon.id not in inputs.accepted_coupons:
        run.coupon_reason = coupon_rejection(coupon, campaign, profile, scope, ledger, inputs.now)
    if referral is not None and referral.id not in inputs.accepted_referrals:
        run.referral_reason = referral_rejection(referral, campaign, profile, scope, ledger, inputs.now)
    return run


def _context(state: State, run: CampaignRun) -> rules.EvaluationContext:
    """What the campaign's rules see in this run: the state's roots and the run's campaign and codes."""
    inputs, coupon, referral = state.inputs, run.coupon, run.referral
    ctx_roots = dict(state.roots())
    ctx_roots["Campaign"] = roots.attributes_root(run.campaign.attributes)
    if coupon is not None:
        ctx_roots["Coupon"] = roots.coupon_root(coupon)
    if referral is not None:
        ctx_roots["Referral"] = roots.referral_root(referral)
    return rules.EvaluationContext(
        roots=ctx_roots,
        now=inputs.now,
        coupon_valid=coupon is not None and run.coupon_reason is None,
        coupon_valid_no_redeem=coupon is not None and run.coupon_reason is None,
        referral_valid=referral is not None and run.referral_reason is None,
        loyalty_card_valid=inputs.loyalty_card_valid,
        audiences=inputs.profile.audiences if inputs.profile else frozenset(),
    )


def losing_effects(produced: list[Effect], *, excluded: bool, mode: str) -> list[Effect]:
    """What a member that did not win its group answers: its coupons are rejected, nothing else applies."""
    effects = [e for e in produced if e.effect_type in ("rejectCoupon", "rejectReferral")]
    for effect in produced:
        if effect.effect_type == "acceptCoupon":
            props: dict[str, Any] = {
                "value": effect.props["value"],
                "rejectionReason": "CouponPartOfNotTriggeredCampaign",
                "details": f"another campaign of the {mode} evaluation group applies",
            }
            if excluded and mode in ("lowestDiscount", "highestDiscount"):
                props["campaignExclusionReason"] = (
                    "CampaignGaveLowerDiscount" if mode == "highestDiscount" else "CampaignGaveHigherDiscount"
                )
            effects.append(Effect(effect.origin, "rejectCoupon", props))
        elif effect.effect_type == "acceptReferral":
            props = {"value": effect.props["value"], "rejectionReason": "ReferralPartOfNotTriggeredCampaign"}
            effects.append(Effect(effect.origin, "rejectReferral", props))
    return effects


__all__ = ["Evaluation", "Inputs", "State", "campaign_runs", "losing_effects"]
