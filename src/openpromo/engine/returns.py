"""Partial returns (DOMAIN A1, B §1.5): which units go back, and what of the close is rolled back.

Units are returned from the lowest sub-position not yet returned. A per-unit discount on a returned unit
is rolled back whole; a session-level discount is rolled back in proportion to the returned units' share
of the cart's value (rounded half-up; the rest stays committed). Coupon redemptions stay: the coupon was
used. Effects are JSON documents as committed with the session.

With ``runRuleEngine=true`` the campaigns that ask to be re-evaluated on returns are evaluated again on
what is left of the cart; each of their discounts is then rolled back down to what the re-evaluation
gives (a return never raises a discount; a discount the re-evaluation no longer gives is rolled back
whole). Discounts on returned units are rolled back whole either way.
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


def discount_key(effect: Mapping[str, Any]) -> tuple[Any, ...]:
    """What identifies one discount of a campaign across evaluations of the same cart."""
    props = effect["props"]
    return (
        effect["campaignId"],
        effect["ruleIndex"],
        effect["effectType"],
        props.get("name"),
        props.get("position"),
        props.get("subPosition"),
        props.get("additionalCostId"),
    )


def roll_back_return(
    effects: Iterable[Mapping[str, Any]],
    units: set[Unit],
    share: Decimal,
    digits: int,
    revalued: tuple[frozenset[int], Mapping[tuple[Any, ...], Decimal]] | None = None,
) -> ReturnRollback:
    """``revalued``: the re-evaluated campaigns and what their discounts are worth now (by
    ``discount_key``)."""
    result = ReturnRollback()
    campaigns, values = revalued or (frozenset(), {})
    for effect in effects:
        props = effect["props"]
        if effect["effectType"] not in DISCOUNT_TYPES:
            result.remaining.append(dict(effect))
            continue
        value = Decimal(str(props["value"]))
        unit = (props["position"], props.get("subPosition", 0)) if "position" in props else None
        if unit is not None and unit in units:
            back = value
        elif effect["campaignId"] in campaigns:
            back = value - min(values.get(discount_key(effect), Decimal(0)), value)
        elif unit is not None:
            result.remaining.append(dict(effect))
            continue
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


__all__ = ["ReturnRollback", "discount_key", "discount_rollback", "returned_units", "roll_back_return"]
