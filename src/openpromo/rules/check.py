"""The checker: resolve names, enforce signatures and static kinds, assign frame slots.

Input is a parse tree; output is a checked tree in which every call points at its registry entry,
every bound name at a frame slot, and every time literal is parsed.  All compile errors except pure
JSON shape problems (the parser's) are raised here as ``TalangTypeError`` with the node's path.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from .ast import Apply, Block, Call, Checked, Const, Lambda, Literal, Node, ReadRoot, ReadSlot, Segment
from .builtins import lookup
from .errors import Fault, TalangTypeError
from .paths import ROOTS
from .signatures import Builtin, Param
from .types import ANY, Kind, kind_name, kind_of
from .values import parse_time

__all__ = ["Checker", "Scope", "static_kind"]

Scope = Mapping[str, int]


def static_kind(node: Checked) -> Kind:
    """What the checker knows about the kind of a node's value."""
    if isinstance(node, Const):
        return kind_of(node.value)
    if isinstance(node, Apply):
        return node.builtin.returns
    return ANY


def _arguments(count: int) -> str:
    return f"{count} argument" + ("" if count == 1 else "s")


class Checker:
    """Checks expressions of one compilation unit; ``frame_size`` counts the slots handed out."""

    def __init__(self) -> None:
        self.frame_size = 0

    def new_slot(self) -> int:
        self.frame_size += 1
        return self.frame_size - 1

    def expression(self, node: Node, scope: Scope, effects: bool) -> Checked:
        if isinstance(node, Literal):
            return Const(node.path, node.value)
        if isinstance(node, Lambda):
            raise TalangTypeError(
                "a lambda is only allowed as the argument of a function that takes one", node.path
            )
        return self._call(node, scope, effects)

    def _call(self, node: Call, scope: Scope, effects: bool) -> Checked:
        builtin = lookup(node.name)
        if builtin is None:
            raise TalangTypeError(f'unknown function "{node.name}"', node.path, node.name)
        if builtin.effect and not effects:
            raise TalangTypeError(
                f'effect "{builtin.name}" is only allowed in a rule\'s effects', node.path, builtin.name
            )
        self._arity(builtin, node)
        if builtin.name == ".":
            return self._read(node, scope)
        if builtin.name == ".|":
            read = node.args[1]
            if not isinstance(read, Call) or read.name != ".":
                raise TalangTypeError('argument 2 of ".|" must be a path read [".", ...]', read.path, ".|")
        args = tuple(self._argument(builtin, i, arg, scope, effects) for i, arg in enumerate(node.args))
        return Apply(node.path, builtin, args)

    def _arity(self, builtin: Builtin, node: Call) -> None:
        count, low, high = len(node.args), builtin.min_args, builtin.max_args
        if count < low or (high is not None and count > high):
            if high is None:
                expected = f"at least {_arguments(low)}"
            elif low == high:
                expected = _arguments(low)
            else:
                expected = f"{low} to {_arguments(high)}"
            raise TalangTypeError(
                f'"{builtin.name}" expects {expected}, got {count}', node.path, builtin.name
            )
        if builtin.arity_rule is not None:
            message = builtin.arity_rule(count)
            if message:
                raise TalangTypeError(f'"{builtin.name}" {message}', node.path, builtin.name)

    def _argument(self, builtin: Builtin, index: int, arg: Node, scope: Scope, effects: bool) -> Checked:
        param, position = builtin.param_at(index), index + 1
        if param.lambda_arity:
            return self._lambda(builtin, position, param, arg, scope, effects)
        if isinstance(arg, Lambda):
            raise TalangTypeError(f'argument {position} of "{builtin.name}" must not be a lambda', arg.path)
        checked = self.expression(arg, scope, effects)
        if isinstance(checked, Const):
            checked = self._literal(builtin, position, param, checked)
        static = static_kind(checked)
        if not static & param.kind:
            expected, actual = kind_name(param.kind), kind_name(static)
            message = f'argument {position} of "{builtin.name}" expects {expected}, got {actual}'
            raise TalangTypeError(message, arg.path, builtin.name)
        return checked

    def _literal(self, builtin: Builtin, position: int, param: Param, const: Const) -> Const:
        value = const.value
        if isinstance(value, str) and param.kind & Kind.TIME and not param.kind & Kind.STRING:
            parsed = parse_time(value)
            if parsed is None:
                raise TalangTypeError(
                    f'argument {position} of "{builtin.name}" expects a time (RFC 3339), got {value!r}',
                    const.path,
                    builtin.name,
                )
            return Const(const.path, parsed)
        if param.prepare is not None and kind_of(value) & param.kind:
            # the compiler prepares the literal again; here only its failure matters
            try:
                param.prepare(value)
            except Fault as fault:
                message = f'argument {position} of "{builtin.name}": {fault.message}'
                raise TalangTypeError(message, (*const.path, *fault.at), builtin.name) from None
        return const

    def _lambda(
        self, builtin: Builtin, position: int, param: Param, arg: Node, scope: Scope, effects: bool
    ) -> Block:
        if not isinstance(arg, Lambda):
            raise TalangTypeError(
                f'argument {position} of "{builtin.name}" must be a lambda [["Item"], body]',
                arg.path,
                builtin.name,
            )
        if len(arg.params) != param.lambda_arity:
            raise TalangTypeError(
                f'the lambda of "{builtin.name}" takes {param.lambda_arity} parameter, got {len(arg.params)}',
                arg.path,
                builtin.name,
            )
        slot = self.new_slot()
        body = self.expression(arg.body, {**scope, arg.params[0]: slot}, effects)
        return Block(arg.path, slot, body)

    def _read(self, node: Call, scope: Scope) -> Checked:
        head = node.args[0]
        if not isinstance(head, Literal) or not isinstance(head.value, str):
            raise TalangTypeError('argument 1 of "." must be a name (a string literal)', head.path, ".")
        segments = tuple(self._segment(arg, scope) for arg in node.args[1:])
        name = head.value
        if name in scope:
            return ReadSlot(node.path, name, scope[name], segments)
        if name in ROOTS:
            return ReadRoot(node.path, name, segments)
        raise TalangTypeError(
            f'unknown name "{name}": expected a binding, a lambda parameter or a root '
            f"({', '.join(sorted(ROOTS))})",
            head.path,
            ".",
        )

    def _segment(self, arg: Node, scope: Scope) -> Segment:
        if isinstance(arg, Literal):
            value = arg.value
            if isinstance(value, str):
                return value
            if isinstance(value, Decimal) and abs(value) < 10**18 and value == value.to_integral_value():
                return int(value)
            raise TalangTypeError("path keys must be strings or whole numbers", arg.path, ".")
        if isinstance(arg, Lambda):
            raise TalangTypeError("path keys must not be lambdas", arg.path, ".")
        return self.expression(arg, scope, False)
