"""Discount effects: ``setDiscount`` and its per-item, pro-rata and additional-cost variants, and
``addFreeItem``.

Effect calls append an ``EffectRequest`` to the runtime and return null; they are only allowed in
a rule's effects.  Per-item effects take a list of flattened units (maps with ``Position`` and
``SubPosition``) and, except the pro-rata one, a lambda ``[["Item"], value]`` run once per unit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from . import effects as fx
from .errors import Fault
from .runtime import Runtime
from .signatures import (
    Arg,
    Eval,
    Param,
    Prepare,
    block,
    call_block,
    charge,
    effect_builtin,
    evaluator,
    prepared,
)
from .types import Kind, TalangValue
from .values import ARITHMETIC, as_int, as_list, as_map, as_number, as_text, truthy

__all__ = ["BUILTINS"]

N, S, L, B = Kind.NUMBER, Kind.STRING, Kind.LIST, Kind.BOOLEAN
_SESSION_SCOPES = ("sessionTotal", "cartItems", "additionalCosts")
_ITEM_SCOPES = ("price", "itemTotal", "additionalCosts")


def _one_of(allowed: tuple[str, ...]) -> Prepare:
    """Prepare a scope argument: one of ``allowed`` (null means the application's default)."""

    def prepare(value: TalangValue) -> str | None:
        if value is None:
            return None
        text = as_text(value)
        if text not in allowed:
            raise Fault(f"invalid scope {text!r}: expected one of {', '.join(allowed)}")
        return text

    return prepare


def _position(unit: TalangValue) -> tuple[int, int]:
    fields = as_map(unit)
    if "Position" not in fields:
        raise Fault("each item must have a Position")
    return as_int(fields["Position"], "an item Position"), as_int(
        fields.get("SubPosition", 0), "a SubPosition"
    )


def _set_discount(
    rt: Runtime, name: TalangValue, value: TalangValue, scope: str | None = None
) -> TalangValue:
    rt.effects.append(fx.SetDiscount(as_text(name), as_number(value), scope))
    return None


def _per_item(args: tuple[Arg, ...], _path: object, _op: str) -> Eval:
    name, items, fn = evaluator(args[0]), evaluator(args[1]), block(args[2])
    scope = prepared(args[3]) if len(args) > 3 else None
    exclude = evaluator(args[4]) if len(args) > 4 else None

    def run(rt: Runtime) -> TalangValue:
        label, units = as_text(name(rt)), as_list(items(rt))
        chosen = cast("str | None", scope(rt)) if scope is not None else None
        excluded = exclude is not None and truthy(exclude(rt))
        for unit in units:
            position, sub = _position(unit)
            value = as_number(call_block(rt, fn, unit))
            rt.effects.append(fx.SetDiscountPerItem(label, value, position, sub, chosen, excluded))
        return None

    return run


def _unit_price(unit: TalangValue) -> Decimal:
    fields = as_map(unit)
    price = fields.get("DiscountedPrice", fields.get("Price"))
    return as_number(price) if price is not None else Decimal(0)


def _pro_rata(
    rt: Runtime,
    name: TalangValue,
    items: TalangValue,
    total: TalangValue,
    exclude: TalangValue = None,
) -> TalangValue:
    label, units, amount, excluded = as_text(name), as_list(items), as_number(total), truthy(exclude)
    charge(rt, len(units))
    weights = [_unit_price(u) for u in units]
    weight_sum = Decimal(0)
    for weight in weights:
        weight_sum = ARITHMETIC.add(weight_sum, weight)
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
        rt.effects.append(fx.SetDiscountPerItemProRata(label, share, position, sub, amount, excluded))
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


_ITEMS, _FN = Param("items", L), Param("fn", lambda_arity=1)
_EXCLUDE = Param("excludeFromPriceHistory", B, optional=True)
_CART = [".", "Session", "CartItems"]
_PRICE_10 = [["Item"], ["*", [".", "Item", "Price"], 0.1]]
_effect = effect_builtin


BUILTINS = (
    _effect(
        "setDiscount",
        (
            Param("name", S),
            Param("value", N),
            Param("scope", S, prepare=_one_of(_SESSION_SCOPES), optional=True),
        ),
        "A session discount of `value` (money); scope sessionTotal, cartItems or additionalCosts.",
        ["setDiscount", "10% off", ["*", [".", "Session", "Total"], 0.1]],
        impl=_set_discount,
    ),
    _effect(
        "setDiscountPerItem",
        (
            Param("name", S),
            _ITEMS,
            _FN,
            Param("scope", S, prepare=_one_of(_ITEM_SCOPES), optional=True),
            _EXCLUDE,
        ),
        "One per-item discount for every unit, valued by the lambda; scope price, itemTotal or "
        "additionalCosts; `excludeFromPriceHistory` true keeps the discounted price out of the SKU's "
        "price history.",
        ["setDiscountPerItem", "10% items", _CART, _PRICE_10],
        form=_per_item,
    ),
    _effect(
        "setDiscountPerItemProRata",
        (Param("name", S), _ITEMS, Param("total", N), _EXCLUDE),
        "Splits `total` over the units in proportion to their (discounted) price; the last unit takes "
        "the remainder so shares add up exactly; `excludeFromPriceHistory` as in setDiscountPerItem.",
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
)
