"""Rounding of money: half-up to the currency's minor units, and exact pro-rata splits."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal


def quantum(digits: int) -> Decimal:
    return Decimal(1).scaleb(-digits)


def round_money(value: Decimal, digits: int) -> Decimal:
    return value.quantize(quantum(digits), rounding=ROUND_HALF_UP)


def split_pro_rata(total: Decimal, weights: Sequence[Decimal], digits: int) -> list[Decimal]:
    """Split a rounded ``total`` by ``weights``, largest remainder first: the parts sum to ``total``."""
    if not weights:
        return []
    step = quantum(digits)
    weight_sum = sum(weights, Decimal(0))
    if weight_sum <= 0:
        shares = [total / len(weights)] * len(weights)
    else:
        shares = [total * w / weight_sum for w in weights]
    floors = [s.quantize(step, rounding=ROUND_DOWN) for s in shares]
    left = int(((total - sum(floors, Decimal(0))) / step).to_integral_value(rounding=ROUND_HALF_UP))
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += step
    return floors


__all__ = ["quantum", "round_money", "split_pro_rata"]
