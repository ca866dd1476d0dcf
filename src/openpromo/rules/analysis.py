"""Static analysis over checked trees: what a ruleset calls and reads, found without evaluating it.

A compiled ruleset keeps the checked trees it was compiled from (``CompiledRuleset.analysis``). Every
name in them is resolved: a call points at its registry entry, a read of a binding or lambda parameter
at its frame slot. Slots are unique within a ruleset, so a ``ReadSlot`` reads exactly one binding
(``RulesetAnalysis.binding``) or a lambda parameter, and "what does this condition call, also through
the bindings it reads" is a walk over nodes, with no names to look up and no JSON to re-read.

This module gives the trees, binding resolution and the walks; analyses that need to know what
functions mean (the engine's gates: what must hold in a session for a rule to fire) are written over
the same trees by their users.

    analysis = rules.compile_ruleset(document).analysis
    rule = analysis.rules[0]
    rule.condition_calls()           # frozenset({"and", "couponvalid", ">", ".", ...})
    analysis.reads_root("Loyalty")   # True when any binding, condition or effect reads it
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from .ast import Apply, Block, Checked, Const, ReadRoot, ReadSlot

__all__ = [
    "CheckedBinding",
    "CheckedRule",
    "RulesetAnalysis",
    "calls",
    "children",
    "function_of",
    "reads_root",
    "walk",
    "with_bindings",
]

PATH_READ = "."
"""The name of the function a path read calls (``[".", root, key...]``)."""


def function_of(node: Checked) -> str | None:
    """The lower-cased name of the function a node calls (as the registry keys it): ``"."`` for a
    path read, None for a literal or a lambda."""
    if isinstance(node, Apply):
        return node.builtin.name.lower()
    if isinstance(node, ReadRoot | ReadSlot):
        return PATH_READ
    return None


def children(node: Checked) -> tuple[Checked, ...]:
    """The sub-expressions of a node: arguments, a lambda's body, the computed keys of a path read."""
    if isinstance(node, Apply):
        return node.args
    if isinstance(node, Block):
        return (node.body,)
    if isinstance(node, ReadRoot | ReadSlot):
        return tuple(s for s in node.segments if not isinstance(s, str | int))
    return ()


def walk(*nodes: Checked) -> Iterator[Checked]:
    """Every node of the trees, each before its sub-expressions (siblings in no particular order)."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Apply):
            stack.extend(node.args)
        elif isinstance(node, Block):
            stack.append(node.body)
        elif isinstance(node, ReadRoot | ReadSlot) and node.segments:
            stack.extend(s for s in node.segments if not isinstance(s, str | int))


def calls(*nodes: Checked) -> frozenset[str]:
    """The functions called anywhere in the trees (lower case; ``"."`` for path reads)."""
    return _calls(walk(*nodes))


def _calls(nodes: Iterable[Checked]) -> frozenset[str]:
    found = set()
    for node in nodes:
        if isinstance(node, Apply):
            found.add(node.builtin.name)
        elif not isinstance(node, Const | Block):
            found.add(PATH_READ)
    return frozenset(name.lower() for name in found)


def reads_root(root: str, *nodes: Checked) -> bool:
    """Whether the trees read the context root ``root`` anywhere (a binding or lambda parameter of
    the same name is not the root)."""
    return any(isinstance(node, ReadRoot) and node.root == root for node in walk(*nodes))


def with_bindings(nodes: tuple[Checked, ...], scope: Mapping[int, CheckedBinding]) -> Iterator[Checked]:
    """Every node of the trees and of the bindings they read, transitively, each binding once:
    everything evaluating them may evaluate (``scope``: the bindings by slot; other slots are lambda
    parameters)."""
    pending, seen = list(nodes), set()
    while pending:
        for node in walk(pending.pop()):
            if isinstance(node, ReadSlot) and node.slot not in seen:
                seen.add(node.slot)
                binding = scope.get(node.slot)
                if binding is not None:
                    pending.append(binding.expression)
            yield node


@dataclass(frozen=True, slots=True)
class CheckedBinding:
    """A binding (ruleset or rule level) as checked: its value lives in frame slot ``slot``."""

    name: str
    slot: int
    expression: Checked


@dataclass(frozen=True, slots=True)
class CheckedRule:
    """One rule as checked. ``scope`` holds the ruleset's bindings by slot (the ruleset level and every
    rule's: slots are unique, so a rule's reads only ever find its own and the ruleset level's)."""

    index: int
    title: str
    bindings: tuple[CheckedBinding, ...]
    condition: Checked
    effects: tuple[Checked, ...]
    scope: Mapping[int, CheckedBinding] = field(repr=False, compare=False)

    @property
    def conditions(self) -> tuple[Checked, ...]:
        """The condition as evaluated: the arguments of a top-level ``and`` one by one."""
        condition = self.condition
        if isinstance(condition, Apply) and condition.builtin.name == "and":
            return condition.args
        return (condition,)

    def trees(self) -> tuple[Checked, ...]:
        """The rule's own trees: its bindings' expressions, its condition and its effects."""
        return (*(b.expression for b in self.bindings), self.condition, *self.effects)

    def calls(self) -> frozenset[str]:
        """Functions called anywhere in the rule's own trees."""
        return calls(*self.trees())

    def reads_root(self, root: str) -> bool:
        return reads_root(root, *self.trees())

    def condition_calls(self) -> frozenset[str]:
        """Functions the condition calls, also through the bindings it reads (e.g. ``couponValid``
        in a binding the condition tests)."""
        return _calls(with_bindings((self.condition,), self.scope))


class RulesetAnalysis:
    """The checked trees of a compiled ruleset, with the queries over them."""

    __slots__ = ("_scope", "bindings", "rules", "strikethrough_rules")

    def __init__(
        self,
        bindings: tuple[CheckedBinding, ...],
        rules: tuple[CheckedRule, ...],
        strikethrough_rules: tuple[CheckedRule, ...],
        scope: Mapping[int, CheckedBinding],
    ) -> None:
        self.bindings, self.rules, self.strikethrough_rules = bindings, rules, strikethrough_rules
        self._scope = scope

    def binding(self, slot: int) -> CheckedBinding | None:
        """The binding a ``ReadSlot`` of ``slot`` reads; None for a lambda parameter."""
        return self._scope.get(slot)

    def with_bindings(self, *nodes: Checked) -> Iterator[Checked]:
        """Every node of the trees and of the bindings they read, transitively (each binding once)."""
        return with_bindings(nodes, self._scope)

    def trees(self) -> tuple[Checked, ...]:
        """Every tree: the ruleset's bindings, then each rule's and strikethrough rule's."""
        rules = (*self.rules, *self.strikethrough_rules)
        return (*(b.expression for b in self.bindings), *(t for rule in rules for t in rule.trees()))

    def calls(self) -> frozenset[str]:
        """Functions called anywhere in the ruleset."""
        return calls(*self.trees())

    def reads_root(self, root: str) -> bool:
        """Whether any binding, condition or effect reads the context root ``root``."""
        return reads_root(root, *self.trees())
