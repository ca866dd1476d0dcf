"""docs/talang.md cannot drift from the registry, and every documented example is true.

The function reference is generated from the registry; the hand-written tables are checked against
it: the Paths table against the roots of the checker and the reads of the conformance suite, the
Effects table against the effect request classes, option lists against the option specs.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import pytest

from openpromo import rules
from openpromo.rules.builtins import REGISTRY
from openpromo.rules.options import OptionMap
from openpromo.rules.paths import ROOTS
from openpromo.rules.reference import BEGIN_MARKER, END_MARKER, render_reference
from tests.conformance.talang_json import (
    SHARED_CONTEXT,
    all_cases,
    calls,
    context,
    expressions,
    load,
    same,
    to_plain,
)

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


def _table(heading: str) -> list[list[str]]:
    """The cells of the rows of the first table under ``## heading`` (header rows excluded)."""
    text = DOC.read_text()
    marker = f"\n## {heading}\n"
    section = text[text.index(marker) + len(marker) :]
    rows = []
    for line in section.splitlines():
        if line.startswith("## "):
            break
        if line.startswith("|") and not line.startswith("| ---"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows[1:]


def _ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def _reads_in_the_suite() -> set[tuple[str, ...]]:
    """Every literal path ``[".", root, key...]`` read by a conformance case that succeeds."""
    reads = set()
    for _given, case, _label in all_cases():
        if "error" in case:
            continue
        for call in (c for e in expressions(case) for c in calls(e)):
            keys = call[1:]
            if call[0] == "." and all(isinstance(k, str | Decimal) for k in keys):
                reads.add(tuple(k if isinstance(k, str) else str(int(k)) for k in keys))
    return reads


def _covers(pattern: tuple[str, ...], read: tuple[str, ...]) -> bool:
    return len(pattern) == len(read) and all(
        p == r or (p.startswith("<") and p.endswith(">")) for p, r in zip(pattern, read, strict=True)
    )


def test_paths_table_names_every_root_and_the_suite_reads_every_path() -> None:
    # given the Paths table: root -> documented paths
    documented = {_ticked(root)[0]: _ticked(paths) for root, paths, _notes in _table("Paths")}
    # then it names exactly the roots the checker accepts
    assert set(documented) == ROOTS
    # and every documented path (placeholders like <name> match any key) is read by some case
    reads = _reads_in_the_suite()
    unread = [
        f"{root}.{path}"
        for root, paths in documented.items()
        for path in paths
        if not any(_covers((root, *path.split(".")), read) for read in reads)
    ]
    assert unread == []


def test_effects_table_describes_every_effect_request() -> None:
    # given the Effects table: call names -> request class and fields
    rows = {name: request for calls_cell, request in _table("Effects") for name in _ticked(calls_cell)}
    ctx = context(load(SHARED_CONTEXT))
    for builtin in (b for b in REGISTRY.values() if b.effect):
        # when the effect's documented example runs, the request it emits is known
        (request, *_more) = rules.compile(builtin.example).evaluate_with_effects(ctx)[1]
        cell = rows[builtin.name]
        # then its row names the request class and lists exactly its fields, in order
        assert f"`{type(request).__name__}`" in cell
        listed = re.sub(r"\s*\([^)]*\)", "", cell.split(":", 1)[1].split(" — ")[0])
        fields = [f.name for f in dataclasses.fields(request)]
        assert [f.strip() for f in listed.split(",")] == fields, builtin.name
    # and the table names no effect that is not registered
    assert set(rows) == {b.name for b in REGISTRY.values() if b.effect}


def test_every_option_key_is_documented() -> None:
    for builtin in REGISTRY.values():
        for param in builtin.params:
            if isinstance(param.prepare, OptionMap):
                missing = [k for k in param.prepare.keys if k not in builtin.summary]
                assert missing == [], builtin.name
