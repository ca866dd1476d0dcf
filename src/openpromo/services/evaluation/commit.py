"""What closing a session commits, and how cancelling or reopening it rolls that back exactly.

Close (DOMAIN A1): budget counters, coupon and referral redemptions, profile totals, the effects in
force (``session_effects``), and a ``committed`` record on the session listing exactly what was taken.
Cancel of a closed session and reopen give back exactly that record and answer the rollback effects of
DOMAIN B §2.4. Every limit is consumed with an atomic conditional update; the closing transaction read
the rows it consumes under lock (PostgreSQL) or under SQLite's single writer, so a refusal here means a
concurrent change got there first and the request is answered 409.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpromo.engine.effects import DISCOUNT_TYPES
from openpromo.engine.evaluate import Evaluation
from openpromo.engine.returns import discount_rollback
from openpromo.services.errors import Conflict
from openpromo.services.ports import Row, UnitOfWork
from openpromo.services.timezones import zone

RACE = "a limit was used up by a parallel request; retry the request"


def commit_close(
    uow: UnitOfWork,
    app: Row,
    row: Row,
    profile_row: Row | None,
    evaluation: Evaluation,
    effects: list[dict[str, Any]],
    now: datetime,
) -> dict[str, Any]:
    """Consume budgets, redeem coupons and referrals, count analytics and keep the effects in force;
    returns the ``committed`` record the session keeps for rollbacks. Profile totals are the caller's."""
    data = uow.sessions
    counters = commit_counters(uow, app, evaluation, now)
    coupons = []
    commitments = evaluation.commitments
    for coupon_id in commitments.coupon_redemptions:
        discount = commitments.coupon_discounts.get(coupon_id, Decimal(0))
        if not data.redeem_coupon(coupon_id, discount):
            raise Conflict(RACE)
        coupons.append([coupon_id, str(discount)])
    referrals = []
    for referral_id in commitments.referral_redemptions:
        if not data.redeem_referral(referral_id):
            raise Conflict(RACE)
        referrals.append(referral_id)
        if row["profile_integration_id"]:
            data.add_referral_friend(app["id"], referral_id, row["profile_integration_id"], row["id"], now)
    record_analytics(uow, app, effects, now, sessions=1, revenue=Decimal(row["total"]))
    uow.records.insert_many(
        "session_effects",
        [_effect_row(app["id"], row["id"], effect, now) for effect in effects if effect["campaignId"]],
    )
    return {
        "counters": counters,
        "coupons": coupons,
        "referrals": referrals,
        "effects": effects,
        "total": str(row["total"]),
        "profileId": profile_row["id"] if profile_row else None,
    }


def commit_counters(uow: UnitOfWork, app: Row, evaluation: Evaluation, now: datetime) -> list[list[Any]]:
    """Consume every budget counter the evaluation took, atomically; what was taken, for rollbacks."""
    counters = []
    for key, amount in sorted(evaluation.consumed.items()):
        if amount <= 0:
            continue
        if not uow.sessions.consume(app["id"], key, amount, evaluation.limits[key], now):
            raise Conflict(RACE)
        counters.append([*key, str(amount)])
    return counters


_COUNTED = {
    "acceptCoupon": "coupon_redemptions",
    "acceptReferral": "referral_redemptions",
    "couponCreated": "coupons_created",
    "referralCreated": "referrals_created",
    "addFreeItem": "free_items",
    "rollbackCoupon": "coupon_rollbacks",
}


def record_analytics(
    uow: UnitOfWork,
    app: Row,
    effects: list[dict[str, Any]],
    now: datetime,
    *,
    sessions: int = 0,
    revenue: Decimal = Decimal(0),
    refund: Decimal = Decimal(0),
) -> None:
    """Add a session's effects to the analytics of every campaign they came from (day in the app's zone)."""
    by_campaign: dict[int, dict[str, Any]] = {}
    for effect in effects:
        campaign = effect["campaignId"]
        if not campaign:
            continue
        deltas = by_campaign.setdefault(campaign, {})
        kind = effect["effectType"]
        value = effect["props"].get("value")
        if kind in DISCOUNT_TYPES:
            deltas["discounts"] = deltas.get("discounts", Decimal(0)) + Decimal(str(value))
        elif kind == "rollbackDiscount":
            deltas["refunded_discounts"] = deltas.get("refunded_discounts", Decimal(0)) + Decimal(str(value))
        elif kind == "addLoyaltyPoints":
            deltas["loyalty_points_added"] = deltas.get("loyalty_points_added", Decimal(0)) + Decimal(
                str(value)
            )
        elif kind == "deductLoyaltyPoints":
            deltas["loyalty_points_deducted"] = deltas.get("loyalty_points_deducted", Decimal(0)) + Decimal(
                str(value)
            )
        elif kind in _COUNTED:
            deltas[_COUNTED[kind]] = deltas.get(_COUNTED[kind], 0) + 1
    day = now.astimezone(zone(app["timezone"])).date()
    for deltas in by_campaign.values():
        if sessions:
            deltas.update(sessions=sessions, revenue=revenue)
        if refund:
            deltas["refunds"] = refund
    uow.sessions.add_analytics(app["id"], day, by_campaign)


def _effect_row(app_id: int, session_id: int, effect: dict[str, Any], now: datetime) -> dict[str, Any]:
    props = effect["props"]
    is_discount = effect["effectType"] in DISCOUNT_TYPES
    return {
        "application_id": app_id,
        "session_id": session_id,
        "campaign_id": effect["campaignId"],
        "ruleset_id": effect["rulesetId"],
        "rule_index": effect["ruleIndex"],
        "rule_name": effect["ruleName"],
        "effect_type": effect["effectType"],
        "props": props,
        "triggered_by_coupon": effect.get("triggeredByCoupon"),
        "amount": Decimal(str(props["value"])) if is_discount else None,
        "cart_item_position": props.get("position"),
        "cart_item_sub_position": props.get("subPosition"),
        "created": now,
    }


def roll_back(uow: UnitOfWork, stored: Row, now: datetime, new_id: Callable[[], str]) -> list[dict[str, Any]]:
    """Give back what the close committed; the rollback effects, in the order of the originals."""
    committed = stored.get("committed")
    if not committed:
        return []
    data = uow.sessions
    for campaign_id, action, entity_key, period_key, amount in committed["counters"]:
        data.release((campaign_id, action, entity_key, period_key), Decimal(amount), now)
    for coupon_id, discount in committed["coupons"]:
        data.unredeem_coupon(coupon_id, Decimal(discount))
    for referral_id in committed["referrals"]:
        data.unredeem_referral(referral_id)
    if committed.get("profileId"):
        data.add_profile_totals(committed["profileId"], -1, -Decimal(committed["total"]), now)
    for effect_row in uow.records.find(
        "session_effects", {"session_id": stored["id"], "rolled_back": False}
    ).rows:
        uow.records.update("session_effects", effect_row["id"], {"rolled_back": True})
    uow.records.update("customer_sessions", stored["id"], {"committed": None})
    effects = []
    for effect in committed["effects"]:
        rollback = _rollback_of(effect)
        if rollback is not None:
            effects.append(rollback)
    app = uow.records.get("applications", stored["application_id"])
    if app is not None:
        record_analytics(uow, app, effects, now, refund=Decimal(committed["total"]))
    return effects


def _rollback_of(effect: dict[str, Any]) -> dict[str, Any] | None:
    kind, props = effect["effectType"], effect["props"]
    if kind in DISCOUNT_TYPES:
        return discount_rollback(effect, props["value"])
    if kind == "acceptCoupon":
        return {**effect, "effectType": "rollbackCoupon", "props": {"value": props["value"]}}
    if kind == "acceptReferral":
        return {**effect, "effectType": "rollbackReferral", "props": {"value": props["value"]}}
    return None


def record_event(
    uow: UnitOfWork, app_id: int, kind: str, session: Row, effects: list[dict[str, Any]], now: datetime
) -> Row:
    values = event_values(app_id, kind, session, effects, now)
    event_id = uow.records.insert("events", values)
    return {**values, "id": event_id, "meta": None}


def event_values(app_id: int, kind: str, session: Row, effects: list[dict[str, Any]], now: datetime) -> Row:
    """The ``events`` row of a session lifecycle event (``talon_session_updated``, ...)."""
    return {
        "application_id": app_id,
        "created": now,
        "type": kind,
        "profile_integration_id": session["profile_integration_id"] or None,
        "profile_id": session.get("profile_id"),
        "session_integration_id": session["integration_id"],
        "store_integration_id": session["store_integration_id"],
        "attributes": {},
        "effects": effects,
    }


__all__ = ["commit_close", "commit_counters", "event_values", "record_analytics", "record_event", "roll_back"]
