"""The public facade of openpromo.rules: compile, compile_ruleset, contexts, outcomes, errors."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from openpromo import rules
from openpromo.rules import errors

NOW = datetime(2024, 3, 10, 12, tzinfo=UTC)


def _ctx(**roots: object) -> rules.EvaluationContext:
    return rules.EvaluationContext(roots=roots, now=NOW)  # type: ignore[arg-type]


def _unit(position: int, sub: int, price: int) -> dict[str, object]:
    return {"Position": position, "SubPosition": sub, "Price": price, "Category": "Kitchen"}


def _isort_key(name: str) -> tuple[int, str]:
    """Ruff's RUF022 order: CONSTANTS, then Classes, then functions, each alphabetical."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def test_all_is_sorted_and_complete() -> None:
    assert rules.__all__ == sorted(rules.__all__, key=_isort_key)
    assert all(hasattr(rules, name) for name in rules.__all__)


def test_compile_returns_an_expression_evaluated_many_times() -> None:
    # given one compiled expression
    compiled = rules.compile(["*", [".", "Session", "Total"], 0.1])
    # when it is evaluated on two contexts
    first = compiled.evaluate(_ctx(Session={"Total": Decimal("50")}))
    second = compiled.evaluate(_ctx(Session={"Total": Decimal("7.5")}))
    # then each evaluation sees its own context
    assert (first, second) == (Decimal("5.0"), Decimal("0.75"))


def test_python_ints_and_floats_in_roots_are_read_as_decimals() -> None:
    value = rules.compile(["+", [".", "Session", "Total"], [".", "Session", "Fee"]]).evaluate(
        _ctx(Session={"Total": 10, "Fee": 0.1})
    )
    assert value == Decimal("10.1")
    assert isinstance(value, Decimal)


def test_runtime_errors_raise_from_compiled_expressions() -> None:
    compiled = rules.compile(["+", 1, [".", "Session", "Missing"]])
    with pytest.raises(rules.TalangRuntimeError) as caught:
        compiled.evaluate(_ctx(Session={}))
    assert caught.value.pointer == "/2"
    assert caught.value.message == "path Session.Missing does not exist"


def test_evaluate_with_effects_returns_value_and_effects() -> None:
    compiled = rules.compile(["setDiscount", "x", 2, "sessionTotal"])
    value, effects = compiled.evaluate_with_effects(_ctx())
    assert value is None
    assert effects == (rules.SetDiscount("x", Decimal(2), "sessionTotal"),)


def test_compile_errors_are_talang_errors_with_pointer_and_rule_index() -> None:
    # given a ruleset whose third rule has an arity error deep in its condition
    ruleset = {
        "rules": [
            {"title": "a", "condition": True, "effects": []},
            {"title": "b", "condition": True, "effects": []},
            {"title": "c", "condition": ["and", True, ["not", ["=", 1]]], "effects": []},
        ]
    }
    # when it is compiled
    with pytest.raises(rules.TalangTypeError) as caught:
        rules.compile_ruleset(ruleset)
    # then the error names the rule and the JSON path of the bad node
    error = caught.value
    assert error.path == ("rules", 2, "condition", 2, 1)
    assert error.pointer == "/rules/2/condition/2/1"
    assert error.rule_index == 2
    assert str(error) == '"=" expects at least 2 arguments, got 1 (at /rules/2/condition/2/1)'
    assert isinstance(error, rules.TalangError)


def test_pointer_escapes_json_pointer_characters() -> None:
    assert errors.pointer(("a/b", "c~d", 0)) == "/a~1b/c~0d/0"


def test_budget_exceeded_is_a_runtime_error_subclass() -> None:
    assert issubclass(rules.BudgetExceeded, rules.TalangRuntimeError)
    assert issubclass(rules.TalangSyntaxError, rules.TalangError)


def test_ruleset_with_both_effect_encodings() -> None:
    # given one rule with a list of effects and one with a single wrapped expression
    compiled = rules.compile_ruleset(
        {
            "rules": [
                {
                    "title": "list",
                    "condition": True,
                    "effects": [["addFreeItem", "A", "a"], ["reserveCoupon", "C"]],
                },
                {"title": "one", "condition": True, "effects": ["catch", ["noop"], ["awardGiveaway", 3]]},
            ]
        }
    )
    # when it is evaluated
    result = compiled.evaluate(_ctx())
    # then both rules fire with their effects in order
    assert [o.effects for o in result.rules] == [
        (rules.AddFreeItem("A", "a"), rules.ReserveCoupon("C")),
        (rules.AwardGiveaway(3),),
    ]
    assert result.effects == (*result.rules[0].effects, *result.rules[1].effects)
    assert result.failures == []


def test_rule_outcome_fields_for_a_failed_effect() -> None:
    compiled = rules.compile_ruleset(
        {
            "rules": [
                {"title": "t", "condition": True, "effects": [["noop"], ["setDiscount", "x", ["/", 1, 0]]]}
            ]
        }
    )
    (outcome,) = compiled.evaluate(_ctx()).rules
    assert outcome == rules.RuleOutcome(
        rule_index=0,
        title="t",
        fired=False,
        effects=(),
        error=outcome.error,
        failed_part="effect",
        effect_index=1,
        condition_index=None,
    )
    assert isinstance(outcome.error, rules.TalangRuntimeError)
    assert outcome.error.pointer == "/rules/0/effects/1/2"


def test_ruleset_bindings_are_evaluated_once_and_shared() -> None:
    # given a cart item filter binding used by two rules
    compiled = rules.compile_ruleset(
        {
            "bindings": [
                {
                    "name": "kitchen",
                    "expression": [
                        "filter",
                        [".", "Session", "CartItems"],
                        [["Item"], ["=", [".", "Item", "Category"], "Kitchen"]],
                    ],
                }
            ],
            "rules": [
                {"title": "count", "condition": [">", ["count", [".", "kitchen"]], 1], "effects": []},
                {
                    "title": "per item",
                    "condition": True,
                    "effects": [
                        [
                            "setDiscountPerItem",
                            "k",
                            [".", "kitchen"],
                            [["Item"], ["/", [".", "Item", "Price"], 2]],
                        ]
                    ],
                },
            ],
        }
    )
    # when evaluated over a two-unit cart
    result = compiled.evaluate(_ctx(Session={"CartItems": [_unit(0, 0, 10), _unit(0, 1, 10)]}))
    # then both rules see the filtered units
    assert [o.fired for o in result.rules] == [True, True]
    assert result.rules[1].effects == (
        rules.SetDiscountPerItem("k", Decimal(5), 0, 0, None),
        rules.SetDiscountPerItem("k", Decimal(5), 0, 1, None),
    )


def test_compiled_ruleset_is_reusable_across_contexts_without_leaking_state() -> None:
    compiled = rules.compile_ruleset(
        {
            "rules": [
                {
                    "title": "t",
                    "condition": ["couponValid"],
                    "effects": [["setDiscount", "x", [".", "Session", "Total"]]],
                    "bindings": [{"name": "unused", "expression": 1}],
                }
            ]
        }
    )
    on = rules.EvaluationContext(roots={"Session": {"Total": Decimal(1)}}, now=NOW, coupon_valid=True)
    off = rules.EvaluationContext(roots={"Session": {"Total": Decimal(2)}}, now=NOW)
    assert compiled.evaluate(on).rules[0].effects == (rules.SetDiscount("x", Decimal(1), None),)
    assert compiled.evaluate(off).rules[0].fired is False
    assert compiled.evaluate(on).rules[0].effects == (rules.SetDiscount("x", Decimal(1), None),)


def test_step_budget_comes_from_the_context() -> None:
    compiled = rules.compile(["sum", ["list", 1, 2, 3], [["x"], [".", "x"]]])
    small = rules.EvaluationContext(roots={}, now=NOW, step_budget=3)
    with pytest.raises(rules.BudgetExceeded) as caught:
        compiled.evaluate(small)
    assert caught.value.message == "step budget of 3 exceeded"
    assert compiled.evaluate(rules.EvaluationContext(roots={}, now=NOW)) == Decimal(6)


def test_effect_requests_are_frozen_and_describe_themselves() -> None:
    effect = rules.AddLoyaltyPoints(1, Decimal(5), None, None, None, None, "profile", None)
    with pytest.raises(AttributeError):
        effect.value = Decimal(6)  # type: ignore[misc]
    assert effect.as_dict()["effect"] == "addLoyaltyPoints"
    assert effect.as_dict()["program_id"] == 1


def test_strikethrough_rules_evaluate_separately() -> None:
    compiled = rules.compile_ruleset(
        {
            "rules": [],
            "strikethroughRules": [{"title": "s", "condition": True, "effects": [["setDiscount", "s", 1]]}],
        }
    )
    assert compiled.evaluate(_ctx()).rules == []
    assert compiled.evaluate_strikethrough(_ctx()).effects == (rules.SetDiscount("s", Decimal(1), None),)


def test_compile_ruleset_rejects_a_non_object() -> None:
    with pytest.raises(rules.TalangSyntaxError) as caught:
        rules.compile_ruleset([])  # type: ignore[arg-type]
    assert caught.value.message == "a ruleset must be a JSON object"


def test_tuples_and_read_only_maps_from_the_engine_are_lists_and_maps() -> None:
    # given roots built with tuples and a read-only mapping instead of lists and dicts
    from types import MappingProxyType

    ctx = _ctx(Profile={"Audiences": (Decimal(7), Decimal(9)), "Attributes": MappingProxyType({})})
    # when they are compared, searched and tested for emptiness
    equal = rules.compile(["=", [".", "Profile", "Audiences"], ["list", 7, "9"]]).evaluate(ctx)
    found = rules.compile(["contains", 9, [".", "Profile", "Audiences"]]).evaluate(ctx)
    empty = rules.compile(["isEmpty", [".", "Profile", "Attributes"]]).evaluate(ctx)
    # then they behave exactly like lists and maps
    assert (equal, found, empty) == (True, True, True)


def test_results_do_not_depend_on_the_callers_decimal_context() -> None:
    # given expressions whose arithmetic would round differently in a 3-digit context
    exprs = [
        ["round", Decimal("1234567890123456789012345678901235"), -1],
        ["/", 1, 3],
        ["sum", ["list", Decimal("0.1"), Decimal("1234.5678")]],
        ["addDuration", "2024-01-01T00:00:00Z", Decimal("1.234567"), "seconds"],
        ["daysBetween", "2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z"],
    ]
    compiled = [rules.compile(e) for e in exprs]
    expected = [c.evaluate(_ctx()) for c in compiled]
    # when they are evaluated while the caller's thread uses a tiny, truncating context
    with decimal.localcontext() as caller:
        caller.prec, caller.rounding = 3, decimal.ROUND_DOWN
        actual = [c.evaluate(_ctx()) for c in compiled]
    # then the results are the same
    assert actual == expected


def test_compiled_rulesets_expose_their_checked_trees_for_analysis() -> None:
    # given a ruleset with a rule binding
    compiled = rules.compile_ruleset(
        {
            "rules": [
                {
                    "title": "t",
                    "bindings": [{"name": "ok", "expression": ["couponValid"]}],
                    "condition": ["and", [".", "ok"], [">", [".", "Session", "Total"], 5]],
                    "effects": [["setDiscount", "x", 1]],
                }
            ]
        }
    )
    # then its analysis has the checked trees, of the node types the facade exports
    analysis = compiled.analysis
    assert isinstance(analysis, rules.RulesetAnalysis)
    (rule,) = analysis.rules
    assert isinstance(rule, rules.CheckedRule)
    (binding,) = rule.bindings
    assert isinstance(binding, rules.CheckedBinding) and binding.name == "ok"
    ok, more = rule.conditions
    assert isinstance(ok, rules.ReadSlot) and analysis.binding(ok.slot) is binding
    assert isinstance(more, rules.Apply) and isinstance(more.args[0], rules.ReadRoot)
    assert isinstance(more.args[1], rules.Const) and more.args[1].value == Decimal(5)
    assert {rules.function_of(node) for node in rules.walk(more)} == {">", ".", None}
    # and the queries over them
    assert rule.condition_calls() == {"and", ".", "couponvalid", ">"}
    assert analysis.calls() == rule.calls() == {"and", ".", "couponvalid", ">", "setdiscount"}
    assert analysis.reads_root("Session") and not analysis.reads_root("Loyalty")
    # a lambda is a Block whose parameter has a slot of its own
    block = (
        rules.compile_ruleset(
            {
                "rules": [
                    {
                        "title": "t",
                        "condition": ["exists", [".", "Session", "CartItems"], [["i"], True]],
                        "effects": [],
                    }
                ]
            }
        )
        .analysis.rules[0]
        .condition
    )
    assert isinstance(block, rules.Apply) and isinstance(block.args[1], rules.Block)
