"""Declared signatures of built-in functions: the registry's entry type.

A ``Builtin`` is either *eager* (``impl`` receives the runtime and already evaluated arguments) or
a *form* (``form`` receives the compiled argument closures and decides what to evaluate and when:
``and``, ``if``, ``catch``, everything taking a lambda).  The checker enforces arity, lambda
positions and static kinds from the signature at compile time, so neither ``impl`` nor ``form``
closures validate their signature on the hot path.

A parameter may declare ``prepare``: one function that validates and converts the argument (a
duration string to a ``Duration``, a pattern to a compiled matcher, an option map to its fields).
For a literal it runs once, at compile time (a failure is a compile error naming the argument); for
a computed value it runs when the value is known.  Either way the implementation receives the
prepared value and never parses or re-validates it.
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
    "Param",
    "Prepare",
    "PreparedArg",
    "Thunk",
    "block",
    "call_block",
    "charge",
    "effect_builtin",
    "evaluator",
    "prepared",
]

Eval = Callable[[Runtime], TalangValue]
Thunk = Callable[[Runtime], object]
"""A compiled argument whose value may be a prepared (converted) one."""
Prepare = Callable[[TalangValue], object]
"""Validates and converts one argument; raises ``Fault`` with a user-facing reason."""


@dataclass(frozen=True, slots=True)
class CompiledBlock:
    """A compiled lambda: bind the item to ``slot``, then run ``body``."""

    slot: int
    body: Eval


@dataclass(frozen=True, slots=True)
class PreparedArg:
    """A form's argument whose parameter declares ``prepare``: ``run`` gives the prepared value."""

    run: Thunk


Arg = Eval | CompiledBlock | PreparedArg
FormBuilder = Callable[[tuple[Arg, ...], Path, str], Eval]


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter; ``lambda_arity`` > 0 means the argument must be a lambda.

    ``prepare`` converts the argument once (see the module docstring); ``prepare_steps`` is what
    preparing a computed value costs, from the prepared value (e.g. a regex program's size).
    """

    name: str
    kind: Kind = ANY
    lambda_arity: int = 0
    prepare: Prepare | None = None
    optional: bool = False
    prepare_steps: Callable[[object], int] | None = None

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
    if isinstance(arg, CompiledBlock | PreparedArg):
        raise TypeError("expected a value argument")
    return arg


def prepared(arg: Arg) -> Thunk:
    """The closure of an argument whose parameter declares ``prepare``."""
    if not isinstance(arg, PreparedArg):
        raise TypeError("expected a prepared argument")
    return arg.run


def block(arg: Arg) -> CompiledBlock:
    """The argument as a lambda (the checker guarantees it is one)."""
    if not isinstance(arg, CompiledBlock):
        raise TypeError("expected a lambda argument")
    return arg
