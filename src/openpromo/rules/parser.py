"""Parse a JSON value into a Talang syntax tree (``ast.Literal``/``Call``/``Lambda``).

Arrays whose first element is a string are calls; arrays whose first element is an array are
lambdas ``[["Param"], body]``; JSON objects are literal maps (not evaluated, numbers become
``Decimal``); other scalars are literals.  Names are not resolved here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal

from .ast import Call, Lambda, Literal, Node
from .errors import Path, TalangSyntaxError
from .types import TalangValue

__all__ = ["MAX_DEPTH", "literal_value", "parse"]

MAX_DEPTH = 64


def parse(expr: object, path: Path = ()) -> Node:
    """Parse ``expr`` (decoded JSON) whose location in the source document is ``path``."""
    return _parse(expr, path, 0)


def _parse(expr: object, path: Path, depth: int) -> Node:
    if depth > MAX_DEPTH:
        raise TalangSyntaxError(f"expression is nested deeper than {MAX_DEPTH} levels", path)
    if isinstance(expr, list | tuple):
        return _parse_array(expr, path, depth)
    return Literal(path, literal_value(expr, path, depth))


def _parse_array(expr: list[object] | tuple[object, ...], path: Path, depth: int) -> Node:
    if not expr:
        raise TalangSyntaxError("an empty array is not an expression", path)
    head = expr[0]
    if isinstance(head, str):
        if not head:
            raise TalangSyntaxError("function name must not be empty", (*path, 0))
        args = tuple(_parse(arg, (*path, i), depth + 1) for i, arg in enumerate(expr[1:], start=1))
        return Call(path, head, args)
    if isinstance(head, list | tuple):
        return _parse_lambda(expr, path, depth)
    raise TalangSyntaxError(
        "an array must start with a function name or, for a lambda, a parameter list", path
    )


def _parse_lambda(expr: list[object] | tuple[object, ...], path: Path, depth: int) -> Lambda:
    params = expr[0]
    assert isinstance(params, list | tuple)
    if len(expr) != 2 or not params or not all(isinstance(p, str) and p for p in params):
        raise TalangSyntaxError('malformed lambda: expected [["Param"], body]', path)
    names = tuple(str(p) for p in params)
    if len(set(names)) != len(names):
        raise TalangSyntaxError("malformed lambda: duplicate parameter name", (*path, 0))
    return Lambda(path, names, _parse(expr[1], (*path, 1), depth + 1))


def literal_value(value: object, path: Path, depth: int = 0) -> TalangValue:
    """Convert a JSON scalar, or a JSON object/array inside a literal map, to a Talang value."""
    if depth > MAX_DEPTH:
        raise TalangSyntaxError(f"expression is nested deeper than {MAX_DEPTH} levels", path)
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TalangSyntaxError("numbers must be finite", path)
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise TalangSyntaxError("numbers must be finite", path)
        return value
    if isinstance(value, Mapping):
        result: dict[str, TalangValue] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TalangSyntaxError("map keys must be strings", path)
            result[key] = literal_value(item, (*path, key), depth + 1)
        return result
    if isinstance(value, list | tuple):
        return [literal_value(item, (*path, i), depth + 1) for i, item in enumerate(value)]
    raise TalangSyntaxError(f"{type(value).__name__} is not a JSON value", path)
