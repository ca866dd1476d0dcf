"""Effect calls: each appends an ``EffectRequest`` to the runtime and returns null.

Effect calls are only allowed in a rule's effects (the checker refuses them in conditions and
bindings).  Per-item effects take a list of flattened units (maps with ``Position`` and
``SubPosition``) and, except the pro-rata one, a lambda ``[["Item"], value]`` run once per unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from . import effects as fx
from .durations import parse_duration
from .errors import Fault
from .options import choice, decimal_or_none, int_or_none, literal_check, read_options, spec, text_or_none
from .runtime import Runtime
from .signatures import Arg, Builtin, Eval, LiteralCheck, Param, block, call_block, charge, evaluator
from .types import Kind, TalangValue
from .values import ARITHMETIC, as_int, as_list, as_map, as_number, as_text, as_time

__all__ = ["BUILTINS"]

N, S, L, M, T, NULL = Kind.NUMBER, Kind.STRING, Kind.LIST, Kind.MAP, Kind.TIME, Kind.NULL
_SESSION_SCOPES = ("sessionTotal", "cartItems", "additionalCosts")
_ITEM_SCOPES = ("price", "itemTotal", "additionalCosts")


def _one_of(allowed: tuple[str, ...]) -> LiteralCheck:
    def check(value: TalangValue) -> str | None:
        if isinstance(value, str) and value not in allowed:
            return f"invalid scope {value!r}: expected one of {', '.join(allowed)}"
        return None

    return check


def _scope(value: TalangValue, allowed: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    message = _one_of(allowed)(as_text(value))
    if message:
        raise Fault(message)
    return as_text(value)


def _duration_check(value: TalangValue) -> str | None:
    if isinstance(value, str) and (value in ("immediate", "unlimited") or parse_duration(value) is None):
        return f"invalid duration {value!r}: expected e.g. 30D, 1M_U"
    return None


def _attribute_path_check(value: TalangValue) -> str | None:
    if isinstance(value, str):
        parts = value.split(".")
        if len(parts) < 3 or parts[1] != "Attributes" or not all(parts):
            return f"invalid attribute path {value!r}: expected e.g. Profile.Attributes.name"
    return None


def _program(value: TalangValue) -> int:
    return as_int(value, "a program id")


def _position(unit: TalangValue) -> tuple[int, int]:
    fields = as_map(unit)
    if "Position" not in fields:
        raise Fault("each item must have a Position")
    return as_int(fields["Position"], "an item Position"), as_int(
        fields.get("SubPosition", 0), "a SubPosition"
    )


def _set_discount(
    rt: Runtime, name: TalangValue, value: TalangValue, scope: TalangValue = None
) -> TalangValue:
    rt.effects.append(fx.SetDiscount(as_text(name), as_number(value), _scope(scope, _SESSION_SCOPES)))
    return None


def _per_item(args: tuple[Arg, ...], _path: object, _op: str) -> Eval:
    name, items, fn = evaluator(args[0]), evaluator(args[1]), block(args[2])
    scope = evaluator(args[3]) if len(args) > 3 else None

    def run(rt: Runtime) -> TalangValue:
        label, units = as_text(name(rt)), as_list(items(rt))
        chosen = _scope(scope(rt), _ITEM_SCOPES) if scope is not None else None
        for unit in units:
            position, sub = _position(unit)
            value = as_number(call_block(rt, fn, unit))
            rt.effects.append(fx.SetDiscountPerItem(label, value, position, sub, chosen))
        return None

    return run


def _unit_price(unit: TalangValue) -> Decimal:
    fields = as_map(unit)
    price = fields.get("DiscountedPrice", fields.get("Price"))
    return as_number(price) if price is not None else Decimal(0)


def _pro_rata(rt: Runtime, name: TalangValue, items: TalangValue, total: TalangValue) -> TalangValue:
    label, units, amount = as_text(name), as_list(items), as_number(total)
    charge(rt, len(units))
    weights = [_unit_price(u) for u in units]
    weight_sum = sum(weights, Decimal(0))
    given = Decimal(0)
    for index, unit in enumerate(units):
        position, sub = _position(unit)
        if index == len(units) - 1:
            share = ARITHMETIC.subtract(amount, given)
        elif weight_sum:
            share = ARITHMETIC.divide(ARITHMETIC.multiply(amount, weights[index]), weight_sum)
        else:
            share = ARITHMETIC.divide(amount, Decimal(len(units)))
        given = ARITHMETIC.add(given, share)
        rt.effects.append(fx.SetDiscountPerItemProRata(label, share, position, sub, amount))
    return None


def _per_cost(rt: Runtime, name: TalangValue, cost: TalangValue, value: TalangValue) -> TalangValue:
    rt.effects.append(fx.SetDiscountPerAdditionalCost(as_text(name), as_text(cost), as_number(value)))
    return None


def _per_cost_item(args: tuple[Arg, ...], _path: object, _op: str) -> Eval:
    name, cost, items, fn = evaluator(args[0]), evaluator(args[1]), evaluator(args[2]), block(args[3])

    def run(rt: Runtime) -> TalangValue:
        label, cost_name = as_text(name(rt)), as_text(cost(rt))
        for unit in as_list(items(rt)):
            position, sub = _position(unit)
            value = as_number(call_block(rt, fn, unit))
            rt.effects.append(fx.SetDiscountPerAdditionalCostPerItem(label, cost_name, value, position, sub))
        return None

    return run


def _free_item(rt: Runtime, sku: TalangValue, name: TalangValue) -> TalangValue:
    rt.effects.append(fx.AddFreeItem(as_text(sku), as_text(name)))
    return None


_ADD_POINTS = spec(
    name="text",
    subledgerId="text",
    pending=choice("immediate", "on_action", durations=True),
    validity=choice("unlimited", durations=True),
    recipient=choice("profile", "advocate"),
    cardIdentifier="text",
)
_DEDUCT_POINTS = spec(name="text", subledgerId="text", cardIdentifier="text")
_SUBLEDGER = spec(subledgerId="text")
_COUPON = spec(
    pattern="text",
    usageLimit="count",
    discountLimit="amount",
    validity=choice("unlimited", durations=True),
    recipient=choice("profile", "advocate"),
    attributes="map",
)
_REFERRAL = spec(campaignId="count", validity=choice("unlimited", durations=True), usageLimit="count")


def _add_points(
    rt: Runtime, program: TalangValue, value: TalangValue, options: TalangValue = None
) -> TalangValue:
    o = read_options(options, _ADD_POINTS)
    rt.effects.append(
        fx.AddLoyaltyPoints(
            _program(program),
            as_number(value),
            text_or_none(o, "name"),
            text_or_none(o, "subledgerId"),
            text_or_none(o, "pending"),
            text_or_none(o, "validity"),
            text_or_none(o, "recipient") or "profile",
            text_or_none(o, "cardIdentifier"),
        )
    )
    return None


def _deduct_points(
    rt: Runtime, program: TalangValue, value: TalangValue, options: TalangValue = None
) -> TalangValue:
    o = read_options(options, _DEDUCT_POINTS)
    rt.effects.append(
        fx.DeductLoyaltyPoints(
            _program(program),
            as_number(value),
            text_or_none(o, "name"),
            text_or_none(o, "subledgerId"),
            text_or_none(o, "cardIdentifier"),
        )
    )
    return None


def _set_expiry(
    rt: Runtime, program: TalangValue, moment: TalangValue, options: TalangValue = None
) -> TalangValue:
    subledger = text_or_none(read_options(options, _SUBLEDGER), "subledgerId")
    rt.effects.append(fx.SetLoyaltyPointsExpiryDate(_program(program), as_time(moment), subledger))
    return None


def _extend_expiry(
    rt: Runtime, program: TalangValue, duration: TalangValue, options: TalangValue = None
) -> TalangValue:
    subledger = text_or_none(read_options(options, _SUBLEDGER), "subledgerId")
    text = as_text(duration)
    message = _duration_check(text)
    if message:
        raise Fault(message)
    rt.effects.append(fx.ExtendLoyaltyPointsExpiryDate(_program(program), text, subledger))
    return None


def _create_coupon(rt: Runtime, options: TalangValue = None) -> TalangValue:
    o = read_options(options, _COUPON)
    attributes = o.get("attributes")
    rt.effects.append(
        fx.CreateCoupon(
            text_or_none(o, "pattern"),
            int_or_none(o, "usageLimit"),
            decimal_or_none(o, "discountLimit"),
            text_or_none(o, "validity"),
            text_or_none(o, "recipient") or "profile",
            attributes if isinstance(attributes, Mapping) else {},
        )
    )
    return None


def _create_referral(rt: Runtime, options: TalangValue = None) -> TalangValue:
    o = read_options(options, _REFERRAL)
    rt.effects.append(
        fx.CreateReferral(
            int_or_none(o, "campaignId"), text_or_none(o, "validity"), int_or_none(o, "usageLimit")
        )
    )
    return None


def _reserve_coupon(rt: Runtime, code: TalangValue) -> TalangValue:
    rt.effects.append(fx.ReserveCoupon(as_text(code)))
    return None


def _award_giveaway(rt: Runtime, pool: TalangValue) -> TalangValue:
    rt.effects.append(fx.AwardGiveaway(as_int(pool, "a pool id")))
    return None


def _notify(rt: Runtime, kind: TalangValue, title: TalangValue, body: TalangValue) -> TalangValue:
    rt.effects.append(fx.ShowNotification(as_text(kind), as_text(title), as_text(body)))
    return None


def _update_attribute(rt: Runtime, path: TalangValue, value: TalangValue) -> TalangValue:
    text = as_text(path)
    message = _attribute_path_check(text)
    if message:
        raise Fault(message)
    rt.effects.append(fx.UpdateAttributeValue(text, value))
    return None


def _custom(rt: Runtime, name: TalangValue, payload: TalangValue = None) -> TalangValue:
    rt.effects.append(fx.CustomEffect(as_text(name), dict(as_map(payload)) if payload is not None else {}))
    return None


def _add_audience(rt: Runtime, audience: TalangValue) -> TalangValue:
    rt.effects.append(fx.AddToAudience(as_int(audience, "an audience id")))
    return None


def _remove_audience(rt: Runtime, audience: TalangValue) -> TalangValue:
    rt.effects.append(fx.RemoveFromAudience(as_int(audience, "an audience id")))
    return None


def _achievement(rt: Runtime, name: TalangValue, delta: TalangValue) -> TalangValue:
    rt.effects.append(fx.IncreaseAchievementProgress(as_text(name), as_number(delta)))
    return None


_ITEMS, _FN = Param("items", L), Param("fn", lambda_arity=1)
_PROGRAM = Param("programId", N)
_CART = [".", "Session", "CartItems"]
_PRICE_10 = [["Item"], ["*", [".", "Item", "Price"], 0.1]]


def _effect(name: str, params: tuple[Param, ...], summary: str, example: object, **kw: object) -> Builtin:
    return Builtin(name, "effect", params, NULL, summary, example, None, effect=True, **kw)  # type: ignore[arg-type]


BUILTINS = (
    _effect(
        "setDiscount",
        (
            Param("name", S),
            Param("value", N),
            Param("scope", S, check=_one_of(_SESSION_SCOPES), optional=True),
        ),
        "A session discount of `value` (money); scope sessionTotal, cartItems or additionalCosts.",
        ["setDiscount", "10% off", ["*", [".", "Session", "Total"], 0.1]],
        impl=_set_discount,
    ),
    _effect(
        "setDiscountPerItem",
        (Param("name", S), _ITEMS, _FN, Param("scope", S, check=_one_of(_ITEM_SCOPES), optional=True)),
        "One per-item discount for every unit, valued by the lambda; scope price, itemTotal or "
        "additionalCosts.",
        ["setDiscountPerItem", "10% items", _CART, _PRICE_10],
        form=_per_item,
    ),
    _effect(
        "setDiscountPerItemProRata",
        (Param("name", S), _ITEMS, Param("total", N)),
        "Splits `total` over the units in proportion to their (discounted) price; the last unit takes "
        "the remainder so shares add up exactly.",
        ["setDiscountPerItemProRata", "5 off", _CART, 5],
        impl=_pro_rata,
    ),
    _effect(
        "setDiscountPerAdditionalCost",
        (Param("name", S), Param("costName", S), Param("value", N)),
        "A discount on a session additional cost.",
        ["setDiscountPerAdditionalCost", "free ship", "shipping", 5],
        impl=_per_cost,
    ),
    _effect(
        "setDiscountPerAdditionalCostPerItem",
        (Param("name", S), Param("costName", S), _ITEMS, _FN),
        "A discount on an item-level additional cost, for every unit.",
        ["setDiscountPerAdditionalCostPerItem", "wrap", "giftwrap", _CART, [["Item"], 1]],
        form=_per_cost_item,
    ),
    _effect(
        "addFreeItem",
        (Param("sku", S), Param("name", S)),
        "Asks the integration to add a free item.",
        ["addFreeItem", "SKU-1", "free mug"],
        impl=_free_item,
    ),
    _effect(
        "addLoyaltyPoints",
        (_PROGRAM, Param("value", N), Param("options", M, check=literal_check(_ADD_POINTS), optional=True)),
        "Adds points; options name, subledgerId, pending (immediate, on_action or a duration), validity "
        "(unlimited or a duration), recipient (profile or advocate), cardIdentifier.",
        ["addLoyaltyPoints", 1, 10, {"pending": "on_action"}],
        impl=_add_points,
    ),
    _effect(
        "deductLoyaltyPoints",
        (
            _PROGRAM,
            Param("value", N),
            Param("options", M, check=literal_check(_DEDUCT_POINTS), optional=True),
        ),
        "Deducts points; options name, subledgerId, cardIdentifier.",
        ["deductLoyaltyPoints", 1, 5],
        impl=_deduct_points,
    ),
    _effect(
        "setLoyaltyPointsExpiryDate",
        (_PROGRAM, Param("time", T), Param("options", M, check=literal_check(_SUBLEDGER), optional=True)),
        "Sets the expiry of all active and pending points of a subledger; option subledgerId.",
        ["setLoyaltyPointsExpiryDate", 1, "2025-01-01T00:00:00Z"],
        impl=_set_expiry,
    ),
    _effect(
        "extendLoyaltyPointsExpiryDate",
        (
            _PROGRAM,
            Param("duration", S, check=_duration_check),
            Param("options", M, check=literal_check(_SUBLEDGER), optional=True),
        ),
        "Extends the expiry of a subledger's points by a duration; option subledgerId.",
        ["extendLoyaltyPointsExpiryDate", 1, "30D"],
        impl=_extend_expiry,
    ),
    _effect(
        "createCoupon",
        (Param("options", M, check=literal_check(_COUPON), optional=True),),
        "Creates a coupon; options pattern, usageLimit, discountLimit, validity, recipient, attributes.",
        ["createCoupon", {"pattern": "GIFT-####", "usageLimit": 1}],
        impl=_create_coupon,
    ),
    _effect(
        "createReferral",
        (Param("options", M, check=literal_check(_REFERRAL), optional=True),),
        "Creates a referral code; options campaignId, validity, usageLimit.",
        ["createReferral", {}],
        impl=_create_referral,
    ),
    _effect(
        "reserveCoupon",
        (Param("code", S),),
        "Reserves a coupon code for the profile.",
        ["reserveCoupon", "VIP-1"],
        impl=_reserve_coupon,
    ),
    _effect(
        "awardGiveaway",
        (Param("poolId", N),),
        "Awards a giveaway code from the pool.",
        ["awardGiveaway", 3],
        impl=_award_giveaway,
    ),
    _effect(
        "showNotification",
        (Param("type", S), Param("title", S), Param("body", S)),
        "Shows a notification to the integration.",
        ["showNotification", "info", "Hi", "Welcome"],
        impl=_notify,
    ),
    _effect(
        "updateAttributeValue",
        (Param("path", S, check=_attribute_path_check), Param("value")),
        "Writes a custom attribute, e.g. `Profile.Attributes.vip`.",
        ["updateAttributeValue", "Profile.Attributes.vip", True],
        impl=_update_attribute,
    ),
    _effect(
        "updateAttribute",
        (Param("path", S, check=_attribute_path_check), Param("value")),
        "Alias of `updateAttributeValue`.",
        ["updateAttribute", "Profile.Attributes.vip", True],
        impl=_update_attribute,
    ),
    _effect(
        "customEffect",
        (Param("name", S), Param("payload", M, optional=True)),
        "A custom effect with the map as payload.",
        ["customEffect", "banner", {"id": 1}],
        impl=_custom,
    ),
    _effect(
        "addToAudience",
        (Param("audienceId", N),),
        "Adds the profile to an audience.",
        ["addToAudience", 7],
        impl=_add_audience,
    ),
    _effect(
        "removeFromAudience",
        (Param("audienceId", N),),
        "Removes the profile from an audience.",
        ["removeFromAudience", 7],
        impl=_remove_audience,
    ),
    _effect(
        "increaseAchievementProgress",
        (Param("achievementName", S), Param("delta", N)),
        "Increases the progress of an achievement.",
        ["increaseAchievementProgress", "buyer", 1],
        impl=_achievement,
    ),
)
