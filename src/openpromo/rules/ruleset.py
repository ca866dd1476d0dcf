"""Compiled expressions and rulesets: the objects the engine keeps and evaluates.

A ruleset compiles into one frame layout shared by all its bindings and lambdas.  Evaluation
order: ruleset bindings (once), then per rule its bindings, its condition (the arguments of a
top-level ``and`` one by one, so the outcome can name the failing condition) and its effects in
order.  Each rule gets a fresh step budget; a rule's runtime error is recorded in its outcome and
never escapes ``evaluate``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .analysis import CheckedBinding, CheckedRule, RulesetAnalysis
from .ast import Checked
from .check import Checker, Scope, static_kind
from .compiler import compile_node
from .effects import EffectRequest
from .errors import Path, TalangRuntimeError, TalangSyntaxError, TalangTypeError
from .parser import parse
from .runtime import Deferred, EvaluationContext, Runtime
from .signatures import Eval
from .types import Kind, TalangValue, kind_name, kind_of
from .values import truthy

__all__ = [
    "CompiledExpression",
    "CompiledRuleset",
    "FailedPart",
    "RuleOutcome",
    "RulesetResult",
    "compile_expression",
    "compile_ruleset",
]

FailedPart = Literal["condition", "effect", "binding"]
_VALUE_TYPES = {"string": Kind.STRING, "number": Kind.NUMBER, "boolean": Kind.BOOLEAN}
_BINDING_TYPES = frozenset({"bundle", "cartItemFilter", "subledgerBalance", "templateParameter"})


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """What happened to one rule; ``condition_index`` is the position among a top-level ``and``."""

    rule_index: int
    title: str
    fired: bool
    effects: tuple[EffectRequest, ...] = ()
    error: TalangRuntimeError | None = None
    failed_part: FailedPart | None = None
    effect_index: int | None = None
    condition_index: int | None = None


@dataclass(frozen=True, slots=True)
class RulesetResult:
    rules: list[RuleOutcome]

    @property
    def effects(self) -> tuple[EffectRequest, ...]:
        """Effects of every fired rule, in rule order."""
        return tuple(e for outcome in self.rules for e in outcome.effects)

    @property
    def failures(self) -> list[RuleOutcome]:
        return [outcome for outcome in self.rules if outcome.error is not None]


class CompiledExpression:
    """One compiled expression (condition, binding, cart item filter ...)."""

    __slots__ = ("_frame_size", "_run")

    def __init__(self, run: Eval, frame_size: int) -> None:
        self._run, self._frame_size = run, frame_size

    def evaluate(self, ctx: EvaluationContext) -> TalangValue:
        """The value; raises ``TalangRuntimeError`` (or ``BudgetExceeded``)."""
        return self._run(Runtime(ctx, self._frame_size))

    def evaluate_with_effects(self, ctx: EvaluationContext) -> tuple[TalangValue, tuple[EffectRequest, ...]]:
        """The value and the effects the expression emitted."""
        rt = Runtime(ctx, self._frame_size)
        value = self._run(rt)
        return value, tuple(rt.effects)


@dataclass(frozen=True, slots=True)
class _Binding:
    """A named value, evaluated when it is first read (Talon.One evaluates cart item filters lazily too):
    a rule whose first condition is false never runs the bindings its later conditions read."""

    name: str
    slot: int
    run: Eval
    kind: Kind | None
    path: Path
    deferred: Deferred = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "deferred", Deferred(self.force))

    def bind(self, rt: Runtime) -> None:
        rt.frame[self.slot] = self.deferred

    def force(self, rt: Runtime) -> TalangValue:
        value = self.run(rt)
        if self.kind is not None and not kind_of(value) & self.kind:
            message = (
                f'binding "{self.name}" must be a {kind_name(self.kind)}, got {kind_name(kind_of(value))}'
            )
            raise TalangRuntimeError(message, self.path)
        rt.frame[self.slot] = value
        return value


@dataclass(frozen=True, slots=True)
class _Rule:
    index: int
    title: str
    bindings: tuple[_Binding, ...]
    conditions: tuple[Eval, ...]
    effects: tuple[Eval, ...]

    def evaluate(self, rt: Runtime) -> RuleOutcome:
        rt.reset_budget()
        rt.effects = []
        failed: FailedPart = "binding"
        index = 0
        try:
            for binding in self.bindings:
                binding.bind(rt)
            failed = "condition"
            for condition in self.conditions:
                if not truthy(condition(rt)):
                    return RuleOutcome(self.index, self.title, False, condition_index=index)
                index += 1
            failed, index = "effect", 0
            for effect in self.effects:
                effect(rt)
                index += 1
        except TalangRuntimeError as error:
            if "bindings" in error.path[:3]:
                failed = "binding"  # raised where a condition or an effect first read the binding
            return RuleOutcome(
                self.index,
                self.title,
                False,
                error=error,
                failed_part=failed,
                condition_index=index if failed == "condition" else None,
                effect_index=index if failed == "effect" else None,
            )
        return RuleOutcome(self.index, self.title, True, tuple(rt.effects))


class CompiledRuleset:
    """A compiled ruleset; immutable and safe to share between requests and threads.

    ``analysis`` gives the checked trees it was compiled from, for static analysis
    (``rules.analysis``); evaluation never reads them. A cache that keeps many rulesets after
    analysing them keeps ``without_analysis()``: the trees are about a fifth of a compiled ruleset's
    objects, and the garbage collector walks every one of them.
    """

    __slots__ = ("_analysis", "_bindings", "_frame_size", "rules", "strikethrough_rules")

    def __init__(
        self,
        frame_size: int,
        bindings: tuple[_Binding, ...],
        rules: tuple[_Rule, ...],
        strike: tuple[_Rule, ...],
        analysis: RulesetAnalysis | None,
    ) -> None:
        self._frame_size, self._bindings = frame_size, bindings
        self.rules, self.strikethrough_rules = rules, strike
        self._analysis = analysis

    @property
    def analysis(self) -> RulesetAnalysis:
        """The checked trees; raises ``LookupError`` on a ruleset kept ``without_analysis()``."""
        if self._analysis is None:
            raise LookupError("this compiled ruleset was kept without its checked trees")
        return self._analysis

    def without_analysis(self) -> CompiledRuleset:
        """The same ruleset (it shares the compiled closures) without the checked trees."""
        return CompiledRuleset(self._frame_size, self._bindings, self.rules, self.strikethrough_rules, None)

    def evaluate(self, ctx: EvaluationContext) -> RulesetResult:
        return self._evaluate(self.rules, ctx)

    def evaluate_strikethrough(self, ctx: EvaluationContext) -> RulesetResult:
        return self._evaluate(self.strikethrough_rules, ctx)

    def _evaluate(self, rules: tuple[_Rule, ...], ctx: EvaluationContext) -> RulesetResult:
        rt = Runtime(ctx, self._frame_size)
        for binding in self._bindings:
            binding.bind(rt)
        return RulesetResult([rule.evaluate(rt) for rule in rules])


def compile_expression(expr: Any) -> CompiledExpression:
    checker = Checker()
    checked = checker.expression(parse(expr), {}, True)
    return CompiledExpression(compile_node(checked), checker.frame_size)


def compile_ruleset(ruleset: Mapping[str, Any]) -> CompiledRuleset:
    if not isinstance(ruleset, Mapping):
        raise TalangSyntaxError("a ruleset must be a JSON object")
    checker, trees = Checker(), _Trees()
    scope, bindings = _bindings(checker, trees, ruleset.get("bindings"), ("bindings",), {})
    outer = tuple(trees.bindings)
    rules = [
        _rule(checker, trees, rule, ("rules", i), scope, i)
        for i, rule in enumerate(_array(ruleset.get("rules"), ("rules",)))
    ]
    strike_path: Path = ("strikethroughRules",)
    strike = [
        _rule(checker, trees, rule, (*strike_path, i), scope, i)
        for i, rule in enumerate(_array(ruleset.get("strikethroughRules", []), strike_path))
    ]
    analysis = RulesetAnalysis(outer, tuple(r for _, r in rules), tuple(r for _, r in strike), trees.by_slot)
    return CompiledRuleset(
        checker.frame_size, bindings, tuple(r for r, _ in rules), tuple(r for r, _ in strike), analysis
    )


class _Trees:
    """The checked bindings of a ruleset, collected as they are checked."""

    def __init__(self) -> None:
        self.by_slot: dict[int, CheckedBinding] = {}
        self.bindings: list[CheckedBinding] = []

    def add(self, binding: CheckedBinding) -> None:
        self.by_slot[binding.slot] = binding
        self.bindings.append(binding)

    def since(self, count: int) -> tuple[CheckedBinding, ...]:
        return tuple(self.bindings[count:])


def _array(value: object, path: Path) -> Sequence[object]:
    if not isinstance(value, list | tuple):
        raise TalangSyntaxError("expected an array", path)
    return value


def _bindings(
    checker: Checker, trees: _Trees, raw: object, path: Path, outer: Scope
) -> tuple[Scope, tuple[_Binding, ...]]:
    if raw is None:
        return outer, ()
    scope, result, seen = dict(outer), [], set()
    for index, item in enumerate(_array(raw, path)):
        where = (*path, index)
        if not isinstance(item, Mapping):
            raise TalangSyntaxError("a binding must be an object", where)
        name = item.get("name")
        if not isinstance(name, str) or not name:
            raise TalangSyntaxError("a binding needs a non-empty string name", (*where, "name"))
        if name in seen:
            raise TalangTypeError(f'duplicate binding "{name}"', (*where, "name"))
        seen.add(name)
        _binding_type(item, where)
        kind = _value_kind(item, where)
        if "expression" not in item:
            raise TalangSyntaxError("a binding needs an expression", where)
        checked = checker.expression(parse(item["expression"], (*where, "expression")), scope, False)
        if kind is not None and not static_kind(checked) & kind:
            raise TalangTypeError(
                f'binding "{name}" is declared {kind_name(kind)} but its expression gives '
                f"{kind_name(static_kind(checked))}",
                (*where, "expression"),
            )
        slot = checker.new_slot()
        trees.add(CheckedBinding(name, slot, checked))
        result.append(_Binding(name, slot, compile_node(checked), kind, (*where, "expression")))
        scope[name] = slot
    return scope, tuple(result)


def _binding_type(item: Mapping[str, object], where: Path) -> None:
    kind = item.get("type")
    if kind is not None and (not isinstance(kind, str) or kind not in _BINDING_TYPES):
        raise TalangSyntaxError(
            f"invalid binding type {kind!r}: expected one of {', '.join(sorted(_BINDING_TYPES))}",
            (*where, "type"),
        )


def _value_kind(item: Mapping[str, object], where: Path) -> Kind | None:
    value_type = item.get("valueType")
    if value_type is None:
        return None
    if not isinstance(value_type, str) or value_type not in _VALUE_TYPES:
        raise TalangSyntaxError(
            f"invalid valueType {value_type!r}: expected boolean, number or string", (*where, "valueType")
        )
    return _VALUE_TYPES[value_type]


def _rule(
    checker: Checker, trees: _Trees, raw: object, path: Path, outer: Scope, index: int
) -> tuple[_Rule, CheckedRule]:
    if not isinstance(raw, Mapping):
        raise TalangSyntaxError("a rule must be an object", path)
    title = raw.get("title")
    if not isinstance(title, str):
        raise TalangSyntaxError("a rule needs a string title", (*path, "title"))
    before = len(trees.bindings)
    scope, bindings = _bindings(checker, trees, raw.get("bindings"), (*path, "bindings"), outer)
    if "condition" not in raw:
        raise TalangSyntaxError("a rule needs a condition", path)
    condition = checker.expression(parse(raw["condition"], (*path, "condition")), scope, False)
    effects = _effects(checker, raw.get("effects"), (*path, "effects"), scope)
    checked = CheckedRule(index, title, trees.since(before), condition, effects, trees.by_slot)
    compiled = tuple(compile_node(effect) for effect in effects)
    return _Rule(index, title, bindings, tuple(map(compile_node, checked.conditions)), compiled), checked


def _effects(checker: Checker, raw: object, path: Path, scope: Scope) -> tuple[Checked, ...]:
    items = _array(raw, path)
    if items and isinstance(items[0], str):
        return (checker.expression(parse(items, path), scope, True),)
    return tuple(checker.expression(parse(item, (*path, i)), scope, True) for i, item in enumerate(items))
