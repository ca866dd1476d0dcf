"""``engine.gates`` and ``engine.index``: which campaigns a session could trigger."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from openpromo import rules
from openpromo.engine.coupons import campaign_running
from openpromo.engine.gates import Gate, Gates, campaign_gates
from openpromo.engine.index import CampaignIndex
from openpromo.engine.model import Campaign, CartItem, EvaluationGroup
from tests.unit.engine.test_evaluate import session

CART = [".", "Session", "CartItems"]


def items(test: Any) -> list[Any]:
    return ["filter", CART, [["Item"], test]]


def by_category(name: str) -> list[Any]:
    return ["catch", False, ["=", [".", "Item", "Category"], name]]


def rule(condition: Any) -> dict[str, Any]:
    return {"title": "r", "condition": condition, "effects": []}


def gates_of(rules_json: list[Any], bindings: list[Any]) -> Gates:
    return campaign_gates(rules.compile_ruleset({"rules": rules_json, "bindings": bindings}))


@pytest.mark.parametrize(
    ("condition", "gates"),
    [
        (["and", ["couponValid"], [">", [".", "Session", "Total"], 10]], {Gate("coupon")}),
        (["couponValidNoRedeem"], {Gate("coupon")}),
        (["and", ["referralValid"]], {Gate("referral")}),
        (["LoyaltyCardValid"], {Gate("card")}),
        (["and", ["inAudience", 7], True], {Gate("audience", 7)}),
        (["exists", CART, [["Item"], ["=", [".", "Item", "Sku"], "A"]]], {Gate("sku", "A")}),
        (["exists", CART, [["x"], ["=", "B", [".", "x", "Sku"]]]], {Gate("sku", "B")}),
        ([">", ["count", items(by_category("shoes"))], 0], {Gate("category", "shoes")}),
        (["<", 0, ["count", items(by_category("shoes"))]], {Gate("category", "shoes")}),
        ([">=", ["count", items(by_category("shoes"))], 1], {Gate("category", "shoes")}),
        (
            [">", ["sum", items(by_category("hats")), [["Item"], [".", "Item", "Price"]]], 50],
            {Gate("category", "hats")},
        ),
        (["not", ["isEmpty", items(["=", [".", "Item", "Sku"], "C"])]], {Gate("sku", "C")}),
        (
            ["exists", CART, [["Item"], ["or", ["=", [".", "Item", "Sku"], "A"], by_category("b")]]],
            {Gate("sku", "A"), Gate("category", "b")},
        ),
        (
            ["exists", CART, [["Item"], ["and", ["=", [".", "Item", "Sku"], "A"], [">", 1, 0]]]],
            {Gate("sku", "A")},
        ),
        # conditions that cannot fail may come first
        (
            ["and", [">", [".", "Session", "Total"], 30], True, [">", ["count", items(by_category("c"))], 0]],
            {Gate("category", "c")},
        ),
        (["and", ["<=", 1, [".", "Profile", "ClosedSessions"]], ["inAudience", 3]], {Gate("audience", 3)}),
        (["and", ["not", ["couponValid"]], ["referralValid"]], {Gate("referral")}),
    ],
)
def test_conditions_that_gate_a_rule(condition: Any, gates: set[Gate]) -> None:
    assert gates_of([rule(condition)], []) == frozenset(gates)


@pytest.mark.parametrize(
    "condition",
    [
        True,
        ["and", [".", "Session", "Attributes", "vip"], ["couponValid"]],  # the first may fail
        [">", [".", "Session", "Total"], 100],
        ["exists", CART, [["Item"], ["=", [".", "Item", "Category"], "x"]]],  # no catch: may fail
        ["exists", CART, [["Item"], ["=", [".", "Item", "Sku"], 12]]],  # loose equality with a number
        ["exists", [".", "Session", "cartItems"], [["Item"], ["=", [".", "Item", "Sku"], "A"]]],
        [">", ["count", items(by_category("shoes"))], -1],  # an empty cart passes
        [">=", ["sum", items(by_category("shoes")), [["Item"], [".", "Item", "Price"]]], 0],
        [">", ["count", CART], 0],  # any cart
        ["inAudience", [".", "Profile", "Attributes", "segment"]],
        ["exists", CART, [["Item"], ["or", ["=", [".", "Item", "Sku"], "A"], True]]],
        ["and", [">", [".", "Session", "Attributes", "x"], 1], ["couponValid"]],
        # a time compared with a number fails at run time ("a" would not compile: ">" takes numbers or times)
        ["and", [">", "2024-01-01T00:00:00Z", [".", "Session", "Total"]], ["couponValid"]],
    ],
)
def test_conditions_that_do_not(condition: Any) -> None:
    assert gates_of([rule(condition)], []) is None


def test_bindings_and_every_rule() -> None:
    # given a ruleset-level cart item filter read by both rules
    bindings = [{"name": "shoes", "type": "cartItemFilter", "expression": items(by_category("shoes"))}]
    first = rule([">", ["count", [".", "shoes"]], 0])
    second = rule(["and", ["couponValid"]])
    assert gates_of([first, second], bindings) == {Gate("category", "shoes"), Gate("coupon")}
    # a rule-level binding shadows the ruleset's
    shadow = {**first, "bindings": [{"name": "shoes", "expression": CART}]}
    assert gates_of([shadow], bindings) is None
    # one rule without a gate opens the campaign to every session
    assert gates_of([first, rule(True)], bindings) is None
    assert gates_of([], []) == frozenset()


def test_gated_conditions_are_false_without_their_gate() -> None:
    # the premise of the index: for a session meeting no gate, a gated rule neither fires nor fails
    condition = [">", ["sum", items(by_category("shoes")), [["Item"], [".", "Item", "Attributes", "x"]]], 5]
    compiled = rules.compile(condition)
    ctx = rules.EvaluationContext(
        roots={"Session": {"CartItems": [{"Sku": "a", "Price": Decimal(3), "Attributes": {}}]}},
        now=datetime.now(UTC),
    )
    assert compiled.evaluate(ctx) is False


def _campaign(campaign_id: int, stores: frozenset[str] | None = None) -> Campaign:
    compiled = rules.compile_ruleset({"rules": [], "bindings": []})
    return Campaign(
        id=campaign_id,
        name=str(campaign_id),
        ruleset_id=campaign_id,
        ruleset=compiled,
        rules=(),
        state="enabled",
        start_time=None,
        end_time=None,
        features=frozenset(),
        limits=(),
        group=EvaluationGroup(1, "stackable", 0),
        position=campaign_id,
        attributes={},
        linked_store_ids=stores,
    )


def test_the_index_finds_candidates_in_evaluation_order() -> None:
    campaigns = [_campaign(i) for i in range(1, 7)] + [_campaign(7, frozenset({"berlin"}))]
    gates = {
        1: None,
        2: frozenset({Gate("category", "shoes")}),
        3: frozenset({Gate("sku", "A"), Gate("coupon")}),
        4: frozenset({Gate("audience", 9)}),
        5: frozenset({Gate("coupon")}),
        6: frozenset({Gate("card")}),
        7: None,
    }
    index = CampaignIndex(campaigns, gates)
    cart = (
        CartItem(sku="A", quantity=1, position=0, category="hats"),
        CartItem(sku="B", quantity=1, position=1, category="shoes", returned_quantity=1),
    )
    shop = session(cart_items=cart)
    assert [c.id for c in index.candidates(shop, [])] == [1, 3]
    assert [c.id for c in index.candidates(shop, [9], named=[5])] == [1, 3, 4, 5]
    berlin = session(store_integration_id="berlin", loyalty_cards=("card-1",))
    assert [c.id for c in index.candidates(berlin, [])] == [1, 6, 7]


def test_a_campaign_linked_only_to_stores_that_are_gone_never_runs() -> None:
    now = datetime.now(UTC)
    assert campaign_running(_campaign(1), now, None)
    assert not campaign_running(_campaign(2, frozenset()), now, "berlin")
    assert campaign_running(_campaign(3, frozenset({"berlin"})), now, "berlin")
    assert not campaign_running(_campaign(3, frozenset({"berlin"})), now, None)


@pytest.mark.parametrize(
    ("condition", "gates"),
    [
        # stored rulesets decode JSON fractions as Decimal: they are number literals like any other
        (
            [">", ["sum", items(by_category("hats")), [["Item"], [".", "Item", "Price"]]], Decimal("49.99")],
            {Gate("category", "hats")},
        ),
        (["and", [">", [".", "Session", "Total"], Decimal("10.5")], ["couponValid"]], {Gate("coupon")}),
        (["inAudience", Decimal("7.0")], {Gate("audience", 7)}),
        (["and", Decimal("1.5"), ["inAudience", 7.0]], {Gate("audience", 7)}),
        # a lambda parameter named like a root is the item
        (["exists", CART, [["Session"], ["=", [".", "Session", "Sku"], "A"]]], {Gate("sku", "A")}),
    ],
)
def test_number_literals_and_parameters_in_the_typed_trees(condition: Any, gates: set[Gate]) -> None:
    assert gates_of([rule(condition)], []) == frozenset(gates)


def test_names_are_resolved_as_the_checker_resolves_them() -> None:
    shoes = {"name": "shoes", "expression": items(by_category("shoes"))}
    # a binding named like a root is the binding, not the root: this is no cart
    session = {"name": "Session", "expression": ["kv", "CartItems", ["list", 1]]}
    assert gates_of([rule([">", ["count", CART], 0])], [session]) is None
    assert gates_of([rule(["exists", CART, [["Item"], ["=", [".", "Item", "Sku"], "A"]]])], [session]) is None
    # a rule binding that reads the ruleset binding it shadows is that binding's filter
    alias = {
        **rule([">", ["count", [".", "shoes"]], 0]),
        "bindings": [{"name": "shoes", "expression": [".", "shoes"]}],
    }
    assert gates_of([alias], [shoes]) == {Gate("category", "shoes")}
    # a list is followed through at most 8 bindings (b6 → ... → b0 → shoes)
    chain = [shoes] + [
        {"name": f"b{i}", "expression": [".", "shoes" if i == 0 else f"b{i - 1}"]} for i in range(9)
    ]
    assert gates_of([rule([">", ["count", [".", "b6"]], 0])], chain) == {Gate("category", "shoes")}
    assert gates_of([rule([">", ["count", [".", "b7"]], 0])], chain) is None


def test_strikethrough_rules_do_not_count() -> None:
    compiled = rules.compile_ruleset({"rules": [rule(["couponValid"])], "strikethroughRules": [rule(True)]})
    assert campaign_gates(compiled) == {Gate("coupon")}
