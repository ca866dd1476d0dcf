"""Regenerate the function reference block of docs/talang.md from the registry.

Run: ``PYTHONPATH=src python docs/talang_reference.py``.  The unit test
``tests/unit/rules/test_docs.py`` fails when the committed block differs from the registry.
"""

from __future__ import annotations

from pathlib import Path

from openpromo.rules.reference import BEGIN_MARKER, END_MARKER, render_reference

DOC = Path(__file__).with_name("talang.md")


def main() -> None:
    text = DOC.read_text()
    start, end = text.index(BEGIN_MARKER), text.index(END_MARKER) + len(END_MARKER) + 1
    DOC.write_text(text[:start] + render_reference() + text[end:])


if __name__ == "__main__":
    main()
