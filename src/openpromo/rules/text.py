"""String functions: ``concat contains notContains startsWith endsWith ~ split join toString ...``.

Argument order follows the open-source Talang core: the needle, prefix, suffix or pattern comes
first, then one or more haystacks.  ``~`` uses the bounded RE2-subset matcher of ``regex.py``;
literal patterns are compiled (and rejected) at compile time, computed ones when evaluated (memoised,
and charged by program size whether memoised or not, so a budget's outcome never depends on a cache).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from .arithmetic import concat
from .errors import Fault
from .regex import Pattern, PatternError, compile_pattern
from .runtime import Runtime
from .signatures import Builtin, Param, charge
from .types import Kind, TalangValue
from .values import MAX_ITEMS, MAX_TEXT, TEXT_PER_STEP, as_list, as_text, loose_equal, to_text

__all__ = ["BUILTINS", "pattern"]

S, L, B, ANYK = Kind.STRING, Kind.LIST, Kind.BOOLEAN, Kind.STRING | Kind.LIST


# Patterns are immutable, so compiled programs are memoised (for computed patterns).
_compiled_pattern = lru_cache(maxsize=256)(compile_pattern)


def pattern(value: TalangValue) -> Pattern:
    """Prepare the pattern of ``~``: it must be in the supported RE2 subset."""
    try:
        return _compiled_pattern(as_text(value))
    except PatternError as error:
        raise Fault(f"invalid regular expression: {error}") from None


def _pattern_steps(compiled: object) -> int:
    return compiled.size // 16 if isinstance(compiled, Pattern) else 0


def _concat(rt: Runtime, *parts: TalangValue) -> TalangValue:
    return concat(rt, parts)


def _occurs(rt: Runtime, needle: TalangValue, haystack: TalangValue) -> bool:
    if isinstance(haystack, str):
        return to_text(needle) in haystack
    items = as_list(haystack)
    charge(rt, len(items))
    return any(loose_equal(needle, item) for item in items)


def _contains(rt: Runtime, needle: TalangValue, *haystacks: TalangValue) -> TalangValue:
    return any(_occurs(rt, needle, hay) for hay in haystacks)


def _not_contains(rt: Runtime, needle: TalangValue, *haystacks: TalangValue) -> TalangValue:
    return not _contains(rt, needle, *haystacks)


def _starts_with(_rt: Runtime, prefix: TalangValue, *texts: TalangValue) -> TalangValue:
    start = as_text(prefix)
    return all(as_text(t).startswith(start) for t in texts)


def _ends_with(_rt: Runtime, suffix: TalangValue, *texts: TalangValue) -> TalangValue:
    end = as_text(suffix)
    return all(as_text(t).endswith(end) for t in texts)


def _matches(rt: Runtime, compiled: Pattern, *texts: TalangValue) -> TalangValue:
    for text in texts:
        # the matcher stops once it has done more work than the budget has steps left for
        matched, work = compiled.search(as_text(text), (rt.steps + 1) * 16)
        charge(rt, work // 16)
        if not matched:
            return False
    return True


def _split(rt: Runtime, text: TalangValue, separator: TalangValue) -> TalangValue:
    sep, whole = as_text(separator), as_text(text)
    if not sep:
        raise Fault("separator must not be empty")
    # the parts are new strings: pay for their characters as well as for the list
    charge(rt, len(whole) // TEXT_PER_STEP)
    parts: list[TalangValue] = [*whole.split(sep, MAX_ITEMS)]
    charge(rt, len(parts))
    return parts


def _words(rt: Runtime, value: TalangValue) -> list[str]:
    text = as_text(value)
    charge(rt, len(text) // TEXT_PER_STEP)
    return text.split()


def _join(rt: Runtime, items: TalangValue, glue: TalangValue) -> TalangValue:
    values: Sequence[TalangValue] = as_list(items)
    charge(rt, len(values))
    texts = [to_text(v) for v in values]
    glue_text = as_text(glue)
    size = sum(len(t) for t in texts) + len(glue_text) * max(len(texts) - 1, 0)
    if size > MAX_TEXT:
        raise Fault(f"string longer than {MAX_TEXT} characters")
    charge(rt, size // TEXT_PER_STEP)
    return glue_text.join(texts)


def _to_string(_rt: Runtime, value: TalangValue) -> TalangValue:
    return to_text(value)


def _first_name(rt: Runtime, value: TalangValue) -> TalangValue:
    words = _words(rt, value)
    return " ".join(words[:-1]) if len(words) > 1 else (words[0] if words else "")


def _last_name(rt: Runtime, value: TalangValue) -> TalangValue:
    words = _words(rt, value)
    return words[-1] if words else ""


_NEEDLE = Param("needle", Kind.NUMBER | S | B | Kind.TIME | Kind.NULL)
_HAY = Param("haystack", ANYK)

BUILTINS = (
    Builtin(
        "concat",
        "string",
        (Param("a", S), Param("b", S)),
        S,
        "Concatenates strings.",
        ["concat", "Hello", " ", "World"],
        "Hello World",
        rest=Param("more", S),
        impl=_concat,
    ),
    Builtin(
        "contains",
        "string",
        (_NEEDLE, _HAY),
        B,
        "True when the needle is a substring of any string haystack or an element of any list haystack.",
        ["contains", "Hello", "Hello World", "Bye"],
        True,
        rest=_HAY,
        impl=_contains,
    ),
    Builtin(
        "notContains",
        "string",
        (_NEEDLE, _HAY),
        B,
        "The negation of `contains`.",
        ["notContains", "x", ["list", "a", "b"]],
        True,
        rest=_HAY,
        impl=_not_contains,
    ),
    Builtin(
        "startsWith",
        "string",
        (Param("prefix", S), Param("text", S)),
        B,
        "True when every text starts with the prefix.",
        ["startsWith", "Hel", "Hello", "Help"],
        True,
        rest=Param("more", S),
        impl=_starts_with,
    ),
    Builtin(
        "endsWith",
        "string",
        (Param("suffix", S), Param("text", S)),
        B,
        "True when every text ends with the suffix.",
        ["endsWith", "World", "Hello World"],
        True,
        rest=Param("more", S),
        impl=_ends_with,
    ),
    Builtin(
        "~",
        "string",
        (Param("pattern", S, prepare=pattern, prepare_steps=_pattern_steps), Param("text", S)),
        B,
        "True when the RE2 pattern matches (anywhere in) every text; look-arounds and backreferences "
        "are rejected; matching time is linear.",
        ["~", "^[A-Z]{3}-[0-9]+$", "ABC-123"],
        True,
        rest=Param("more", S),
        impl=_matches,
    ),
    Builtin(
        "split",
        "string",
        (Param("text", S), Param("separator", S)),
        L,
        "Splits the text at every occurrence of the separator.",
        ["split", "a,b,c", ","],
        ["a", "b", "c"],
        impl=_split,
    ),
    Builtin(
        "join",
        "string",
        (Param("items", L), Param("glue", S)),
        S,
        "Joins the items (converted with `toString`) with the glue.",
        ["join", ["list", "a", 1], "-"],
        "a-1",
        impl=_join,
    ),
    Builtin(
        "toString",
        "string",
        (Param("value", Kind.NUMBER | S | B | Kind.TIME | Kind.NULL),),
        S,
        "Converts a number (plain notation, no trailing zeros), boolean, time (RFC 3339, UTC) "
        "or null to text.",
        ["toString", 1.50],
        "1.5",
        impl=_to_string,
    ),
    Builtin(
        "firstName",
        "string",
        (Param("name", S),),
        S,
        "All but the last space-separated word.",
        ["firstName", "Mr Foo Bar"],
        "Mr Foo",
        impl=_first_name,
    ),
    Builtin(
        "lastName",
        "string",
        (Param("name", S),),
        S,
        "The last space-separated word.",
        ["lastName", "Alex Unger"],
        "Unger",
        impl=_last_name,
    ),
)
