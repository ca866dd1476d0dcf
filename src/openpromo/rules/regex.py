"""A bounded regular-expression matcher for ``~`` (RE2 syntax subset, Thompson NFA).

Python's ``re`` backtracks, so a hostile pattern could hang a rule.  This module parses the RE2
subset (literals, ``.``, classes, ``\\d\\w\\s`` and negations, anchors ``^ $ \\A \\z \\b \\B``,
groups, alternation, ``* + ? {n,m}`` with optional lazy ``?``, a leading ``(?i)``) into a small
program and simulates it over all threads at once: time is O(len(pattern) * len(text)).
Look-arounds and backreferences are refused, as RE2 does.  Matching is unanchored (Go's
``MatchString``): use ``^...$`` to match a whole string.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Pattern", "PatternError", "compile_pattern"]

MAX_PROGRAM = 5_000
_WORD = ((48, 57), (65, 90), (95, 95), (97, 122))
_CLASSES = {"d": ((48, 57),), "w": _WORD, "s": ((9, 10), (12, 13), (32, 32))}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}
_ASSERTS = {"A": "start", "z": "end", "b": "word", "B": "nonword"}


class PatternError(ValueError):
    """The pattern is not in the supported RE2 subset."""


@dataclass(frozen=True, slots=True)
class _Set:
    ranges: tuple[tuple[int, int], ...]
    negated: bool = False

    def has(self, code: int) -> bool:
        return any(lo <= code <= hi for lo, hi in self.ranges) != self.negated


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

    def search(self, text: str) -> tuple[bool, int]:
        """Whether the pattern matches somewhere in ``text``, and the work done (for budgets)."""
        if self.ignore_case:
            text = text.lower()
        work = 0
        current: list[int] = []
        for pos in range(len(text) + 1):
            if self._add(current, set(current), 0, text, pos):
                return True, work
            if pos == len(text):
                break
            code, nxt = ord(text[pos]), list[int]()
            seen: set[int] = set()
            for pc in current:
                work += 1
                inst = self.program[pc]
                matches = inst.chars is not None and inst.chars.has(code)
                if matches and self._add(nxt, seen, pc + 1, text, pos + 1):
                    return True, work
            current = nxt
        return False, work

    def _add(self, threads: list[int], seen: set[int], pc: int, text: str, pos: int) -> bool:
        stack = [pc]
        while stack:
            pc = stack.pop()
            if pc in seen:
                continue
            seen.add(pc)
            inst = self.program[pc]
            op = inst.op
            if op == "match":
                return True
            if op == "jmp":
                stack.append(inst.x)
            elif op == "split":
                stack.extend((inst.y, inst.x))
            elif op == "assert":
                if _holds(inst.kind, text, pos):
                    stack.append(pc + 1)
            else:
                threads.append(pc)
        return False


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
        while True:
            char = self.peek()
            if char in ("*", "+", "?"):
                self.pos += 1
                low, high = {"*": (0, -1), "+": (1, -1), "?": (0, 1)}[char]
            elif char == "{" and self._counted() is not None:
                low, high = self._counted() or (0, 0)
                self.pos = self.src.index("}", self.pos) + 1
            else:
                return node
            if isinstance(node, _Assert):
                raise PatternError("missing argument to repetition operator")
            if self.peek() == "?":
                self.pos += 1
            if self.peek() == "+":
                raise PatternError("possessive quantifiers are not supported")
            node = _Rep(node, low, high)

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
        if char in "*+?":
            raise PatternError("missing argument to repetition operator")
        return _Char(self.literal(char))

    def group(self) -> _Node:
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
        return node

    def escape(self) -> _Node:
        char = self.take()
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

    def literal(self, char: str) -> _Set:
        code = ord(char.lower() if self.ignore_case else char)
        return _Set(((code, code),))

    def char_class(self) -> _Set:
        negated = self.peek() == "^"
        self.pos += negated
        ranges: list[tuple[int, int]] = []
        first = True
        while first or self.peek() != "]":
            first = False
            char = self.take()
            if char == "\\":
                found = self.escaped_set(self.take())
                if found.negated:
                    raise PatternError("negated classes inside [] are not supported")
                ranges.extend(found.ranges)
                continue
            if char == "[" and self.peek() == ":":
                raise PatternError("POSIX classes are not supported")
            low = high = ord(char)
            if self.peek() == "-" and self.src[self.pos + 1 : self.pos + 2] not in ("]", ""):
                self.pos += 1
                high = ord(self.take())
                if high < low:
                    raise PatternError("invalid character class range")
            ranges.extend(self._fold(low, high))
        self.pos += 1
        return _Set(tuple(ranges), negated)

    def _fold(self, low: int, high: int) -> list[tuple[int, int]]:
        if not self.ignore_case:
            return [(low, high)]
        lowered = [ord(chr(c).lower()) for c in range(low, min(high, low + 512) + 1)]
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
