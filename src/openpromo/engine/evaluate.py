"""``evaluate(inputs) -> Evaluation``: every running campaign's rules against a session. Pure.

Coupons and referrals of campaigns that are not running are rejected first; then the evaluation tree
runs (``engine.groups``): groups in order, campaigns in group order, each group's mode choosing what
applies (DOMAIN A2). A campaign is evaluated once per session coupon code that belongs to it, or once
without a coupon; with cascading discounts, later campaigns see earlier discounts in
``DiscountedPrice``/``DiscountedTotal``.
"""

from __future__ import annotations

from openpromo.engine.coupons import campaign_running
from openpromo.engine.effects import Effect, Origin
from openpromo.engine.groups import evaluate_group, evaluation_tree
from openpromo.engine.model import Campaign, Coupon
from openpromo.engine.state import Evaluation, Inputs, State


def evaluate(inputs: Inputs) -> Evaluation:
    state = State(inputs)
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
    for root in evaluation_tree(inputs.groups, running):
        evaluate_group(state, root, by_campaign)
    return Evaluation(
        state.effects,
        state.failures,
        state.ledger.pending,
        state.ledger.limits,
        state.commitments,
        state.deferred,
        state.triggered,
    )


def _not_found(kind: str, code: str, reason: str) -> Effect:
    props = {"value": code, "rejectionReason": reason}
    return Effect(Origin(0, 0, 0, "", None, None), kind, props)


def _not_running(campaign: Campaign, kind: str, code: str, reason: str) -> Effect:
    props = {"value": code, "rejectionReason": reason}
    title = campaign.rules[0].title if campaign.rules else ""
    origin = Origin(campaign.id, campaign.ruleset_id, 0, title, campaign.group.id, campaign.group.mode)
    return Effect(origin, kind, props)


__all__ = ["Evaluation", "Inputs", "evaluate"]
