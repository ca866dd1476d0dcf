"""Talang micro-benchmark: compile and evaluate a typical 3-rule campaign over a 10-unit cart.

Run: ``PYTHONPATH=src python bench/talang_bench.py [evaluations]``.  Prints compile time per
ruleset and evaluations per second (each evaluation runs the cart-item filter binding and the
three rules, emitting 1 + 6 + 1 effects).
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from decimal import Decimal

from openpromo import rules

CART = [".", "Session", "CartItems"]
RULESET = {
    "bindings": [
        {
            "name": "kitchen",
            "type": "cartItemFilter",
            "expression": [
                "filter",
                CART,
                [["Item"], ["catch", False, ["=", [".", "Item", "Category"], "Kitchen"]]],
            ],
        },
        {"name": "kitchenTotal", "expression": ["sum", [".", "kitchen"], [["Item"], [".", "Item", "Price"]]]},
    ],
    "rules": [
        {
            "title": "10% off kitchen over 50",
            "condition": ["and", ["couponValid"], [">", [".", "kitchenTotal"], 50]],
            "effects": [["setDiscount", "kitchen10", ["*", [".", "kitchenTotal"], 0.1], "cartItems"]],
        },
        {
            "title": "5% off each kitchen unit",
            "condition": ["and", ["exists", [".", "kitchen"], [["Item"], [">", [".", "Item", "Price"], 20]]]],
            "effects": [
                [
                    "setDiscountPerItem",
                    "unit5",
                    [".", "kitchen"],
                    [["Item"], ["*", [".", "Item", "Price"], 0.05]],
                ]
            ],
        },
        {
            "title": "points",
            "condition": ["and", [">=", [".", "Session", "Total"], 100], ["inAudience", 7]],
            "effects": [["addLoyaltyPoints", 1, ["floor", [".", "Session", "Total"]], {"name": "spend"}]],
        },
    ],
}


def _context() -> rules.EvaluationContext:
    units = [
        {
            "Sku": f"SKU-{i}",
            "Price": Decimal(15 + 5 * i),
            "Category": "Kitchen" if i % 5 < 3 else "Garden",
            "Position": i // 2,
            "SubPosition": i % 2,
            "Attributes": {},
        }
        for i in range(10)
    ]
    total = sum((u["Price"] for u in units), Decimal(0))  # type: ignore[misc]
    return rules.EvaluationContext(
        roots={"Session": {"Total": total, "CartItems": units}},
        now=datetime(2024, 3, 10, tzinfo=UTC),
        coupon_valid=True,
        audiences=frozenset({7}),
    )


def main(evaluations: int = 20_000) -> None:
    compiles = 500
    started = time.perf_counter()
    for _ in range(compiles):
        compiled = rules.compile_ruleset(RULESET)
    compile_ms = (time.perf_counter() - started) / compiles * 1000

    ctx = _context()
    result = compiled.evaluate(ctx)
    assert all(o.fired for o in result.rules), result
    started = time.perf_counter()
    for _ in range(evaluations):
        compiled.evaluate(ctx)
    elapsed = time.perf_counter() - started

    print(f"compile:   {compile_ms:.3f} ms per ruleset (3 rules, 2 bindings)")
    per_call = elapsed / evaluations * 1e6
    print(f"evaluate:  {per_call:.1f} us per evaluation, 10-unit cart, {len(result.effects)} effects")
    print(f"throughput: {evaluations / elapsed:,.0f} evaluations/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
