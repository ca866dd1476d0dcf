"""Partial returns (DOMAIN A1, B §1.5): which units go back, and what of the close is rolled back.

Units are returned from the lowest sub-position not yet returned. A per-unit discount on a returned unit
is rolled back whole; a session-level discount is rolled back in proportion to the returned units' share
of the cart's value (rounded half-up; the rest stays committed). Coupon redemptions stay: the coupon was
used. Effects are JSON documents as committed with the session.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpromo.engine.effects import DISCOUNT_TYPES
from openpromo.engine.money import round_money

Unit = tuple[int, int]


@dataclass
class ReturnRollback:
    rollbacks: list[dict[str, Any]] = field(default_factory=list)
    remaining: list[dict[str, Any]] = field(default_factory=list)
    by_campaign: dict[int, Decimal] = field(default_factory=dict)
    by_coupon: dict[int, Decimal] = field(default_factory=dict)


def returned_units(lines: Mapping[int, tuple[int, int]]) -> set[Unit]:
    """``lines``: position → (units returned before, units returned now)."""
    return {
        (position, sub) for position, (before, now) in lines.items() for sub in range(before, before + now)
    }


def roll_back_return(
    effects: Iterable[Mapping[str, Any]], units: set[Unit], share: Decimal, digits: int
) -> ReturnRollback:
    result = ReturnRollback()
    for effect in effects:
        props = effect["props"]
        if effect["effectType"] not in DISCOUNT_TYPES:
            result.remaining.append(dict(effect))
            continue
        value = Decimal(str(props["value"]))
        if "position" in props:
            if (props["position"], props.get("subPosition", 0)) not in units:
                result.remaining.append(dict(effect))
                continue
            back = value
        else:
            back = min(round_money(value * share, digits), value)
        if back > 0:
            result.rollbacks.append(discount_rollback(effect, back))
            campaign = effect["campaignId"]
            result.by_campaign[campaign] = result.by_campaign.get(campaign, Decimal(0)) + back
            coupon = effect.get("triggeredByCoupon")
            if coupon is not None:
                result.by_coupon[coupon] = result.by_coupon.get(coupon, Decimal(0)) + back
        if back < value:
            result.remaining.append({**effect, "props": {**props, "value": value - back}})
    return result


def discount_rollback(effect: Mapping[str, Any], value: Any) -> dict[str, Any]:
    """The ``rollbackDiscount`` that gives back ``value`` of a committed discount effect."""
    props = effect["props"]
    out: dict[str, Any] = {"name": props["name"], "value": value}
    if "position" in props:
        out["cartItemPosition"] = props["position"]
        out["cartItemSubPosition"] = props.get("subPosition", 0)
    if "additionalCostId" in props:
        out["additionalCostId"] = props["additionalCostId"]
        out["additionalCost"] = props["additionalCost"]
    if "scope" in props:
        out["scope"] = props["scope"]
    return {**effect, "effectType": "rollbackDiscount", "props": out}


__all__ = ["ReturnRollback", "discount_rollback", "returned_units", "roll_back_return"]
