"""``engine.evaluate`` on plain values: no database, no HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from openpromo import rules
from openpromo.engine.evaluate import Inputs, evaluate
from openpromo.engine.model import Campaign, CartItem, EvaluationGroup, Limit, RuleInfo, Session, Settings

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
SETTINGS = Settings(1, "EUR", 2, "UTC", False, False, "sessionTotal", "price", {})


def session(*prices: str, **fields: Any) -> Session:
    items = tuple(
        CartItem(sku=f"sku{i}", quantity=1, position=i, price=Decimal(p)) for i, p in enumerate(prices)
    )
    base: dict[str, Any] = dict(
        id=1,
        integration_id="s",
        profile_id="alice",
        state="open",
        store_integration_id=None,
        coupon_codes=(),
        referral_code=None,
        loyalty_cards=(),
        identifiers=(),
        attributes={},
        cart_items=items,
        additional_costs={},
    )
    base.update(fields)
    return Session(**base)


def campaign(
    campaign_id: int, effects: list[Any], *, limits: tuple[Limit, ...] = (), mode: str = "stackable"
) -> Campaign:
    rule = {"title": f"rule {campaign_id}", "condition": ["and", True], "effects": effects}
    return Campaign(
        id=campaign_id,
        name=f"campaign {campaign_id}",
        ruleset_id=campaign_id * 10,
        ruleset=rules.compile_ruleset({"rules": [rule]}),
        rules=(RuleInfo(rule["title"], False, False),),
        state="enabled",
        start_time=None,
        end_time=None,
        features=frozenset(),
        limits=limits,
        group=EvaluationGroup(1, mode, 0),
        position=campaign_id,
        attributes={},
        linked_store_ids=None,
    )


def run(
    the_session: Session, *campaigns: Campaign, settings: Settings = SETTINGS
) -> list[tuple[str, Decimal]]:
    inputs = Inputs(settings, the_session, None, campaigns, {}, None, {}, NOW, lambda: "uuid")
    return [(e.props["name"], e.props["value"]) for e in evaluate(inputs).effects if "value" in e.props]


def test_discounts_are_capped_at_what_is_left() -> None:
    # when two campaigns each ask for 30 off a 40 cart
    found = run(
        session("25", "15"), campaign(1, [["setDiscount", "a", 30]]), campaign(2, [["setDiscount", "b", 30]])
    )
    # then the second gets only the 10 left
    assert found == [("a", Decimal("30.00")), ("b", Decimal("10.00"))]


def test_budgets_stop_discounts_within_one_evaluation() -> None:
    limit = (Limit("setDiscountEffect", Decimal(1), None, ()),)
    found = run(session("50"), campaign(1, [["setDiscount", "a", 5], ["setDiscount", "b", 5]], limits=limit))
    # the rule cannot apply both discounts, so it fails whole
    assert found == []


def test_highest_discount_mode_keeps_one_campaign() -> None:
    found = run(
        session("100"),
        campaign(1, [["setDiscount", "small", 5]], mode="highestDiscount"),
        campaign(2, [["setDiscount", "big", 9]], mode="highestDiscount"),
    )
    assert found == [("big", Decimal("9.00"))]


def test_cascading_changes_what_later_rules_see() -> None:
    cascading = Settings(1, "EUR", 2, "UTC", True, False, "sessionTotal", "price", {})
    half = [["setDiscount", "half", ["/", [".", "Session", "DiscountedTotal"], 2]]]
    found = run(
        session("100"), campaign(1, [["setDiscount", "ten", 10]]), campaign(2, half), settings=cascading
    )
    assert found == [("ten", Decimal("10.00")), ("half", Decimal("45.00"))]


def test_a_pro_rata_discount_the_budget_cannot_cover_fails_its_rule() -> None:
    # given a campaign whose discount budget is used up
    limit = (Limit("setDiscount", Decimal(5), None, ()),)
    used = {(1, "setDiscount", "", ""): Decimal(5)}
    pro_rata = campaign(
        1, [["setDiscountPerItemProRata", "split", [".", "Session", "CartItems"], 10]], limits=limit
    )
    inputs = Inputs(SETTINGS, session("20", "30"), None, (pro_rata,), {}, None, used, NOW, lambda: "uuid")
    # when it is evaluated
    evaluation = evaluate(inputs)
    # then the rule fails whole (a rule failure, not an exception), naming the pro-rata effect
    assert evaluation.effects == []
    [failure] = evaluation.failures
    assert "budget" in failure.details and failure.effect_index == 0
