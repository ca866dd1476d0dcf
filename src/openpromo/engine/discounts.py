"""What is left to discount, and how much of a requested discount fits (capping, DOMAIN A2).

A discount never exceeds what is left of its target; the excess is cut and ``desiredValue`` keeps
the ask. Per-unit discounts lower both the unit and the cart's remaining value; session-level
discounts lower the cart's (and additional costs') remaining value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from openpromo.engine.context import Unit, units
from openpromo.engine.model import Session

ZERO = Decimal(0)


@dataclass
class Remaining:
    unit_price: dict[Unit, Decimal] = field(default_factory=dict)
    unit_costs: dict[tuple[Unit, str], Decimal] = field(default_factory=dict)
    session_costs: dict[str, Decimal] = field(default_factory=dict)
    items_total: Decimal = ZERO

    @classmethod
    def of(cls, session: Session) -> Remaining:
        remaining = cls(session_costs=dict(session.additional_costs))
        for item, sub in units(session):
            unit = (item.position, sub)
            remaining.unit_price[unit] = item.price
            remaining.items_total += item.price
            for name, price in item.additional_costs.items():
                remaining.unit_costs[(unit, name)] = price
        return remaining

    def copy(self) -> Remaining:
        return Remaining(
            dict(self.unit_price), dict(self.unit_costs), dict(self.session_costs), self.items_total
        )

    @property
    def costs_total(self) -> Decimal:
        return sum(self.session_costs.values(), ZERO) + sum(self.unit_costs.values(), ZERO)

    @property
    def total(self) -> Decimal:
        return self.items_total + self.costs_total

    def session_room(self, scope: str) -> Decimal:
        if scope == "cartItems":
            return self.items_total
        if scope == "additionalCosts":
            return self.costs_total
        return self.total

    def take_session(self, scope: str, amount: Decimal) -> None:
        if scope == "additionalCosts":
            self._take_costs(amount)
            return
        from_items = min(amount, self.items_total)
        self.items_total -= from_items
        if scope != "cartItems":
            self._take_costs(amount - from_items)

    def _take_costs(self, amount: Decimal) -> None:
        for name in list(self.session_costs):
            part = min(amount, self.session_costs[name])
            self.session_costs[name] -= part
            amount -= part
        for key in list(self.unit_costs):
            part = min(amount, self.unit_costs[key])
            self.unit_costs[key] -= part
            amount -= part

    def unit_room(self, unit: Unit, scope: str) -> Decimal:
        costs = sum((v for (u, _), v in self.unit_costs.items() if u == unit), ZERO)
        price = min(self.unit_price.get(unit, ZERO), self.items_total)
        if scope == "additionalCosts":
            return costs
        if scope == "itemTotal":
            return price + costs
        return price

    def take_unit(self, unit: Unit, scope: str, amount: Decimal) -> None:
        if scope != "additionalCosts":
            from_price = min(amount, self.unit_price.get(unit, ZERO))
            self.unit_price[unit] = self.unit_price.get(unit, ZERO) - from_price
            self.items_total -= from_price
            amount -= from_price
            if scope == "price":
                return
        for key in [k for k in self.unit_costs if k[0] == unit]:
            part = min(amount, self.unit_costs[key])
            self.unit_costs[key] -= part
            amount -= part

    def cost_room(self, name: str, unit: Unit | None) -> Decimal:
        if unit is None:
            return self.session_costs.get(name, ZERO)
        return self.unit_costs.get((unit, name), ZERO)

    def take_cost(self, name: str, unit: Unit | None, amount: Decimal) -> None:
        if unit is None:
            self.session_costs[name] = self.session_costs.get(name, ZERO) - amount
        else:
            self.unit_costs[(unit, name)] = self.unit_costs.get((unit, name), ZERO) - amount


__all__ = ["Remaining"]
