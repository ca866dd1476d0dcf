"""A bounded regular-expression matcher for ``~`` (RE2 syntax subset, Thompson NFA).

Python's ``re`` backtracks, so a hostile pattern could hang a rule.  This module compiles the RE2
subset (parsed by ``rules.regex_syntax``: literals, ``.``, classes, ``\\d\\w\\s`` and negations,
anchors ``^ $ \\A \\z \\b \\B``, groups, alternation, ``* + ? {n,m}`` with optional lazy ``?``, a
leading ``(?i)``) into a small program and simulates it over all threads at once: time is
O(len(pattern) * len(text)), and ``search`` can stop at a work limit (the rule's step budget).
Look-arounds, backreferences and nested repetition operators (``a**``) are refused, as RE2 does;
patterns are limited to ``MAX_PATTERN`` characters and ``MAX_NESTING`` nested groups so that neither
the parser's recursion nor the program size can grow without bound.  Matching is unanchored (Go's
``MatchString``): use ``^...$`` to match a whole string.
"""

from __future__ import annotations

from dataclasses import dataclass

from .regex_syntax import (
    WORD,
    Alt,
    Assert,
    Cat,
    Char,
    CharSet,
    PatternError,
    RegexNode,
    Rep,
    fold_char,
    parse,
)

__all__ = ["Pattern", "PatternError", "compile_pattern"]

MAX_PROGRAM = 5_000
MAX_PATTERN = 10_000


@dataclass(frozen=True, slots=True)
class _Inst:
    """``set`` consumes a char in ``chars``; ``split`` forks to x and y; ``jmp`` goes to x;
    ``assert`` checks ``kind`` at the current position; ``match`` accepts."""

    op: str
    x: int = 0
    y: int = 0
    chars: CharSet | None = None
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Pattern:
    program: tuple[_Inst, ...]
    ignore_case: bool

    def search(self, text: str, limit: int = -1) -> tuple[bool, int]:
        """Whether the pattern matches somewhere in ``text``, and the work done (one unit per
        instruction visited).  With ``limit`` >= 0 the search gives up, unmatched, as soon as the
        work exceeds it, so a caller can stop at its step budget instead of after the whole text."""
        if self.ignore_case:
            text = text.lower() if text.isascii() else "".join(map(fold_char, text))
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


def _is_word(text: str, pos: int) -> bool:
    return 0 <= pos < len(text) and any(lo <= ord(text[pos]) <= hi for lo, hi in WORD)


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
    node = parse(source[4:] if ignore_case else source, ignore_case)
    program: list[_Inst] = []
    _emit(node, program)
    program.append(_Inst("match"))
    if len(program) > MAX_PROGRAM:
        raise PatternError("pattern is too large")
    return Pattern(tuple(program), ignore_case)


def _emit(node: RegexNode, program: list[_Inst]) -> None:
    if len(program) > MAX_PROGRAM:
        raise PatternError("pattern is too large")
    if isinstance(node, Char):
        program.append(_Inst("set", chars=node.chars))
    elif isinstance(node, Assert):
        program.append(_Inst("assert", kind=node.kind))
    elif isinstance(node, Cat):
        for child in node.items:
            _emit(child, program)
    elif isinstance(node, Alt):
        _emit_alt(node.branches, program)
    else:
        _emit_rep(node, program)


def _emit_alt(branches: tuple[RegexNode, ...], program: list[_Inst]) -> None:
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


def _emit_rep(node: Rep, program: list[_Inst]) -> None:
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
