"""``engine.analysis``: what the engine learns from a ruleset's checked trees (rule infos, loyalty)."""

from __future__ import annotations

from typing import Any

import pytest

from openpromo import rules
from openpromo.engine.analysis import reads_loyalty, rule_infos
from openpromo.engine.model import RuleInfo


def compiled(rules_json: list[Any], bindings: list[Any] | None = None) -> rules.CompiledRuleset:
    return rules.compile_ruleset({"rules": rules_json, "bindings": bindings or []})


def test_rules_that_check_the_coupon_or_the_referral() -> None:
    ruleset = compiled(
        [
            {"title": "coupon", "condition": ["and", ["couponValid"], True], "effects": []},
            {"title": "no redeem", "condition": ["CouponValidNoRedeem"], "effects": []},
            {"title": "referral", "condition": ["or", False, ["referralValid"]], "effects": []},
            {"title": "through a binding", "condition": [".", "ok"], "effects": []},
            {
                "title": "only the effect",
                "condition": True,
                "effects": [["if", ["couponValid"], ["noop"], ["noop"]]],
            },
        ],
        [{"name": "ok", "expression": ["and", ["couponValid"], ["referralValid"]]}],
    )
    assert rule_infos(ruleset) == (
        RuleInfo("coupon", True, False),
        RuleInfo("no redeem", True, False),
        RuleInfo("referral", False, True),
        RuleInfo("through a binding", True, True),
        RuleInfo("only the effect", False, False),
    )


@pytest.mark.parametrize(
    ("rule", "bindings", "expected"),
    [
        ({"condition": ["loyaltyCardValid"], "effects": []}, [], True),
        (
            {"condition": True, "effects": [["setDiscount", "x", [".", "Loyalty", 1, "ActivePoints"]]]},
            [],
            True,
        ),
        ({"condition": [".", "b"], "effects": []}, [{"name": "b", "expression": [".", "Loyalty"]}], True),
        # adding or deducting points needs the balances (refusals, the card's validity)
        (
            {"condition": [">", [".", "Session", "Total"], 1], "effects": [["addLoyaltyPoints", 1, 5]]},
            [],
            True,
        ),
        ({"condition": True, "effects": [["deductLoyaltyPoints", 1, 5]]}, [], True),
        ({"condition": [">", [".", "Session", "Total"], 1], "effects": [["setDiscount", "x", 5]]}, [], False),
        # a binding named Loyalty is not the root
        ({"condition": [".", "Loyalty"], "effects": []}, [{"name": "Loyalty", "expression": True}], False),
    ],
)
def test_rulesets_that_read_loyalty(rule: dict[str, Any], bindings: list[Any], expected: bool) -> None:
    assert reads_loyalty(compiled([{"title": "t", **rule}], bindings)) is expected
