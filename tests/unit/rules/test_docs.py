"""docs/talang.md cannot drift from the registry, and every documented example is true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from openpromo import rules
from openpromo.rules.builtins import REGISTRY
from openpromo.rules.reference import BEGIN_MARKER, END_MARKER, render_reference
from tests.conformance.talang_json import SHARED_CONTEXT, context, load, same, to_plain

DOC = Path(__file__).parents[3] / "docs" / "talang.md"


def test_generated_reference_matches_the_registry() -> None:
    # given the committed documentation
    text = DOC.read_text()
    # when the reference block is extracted
    block = text[text.index(BEGIN_MARKER) : text.index(END_MARKER) + len(END_MARKER)] + "\n"
    # then it is exactly what the registry renders
    assert block == render_reference()


def test_every_registered_name_is_documented_and_vice_versa() -> None:
    documented = set(re.findall(r"^### `([^`]+)`$", DOC.read_text(), flags=re.MULTILINE))
    registered = {b.name for b in REGISTRY.values()}
    assert documented == registered


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_documented_example_holds(name: str) -> None:
    # given the example of a built-in and the conformance context
    builtin = REGISTRY[name]
    ctx = context(load(SHARED_CONTEXT))
    # when the example is evaluated
    value, effects = rules.compile(builtin.example).evaluate_with_effects(ctx)
    # then it gives the documented result (or, for an effect, emits that effect)
    if builtin.effect:
        expected = {"updateAttribute": "updateAttributeValue"}.get(builtin.name, builtin.name)
        assert [e.effect_type for e in effects][:1] == [expected]
    else:
        assert same(to_plain(value), to_plain(builtin.result)), f"{value!r} != {builtin.result!r}"
