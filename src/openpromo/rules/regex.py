"""The regular expressions of ``~``: RE2 (``google-re2``), the dialect of Talon.One's Go engine.

RE2 runs in time linear in the text by construction (no backtracking, no look-arounds, no
backreferences), so no pattern can hang a rule. The work of a search is bounded as well: it is counted as
``(characters scanned + 1) * program size`` and paid from the rule's step budget, and a search that could
cost more than the budget has left scans only the part of the text the budget pays for (a match found
there stands; otherwise the search stops, over budget). Patterns are at most ``MAX_PATTERN`` characters
and their compiled program at most ``MAX_PROGRAM`` instructions. Matching is unanchored (Go's
``MatchString``): use ``^...$`` to match a whole string.
"""

from __future__ import annotations

import re

import re2

__all__ = ["MAX_PATTERN", "MAX_PROGRAM", "Pattern", "PatternError", "compile_pattern"]

MAX_PROGRAM = 5_000
MAX_PATTERN = 10_000

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a bad pattern is the rule's error, not a line in the server's log
_OPTIONS.never_capture = True


class PatternError(ValueError):
    """A pattern RE2 refuses, or one over the limits."""


class Pattern:
    __slots__ = ("_compiled", "size", "source")

    def __init__(self, source: str, compiled: re2._Regexp) -> None:
        self.source = source
        self._compiled = compiled
        self.size: int = max(int(compiled.programsize), 1)
        """The compiled program's instructions: the work of one character."""

    def search(self, text: str, limit: int = -1) -> tuple[bool, int]:
        """(whether the pattern occurs in ``text``, the work done); with ``limit`` ≥ 0, at most about
        ``limit`` work: past it the answer is False and the work more than ``limit``."""
        full = (len(text) + 1) * self.size
        if limit < 0 or full <= limit:
            found = self._compiled.search(text)
            return found is not None, full if found is None else (found.end() + 1) * self.size
        scanned = max(limit // self.size - 1, 0)
        found = self._compiled.search(text, 0, scanned)
        if found is not None and found.end() < scanned:  # ends before the cut: a match of the whole text
            return True, (found.end() + 1) * self.size
        return False, limit + self.size


_LOOK_AROUND = re.compile(r"invalid perl operator: \(\?<?[=!]")
_BACKREFERENCE = re.compile(r"invalid escape sequence: \\(\d|k)")


def _reason(error: re2.error) -> str:
    """RE2's reason, said plainly for the constructs people try from other dialects."""
    raw = error.args[0] if error.args else str(error)
    message = raw.decode() if isinstance(raw, bytes) else str(raw)
    if _LOOK_AROUND.search(message):
        return "look-arounds are not supported (RE2 syntax)"
    if _BACKREFERENCE.search(message):
        return "backreferences are not supported (RE2 syntax)"
    return message


def compile_pattern(source: str) -> Pattern:
    if len(source) > MAX_PATTERN:
        raise PatternError(f"pattern is longer than {MAX_PATTERN} characters")
    try:
        compiled = re2.compile(source, _OPTIONS)
    except re2.error as error:
        raise PatternError(_reason(error)) from None
    if compiled.programsize > MAX_PROGRAM:
        raise PatternError(f"pattern compiles to more than {MAX_PROGRAM} instructions")
    return Pattern(source, compiled)
