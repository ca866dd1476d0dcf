"""``rules.analysis``: the checked trees a compiled ruleset keeps, and the queries over them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from openpromo import rules
from openpromo.rules import analysis

CART = [".", "Session", "CartItems"]
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _kitchen(name: str = "kitchen") -> dict[str, Any]:
    test = ["catch", False, ["=", [".", "Item", "Category"], "Kitchen"]]
    return {"name": name, "expression": ["filter", CART, [["Item"], test]]}


def _ruleset(**document: Any) -> rules.RulesetAnalysis:
    return rules.compile_ruleset(document).analysis


def test_rules_and_bindings_keep_their_checked_trees() -> None:
    # given a ruleset binding, a rule binding reading it, and a rule using both
    trees = _ruleset(
        bindings=[_kitchen()],
        rules=[
            {
                "title": "ten off",
                "bindings": [{"name": "n", "expression": ["count", [".", "kitchen"]]}],
                "condition": ["and", ["couponValid"], [">", [".", "n"], 0]],
                "effects": [["setDiscount", "ten", 10]],
            }
        ],
    )
    # then every tree is there, with names resolved
    (outer,) = trees.bindings
    (rule,) = trees.rules
    (inner,) = rule.bindings
    assert (outer.name, inner.name, rule.index, rule.title) == ("kitchen", "n", 0, "ten off")
    assert isinstance(outer.expression, rules.Apply) and outer.expression.builtin.name == "filter"
    assert isinstance(rule.condition, rules.Apply) and rule.condition.builtin.name == "and"
    assert [analysis.function_of(c) for c in rule.conditions] == ["couponvalid", ">"]
    (effect,) = rule.effects
    assert analysis.function_of(effect) == "setdiscount"
    # a read of a binding is a ReadSlot whose slot names the binding
    count = inner.expression
    assert isinstance(count, rules.Apply)
    (read,) = count.args
    assert isinstance(read, rules.ReadSlot) and trees.binding(read.slot) == outer
    # and a lambda's parameter is a slot no binding has
    block = outer.expression.args[1]
    assert isinstance(block, rules.Block) and trees.binding(block.slot) is None


def test_a_condition_that_is_not_an_and_is_one_condition() -> None:
    (rule,) = _ruleset(rules=[{"title": "t", "condition": ["or", True, False], "effects": []}]).rules
    assert rule.conditions == (rule.condition,)


def test_calls_are_lower_case_and_include_path_reads() -> None:
    trees = _ruleset(
        rules=[
            {
                "title": "t",
                "condition": ["AND", ["CouponValid"], [">", [".", "Session", "Total"], 5]],
                "effects": [["SetDiscount", "x", 1]],
            }
        ]
    )
    expected = {"and", "couponvalid", ">", ".", "setdiscount"}
    assert trees.calls() == trees.rules[0].calls() == expected


def test_condition_calls_follow_the_bindings_the_condition_reads() -> None:
    # given bindings at both levels, one reached only through another, one read only by an effect
    trees = _ruleset(
        bindings=[
            {"name": "valid", "expression": ["referralValid"]},
            {"name": "either", "expression": ["or", [".", "valid"], ["couponValidNoRedeem"]]},
            {"name": "unused", "expression": ["loyaltyCardValid"]},
        ],
        rules=[
            {
                "title": "t",
                "bindings": [{"name": "inner", "expression": [".", "either"]}],
                "condition": ["not", [".", "inner"]],
                "effects": [["setDiscount", "x", ["if", [".", "unused"], 1, 2]]],
            }
        ],
    )
    (rule,) = trees.rules
    # then the condition reaches referralValid and couponValidNoRedeem, not what only the effect reads
    assert rule.condition_calls() == {"not", ".", "or", "referralvalid", "couponvalidnoredeem"}
    assert "loyaltycardvalid" in rule.calls() | trees.calls()
    assert "loyaltycardvalid" not in rule.calls()  # the rule's own trees: "unused" is the ruleset's


def test_a_read_with_keys_of_a_binding_follows_it_too() -> None:
    trees = _ruleset(
        bindings=[{"name": "checks", "expression": ["list", ["couponValid"]]}],
        rules=[{"title": "t", "condition": [".", "checks", 0], "effects": []}],
    )
    assert "couponvalid" in trees.rules[0].condition_calls()


def test_a_lambda_parameter_named_like_a_binding_is_not_the_binding() -> None:
    trees = _ruleset(
        bindings=[{"name": "x", "expression": ["couponValid"]}],
        rules=[{"title": "t", "condition": ["exists", CART, [["x"], [".", "x", "Sku"]]], "effects": []}],
    )
    assert "couponvalid" not in trees.rules[0].condition_calls()


def test_reads_root_tells_roots_from_bindings_and_parameters_of_the_same_name() -> None:
    shadowed = _ruleset(
        bindings=[{"name": "Loyalty", "expression": 5}],
        rules=[
            {
                "title": "t",
                "condition": [">", [".", "Loyalty"], 1],
                "effects": [["setDiscountPerItem", "x", CART, [["Profile"], [".", "Profile", "Price"]]]],
            }
        ],
    )
    assert not shadowed.reads_root("Loyalty")
    assert not shadowed.reads_root("Profile")
    assert shadowed.reads_root("Session")
    read = _ruleset(
        rules=[
            {
                "title": "t",
                "condition": True,
                "effects": [["setDiscount", "x", ["+", 1, [".", "Loyalty", 7, "ActivePoints"]]]],
            }
        ]
    )
    assert read.reads_root("Loyalty") and read.rules[0].reads_root("Loyalty")


def test_computed_path_keys_are_walked() -> None:
    trees = _ruleset(
        rules=[
            {
                "title": "t",
                "condition": [
                    ".",
                    "Session",
                    "Attributes",
                    ["concat", "a", [".", "Profile", "IntegrationId"]],
                ],
                "effects": [],
            }
        ]
    )
    assert trees.reads_root("Profile")
    assert "concat" in trees.calls()
    kinds = {type(node).__name__ for node in rules.walk(trees.rules[0].condition)}
    assert kinds == {"ReadRoot", "Apply", "Const"}


def test_strikethrough_rules_are_analysed_as_well() -> None:
    trees = _ruleset(
        rules=[],
        strikethroughRules=[{"title": "s", "condition": ["loyaltyCardValid"], "effects": []}],
    )
    assert trees.rules == ()
    assert trees.strikethrough_rules[0].condition_calls() == {"loyaltycardvalid"}
    assert "loyaltycardvalid" in trees.calls()


def test_with_bindings_walks_each_binding_once() -> None:
    trees = _ruleset(
        bindings=[
            _kitchen(),
            {"name": "twice", "expression": ["+", ["count", [".", "kitchen"]], ["count", [".", "kitchen"]]]},
        ],
        rules=[{"title": "t", "condition": [">", [".", "twice"], 0], "effects": []}],
    )
    reached = [analysis.function_of(n) for n in trees.with_bindings(trees.rules[0].condition)]
    assert reached.count("filter") == 1
    assert reached.count("count") == 2


def test_a_ruleset_kept_without_analysis_evaluates_the_same() -> None:
    # given a compiled ruleset and the same without its trees
    compiled = rules.compile_ruleset(
        {
            "bindings": [_kitchen()],
            "rules": [
                {
                    "title": "t",
                    "condition": [">", ["count", [".", "kitchen"]], 0],
                    "effects": [["setDiscount", "x", 3]],
                }
            ],
        }
    )
    slim = compiled.without_analysis()
    ctx = rules.EvaluationContext(
        roots={"Session": {"CartItems": [{"Category": "Kitchen", "Price": Decimal(1)}]}}, now=NOW
    )
    # then it evaluates the same, and asking it for the trees is an error
    assert slim.evaluate(ctx) == compiled.evaluate(ctx)
    assert slim.evaluate(ctx).effects == (rules.SetDiscount("x", Decimal(3), None),)
    with pytest.raises(LookupError):
        slim.analysis  # noqa: B018
    assert compiled.analysis.rules[0].title == "t"
