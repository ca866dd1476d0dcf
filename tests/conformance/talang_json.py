"""Conversions between the conformance JSON files and Talang values, contexts and outcomes."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpromo import rules
from openpromo.rules.values import format_time, parse_time

CASES_DIR = Path(__file__).parent / "talang"
SHARED_CONTEXT = Path(__file__).parent / "context.json"


def load(path: Path) -> dict[str, Any]:
    """Numbers become Decimal so expected values compare exactly."""
    data: dict[str, Any] = json.loads(path.read_text(), parse_float=Decimal, parse_int=Decimal)
    return data


def to_plain(value: object) -> object:
    """A Talang value (or effect field) as JSON-comparable data: times as RFC 3339, ints as Decimal."""
    if isinstance(value, bool) or value is None or isinstance(value, str | Decimal):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    raise TypeError(f"unexpected value {value!r}")


def same(actual: object, expected: object) -> bool:
    """Equality that does not confuse booleans with numbers (``True == 1`` in Python)."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        return actual.keys() == expected.keys() and all(same(actual[k], expected[k]) for k in actual)
    if isinstance(actual, list) and isinstance(expected, list):
        return len(actual) == len(expected) and all(same(a, e) for a, e in zip(actual, expected, strict=True))
    if isinstance(actual, Decimal) and isinstance(expected, Decimal):
        return actual == expected
    return type(actual) is type(expected) and actual == expected


def effect_json(effect: rules.EffectRequest) -> object:
    return to_plain(effect.as_dict())


def context(given: Mapping[str, Any]) -> rules.EvaluationContext:
    now = parse_time(str(given.get("now", "2024-03-10T12:00:00Z")))
    assert now is not None
    return rules.EvaluationContext(
        roots=given.get("roots", {}),
        now=now,
        coupon_valid=bool(given.get("couponValid", False)),
        coupon_valid_no_redeem=bool(given.get("couponValidNoRedeem", False)),
        referral_valid=bool(given.get("referralValid", False)),
        loyalty_card_valid=bool(given.get("loyaltyCardValid", False)),
        audiences=frozenset(int(a) for a in given.get("audiences", [])),
        step_budget=int(given.get("stepBudget", rules.DEFAULT_STEP_BUDGET)),
    )


def error_json(error: rules.TalangError) -> dict[str, object]:
    return {"kind": type(error).__name__, "pointer": error.pointer, "message": error.message}


def outcome_json(outcome: rules.RuleOutcome, expected: Mapping[str, Any]) -> dict[str, object]:
    """The outcome with the keys the expectation mentions (plus the always-compared ones)."""
    full: dict[str, object] = {
        "ruleIndex": Decimal(outcome.rule_index),
        "title": outcome.title,
        "fired": outcome.fired,
        "effects": [effect_json(e) for e in outcome.effects],
        "error": error_json(outcome.error) if outcome.error else None,
        "failedPart": outcome.failed_part,
        "conditionIndex": None if outcome.condition_index is None else Decimal(outcome.condition_index),
        "effectIndex": None if outcome.effect_index is None else Decimal(outcome.effect_index),
    }
    always = {"fired", "effects", "error", "failedPart"}
    return {k: v for k, v in full.items() if k in always or k in expected}


def expected_outcome(expected: Mapping[str, Any]) -> dict[str, object]:
    defaults: dict[str, object] = {"effects": [], "error": None, "failedPart": None}
    return {**defaults, **expected}


def all_cases() -> Iterator[tuple[dict[str, Any], dict[str, Any], str]]:
    """Every case with its merged context and a label ``file-index-comment``."""
    shared = load(SHARED_CONTEXT)
    for path in sorted(CASES_DIR.glob("*.json")):
        document = load(path)
        for index, case in enumerate(document["cases"]):
            given = {**shared, **document.get("given", {}), **case.get("given", {})}
            yield given, case, f"{path.stem}-{index}-{case.get('comment', '')}"[:80]


def expressions(case: Mapping[str, Any]) -> Iterator[object]:
    """The expressions of a case: ``expr``, or every binding, condition and effect of ``ruleset``."""
    if "expr" in case:
        yield case["expr"]
    ruleset = case.get("ruleset", {})
    for binding in ruleset.get("bindings", []) or []:
        yield binding.get("expression")
    for rule in [*ruleset.get("rules", []), *ruleset.get("strikethroughRules", [])]:
        yield rule.get("condition")
        yield rule.get("effects")
        for binding in rule.get("bindings", []) or []:
            yield binding.get("expression")


def calls(expression: object) -> Iterator[list[Any]]:
    """Every call ``[name, arg...]`` in an expression, outermost first (literal maps are data)."""
    stack = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, list) and node:
            if isinstance(node[0], str):
                yield node
                stack.extend(reversed(node[1:]))
            else:
                stack.extend(reversed(node))
