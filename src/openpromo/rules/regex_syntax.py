"""The syntax of ``~`` patterns (the RE2 subset of ``rules.regex``): pattern text → a tree of nodes.

``parse`` reads literals, ``.``, classes, ``\\d\\w\\s`` and negations, anchors ``^ $ \\A \\z \\b \\B``,
groups, alternation and ``* + ? {n,m}`` (with an optional lazy ``?``), and refuses what RE2 refuses
(look-arounds, backreferences, nested repetition operators such as ``a**``) with a ``PatternError``
whose message is user-facing. Groups nest at most ``MAX_NESTING`` levels, so the recursion is bounded.
``rules.regex`` compiles the tree to a program and runs it.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

__all__ = [
    "MAX_NESTING",
    "WORD",
    "Alt",
    "Assert",
    "Cat",
    "Char",
    "CharSet",
    "PatternError",
    "RegexNode",
    "Rep",
    "fold_char",
    "parse",
]

MAX_NESTING = 50
WORD = ((48, 57), (65, 90), (95, 95), (97, 122))
_CLASSES = {"d": ((48, 57),), "w": WORD, "s": ((9, 10), (12, 13), (32, 32))}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}
_ASSERTS = {"A": "start", "z": "end", "b": "word", "B": "nonword"}


class PatternError(ValueError):
    """The pattern is not in the supported RE2 subset."""


@dataclass(frozen=True, slots=True)
class CharSet:
    """A set of code points: ``ranges`` as written; ``starts``/``ends`` sorted and merged so that a
    membership test is one binary search, however large the class (``(?i)`` folding adds ranges)."""

    ranges: tuple[tuple[int, int], ...]
    negated: bool = False
    starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    ends: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        merged: list[list[int]] = []
        for low, high in sorted(self.ranges):
            if merged and low <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], high)
            else:
                merged.append([low, high])
        object.__setattr__(self, "starts", tuple(m[0] for m in merged))
        object.__setattr__(self, "ends", tuple(m[1] for m in merged))

    def has(self, code: int) -> bool:
        index = bisect_right(self.starts, code) - 1
        return (index >= 0 and code <= self.ends[index]) != self.negated


@dataclass(frozen=True, slots=True)
class Char:
    chars: CharSet


@dataclass(frozen=True, slots=True)
class Assert:
    kind: str


@dataclass(frozen=True, slots=True)
class Cat:
    items: tuple[RegexNode, ...]


@dataclass(frozen=True, slots=True)
class Alt:
    branches: tuple[RegexNode, ...]


@dataclass(frozen=True, slots=True)
class Rep:
    child: RegexNode
    low: int
    high: int  # -1: unbounded


RegexNode = Char | Assert | Cat | Alt | Rep


def fold_char(char: str) -> str:
    """The lower case of one character, or the character itself when its lower case is longer
    (``"İ".lower()`` is two characters); text and pattern are folded the same way."""
    lower = char.lower()
    return lower if len(lower) == 1 else char


def parse(source: str, ignore_case: bool) -> RegexNode:
    """The tree of a pattern (without its leading ``(?i)``, given as ``ignore_case``)."""
    parser = _Parser(source, ignore_case)
    node = parser.alternation()
    if parser.pos != len(parser.src):
        raise PatternError("unbalanced parenthesis")
    return node


class _Parser:
    def __init__(self, src: str, ignore_case: bool) -> None:
        self.src, self.pos, self.ignore_case = src, 0, ignore_case
        self.depth = 0

    def peek(self) -> str:
        return self.src[self.pos] if self.pos < len(self.src) else ""

    def take(self) -> str:
        char = self.peek()
        if not char:
            raise PatternError("unexpected end of pattern")
        self.pos += 1
        return char

    def alternation(self) -> RegexNode:
        branches = [self.concatenation()]
        while self.peek() == "|":
            self.pos += 1
            branches.append(self.concatenation())
        return Alt(tuple(branches)) if len(branches) > 1 else branches[0]

    def concatenation(self) -> RegexNode:
        items: list[RegexNode] = []
        while self.peek() not in ("", "|", ")"):
            items.append(self.repetition(self.atom()))
        return Cat(tuple(items))

    def repetition(self, node: RegexNode) -> RegexNode:
        bounds = self._quantifier()
        if bounds is None:
            return node
        if isinstance(node, Assert):
            raise PatternError("missing argument to repetition operator")
        if self.peek() == "?":
            self.pos += 1
        if self.peek() == "+":
            raise PatternError("possessive quantifiers are not supported")
        if self._quantifier() is not None:
            # RE2 refuses a**, a+*, a{2}{3}: a repetition needs a group, as in (a*)*
            raise PatternError("invalid nested repetition operator")
        return Rep(node, *bounds)

    def _quantifier(self) -> tuple[int, int] | None:
        """Consume ``* + ? {n} {n,} {n,m}`` and return its bounds (-1: unbounded), if one is next."""
        char = self.peek()
        if char in ("*", "+", "?"):
            self.pos += 1
            return {"*": (0, -1), "+": (1, -1), "?": (0, 1)}[char]
        if char == "{":
            bounds = self._counted()
            if bounds is not None:
                self.pos = self.src.index("}", self.pos) + 1
            return bounds
        return None

    def _counted_at(self, pos: int) -> bool:
        """Whether a valid ``{n,m}`` starts at ``pos`` (a ``{`` that is not one is a literal)."""
        saved, self.pos = self.pos, pos
        try:
            return self._counted() is not None
        finally:
            self.pos = saved

    def _counted(self) -> tuple[int, int] | None:
        end = self.src.find("}", self.pos)
        body = self.src[self.pos + 1 : end] if end > 0 else ""
        low, _, high = body.partition(",")
        if not low.isdigit() or (high and not high.isdigit()):
            return None
        bounds = (int(low), int(high) if high else (-1 if "," in body else int(low)))
        if bounds[0] > 1000 or bounds[1] > 1000 or (bounds[1] != -1 and bounds[1] < bounds[0]):
            raise PatternError("invalid repeat count")
        return bounds

    def atom(self) -> RegexNode:
        char = self.take()
        if char == "(":
            return self.group()
        if char == "[":
            return Char(self.char_class())
        if char == ".":
            return Char(CharSet(((10, 10),), negated=True))
        if char in "^$":
            return Assert("start" if char == "^" else "end")
        if char == "\\":
            return self.escape()
        if char in "*+?" or (char == "{" and self._counted_at(self.pos - 1)):
            raise PatternError("missing argument to repetition operator")
        return Char(self.literal(char))

    def group(self) -> RegexNode:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise PatternError(f"groups are nested deeper than {MAX_NESTING} levels")
        if self.src.startswith("?", self.pos):
            rest = self.src[self.pos :]
            if rest.startswith(("?=", "?!", "?<=", "?<!")):
                raise PatternError("look-arounds are not supported (RE2 syntax)")
            if rest.startswith(("?P<", "?<")):
                self.pos = self.src.index(">", self.pos) + 1 if ">" in rest else len(self.src)
            elif rest.startswith("?:"):
                self.pos += 2
            else:
                raise PatternError("unsupported group flags")
        node = self.alternation()
        if self.peek() != ")":
            raise PatternError("missing closing )")
        self.pos += 1
        self.depth -= 1
        return node

    def escape(self) -> RegexNode:
        char = self.take()
        if char == "x":
            return Char(self.literal(self.hex_escape()))
        if char.isdigit() or char == "k":
            raise PatternError("backreferences are not supported (RE2 syntax)")
        if char in _ASSERTS:
            return Assert(_ASSERTS[char])
        return Char(self.escaped_set(char))

    def escaped_set(self, char: str) -> CharSet:
        if char.lower() in _CLASSES:
            return CharSet(_CLASSES[char.lower()], negated=char.isupper())
        if char.isalnum() and char not in _ESCAPES:
            raise PatternError(f"unsupported escape \\{char}")
        return self.literal(_ESCAPES.get(char, char))

    def hex_escape(self) -> str:
        """The character of ``\\x41`` or ``\\x{1F600}`` (the ``\\x`` already consumed)."""
        if self.peek() == "{":
            close = self.src.find("}", self.pos)
            digits, after = (self.src[self.pos + 1 : close], close + 1) if close > 0 else ("", 0)
        else:
            digits, after = self.src[self.pos : self.pos + 2], self.pos + 2
            digits = digits if len(digits) == 2 else ""
        if not 0 < len(digits) <= 6 or any(c not in "0123456789abcdefABCDEF" for c in digits):
            raise PatternError("invalid hexadecimal escape")
        if int(digits, 16) > 0x10FFFF:
            raise PatternError("invalid hexadecimal escape")
        self.pos = after
        return chr(int(digits, 16))

    def literal(self, char: str) -> CharSet:
        code = ord(fold_char(char) if self.ignore_case else char)
        return CharSet(((code, code),))

    def char_class(self) -> CharSet:
        negated = self.peek() == "^"
        self.pos += negated
        ranges: list[tuple[int, int]] = []
        first = True
        while first or self.peek() != "]":
            first = False
            if self.src.startswith("[:", self.pos):
                raise PatternError("POSIX classes are not supported")
            if self.src.startswith("\\", self.pos) and self.src[self.pos + 1 : self.pos + 2] != "x":
                self.pos += 1
                found = self.escaped_set(self.take())
                if found.negated:
                    raise PatternError("negated classes inside [] are not supported")
                ranges.extend(found.ranges)
                continue
            low = high = ord(self.class_char())
            if self.peek() == "-" and self.src[self.pos + 1 : self.pos + 2] not in ("]", ""):
                self.pos += 1
                high = ord(self.class_char())
                if high < low:
                    raise PatternError("invalid character class range")
            ranges.extend(self._fold(low, high))
        self.pos += 1
        return CharSet(tuple(ranges), negated)

    def class_char(self) -> str:
        """One character of a class range: literal, ``\\x..`` or an escaped punctuation mark."""
        char = self.take()
        if char != "\\":
            return char
        escaped = self.take()
        if escaped == "x":
            return self.hex_escape()
        if escaped.isalnum() and escaped not in _ESCAPES:
            raise PatternError(f"invalid character class range end \\{escaped}")
        return _ESCAPES.get(escaped, escaped)

    def _fold(self, low: int, high: int) -> list[tuple[int, int]]:
        if not self.ignore_case:
            return [(low, high)]
        lowered = [ord(fold_char(chr(c))) for c in range(low, min(high, low + 512) + 1)]
        return [(low, high), *((c, c) for c in lowered)]
