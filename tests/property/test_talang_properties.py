"""Hypothesis: compilation and evaluation never fail in any way other than a Talang error.

1. Any JSON value either compiles or raises TalangSyntaxError/TalangTypeError.
2. Any compiled expression or ruleset, on any context, returns a value or a runtime error value
   (TalangRuntimeError, BudgetExceeded) within the step budget: no other exception, no hang.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openpromo import rules
from openpromo.rules.builtins import REGISTRY
from openpromo.rules.paths import ROOTS

NAMES = sorted({b.name for b in REGISTRY.values()})
KEYS = [
    "Total",
    "CartItems",
    "Price",
    "Attributes",
    "Position",
    "SubPosition",
    "x",
    "Item",
    "1",
    "ActivePoints",
]
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["", "a", "1", "2024-03-10T12:00:00Z", "5D", "^a+$", "(?=x)", "minutes", "Session", "x"]),
    st.text(max_size=8),
)


def _call(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    name = st.sampled_from(NAMES) | st.sampled_from([".", "foo", "AND", "Filter"])
    lam = st.builds(lambda p, body: [[p], body], st.sampled_from(["Item", "x", "Session"]), children)
    arg = children | lam
    path = st.builds(
        lambda root, keys: [".", root, *keys],
        st.sampled_from([*sorted(ROOTS), "x", "Item"]),
        st.lists(st.sampled_from(KEYS) | st.integers(0, 3), max_size=3),
    )
    return path | st.builds(lambda n, args: [n, *args], name, st.lists(arg, max_size=4))


json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        _call(children),
        st.lists(children, max_size=3),
        st.dictionaries(st.text(max_size=4), children, max_size=3),
    ),
    max_leaves=25,
)

units = st.lists(
    st.fixed_dictionaries(
        {
            "Price": st.integers(0, 100),
            "Position": st.integers(0, 3),
            "SubPosition": st.integers(0, 3),
            "Attributes": st.dictionaries(st.sampled_from(["color", "x"]), scalars, max_size=2),
        }
    ),
    max_size=4,
)
contexts = st.builds(
    lambda session, items, flags, budget: rules.EvaluationContext(
        roots={
            "Session": {**session, "CartItems": items},
            "Loyalty": {"1": {"ActivePoints": Decimal(5)}},
            "Item": items[0] if items else {},
        },
        now=datetime(2024, 3, 10, 12, tzinfo=UTC),
        coupon_valid=flags,
        audiences=frozenset({7}),
        step_budget=budget,
    ),
    st.dictionaries(st.sampled_from(KEYS), scalars, max_size=4),
    units,
    st.booleans(),
    st.integers(1, 2_000),
)


def _compile(value: Any) -> rules.CompiledExpression | None:
    try:
        return rules.compile(value)
    except (rules.TalangSyntaxError, rules.TalangTypeError):
        return None


@FAST
@given(json_values)
def test_any_json_compiles_or_raises_a_compile_error(value: Any) -> None:
    # when any JSON value is compiled, then it succeeds or raises a compile-time Talang error
    try:
        compiled = rules.compile(value)
    except (rules.TalangSyntaxError, rules.TalangTypeError) as error:
        assert error.pointer == "" or error.pointer.startswith("/")
        assert error.message
        return
    assert isinstance(compiled, rules.CompiledExpression)


@FAST
@given(json_values, contexts)
def test_any_compiled_expression_returns_or_raises_a_runtime_error(
    value: Any, ctx: rules.EvaluationContext
) -> None:
    compiled = _compile(value)
    if compiled is None:
        return
    # when a compiled expression is evaluated on any context
    started = time.perf_counter()
    try:
        compiled.evaluate_with_effects(ctx)
    except rules.TalangRuntimeError as error:
        # then the only failures are runtime errors carrying a path
        assert error.message
    # and it finishes promptly
    assert time.perf_counter() - started < 2.0


@FAST
@given(json_values, json_values, st.lists(json_values, max_size=3), contexts)
def test_any_compiled_ruleset_evaluates_to_outcomes(
    binding: Any, condition: Any, effects: list[Any], ctx: rules.EvaluationContext
) -> None:
    ruleset = {
        "bindings": [{"name": "b", "expression": binding}],
        "rules": [{"title": "r", "condition": condition, "effects": effects}],
    }
    try:
        compiled = rules.compile_ruleset(ruleset)
    except (rules.TalangSyntaxError, rules.TalangTypeError):
        return
    # when evaluated, then errors are values in the outcome, never exceptions
    (outcome,) = compiled.evaluate(ctx).rules
    assert outcome.error is None or outcome.failed_part in ("binding", "condition", "effect")
    assert not (outcome.fired and outcome.error is not None)
