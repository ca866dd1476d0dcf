"""Runs every case of tests/conformance/talang/*.json (JMESPath-style compliance files).

A case has ``expr`` (one expression) or ``ruleset``; its context is ``context.json`` shallowly
overridden by the file's ``given`` and then the case's ``given``.  It has one expectation:
``result`` (the value, or for a ruleset the list of rule outcomes), ``effects`` (the effects an
expression emits) or ``error`` (kind, pointer and exact message).
"""

from __future__ import annotations

from typing import Any

import pytest

from openpromo import rules
from openpromo.rules.builtins import REGISTRY
from openpromo.rules.options import OptionMap

from .talang_json import (
    CASES_DIR,
    all_cases,
    calls,
    context,
    effect_json,
    error_json,
    expected_outcome,
    expressions,
    load,
    outcome_json,
    same,
    to_plain,
)


def _cases() -> list[Any]:
    return [pytest.param(given, case, id=label) for given, case, label in all_cases()]


def _run(given: dict[str, Any], case: dict[str, Any]) -> object:
    ctx = context(given)
    if "ruleset" in case:
        result = rules.compile_ruleset(case["ruleset"]).evaluate(ctx)
        return [outcome_json(o, e) for o, e in zip(result.rules, case.get("result", []), strict=False)]
    compiled = rules.compile(case["expr"])
    if "effects" in case:
        _, effects = compiled.evaluate_with_effects(ctx)
        return [effect_json(e) for e in effects]
    return to_plain(compiled.evaluate(ctx))


@pytest.mark.parametrize(("given", "case"), _cases())
def test_case(given: dict[str, Any], case: dict[str, Any]) -> None:
    # given a context and an expression or ruleset
    expectation = {k: case[k] for k in ("result", "effects", "error") if k in case}
    assert len(expectation) == 1, "a case needs exactly one of result, effects, error"
    # when it is compiled and evaluated
    if "error" in case:
        with pytest.raises(rules.TalangError) as caught:
            _run(given, case)
        # then the error matches exactly
        assert error_json(caught.value) == case["error"]
        return
    actual = _run(given, case)
    # then the value, effects or outcomes match exactly
    if "ruleset" in case:
        expected: object = [expected_outcome(e) for e in case["result"]]
        assert len(case["result"]) == len(rules.compile_ruleset(case["ruleset"]).rules)
    else:
        expected = case.get("result", case.get("effects"))
    assert same(actual, expected), f"{actual!r} != {expected!r}"


def test_every_file_has_cases() -> None:
    files = sorted(CASES_DIR.glob("*.json"))
    assert len(files) >= 8
    assert all(load(f)["cases"] for f in files)


def _operator_of_error(given: dict[str, Any], case: dict[str, Any]) -> str | None:
    try:
        _run(given, case)
    except rules.TalangError as error:
        return error.operator
    return None


def test_every_function_has_a_result_case_and_an_error_case() -> None:
    # given every case of the suite
    called, failed = set(), set()
    for given, case, _label in all_cases():
        if "error" in case:
            # the function an error case is about is the one that reports the error
            operator = _operator_of_error(given, case)
            if operator is not None:
                failed.add(operator.lower())
        else:
            called.update(call[0].lower() for e in expressions(case) for call in calls(e))
    # then every registered function is exercised with a result and with an error
    registered = set(REGISTRY)
    assert registered - called == set(), "functions without a result case"
    assert registered - failed == set(), "functions without an error case"


def test_every_option_of_every_effect_is_exercised() -> None:
    # given the option keys each option-map parameter accepts
    declared = {
        (builtin.name, key)
        for builtin in REGISTRY.values()
        for param in builtin.params
        if isinstance(param.prepare, OptionMap)
        for key in param.prepare.keys
    }
    # when the suite's successful calls are searched for literal or kv option maps
    used = set()
    for _given, case, _label in all_cases():
        if "error" in case:
            continue
        for call in (c for e in expressions(case) for c in calls(e)):
            builtin = REGISTRY.get(call[0].lower())
            for arg in call[1:]:
                if isinstance(arg, dict):
                    used.update((builtin.name, key) for key in arg if builtin is not None)
                elif isinstance(arg, list) and arg and arg[0] == "kv" and builtin is not None:
                    used.update((builtin.name, key) for key in arg[1::2] if isinstance(key, str))
    # then every option of every effect appears in at least one case
    assert declared - used == set()
