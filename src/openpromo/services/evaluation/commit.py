"""Commit: what an evaluation's effects take, and how a rollback gives exactly that back.

Close (DOMAIN A1): budget counters, coupon and referral redemptions, the profile's totals, the effects
in force (``session_effects``), analytics, and a ``committed`` record on the session listing exactly what
was taken. Cancelling a closed session and reopening it give back that record and answer the rollback
effects of DOMAIN B §2.4; awarded giveaway codes stay awarded, so their budget counters are left out of
the record. Every limit is consumed with an atomic conditional update
(``SessionData.commit``); the closing transaction read what it consumes under lock (PostgreSQL) or under
SQLite's single writer, so a refusal there means a concurrent change got there first: 409.

Everything here is pure: it builds the ``Commit`` and ``Release`` values the storage port writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo.engine.effects import DISCOUNT_TYPES
from openpromo.engine.evaluate import Evaluation
from openpromo.engine.returns import discount_rollback
from openpromo.services.data.records import (
    Analytics,
    Commit,
    Document,
    EffectRow,
    ProfileTotals,
    Redemptions,
    Release,
    StoredSession,
)
from openpromo.services.evaluation.case import Case, Owner
from openpromo.services.loyalty import Context
from openpromo.services.timezones import zone

RACE = "a limit was used up by a parallel request; retry the request"
ZERO = Decimal(0)


def redemptions(evaluation: Evaluation) -> Redemptions:
    """Every budget counter the evaluation took (with its limit), and its coupon and referral uses."""
    commitments = evaluation.commitments
    return Redemptions(
        counters=[
            (key, amount, evaluation.limits[key])
            for key, amount in sorted(evaluation.consumed.items())
            if amount > 0
        ],
        coupons=[
            (coupon_id, commitments.coupon_discounts.get(coupon_id, ZERO))
            for coupon_id in commitments.coupon_redemptions
        ],
        referrals=list(commitments.referral_redemptions),
    )


_KEPT = frozenset({"awardGiveaway"})
"""Actions whose budget a rollback does not give back: an awarded giveaway code stays awarded."""


def close_commit(
    case: Case, owner: Owner, evaluation: Evaluation, effects: list[Document], now: datetime
) -> tuple[Commit, Document]:
    """What a close commits, and the ``committed`` record its session keeps for rollbacks."""
    app = case.snapshot.app
    taken = redemptions(evaluation)
    commit = Commit(
        application_id=app["id"],
        redemptions=taken,
        analytics=analytics(app, effects, now, sessions=1, revenue=owner.total),
        profile=owner.profile,
        session_id=owner.session_id,
        effects=[effect_row(e) for e in effects if e["campaignId"]],
    )
    committed = {
        "counters": [[*key, str(amount)] for key, amount, _ in taken.counters if key[1] not in _KEPT],
        "coupons": [[coupon_id, str(discount)] for coupon_id, discount in taken.coupons],
        "referrals": list(taken.referrals),
        "effects": effects,
        "total": str(owner.total),
        "profileId": case.profile.id if case.profile else None,
    }
    return commit, committed


def loyalty_context(case: Case, owner: Owner) -> Context:
    """Whose ledgers the effects of ``case`` write."""
    return Context(
        account_id=case.account_id,
        application_id=case.snapshot.app["id"],
        profile=owner.profile,
        cards=tuple(case.draft.documents.loyalty_cards or ()),
        session_id=owner.session_id,
        session_integration_id=case.draft.integration_id if owner.session_id else None,
    )


def stored_context(account_id: int, app: Document, stored: StoredSession) -> Context:
    """Whose ledgers a stored session's close wrote."""
    return Context(
        account_id=account_id,
        application_id=app["id"],
        profile=stored.profile_integration_id or "",
        cards=tuple(stored.loyalty_cards or ()),
        session_id=stored.id,
        session_integration_id=stored.integration_id,
    )


def immediate_commit(case: Case, evaluation: Evaluation, effects: list[Document], now: datetime) -> Commit:
    """What an evaluation with no close to wait for (a profile, an event) commits at once."""
    app = case.snapshot.app
    return Commit(
        application_id=app["id"],
        redemptions=redemptions(evaluation),
        analytics=analytics(app, effects, now),
        profile=case.profile_id,
    )


_COUNTED = {
    "acceptCoupon": "coupon_redemptions",
    "acceptReferral": "referral_redemptions",
    "couponCreated": "coupons_created",
    "referralCreated": "referrals_created",
    "addFreeItem": "free_items",
    "rollbackCoupon": "coupon_rollbacks",
}
_SUMMED = {
    "rollbackDiscount": "refunded_discounts",
    "addLoyaltyPoints": "loyalty_points_added",
    "deductLoyaltyPoints": "loyalty_points_deducted",
}


def analytics(
    app: Document,
    effects: Iterable[Document],
    now: datetime,
    *,
    sessions: int = 0,
    revenue: Decimal = ZERO,
    refund: Decimal = ZERO,
) -> Analytics:
    """A request's effects added to the analytics of every campaign they came from (the day in the
    application's time zone)."""
    by_campaign: dict[int, dict[str, Any]] = {}
    for effect in effects:
        campaign = effect["campaignId"]
        if not campaign:
            continue
        deltas = by_campaign.setdefault(campaign, {})
        kind = effect["effectType"]
        column = "discounts" if kind in DISCOUNT_TYPES else _SUMMED.get(kind)
        if column is not None:
            value = Decimal(str(effect["props"].get("value")))
            deltas[column] = deltas.get(column, ZERO) + value
        elif kind in _COUNTED:
            deltas[_COUNTED[kind]] = deltas.get(_COUNTED[kind], 0) + 1
    for deltas in by_campaign.values():
        if sessions:
            deltas.update(sessions=sessions, revenue=revenue)
        if refund:
            deltas["refunds"] = refund
    return Analytics(now.astimezone(zone(app["timezone"])).date(), by_campaign)


def effect_row(effect: Document) -> EffectRow:
    props = effect["props"]
    is_discount = effect["effectType"] in DISCOUNT_TYPES
    return EffectRow(
        campaign_id=effect["campaignId"],
        ruleset_id=effect["rulesetId"],
        rule_index=effect["ruleIndex"],
        rule_name=effect["ruleName"],
        effect_type=effect["effectType"],
        props=props,
        triggered_by_coupon=effect.get("triggeredByCoupon"),
        amount=Decimal(str(props["value"])) if is_discount else None,
        cart_item_position=props.get("position"),
        cart_item_sub_position=props.get("subPosition"),
    )


def rollback(
    app: Document,
    stored: StoredSession,
    now: datetime,
    loyalty: Mapping[str, Document] | None = None,
    achievements: Mapping[int, list[Document | None]] | None = None,
) -> tuple[Release | None, list[Document]]:
    """What giving back a session's close releases, and the rollback effects, in the order of the
    originals (None: the session committed nothing). ``loyalty``: the rollbacks of its ledger entries by
    transaction UUID (``services.loyalty.roll_back_loyalty`` wrote them); ``achievements``: the
    rollbacks of its progress increases by achievement id, in order (``evaluation.achievements``)."""
    committed = stored.committed
    if not committed:
        return None, []
    increases = {ident: list(queue) for ident, queue in (achievements or {}).items()}
    effects = [
        r for r in (_rollback_of(e, loyalty or {}, increases) for e in committed["effects"]) if r is not None
    ]
    profile_id = committed.get("profileId")
    total = Decimal(committed["total"])
    release = Release(
        application_id=app["id"],
        counters=[((c, a, e, p), Decimal(amount)) for c, a, e, p, amount in committed["counters"]],
        coupons=[(int(coupon), Decimal(discount)) for coupon, discount in committed["coupons"]],
        referrals=list(committed["referrals"]),
        profile=stored.profile_integration_id,
        profile_totals=ProfileTotals(profile_id, -1, -total) if profile_id else None,
        analytics=analytics(app, effects, now, refund=total),
        session_id=stored.id,
    )
    return release, effects


def _rollback_of(
    effect: Document, loyalty: Mapping[str, Document], increases: dict[int, list[Document | None]]
) -> Document | None:
    kind, props = effect["effectType"], effect["props"]
    if kind in ("addLoyaltyPoints", "deductLoyaltyPoints"):
        return loyalty.get(props.get("transactionUUID", ""))
    if kind == "increaseAchievementProgress":
        queue = increases.get(int(props["achievementId"])) or [None]
        taken = queue.pop(0)
        return (
            {**effect, "effectType": "rollbackIncreasedAchievementProgress", "props": taken}
            if taken
            else None
        )
    if kind in DISCOUNT_TYPES:
        return discount_rollback(effect, props["value"])
    if kind == "acceptCoupon":
        return {**effect, "effectType": "rollbackCoupon", "props": {"value": props["value"]}}
    if kind == "acceptReferral":
        return {**effect, "effectType": "rollbackReferral", "props": {"value": props["value"]}}
    return None


__all__ = [
    "RACE",
    "analytics",
    "close_commit",
    "effect_row",
    "immediate_commit",
    "loyalty_context",
    "redemptions",
    "rollback",
    "stored_context",
]
