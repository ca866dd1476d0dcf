"""Compile checked trees into nested Python closures (never ``eval``/``exec``).

Each call node becomes one closure that charges one budget step, evaluates its arguments and
calls the built-in directly (no lookup, no signature check).  A literal costs a step too, so a call
with 100 000 literal arguments is paid for instead of being nearly free: the literal arguments of an
eager call are added to the call's own step at compile time (one subtraction at run time), a literal
anywhere else (a lambda body, an argument of ``and``/``if``/``catch``) charges when evaluated.
Closures are specialised by argument count so the common cases avoid ``*args`` packing.  An
argument whose parameter declares ``prepare`` is prepared here once when it is a literal, and by a
wrapping closure when it is computed.  A ``Fault`` raised by a built-in (or a preparation) is turned
into a ``TalangRuntimeError`` (or ``BudgetExceeded``) carrying the call's path.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from typing import TypeVar

from .ast import Apply, Block, Checked, Const, ReadRoot, ReadSlot, Segment
from .errors import BudgetExceeded, Fault, Path, TalangRuntimeError
from .paths import read_key, render_path
from .runtime import Deferred, Runtime
from .signatures import Arg, CompiledBlock, Eval, Param, Prepare, PreparedArg, Thunk, charge
from .types import TalangValue

__all__ = ["compile_node"]

Impl = Callable[..., TalangValue]
_V = TypeVar("_V")


def compile_node(node: Checked) -> Eval:
    if isinstance(node, Const):
        return _constant(node.value, node.path)
    if isinstance(node, ReadRoot | ReadSlot):
        return _read(node)
    if isinstance(node, Apply):
        return _apply(node)
    raise TypeError(f"cannot compile {type(node).__name__} as a value")


def _constant(value: _V, path: Path) -> Callable[[Runtime], _V]:
    """A literal that pays its step when evaluated (a lambda body, an argument of a form)."""

    def run(rt: Runtime) -> _V:
        rt.steps -= 1
        if rt.steps < 0:
            raise BudgetExceeded(f"step budget of {rt.budget} exceeded", path)
        return value

    return run


def _free(value: _V) -> Callable[[Runtime], _V]:
    """A literal already paid for: a key of a path read, or an argument of an eager call."""

    def run(_rt: Runtime) -> _V:
        return value

    return run


def _preparing(arg: Eval, param: Param, prepare: Prepare, path: Path, op: str) -> Thunk:
    """A computed argument, prepared when evaluated; failures carry the call's path."""
    steps = param.prepare_steps

    def run(rt: Runtime) -> object:
        value = arg(rt)
        try:
            result = prepare(value)
            if steps is not None:
                charge(rt, steps(result))
        except Fault as fault:
            raise _fault(fault, path, op) from None
        return result

    return run


def _fault(fault: Fault, path: Path, op: str) -> TalangRuntimeError:
    kind = BudgetExceeded if fault.budget else TalangRuntimeError
    return kind(f'"{op}": {fault.message}' if not fault.budget else fault.message, path, op)


def _crash(error: Exception, path: Path, op: str) -> TalangRuntimeError:
    if isinstance(error, decimal.DivisionByZero | decimal.DivisionUndefined):
        reason = "division by zero"
    elif isinstance(error, decimal.Overflow | OverflowError):
        reason = "value out of range"
    else:
        reason = "invalid operation"
    return TalangRuntimeError(f'"{op}": {reason}', path, op)


def _exhausted(rt: Runtime, path: Path, op: str) -> BudgetExceeded:
    return BudgetExceeded(f"step budget of {rt.budget} exceeded", path, op)


def _apply(node: Apply) -> Eval:
    builtin, path, op = node.builtin, node.path, node.builtin.name
    if builtin.form is not None:
        args = tuple(_form_argument(a, builtin.param_at(i), path, op) for i, a in enumerate(node.args))
        return _guard(builtin.form(args, path, op), path, op)
    assert builtin.impl is not None
    # an eager call evaluates all its arguments: its literals are charged with the call itself
    values = tuple(_eager_argument(a, builtin.param_at(i), path, op) for i, a in enumerate(node.args))
    cost = 1 + sum(1 for a in node.args if isinstance(a, Const))
    literal = _text_literal(node)
    if literal is not None:
        text = node.args[literal]
        assert isinstance(text, Const) and isinstance(text.value, str)
        return _equals_text(builtin.impl, values[1 - literal], text.value, literal, cost, path, op)
    return _eager(builtin.impl, values, cost, path, op)


def _text_literal(node: Apply) -> int | None:
    """For ``["=", x, "text"]`` (either order), the index of the literal string; else None."""
    if node.builtin.name != "=" or len(node.args) != 2:
        return None
    for index, arg in enumerate(node.args):
        other = node.args[1 - index]
        if isinstance(arg, Const) and isinstance(arg.value, str) and not isinstance(other, Const):
            return index
    return None


def _equals_text(impl: Impl, read: Thunk, text: str, literal: int, cost: int, path: Path, op: str) -> Eval:
    """``=`` with a literal string, the cart item filters' comparison: a string compares directly; any
    other value takes the general loose equality (same result, same step cost)."""

    def run(rt: Runtime) -> TalangValue:
        rt.steps -= cost
        if rt.steps < 0:
            raise _exhausted(rt, path, op)
        value = read(rt)
        if type(value) is str:
            return value == text
        try:
            return impl(rt, value, text) if literal == 1 else impl(rt, text, value)
        except Fault as fault:
            raise _fault(fault, path, op) from None

    return run


def _eager_argument(arg: Checked, param: Param, path: Path, op: str) -> Thunk:
    prepare = param.prepare
    if isinstance(arg, Const):
        return _free(arg.value if prepare is None else prepare(arg.value))
    compiled = compile_node(arg)
    return compiled if prepare is None else _preparing(compiled, param, prepare, path, op)


def _form_argument(arg: Checked, param: Param, path: Path, op: str) -> Arg:
    if isinstance(arg, Block):
        return CompiledBlock(arg.slot, compile_node(arg.body))
    prepare = param.prepare
    if prepare is None:
        return compile_node(arg)
    if isinstance(arg, Const):
        return PreparedArg(_constant(prepare(arg.value), arg.path))
    return PreparedArg(_preparing(compile_node(arg), param, prepare, path, op))


def _guard(inner: Eval, path: Path, op: str, cost: int = 1) -> Eval:
    def run(rt: Runtime) -> TalangValue:
        rt.steps -= cost
        if rt.steps < 0:
            raise _exhausted(rt, path, op)
        try:
            return inner(rt)
        except Fault as fault:
            raise _fault(fault, path, op) from None
        except (ArithmeticError, ValueError) as error:
            raise _crash(error, path, op) from None

    return run


def _eager(impl: Impl, args: tuple[Thunk, ...], cost: int, path: Path, op: str) -> Eval:
    if len(args) == 0:
        return _guard(impl, path, op, cost)
    if len(args) == 1:
        return _eager1(impl, args[0], cost, path, op)
    if len(args) == 2:
        return _eager2(impl, args[0], args[1], cost, path, op)

    def run(rt: Runtime) -> TalangValue:
        rt.steps -= cost
        if rt.steps < 0:
            raise _exhausted(rt, path, op)
        values = [a(rt) for a in args]
        try:
            return impl(rt, *values)
        except Fault as fault:
            raise _fault(fault, path, op) from None
        except (ArithmeticError, ValueError) as error:
            raise _crash(error, path, op) from None

    return run


def _eager1(impl: Impl, a: Thunk, cost: int, path: Path, op: str) -> Eval:
    def run(rt: Runtime) -> TalangValue:
        rt.steps -= cost
        if rt.steps < 0:
            raise _exhausted(rt, path, op)
        x = a(rt)
        try:
            return impl(rt, x)
        except Fault as fault:
            raise _fault(fault, path, op) from None
        except (ArithmeticError, ValueError) as error:
            raise _crash(error, path, op) from None

    return run


def _eager2(impl: Impl, a: Thunk, b: Thunk, cost: int, path: Path, op: str) -> Eval:
    def run(rt: Runtime) -> TalangValue:
        rt.steps -= cost
        if rt.steps < 0:
            raise _exhausted(rt, path, op)
        x = a(rt)
        y = b(rt)
        try:
            return impl(rt, x, y)
        except Fault as fault:
            raise _fault(fault, path, op) from None
        except (ArithmeticError, ValueError) as error:
            raise _crash(error, path, op) from None

    return run


def _read(node: ReadRoot | ReadSlot) -> Eval:
    path = node.path
    head = node.root if isinstance(node, ReadRoot) else node.name
    slot = node.slot if isinstance(node, ReadSlot) else -1
    if not all(isinstance(s, str | int) for s in node.segments):
        dynamic = tuple(_segment(s) for s in node.segments)

        def run_dynamic(rt: Runtime) -> TalangValue:
            value = _start(rt, slot, head, path)
            return _walk(value, tuple(d(rt) for d in dynamic), head, path)

        return run_dynamic
    keys = tuple(_key(s) for s in node.segments if isinstance(s, str | int))

    def run_static(rt: Runtime) -> TalangValue:
        value = _start(rt, slot, head, path)
        # fast path: string keys into plain dicts; anything else takes the general walk
        for index, key in enumerate(keys):
            if type(value) is dict and key in value:
                value = value[key]
            else:
                return _walk(value, keys[index:], head, path, keys[:index])
        if type(value) is int or type(value) is float:
            return decimal.Decimal(value if type(value) is int else repr(value))
        return value

    return run_static


def _start(rt: Runtime, slot: int, head: str, path: Path) -> TalangValue:
    rt.steps -= 1
    if rt.steps < 0:
        raise _exhausted(rt, path, ".")
    if slot >= 0:
        value = rt.frame[slot]
        if type(value) is Deferred:
            return value.force(rt)
        return value  # type: ignore[return-value]
    roots = rt.ctx.roots
    if head not in roots:
        raise TalangRuntimeError(f"path {head} does not exist", path, ".")
    return roots[head]


def _walk(
    value: TalangValue,
    segments: tuple[TalangValue, ...],
    head: str,
    path: Path,
    done: tuple[TalangValue, ...] = (),
) -> TalangValue:
    for index, key in enumerate(segments):
        found, value = read_key(value, key)
        if not found:
            shown = render_path((head, *done, *segments[: index + 1]))
            raise TalangRuntimeError(f"path {shown} does not exist", path, ".")
    return value


def _key(segment: str | int) -> TalangValue:
    return segment if isinstance(segment, str) else decimal.Decimal(segment)


def _segment(segment: Segment) -> Eval:
    if isinstance(segment, str | int):
        return _free(_key(segment))
    return compile_node(segment)
