"""Random codes for coupons and referrals: ``#`` in a pattern is a random valid character."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Sequence

DEFAULT_CHARACTERS = tuple(string.ascii_uppercase + string.digits)
DEFAULT_PATTERN = "####-####"


def generate(pattern: str, characters: Sequence[str] = DEFAULT_CHARACTERS) -> str:
    return "".join(secrets.choice(characters) if c == "#" else c for c in pattern)


def unique_codes(
    count: int,
    pattern: str,
    characters: Sequence[str],
    normalise: Callable[[str], str],
    taken: Callable[[list[str]], set[str]],
    attempts: int = 10,
) -> list[str]:
    """``count`` distinct codes none of which ``taken`` (normalised values already in use) reports."""
    codes: dict[str, str] = {}
    for _ in range(attempts):
        missing = count - len(codes)
        if missing <= 0:
            break
        fresh: dict[str, str] = {}
        for _ in range(missing * 2):
            code = generate(pattern, characters)
            key = normalise(code)
            if key not in codes and key not in fresh:
                fresh[key] = code
        used = taken(list(fresh))
        for key, code in fresh.items():
            if key not in used and len(codes) < count:
                codes[key] = code
    if len(codes) < count:
        raise ValueError(f"the pattern {pattern!r} cannot give {count} more unique codes")
    return list(codes.values())


def fold_code(text: str) -> str:
    """A code as Talon.One compares it in list filters: case-insensitive, non-alphanumerics removed."""
    return "".join(c for c in text.casefold() if c.isalnum())


def normalise_code(code: str, case_sensitivity: str) -> str:
    if case_sensitivity == "insensitive-uppercase":
        return code.upper()
    if case_sensitivity == "insensitive-lowercase":
        return code.lower()
    return code


__all__ = ["DEFAULT_CHARACTERS", "DEFAULT_PATTERN", "fold_code", "generate", "normalise_code", "unique_codes"]
