"""Hypothesis: compilation and evaluation never fail in any way other than a Talang error.

1. Any JSON value either compiles or raises TalangSyntaxError/TalangTypeError, however deeply
   nested (no RecursionError) and whatever its regular expressions.
2. Any compiled expression or ruleset, on any context, returns a value or a runtime error value
   (TalangRuntimeError, BudgetExceeded) within the step budget: no other exception, no hang.
   Expressions are drawn both from raw JSON and from the registry's signatures (so that most of
   them compile and reach the evaluator), and contexts include large carts and long strings.
3. The budget is a budget: an evaluation that fits in B steps gives the same result with more,
   one that exceeds B also exceeds any smaller budget, and the time it takes is bounded.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from openpromo import rules
from openpromo.rules.builtins import REGISTRY
from openpromo.rules.paths import ROOTS
from openpromo.rules.signatures import Builtin, Param
from openpromo.rules.types import Kind

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
    st.floats(min_value=-3e38, max_value=3e38),  # no width=32: its downcast rejections warn
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


def _maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A field value: usually of the right shape, sometimes any JSON value."""
    return st.one_of(value, value, value, json_values)


bindings = st.lists(
    st.fixed_dictionaries(
        {"name": _maybe(st.sampled_from(["b", "c", ""]))},
        optional={
            "expression": json_values,
            "type": _maybe(st.sampled_from(["cartItemFilter", "bundle", "nope"])),
            "valueType": _maybe(st.sampled_from(["number", "string", "boolean", "decimal"])),
        },
    )
    | json_values,
    max_size=2,
)
rule_documents = st.fixed_dictionaries(
    {},
    optional={
        "title": _maybe(st.text(max_size=5)),
        "condition": json_values,
        "effects": _maybe(st.lists(json_values, max_size=3)),
        "bindings": _maybe(bindings),
    },
)
ruleset_documents = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "rules": _maybe(st.lists(_maybe(rule_documents), max_size=3)),
            "bindings": _maybe(bindings),
            "strikethroughRules": _maybe(st.lists(rule_documents, max_size=1)),
        },
    ),
    json_values,
)


@FAST
@given(ruleset_documents)
def test_any_ruleset_document_compiles_or_raises_a_compile_error(document: Any) -> None:
    # when any JSON document is compiled as a ruleset
    try:
        compiled = rules.compile_ruleset(document)
    except (rules.TalangSyntaxError, rules.TalangTypeError) as error:
        # then a failure is a compile error naming where in the document it is
        assert error.pointer == "" or error.pointer.startswith("/")
        if error.path[:1] in (("rules",), ("strikethroughRules",)) and len(error.path) > 1:
            assert error.rule_index == error.path[1]
        return
    assert isinstance(compiled, rules.CompiledRuleset)


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


# -- expressions that follow the registry's signatures, so most of them compile --------------

CART = [".", "Session", "CartItems"]
LONG = [".", "Session", "Attributes", "long"]
KIND_LEAVES = {
    Kind.NUMBER: st.one_of(
        st.integers(-5, 2_000),
        st.sampled_from([0.1, 0.5, 2.5, -1.5, 1e-30, 1e30]).map(Decimal),
        st.sampled_from(
            [[".", "Session", "Total"], [".", "Item", "Price"], [".", "Loyalty", 1, "ActivePoints"]]
        ),
    ),
    Kind.STRING: st.sampled_from(
        [
            "a",
            "Kitchen",
            "5D",
            "2W_U",
            "minutes",
            "^(a|aa)*b$",
            "(x+x+)+y",
            "price",
            "cartItems",
            "Profile.Attributes.vip",
            LONG,
            [".", "Session", "Attributes", "digits"],
        ]
    ),
    Kind.BOOLEAN: st.booleans(),
    Kind.TIME: st.sampled_from(["2024-03-10T12:00:00Z", ["now"]]),
    Kind.NULL: st.none(),
    Kind.LIST: st.sampled_from([CART, ["list", 1, 2, 3], ["list", "a", LONG]]),
    Kind.MAP: st.sampled_from([{}, {"pending": "on_action"}, ["kv", "a", 1]]),
}
typed_leaves = st.one_of(*KIND_LEAVES.values())


def _leaf(kind: Kind) -> st.SearchStrategy[Any]:
    return st.one_of(*(leaves for k, leaves in KIND_LEAVES.items() if k & kind))


def _typed_call(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A call of a registered function with arguments of the kinds its signature declares
    (a literal or path of that kind, or any nested expression)."""

    def argument(param: Param) -> st.SearchStrategy[Any]:
        if param.lambda_arity:
            return st.builds(lambda p, b: [[p], b], st.sampled_from(["Item", "x"]), children)
        return st.one_of(_leaf(param.kind), children)

    def call(builtin: Builtin) -> st.SearchStrategy[Any]:
        required = [p for p in builtin.params if not p.optional]
        optional = [p for p in builtin.params if p.optional]

        @st.composite
        def build(draw: st.DrawFn) -> list[Any]:
            args = [draw(argument(p)) for p in required]
            given_optional = draw(st.integers(0, len(optional)))
            args += [draw(argument(p)) for p in optional[:given_optional]]
            if builtin.rest is not None and given_optional == len(optional):
                count = draw(st.integers(builtin.rest_min, builtin.rest_min + 2))
                args += [draw(argument(builtin.rest)) for _ in range(count)]
            return [builtin.name, *args]

        return build()

    return st.sampled_from(sorted(REGISTRY.values(), key=lambda b: b.name)).flatmap(call)


typed_expressions = st.recursive(typed_leaves, _typed_call, max_leaves=12)


def _large_context(units: int, long: str, budget: int) -> rules.EvaluationContext:
    items = [
        {"Price": Decimal(i % 50), "Position": i // 2, "SubPosition": i % 2, "Category": "Kitchen"}
        for i in range(units)
    ]
    return rules.EvaluationContext(
        roots={
            "Session": {
                "Total": Decimal(units),
                "CartItems": items,
                "Attributes": {"long": long, "digits": "1" * 4_000},
            },
            "Item": items[0] if items else {"Price": Decimal(1), "Position": Decimal(0)},
            "Loyalty": {"1": {"ActivePoints": Decimal(5)}},
        },
        now=datetime(2024, 3, 10, 12, tzinfo=UTC),
        step_budget=budget,
    )


@st.composite
def hostile_contexts(draw: st.DrawFn) -> rules.EvaluationContext:
    """Contexts with up to 2 000 cart units and strings of up to 100 000 characters."""
    units = draw(st.sampled_from([0, 1, 3, 500, 2_000]))
    long = draw(st.sampled_from(["", "ab" * 10, "x" * 5_000, "a" * 100_000]))
    return _large_context(units, long, draw(st.integers(1, 20_000)))


BIG = _large_context(2_000, "a" * 100_000, 20_000)
# Shapes that once escaped the budget: each step doing unbounded work, or Python errors escaping.
HOSTILE = [
    # 3 000 literals per lambda call were free: millions of evaluations on a few thousand steps
    ["count", ["map", CART, [["x"], ["count", ["list", *([1] * 3_000)]]]]],
    ["count", ["filter", CART, [["x"], ["and", *([True] * 3_000)]]]],
    # the matcher ran over the whole text before charging
    ["~", "(a|aa|aaa|b)*c" + "x?" * 300, LONG],
    # a 900 000-digit integer was built from a computed key (35 s), str() of one raised ValueError
    [".", "Session", "CartItems", ["*", Decimal("1e900000"), 10]],
    [".", "Loyalty", ["*", Decimal("1e5000"), 10]],
    # a computed pattern of 5 000 nested groups raised RecursionError
    ["~", ["concat", "(" * 5_000, ")" * 5_000], "a"],
    # strings of 100 000 characters were built for one step each
    ["count", ["map", CART, [["x"], ["split", LONG, "b"]]]],
]


def _outcome(compiled: rules.CompiledExpression, ctx: rules.EvaluationContext) -> object:
    """The value and effects, or the kind of runtime error; any other exception fails the test."""
    try:
        return compiled.evaluate_with_effects(ctx)
    except rules.BudgetExceeded:
        return rules.BudgetExceeded
    except rules.TalangRuntimeError as error:
        assert error.message
        return type(error)


@FAST
@given(typed_expressions, hostile_contexts())
@example(HOSTILE[0], BIG)
@example(HOSTILE[1], BIG)
@example(HOSTILE[2], BIG)
@example(HOSTILE[3], BIG)
@example(HOSTILE[4], BIG)
@example(HOSTILE[5], BIG)
@example(HOSTILE[6], BIG)
def test_typed_expressions_on_large_contexts_stay_within_the_budget(
    value: Any, ctx: rules.EvaluationContext
) -> None:
    compiled = _compile(value)
    if compiled is None:
        return
    # when evaluated on a large cart with long strings
    started = time.perf_counter()
    outcome = _outcome(compiled, ctx)
    elapsed = time.perf_counter() - started
    # then it returns or fails with a runtime error, in time bounded by the budget (at most 20 000
    # steps: well under a second even on a loaded machine; a hang would take minutes)
    assert elapsed < 1.5, (value, ctx.step_budget, elapsed)
    # and the budget is monotone: what fits in B steps gives the same with more; what exceeds
    # B exceeds any smaller budget too
    if outcome is rules.BudgetExceeded:
        smaller = replace(ctx, step_budget=max(1, ctx.step_budget // 3))
        assert _outcome(compiled, smaller) is rules.BudgetExceeded
    elif isinstance(outcome, tuple):
        larger = replace(ctx, step_budget=ctx.step_budget + 5_000)
        assert _outcome(compiled, larger) == outcome


def test_typed_expressions_mostly_compile() -> None:
    # the generator above is only useful if it reaches the evaluator
    compiled = 0

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(typed_expressions)
    def count(value: Any) -> None:
        nonlocal compiled
        compiled += _compile(value) is not None

    count()
    assert compiled >= 60


# -- nesting: a deep document is a compile error, never a RecursionError -----------------------

SHAPES = {
    "call": lambda inner: ["not", inner],
    "array": lambda inner: [inner],
    "map": lambda inner: {"k": inner},
    "lambda": lambda inner: ["map", ["list"], [["x"], inner]],
    "list in map": lambda inner: {"k": [inner]},
}


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(SHAPES)), st.integers(65, 20_000))
def test_deeply_nested_documents_are_compile_errors(shape: str, depth: int) -> None:
    # given a document nested `depth` levels deep (built without recursion)
    value: Any = 1
    for _ in range(depth):
        value = SHAPES[shape](value)
    # when it is compiled as an expression and as a ruleset's condition
    # then both raise a compile error with a path
    with pytest.raises((rules.TalangSyntaxError, rules.TalangTypeError)):
        rules.compile(value)
    with pytest.raises((rules.TalangSyntaxError, rules.TalangTypeError)) as caught:
        rules.compile_ruleset({"rules": [{"title": "deep", "condition": value, "effects": []}]})
    assert caught.value.rule_index == 0


@settings(max_examples=40, deadline=None)
@given(st.integers(51, 20_000), st.sampled_from(["(", "(?:", "(?P<n>"]))
def test_deeply_nested_regex_compiles_or_is_refused_never_hangs(depth: int, opener: str) -> None:
    pattern = opener * depth + "a" + ")" * depth
    try:
        rules.compile(["~", pattern, "a"])
    except rules.TalangTypeError as refused:  # too long, too large, or (named groups) a repeated name
        assert refused.pointer == "/1"
    else:
        assert len(pattern) <= 10_000
