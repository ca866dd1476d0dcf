"""Render the function reference of ``docs/talang.md`` from the registry (pure; no I/O).

The documentation test compares the generated block with the committed file, so the reference
cannot drift from the registry: adding a built-in without regenerating the docs fails the tests.
"""

from __future__ import annotations

import json

from .builtins import REGISTRY
from .signatures import Builtin

__all__ = ["BEGIN_MARKER", "CATEGORIES", "END_MARKER", "render_reference"]

BEGIN_MARKER = "<!-- BEGIN GENERATED REFERENCE: regenerate with `python docs/talang_reference.py` -->"
END_MARKER = "<!-- END GENERATED REFERENCE -->"
CATEGORIES = (
    ("path", "Reading paths"),
    ("logic", "Logic and control"),
    ("comparison", "Comparison"),
    ("arithmetic", "Arithmetic"),
    ("string", "Strings"),
    ("list", "Lists"),
    ("map", "Maps"),
    ("time", "Time"),
    ("condition", "Conditions"),
    ("effect", "Effects"),
)


def _entry(builtin: Builtin) -> str:
    example = json.dumps(builtin.example)
    outcome = f"emits `{builtin.name}`" if builtin.effect else f"`{json.dumps(builtin.result)}`"
    return (
        f"### `{builtin.name}`\n\n"
        f"`{builtin.render()}`\n\n"
        f"{builtin.summary}\n\n"
        f"Example: `{example}` → {outcome}\n"
    )


def render_reference() -> str:
    """The generated block, markers included."""
    sections = [BEGIN_MARKER, ""]
    for category, title in CATEGORIES:
        entries = [b for b in REGISTRY.values() if b.category == category]
        sections.append(f"## Functions: {title}\n")
        sections.extend(_entry(b) for b in entries)
    sections.append(END_MARKER)
    return "\n".join(sections) + "\n"
