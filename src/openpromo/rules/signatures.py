"""Declared signatures of built-in functions: the registry's entry type.

A ``Builtin`` is either *eager* (``impl`` receives the runtime and already evaluated arguments) or
a *form* (``form`` receives the compiled argument closures and decides what to evaluate and when:
``and``, ``if``, ``catch``, everything taking a lambda).  The checker enforces arity, lambda
positions, static kinds and literal checks from the signature at compile time, so neither ``impl``
nor ``form`` closures validate their signature on the hot path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .errors import Fault, Path
from .runtime import Runtime
from .types import ANY, Kind, TalangValue, kind_name

__all__ = [
    "Arg",
    "Builtin",
    "CompiledBlock",
    "Eval",
    "FormBuilder",
    "LiteralCheck",
    "Param",
    "block",
    "call_block",
    "charge",
    "effect_builtin",
    "evaluator",
]

Eval = Callable[[Runtime], TalangValue]
LiteralCheck = Callable[[TalangValue], "str | None"]


@dataclass(frozen=True, slots=True)
class CompiledBlock:
    """A compiled lambda: bind the item to ``slot``, then run ``body``."""

    slot: int
    body: Eval


Arg = Eval | CompiledBlock
FormBuilder = Callable[[tuple[Arg, ...], Path, str], Eval]


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter; ``lambda_arity`` > 0 means the argument must be a lambda."""

    name: str
    kind: Kind = ANY
    lambda_arity: int = 0
    check: LiteralCheck | None = None
    optional: bool = False

    def render(self) -> str:
        kind = "lambda" if self.lambda_arity else kind_name(self.kind)
        return f"{self.name}{'?' if self.optional else ''}: {kind}"


@dataclass(frozen=True, slots=True)
class Builtin:
    """A registered function with its signature, implementation and documentation."""

    name: str
    category: str
    params: tuple[Param, ...]
    returns: Kind
    summary: str
    example: object
    result: object = None
    rest: Param | None = None
    rest_min: int = 0
    impl: Callable[..., TalangValue] | None = None
    form: FormBuilder | None = None
    effect: bool = False
    arity_rule: Callable[[int], str | None] | None = None

    @property
    def min_args(self) -> int:
        return sum(1 for p in self.params if not p.optional) + self.rest_min

    @property
    def max_args(self) -> int | None:
        return None if self.rest is not None else len(self.params)

    def param_at(self, index: int) -> Param:
        if index < len(self.params):
            return self.params[index]
        assert self.rest is not None
        return self.rest

    def render(self) -> str:
        """``name(a: number, b?: string, c: any...) -> boolean``."""
        parts = [p.render() for p in self.params]
        if self.rest is not None:
            parts.append(self.rest.render() + "...")
        return f"{self.name}({', '.join(parts)}) -> {kind_name(self.returns)}"


def call_block(rt: Runtime, block: CompiledBlock, item: TalangValue) -> TalangValue:
    """Run a lambda on one item; each call costs one step of the budget."""
    rt.frame[block.slot] = item
    rt.steps -= 1
    if rt.steps < 0:
        raise Fault(f"step budget of {rt.budget} exceeded", budget=True)
    return block.body(rt)


def charge(rt: Runtime, steps: int) -> None:
    """Charge work proportional to data size (list copies, sorts, regex simulation)."""
    rt.steps -= steps
    if rt.steps < 0:
        raise Fault(f"step budget of {rt.budget} exceeded", budget=True)


def effect_builtin(
    name: str,
    params: tuple[Param, ...],
    summary: str,
    example: object,
    *,
    impl: Callable[..., TalangValue] | None = None,
    form: FormBuilder | None = None,
) -> Builtin:
    """Declare an effect call: category ``effect``, returns null, only allowed in a rule's effects."""
    return Builtin(
        name, "effect", params, Kind.NULL, summary, example, None, impl=impl, form=form, effect=True
    )


def evaluator(arg: Arg) -> Eval:
    """The argument as a value closure (the checker guarantees it is not a lambda)."""
    if isinstance(arg, CompiledBlock):
        raise TypeError("expected a value argument")
    return arg


def block(arg: Arg) -> CompiledBlock:
    """The argument as a lambda (the checker guarantees it is one)."""
    if not isinstance(arg, CompiledBlock):
        raise TypeError("expected a lambda argument")
    return arg
