"""Effect requests (what a rule asked for) → API effects, one converter per kind of request.

A converter spends from the run's budgets (``engine.spending.Spending``) and raises ``CannotApply`` when
they or missing data keep the effect from being applied; the rule then fails whole (``engine.run``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from openpromo import rules
from openpromo.engine.effects import Effect, Origin
from openpromo.engine.money import split_pro_rata
from openpromo.engine.spending import ZERO, CannotApply, Spending
from openpromo.rules.durations import parse_duration, shift

Converter = Callable[[Spending, Origin, Any], list[Effect]]


def convert(run: Spending, origin: Origin, request: rules.EffectRequest) -> list[Effect]:
    converter = _CONVERTERS.get(type(request))
    if converter is None:
        raise CannotApply(f"the effect {request.effect_type} is not supported")
    return converter(run, origin, request)


def convert_pro_rata(
    run: Spending, origin: Origin, requests: list[rules.SetDiscountPerItemProRata]
) -> list[Effect]:
    """A rule's pro-rata requests, together: each total is split over its units by their shares."""
    effects: list[Effect] = []
    groups: dict[tuple[str, Decimal], list[rules.SetDiscountPerItemProRata]] = {}
    for request in requests:
        groups.setdefault((request.name, request.total_discount), []).append(request)
    for (name, total), parts in groups.items():
        asked = run.rounded(total)
        shares = split_pro_rata(asked, [max(p.value, ZERO) for p in parts], run.settings.currency_digits)
        for part, share in zip(parts, shares, strict=True):
            unit = (part.position, part.sub_position)
            room = run.remaining.unit_room(unit, "price")
            value = run.money(share, room)
            run.remaining.take_unit(unit, "price", value)
            props = _discount_props(name, value, share)
            props.update(position=part.position, subPosition=part.sub_position, totalDiscount=asked)
            if part.excluded_from_price_history:
                props["excludedFromPriceHistory"] = True
            effects.append(Effect(origin, "setDiscountPerItem", props, amount=value, unit=unit))
    return effects


def _discount_props(name: str, value: Decimal, requested: Decimal) -> dict[str, Any]:
    props: dict[str, Any] = {"name": name, "value": value}
    if value != requested:
        props["desiredValue"] = requested
    return props


def _set_discount(run: Spending, origin: Origin, r: rules.SetDiscount) -> list[Effect]:
    scope = r.scope or run.settings.default_discount_scope
    asked = run.rounded(r.value)
    value = run.money(asked, run.remaining.session_room(scope))
    run.remaining.take_session(scope, value)
    props = _discount_props(r.name, value, asked)
    props["scope"] = scope
    return [Effect(origin, "setDiscount", props, amount=value)]


def _per_item(run: Spending, origin: Origin, r: rules.SetDiscountPerItem) -> list[Effect]:
    scope = r.scope or run.settings.default_item_scope
    unit = (r.position, r.sub_position)
    asked = run.rounded(r.value)
    value = run.money(asked, run.remaining.unit_room(unit, scope))
    run.remaining.take_unit(unit, scope, value)
    props = _discount_props(r.name, value, asked)
    props.update(position=r.position, subPosition=r.sub_position, scope=scope)
    if r.excluded_from_price_history:
        props["excludedFromPriceHistory"] = True
    return [Effect(origin, "setDiscountPerItem", props, amount=value, unit=unit)]


def _cost_props(run: Spending, name: str, cost: str, value: Decimal, asked: Decimal) -> dict[str, Any]:
    cost_id = run.lookups.additional_cost_ids.get(cost)
    if cost_id is None:
        raise CannotApply(f"the additional cost {cost!r} is not defined")
    props = _discount_props(name, value, asked)
    props.update(additionalCostId=cost_id, additionalCost=cost)
    return props


def _per_cost(run: Spending, origin: Origin, r: rules.SetDiscountPerAdditionalCost) -> list[Effect]:
    asked = run.rounded(r.value)
    value = run.money(asked, run.remaining.cost_room(r.additional_cost, None))
    props = _cost_props(run, r.name, r.additional_cost, value, asked)
    run.remaining.take_cost(r.additional_cost, None, value)
    return [Effect(origin, "setDiscountPerAdditionalCost", props, amount=value)]


def _per_cost_item(
    run: Spending, origin: Origin, r: rules.SetDiscountPerAdditionalCostPerItem
) -> list[Effect]:
    unit = (r.position, r.sub_position)
    asked = run.rounded(r.value)
    value = run.money(asked, run.remaining.cost_room(r.additional_cost, unit))
    props = _cost_props(run, r.name, r.additional_cost, value, asked)
    props.update(position=r.position, subPosition=r.sub_position)
    run.remaining.take_cost(r.additional_cost, unit, value)
    return [Effect(origin, "setDiscountPerAdditionalCostPerItem", props, amount=value, unit=unit)]


def _free_item(run: Spending, origin: Origin, r: rules.AddFreeItem) -> list[Effect]:
    run.take("addFreeItemEffect", Decimal(1))
    return [Effect(origin, "addFreeItem", {"sku": r.sku, "name": r.name})]


def _notification(run: Spending, origin: Origin, r: rules.ShowNotification) -> list[Effect]:
    props = {"notificationType": r.notification_type, "title": r.title, "body": r.body}
    return [Effect(origin, "showNotification", props)]


def _update_attribute(run: Spending, origin: Origin, r: rules.UpdateAttributeValue) -> list[Effect]:
    return [Effect(origin, "updateAttributeValue", {"path": r.path, "value": r.value})]


def _custom(run: Spending, origin: Origin, r: rules.CustomEffect) -> list[Effect]:
    run.take("customEffect", Decimal(1))
    return [Effect(origin, "customEffect", {"effectId": 0, "name": r.name, "payload": dict(r.payload)})]


def _audience(
    run: Spending, origin: Origin, r: rules.AddToAudience | rules.RemoveFromAudience
) -> list[Effect]:
    name = run.lookups.audiences.get(r.audience_id)
    if name is None:
        raise CannotApply(f"the audience {r.audience_id} does not exist")
    props = {"audienceId": r.audience_id, "audienceName": name, "profileIntegrationId": run.profile}
    kind = "addToAudience" if isinstance(r, rules.AddToAudience) else "removeFromAudience"
    return [Effect(origin, kind, props)]


def _program(run: Spending, program_id: int, subledger: str | None) -> str:
    program = run.lookups.programs.get(program_id)
    if program is None:
        raise CannotApply(f"the loyalty program {program_id} does not exist")
    if subledger and not program.allow_subledger:
        raise CannotApply(f"the loyalty program {program_id} has no subledgers")
    return program.name


def _points(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _add_points(run: Spending, origin: Origin, r: rules.AddLoyaltyPoints) -> list[Effect]:
    program = run.lookups.programs.get(r.program_id)
    _program(run, r.program_id, r.subledger_id)
    assert program is not None
    recipient = run.profile
    if r.recipient == "advocate":
        if run.referral is None:
            raise CannotApply("no referral in context: there is no advocate to reward")
        recipient = run.referral.advocate_integration_id
    if program.card_based:
        _card(run, r.card_identifier)
    elif not recipient:
        raise CannotApply("loyalty points need a customer profile")
    value = _points(r.value)
    run.take("createLoyaltyPointsEffect", Decimal(1))
    run.take("createLoyaltyPoints", value)
    props: dict[str, Any] = {
        "name": r.name or origin.rule_name,
        "programId": r.program_id,
        "subLedgerId": r.subledger_id or "",
        "value": value,
        "recipientIntegrationId": recipient,
        "transactionUUID": run.new_id(),
    }
    pending = r.pending or program.default_pending
    start = run.now
    if pending == "on_action":
        props["awaitsActivation"] = True
    elif pending not in ("", "immediate"):
        start = _after(run.now, pending, program.timezone)
        props["startDate"] = start
    validity = r.validity or program.default_validity
    if validity not in ("", "unlimited"):
        if pending == "on_action":
            props["validityDuration"] = validity
        else:
            props["expiryDate"] = _after(start, validity, program.timezone)
    if r.card_identifier:
        props["cardIdentifier"] = r.card_identifier
    return [Effect(origin, "addLoyaltyPoints", props)]


def _card(run: Spending, identifier: str | None) -> bool:
    """In a card-based program: whether the points go to the session's card (which must be valid); a
    card named by ``cardIdentifier`` is checked when the points are written."""
    if identifier and identifier != run.card:
        return False
    if run.card is None:
        raise CannotApply("no loyalty card in the session")
    if not run.card_valid:
        raise CannotApply(f"the loyalty card {run.card} is not valid (unknown or inactive)")
    return True


def _spend(run: Spending, r: rules.DeductLoyaltyPoints, value: Decimal) -> None:
    """Refuse a deduction that the active balance (less this evaluation's earlier deductions) cannot
    cover: deductions never make a balance negative."""
    program = run.lookups.programs[r.program_id]
    if program.card_based and not _card(run, r.card_identifier):
        raise CannotApply(f"the balance of the loyalty card {r.card_identifier} is not known here")
    if not program.card_based and not run.profile:
        raise CannotApply("loyalty points need a customer profile")
    key = (r.program_id, r.subledger_id or "")
    entry = run.loyalty.get(str(r.program_id)) or {}
    if key[1]:
        entry = (entry.get("Subledgers") or {}).get(key[1]) or {}
    taken = run.ledger.points.get(key, ZERO)
    available = Decimal(str(entry.get("ActivePoints", 0))) - taken
    if available < value:
        raise CannotApply(f"the active balance ({available}) cannot cover a deduction of {value} points")
    run.ledger.points[key] = taken + value


def _deduct_points(run: Spending, origin: Origin, r: rules.DeductLoyaltyPoints) -> list[Effect]:
    name = _program(run, r.program_id, r.subledger_id)
    value = _points(r.value)
    _spend(run, r, value)
    run.take("redeemLoyaltyPointsEffect", Decimal(1))
    run.take("redeemLoyaltyPoints", value)
    props: dict[str, Any] = {
        "ruleTitle": origin.rule_name,
        "programId": r.program_id,
        "subLedgerId": r.subledger_id or "",
        "value": value,
        "transactionUUID": run.new_id(),
        "name": r.name or name,
    }
    if r.card_identifier:
        props["cardIdentifier"] = r.card_identifier
    return [Effect(origin, "deductLoyaltyPoints", props)]


def _set_expiry(run: Spending, origin: Origin, r: rules.SetLoyaltyPointsExpiryDate) -> list[Effect]:
    _program(run, r.program_id, r.subledger_id)
    props = {
        "programId": r.program_id,
        "subLedgerId": r.subledger_id or "",
        "newExpiryDate": r.expiry_date,
        "affectedTransactions": [],
    }
    return [Effect(origin, "setLoyaltyPointsExpiryDate", props)]


def _extend_expiry(run: Spending, origin: Origin, r: rules.ExtendLoyaltyPointsExpiryDate) -> list[Effect]:
    _program(run, r.program_id, r.subledger_id)
    props = {
        "programId": r.program_id,
        "subLedgerId": r.subledger_id or "",
        "extensionDuration": r.duration,
        "affectedTransactions": [],
    }
    return [Effect(origin, "extendLoyaltyPointsExpiryDate", props)]


def _giveaway(run: Spending, origin: Origin, r: rules.AwardGiveaway) -> list[Effect]:
    name = run.lookups.pools.get(r.pool_id)
    if name is None:
        raise CannotApply(f"the giveaway pool {r.pool_id} does not exist")
    if not run.profile:
        raise CannotApply("a giveaway needs a customer profile")
    run.take("awardGiveaway", Decimal(1))
    props = {"poolId": r.pool_id, "poolName": name, "recipientIntegrationId": run.profile}
    # A code is drawn when the effect is committed (services.evaluation.giveaways); until then none is
    # promised, and a pool found empty then gives these counters back.
    return [Effect(origin, "willAwardGiveaway", props, counters=run.counters("awardGiveaway"))]


def _achievement(run: Spending, origin: Origin, r: rules.IncreaseAchievementProgress) -> list[Effect]:
    achievement = run.lookups.achievements.get((run.campaign.id, r.achievement_name))
    if achievement is None:
        raise CannotApply(f"the achievement {r.achievement_name!r} does not exist in this campaign")
    if not run.profile:
        raise CannotApply("achievements need a customer profile")
    if r.delta <= 0:
        raise CannotApply("an achievement's progress increases by a positive amount")
    before = run.achievement_progress.get(achievement.id, achievement.progress)
    if achievement.period is None or before >= achievement.target:
        return []  # ended, not started, completed or over: the effect is left out, the rule applies
    value = min(before + r.delta, achievement.target)
    run.achievement_progress[achievement.id] = value
    props: dict[str, Any] = {
        "achievementId": achievement.id,
        "achievementName": achievement.name,
        "delta": r.delta,
        "value": value,
        "target": achievement.target,
        "isJustCompleted": before < achievement.target <= value,
    }
    if achievement.tracker_id is not None:
        props["progressTrackerId"] = achievement.tracker_id
    return [Effect(origin, "increaseAchievementProgress", props)]


def _deferred(run: Spending, origin: Origin, r: rules.EffectRequest) -> list[Effect]:
    """Coupon and referral creation and reservations happen at close; nothing shows before."""
    action = {
        "createCoupon": "createCoupon",
        "createReferral": "createReferral",
        "reserveCoupon": "reserveCoupon",
    }
    run.take(action[r.effect_type], Decimal(1))
    run.deferred.append((origin, r))
    return []


def _after(moment: datetime, duration: str, timezone: str = "UTC") -> datetime:
    """``duration`` after ``moment``, rounded (``_D``, ``_U``) in the wall clock of ``timezone``."""
    parsed = parse_duration(duration)
    if parsed is None:
        raise CannotApply(f"{duration!r} is not a duration")
    return shift(moment, parsed, zone=_zone(timezone))


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


_CONVERTERS: dict[type, Converter] = {
    rules.SetDiscount: _set_discount,
    rules.SetDiscountPerItem: _per_item,
    rules.SetDiscountPerAdditionalCost: _per_cost,
    rules.SetDiscountPerAdditionalCostPerItem: _per_cost_item,
    rules.AddFreeItem: _free_item,
    rules.ShowNotification: _notification,
    rules.UpdateAttributeValue: _update_attribute,
    rules.CustomEffect: _custom,
    rules.AddToAudience: _audience,
    rules.RemoveFromAudience: _audience,
    rules.AddLoyaltyPoints: _add_points,
    rules.DeductLoyaltyPoints: _deduct_points,
    rules.SetLoyaltyPointsExpiryDate: _set_expiry,
    rules.ExtendLoyaltyPointsExpiryDate: _extend_expiry,
    rules.AwardGiveaway: _giveaway,
    rules.IncreaseAchievementProgress: _achievement,
    rules.CreateCoupon: _deferred,
    rules.CreateReferral: _deferred,
    rules.ReserveCoupon: _deferred,
}

__all__ = ["convert", "convert_pro_rata"]
