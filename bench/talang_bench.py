"""Talang micro-benchmark: compile and evaluate a typical 3-rule campaign over a 10-unit cart.

Run: ``python -m bench.talang_bench [evaluations]`` (or call ``main()``/``measure()`` from the
``make bench`` entry point).  Prints compile time per ruleset, evaluation time and evaluations per
second; each evaluation runs the cart-item filter and sum bindings and the three rules, emitting
1 + 6 + 1 effects.  Times are the best of several rounds, so a busy machine disturbs them less.
It is a benchmark, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from openpromo import rules

__all__ = ["RULESET", "TalangBenchmark", "context", "main", "measure"]

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


def context() -> rules.EvaluationContext:
    """The 10-unit cart (6 kitchen units) the campaign is evaluated on, shaped like the engine's."""
    prices = [Decimal(15 + 5 * i) for i in range(10)]
    units: list[rules.TalangValue] = [
        {
            "Sku": f"SKU-{i}",
            "Price": price,
            "Category": "Kitchen" if i % 5 < 3 else "Garden",
            "Position": Decimal(i // 2),
            "SubPosition": Decimal(i % 2),
            "Attributes": {},
        }
        for i, price in enumerate(prices)
    ]
    return rules.EvaluationContext(
        roots={"Session": {"Total": sum(prices, Decimal(0)), "CartItems": units}},
        now=datetime(2024, 3, 10, tzinfo=UTC),
        coupon_valid=True,
        audiences=frozenset({7}),
    )


@dataclass(frozen=True, slots=True)
class TalangBenchmark:
    compile_ms: float
    """Milliseconds to compile the ruleset (3 rules, 2 bindings)."""
    evaluate_us: float
    """Microseconds per evaluation of the whole ruleset."""
    evaluations_per_second: float
    effects: int
    """Effect requests one evaluation emits."""


def _best(rounds: int, repeat: int, run: Callable[[], object]) -> float:
    """Seconds per call of ``run``: the best of ``rounds`` rounds of ``repeat`` calls."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(repeat):
            run()
        best = min(best, (time.perf_counter() - started) / repeat)
    return best


def measure(evaluations: int = 20_000, compiles: int = 500, rounds: int = 5) -> TalangBenchmark:
    compiled = rules.compile_ruleset(RULESET)
    ctx = context()
    result = compiled.evaluate(ctx)
    if not all(o.fired for o in result.rules):
        raise RuntimeError(f"the benchmark campaign should fire every rule: {result}")
    compile_s = _best(rounds, max(compiles // rounds, 1), lambda: rules.compile_ruleset(RULESET))
    evaluate_s = _best(rounds, max(evaluations // rounds, 1), lambda: compiled.evaluate(ctx))
    return TalangBenchmark(compile_s * 1e3, evaluate_s * 1e6, 1 / evaluate_s, len(result.effects))


def main(evaluations: int = 20_000) -> None:
    result = measure(evaluations)
    print(f"compile:    {result.compile_ms:.3f} ms per ruleset (3 rules, 2 bindings)")
    print(f"evaluate:   {result.evaluate_us:.1f} us per evaluation, 10-unit cart, {result.effects} effects")
    print(f"throughput: {result.evaluations_per_second:,.0f} evaluations/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
