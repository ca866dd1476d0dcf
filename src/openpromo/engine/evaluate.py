"""``evaluate(inputs) -> Evaluation``: every running campaign's rules against a session. Pure.

Order: evaluation groups, then campaigns in group order (DOMAIN A2). A campaign is evaluated once per
session coupon code that belongs to it, or once without a coupon. Group modes pick which triggered
campaigns apply; with cascading discounts, later campaigns see earlier discounts in
``DiscountedPrice``/``DiscountedTotal``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpromo import rules
from openpromo.engine import context as roots
from openpromo.engine.budgets import Ledger, Scope
from openpromo.engine.coupons import campaign_running, coupon_rejection, referral_rejection
from openpromo.engine.discounts import Remaining
from openpromo.engine.effects import Commitments, Effect, Origin, RuleFailure
from openpromo.engine.lookups import Lookups
from openpromo.engine.model import Campaign, CounterKey, Coupon, Profile, Referral, Session, Settings
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


@dataclass
class Evaluation:
    effects: list[Effect]
    failures: list[RuleFailure]
    consumed: dict[CounterKey, Decimal]
    limits: dict[CounterKey, Decimal]
    commitments: Commitments
    deferred: list[tuple[Origin, rules.EffectRequest]]
    triggered_campaigns: list[int]


class _State:
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
        if session.store_integration_id:
            store = {"IntegrationId": session.store_integration_id}
            store.update(roots.attributes_root(inputs.store_attributes or {}))
            base["Store"] = store
        self._base = base
        return base

    def accept(self, run: CampaignRun) -> None:
        self.effects.extend(run.effects)
        self.failures.extend(run.failures)
        self.ledger, self.remaining = run.ledger, run.remaining
        self.commitments.coupon_redemptions.extend(run.commitments.coupon_redemptions)
        self.commitments.referral_redemptions.extend(run.commitments.referral_redemptions)
        for coupon_id, amount in run.commitments.coupon_discounts.items():
            discounts = self.commitments.coupon_discounts
            discounts[coupon_id] = discounts.get(coupon_id, ZERO) + amount
        self.deferred.extend(run.deferred)
        if run.triggered and run.campaign.id not in self.triggered:
            self.triggered.append(run.campaign.id)
        if self.inputs.settings.cascading and run.effects:
            self._base = None


def evaluate(inputs: Inputs) -> Evaluation:
    state = _State(inputs)
    session, now = inputs.session, inputs.now
    store = session.store_integration_id
    by_campaign: dict[int, list[Coupon]] = {}
    for code in session.coupon_codes:
        coupon = inputs.coupons.get(code)
        if coupon is None:
            state.effects.append(_not_found("rejectCoupon", code, "CouponNotFound"))
        else:
            by_campaign.setdefault(coupon.campaign_id, []).append(coupon)
    referral = inputs.referral
    if session.referral_code and referral is None:
        state.effects.append(_not_found("rejectReferral", session.referral_code, "ReferralNotFound"))
    running = [c for c in inputs.campaigns if campaign_running(c, now, store)]
    running_ids = {c.id for c in running}
    for campaign in inputs.campaigns:
        if campaign.id in running_ids:
            continue
        for coupon in by_campaign.get(campaign.id, []):
            state.effects.append(
                _not_running(campaign, "rejectCoupon", coupon.value, "CouponPartOfNotRunningCampaign")
            )
        if referral is not None and referral.campaign_id == campaign.id:
            state.effects.append(
                _not_running(campaign, "rejectReferral", referral.code, "ReferralPartOfNotRunningCampaign")
            )
    known = {c.id for c in inputs.campaigns}
    for campaign_id, coupons in by_campaign.items():
        if campaign_id not in known:
            for coupon in coupons:
                state.effects.append(
                    _not_found("rejectCoupon", coupon.value, "CouponPartOfNotRunningCampaign")
                )
    for _group, members in itertools.groupby(running, key=lambda c: c.group.id):
        _evaluate_group(state, list(members), by_campaign)
    return Evaluation(
        state.effects,
        state.failures,
        state.ledger.pending,
        state.ledger.limits,
        state.commitments,
        state.deferred,
        state.triggered,
    )


def _evaluate_group(state: _State, campaigns: list[Campaign], by_campaign: dict[int, list[Coupon]]) -> None:
    mode = campaigns[0].group.mode
    if mode == "stackable":
        for campaign in campaigns:
            _runs(state, campaign, by_campaign)
        return
    candidates = [list(_runs(state, c, by_campaign, isolated=True)) for c in campaigns]
    if campaigns[0].group.scope == "cartItem":
        _per_unit_winners(state, campaigns, candidates, by_campaign, mode)
        return
    triggered = [runs for runs in candidates if any(r.triggered for r in runs)]
    winner: list[CampaignRun] | None = None
    if triggered:
        winner = triggered[_pick(mode, [_discount(runs) for runs in triggered])]
    for runs in candidates:
        if runs is winner:
            for run in runs:
                state.accept(run)
            continue
        _lose(state, runs, excluded=winner is not None, mode=mode)


def _per_unit_winners(
    state: _State,
    campaigns: list[Campaign],
    candidates: list[list[CampaignRun]],
    by_campaign: dict[int, list[Coupon]],
    mode: str,
) -> None:
    """A ``cartItem``-scope group: the mode picks a campaign per cart unit among those that discount
    it; campaigns without per-unit effects compete for the session as a whole. The winners then run
    again in list order, each limited to the units it won, so budgets and cascading stay exact."""
    offers: dict[tuple[int, int], dict[int, Decimal]] = {}
    session_only: list[int] = []
    for index, runs in enumerate(candidates):
        if not any(r.triggered for r in runs):
            continue
        units = [e for r in runs for e in r.effects if e.unit is not None]
        if not units:
            session_only.append(index)
        for effect in units:
            assert effect.unit is not None
            by_index = offers.setdefault(effect.unit, {})
            by_index[index] = by_index.get(index, ZERO) + effect.amount
    won: dict[int, set[tuple[int, int]]] = {}
    for unit, by_index in offers.items():
        indexes = sorted(by_index)
        winner = indexes[_pick(mode, [by_index[i] for i in indexes])]
        won.setdefault(winner, set()).add(unit)
    if session_only:
        winner = session_only[_pick(mode, [_discount(candidates[i]) for i in session_only])]
        won.setdefault(winner, set())
    for index, campaign in enumerate(campaigns):
        if index in won:
            _runs(state, campaign, by_campaign, allowed_units=frozenset(won[index]))
        else:
            _lose(state, candidates[index], excluded=bool(won), mode=mode)


def _pick(mode: str, totals: list[Decimal]) -> int:
    """Which of the triggered candidates a mode keeps (ties: the first in list order)."""
    if mode == "listOrder":
        return 0
    return totals.index(min(totals) if mode == "lowestDiscount" else max(totals))


def _discount(runs: list[CampaignRun]) -> Decimal:
    return sum((r.discount_total for r in runs), ZERO)


def _lose(state: _State, runs: list[CampaignRun], *, excluded: bool, mode: str) -> None:
    for run in runs:
        state.effects.extend(_losing_effects(run, excluded=excluded and run.triggered, mode=mode))
        state.failures.extend(run.failures)


def _runs(
    state: _State,
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
    profile = inputs.session.profile_id
    runs: list[CampaignRun] = []
    ledger, remaining = state.ledger.fork(), state.remaining.copy()
    for coupon in coupons:
        scope = Scope(
            profile or None,
            coupon.id if coupon else None,
            referral.id if referral else None,
            inputs.session.identifiers,
            inputs.session.store_integration_id,
            inputs.session.integration_id,
        )
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
            allowed_units=allowed_units,
        )
        if coupon is not None and coupon.id not in inputs.accepted_coupons:
            run.coupon_reason = coupon_rejection(coupon, campaign, profile, scope, ledger, inputs.now)
        if referral is not None and referral.id not in inputs.accepted_referrals:
            run.referral_reason = referral_rejection(referral, campaign, profile, scope, ledger, inputs.now)
        ctx_roots = dict(state.roots())
        ctx_roots["Campaign"] = roots.attributes_root(campaign.attributes)
        if coupon is not None:
            ctx_roots["Coupon"] = roots.coupon_root(coupon)
        if referral is not None:
            ctx_roots["Referral"] = roots.referral_root(referral)
        audiences = inputs.profile.audiences if inputs.profile else frozenset()
        ctx = rules.EvaluationContext(
            roots=ctx_roots,
            now=inputs.now,
            coupon_valid=coupon is not None and run.coupon_reason is None,
            coupon_valid_no_redeem=coupon is not None and run.coupon_reason is None,
            referral_valid=referral is not None and run.referral_reason is None,
            loyalty_card_valid=inputs.loyalty_card_valid,
            audiences=audiences,
        )
        run.apply(campaign.ruleset.evaluate(ctx))
        runs.append(run)
        if not isolated:
            state.accept(run)
            ledger, remaining = state.ledger.fork(), state.remaining.copy()
        else:
            ledger, remaining = run.ledger, run.remaining
    return [] if not isolated else runs


def _losing_effects(run: CampaignRun, *, excluded: bool, mode: str) -> list[Effect]:
    """A campaign that did not win its group: its coupon is rejected, nothing else applies."""
    effects = [e for e in run.effects if e.effect_type in ("rejectCoupon", "rejectReferral")]
    for effect in run.effects:
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


def _not_found(kind: str, code: str, reason: str) -> Effect:
    props = {"value": code, "rejectionReason": reason}
    return Effect(Origin(0, 0, 0, "", None, None), kind, props)


def _not_running(campaign: Campaign, kind: str, code: str, reason: str) -> Effect:
    props = {"value": code, "rejectionReason": reason}
    title = campaign.rules[0].title if campaign.rules else ""
    origin = Origin(campaign.id, campaign.ruleset_id, 0, title, campaign.group.id, campaign.group.mode)
    return Effect(origin, kind, props)


__all__ = ["Evaluation", "Inputs", "evaluate"]
