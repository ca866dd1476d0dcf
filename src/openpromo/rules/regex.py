"""A bounded regular-expression matcher for ``~`` (RE2 syntax subset, Thompson NFA).

Python's ``re`` backtracks, so a hostile pattern could hang a rule.  This module parses the RE2
subset (literals, ``.``, classes, ``\\d\\w\\s`` and negations, anchors ``^ $ \\A \\z \\b \\B``,
groups, alternation, ``* + ? {n,m}`` with optional lazy ``?``, a leading ``(?i)``) into a small
program and simulates it over all threads at once: time is O(len(pattern) * len(text)), and
``search`` can stop at a work limit (the rule's step budget).  Look-arounds, backreferences and
nested repetition operators (``a**``) are refused, as RE2 does; patterns are limited to
``MAX_PATTERN`` characters and ``MAX_NESTING`` nested groups so that neither the parser's recursion
nor the program size can grow without bound.  Matching is unanchored (Go's ``MatchString``): use
``^...$`` to match a whole string.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

__all__ = ["Pattern", "PatternError", "compile_pattern"]

MAX_PROGRAM = 5_000
MAX_PATTERN = 10_000
MAX_NESTING = 50
_WORD = ((48, 57), (65, 90), (95, 95), (97, 122))
_CLASSES = {"d": ((48, 57),), "w": _WORD, "s": ((9, 10), (12, 13), (32, 32))}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}
_ASSERTS = {"A": "start", "z": "end", "b": "word", "B": "nonword"}


class PatternError(ValueError):
    """The pattern is not in the supported RE2 subset."""


@dataclass(frozen=True, slots=True)
class _Set:
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
class _Inst:
    """``set`` consumes a char in ``chars``; ``split`` forks to x and y; ``jmp`` goes to x;
    ``assert`` checks ``kind`` at the current position; ``match`` accepts."""

    op: str
    x: int = 0
    y: int = 0
    chars: _Set | None = None
    kind: str = ""


@dataclass(frozen=True, slots=True)
class _Char:
    chars: _Set


@dataclass(frozen=True, slots=True)
class _Assert:
    kind: str


@dataclass(frozen=True, slots=True)
class _Cat:
    items: tuple[_Node, ...]


@dataclass(frozen=True, slots=True)
class _Alt:
    branches: tuple[_Node, ...]


@dataclass(frozen=True, slots=True)
class _Rep:
    child: _Node
    low: int
    high: int  # -1: unbounded


_Node = _Char | _Assert | _Cat | _Alt | _Rep


@dataclass(frozen=True, slots=True)
class Pattern:
    program: tuple[_Inst, ...]
    ignore_case: bool

    def search(self, text: str, limit: int = -1) -> tuple[bool, int]:
        """Whether the pattern matches somewhere in ``text``, and the work done (one unit per
        instruction visited).  With ``limit`` >= 0 the search gives up, unmatched, as soon as the
        work exceeds it, so a caller can stop at its step budget instead of after the whole text."""
        if self.ignore_case:
            text = text.lower() if text.isascii() else "".join(map(_fold_char, text))
        work = 0
        current: list[int] = []
        for pos in range(len(text) + 1):
            matched, work = self._add(current, set(current), 0, text, pos, work)
            if matched:
                return True, work
            if pos == len(text) or 0 <= limit < work:
                break
            code, nxt = ord(text[pos]), list[int]()
            seen: set[int] = set()
            for pc in current:
                work += 1
                inst = self.program[pc]
                if inst.chars is not None and inst.chars.has(code):
                    matched, work = self._add(nxt, seen, pc + 1, text, pos + 1, work)
                    if matched:
                        return True, work
            current = nxt
        return False, work

    def _add(
        self, threads: list[int], seen: set[int], pc: int, text: str, pos: int, work: int
    ) -> tuple[bool, int]:
        stack = [pc]
        while stack:
            pc = stack.pop()
            if pc in seen:
                continue
            work += 1
            seen.add(pc)
            inst = self.program[pc]
            op = inst.op
            if op == "match":
                return True, work
            if op == "jmp":
                stack.append(inst.x)
            elif op == "split":
                stack.extend((inst.y, inst.x))
            elif op == "assert":
                if _holds(inst.kind, text, pos):
                    stack.append(pc + 1)
            else:
                threads.append(pc)
        return False, work


def _fold_char(char: str) -> str:
    """The lower case of one character, or the character itself when its lower case is longer
    (``"İ".lower()`` is two characters); text and pattern are folded the same way."""
    lower = char.lower()
    return lower if len(lower) == 1 else char


def _is_word(text: str, pos: int) -> bool:
    return 0 <= pos < len(text) and any(lo <= ord(text[pos]) <= hi for lo, hi in _WORD)


def _holds(kind: str, text: str, pos: int) -> bool:
    if kind == "start":
        return pos == 0
    if kind == "end":
        return pos == len(text)
    boundary = _is_word(text, pos - 1) != _is_word(text, pos)
    return boundary if kind == "word" else not boundary


def compile_pattern(source: str) -> Pattern:
    """Compile ``source``; raise ``PatternError`` with a user-facing reason."""
    if len(source) > MAX_PATTERN:
        raise PatternError(f"pattern is longer than {MAX_PATTERN} characters")
    ignore_case = source.startswith("(?i)")
    parser = _Parser(source[4:] if ignore_case else source, ignore_case)
    node = parser.alternation()
    if parser.pos != len(parser.src):
        raise PatternError("unbalanced parenthesis")
    program: list[_Inst] = []
    _emit(node, program)
    program.append(_Inst("match"))
    if len(program) > MAX_PROGRAM:
        raise PatternError("pattern is too large")
    return Pattern(tuple(program), ignore_case)


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

    def alternation(self) -> _Node:
        branches = [self.concatenation()]
        while self.peek() == "|":
            self.pos += 1
            branches.append(self.concatenation())
        return _Alt(tuple(branches)) if len(branches) > 1 else branches[0]

    def concatenation(self) -> _Node:
        items: list[_Node] = []
        while self.peek() not in ("", "|", ")"):
            items.append(self.repetition(self.atom()))
        return _Cat(tuple(items))

    def repetition(self, node: _Node) -> _Node:
        bounds = self._quantifier()
        if bounds is None:
            return node
        if isinstance(node, _Assert):
            raise PatternError("missing argument to repetition operator")
        if self.peek() == "?":
            self.pos += 1
        if self.peek() == "+":
            raise PatternError("possessive quantifiers are not supported")
        if self._quantifier() is not None:
            # RE2 refuses a**, a+*, a{2}{3}: a repetition needs a group, as in (a*)*
            raise PatternError("invalid nested repetition operator")
        return _Rep(node, *bounds)

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

    def atom(self) -> _Node:
        char = self.take()
        if char == "(":
            return self.group()
        if char == "[":
            return _Char(self.char_class())
        if char == ".":
            return _Char(_Set(((10, 10),), negated=True))
        if char in "^$":
            return _Assert("start" if char == "^" else "end")
        if char == "\\":
            return self.escape()
        if char in "*+?" or (char == "{" and self._counted_at(self.pos - 1)):
            raise PatternError("missing argument to repetition operator")
        return _Char(self.literal(char))

    def group(self) -> _Node:
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

    def escape(self) -> _Node:
        char = self.take()
        if char == "x":
            return _Char(self.literal(self.hex_escape()))
        if char.isdigit() or char == "k":
            raise PatternError("backreferences are not supported (RE2 syntax)")
        if char in _ASSERTS:
            return _Assert(_ASSERTS[char])
        return _Char(self.escaped_set(char))

    def escaped_set(self, char: str) -> _Set:
        if char.lower() in _CLASSES:
            return _Set(_CLASSES[char.lower()], negated=char.isupper())
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

    def literal(self, char: str) -> _Set:
        code = ord(_fold_char(char) if self.ignore_case else char)
        return _Set(((code, code),))

    def char_class(self) -> _Set:
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
        return _Set(tuple(ranges), negated)

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
        lowered = [ord(_fold_char(chr(c))) for c in range(low, min(high, low + 512) + 1)]
        return [(low, high), *((c, c) for c in lowered)]


def _emit(node: _Node, program: list[_Inst]) -> None:
    if len(program) > MAX_PROGRAM:
        raise PatternError("pattern is too large")
    if isinstance(node, _Char):
        program.append(_Inst("set", chars=node.chars))
    elif isinstance(node, _Assert):
        program.append(_Inst("assert", kind=node.kind))
    elif isinstance(node, _Cat):
        for child in node.items:
            _emit(child, program)
    elif isinstance(node, _Alt):
        _emit_alt(node.branches, program)
    else:
        _emit_rep(node, program)


def _emit_alt(branches: tuple[_Node, ...], program: list[_Inst]) -> None:
    jumps: list[int] = []
    for index, branch in enumerate(branches):
        if index < len(branches) - 1:
            split = len(program)
            program.append(_Inst("split"))
            _emit(branch, program)
            jumps.append(len(program))
            program.append(_Inst("jmp"))
            program[split] = _Inst("split", split + 1, len(program))
        else:
            _emit(branch, program)
    for jump in jumps:
        program[jump] = _Inst("jmp", len(program))


def _emit_rep(node: _Rep, program: list[_Inst]) -> None:
    for _ in range(node.low):
        _emit(node.child, program)
    if node.high == -1:
        loop = len(program)
        program.append(_Inst("split"))
        _emit(node.child, program)
        program.append(_Inst("jmp", loop))
        program[loop] = _Inst("split", loop + 1, len(program))
        return
    for _ in range(node.high - node.low):
        split = len(program)
        program.append(_Inst("split"))
        _emit(node.child, program)
        program[split] = _Inst("split", split + 1, len(program))
