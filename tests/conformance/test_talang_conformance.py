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

from .talang_json import (
    CASES_DIR,
    SHARED_CONTEXT,
    context,
    effect_json,
    error_json,
    expected_outcome,
    load,
    outcome_json,
    same,
    to_plain,
)


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.json")):
        document = load(path)
        for index, case in enumerate(document["cases"]):
            given = {**load(SHARED_CONTEXT), **document.get("given", {}), **case.get("given", {})}
            label = f"{path.stem}-{index}-{case.get('comment', '')}"[:80]
            params.append(pytest.param(given, case, id=label))
    return params


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
