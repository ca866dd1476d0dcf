"""Decimal arithmetic: ``+ - * / mod floor ceil round min max``.

All numbers are ``Decimal`` computed in ``values.ARITHMETIC`` (34 significant digits), so
``0.1 + 0.2`` is exactly ``0.3``; ``round`` rounds half away from zero (half-up) as shoppers
expect.  ``+`` also concatenates when every argument is a string.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from .errors import Fault
from .runtime import Runtime
from .signatures import Builtin, Param, charge
from .types import Kind, TalangValue
from .values import ARITHMETIC, MAX_TEXT, TEXT_PER_STEP, as_int, as_number, as_time, compare

__all__ = ["BUILTINS", "concat"]

N, S, T, L = Kind.NUMBER, Kind.STRING, Kind.TIME, Kind.LIST


def concat(rt: Runtime, parts: Sequence[TalangValue]) -> str:
    texts = [p for p in parts if isinstance(p, str)]
    if len(texts) != len(parts):
        raise Fault("expected all strings")
    size = sum(len(t) for t in texts)
    if size > MAX_TEXT:
        raise Fault(f"string longer than {MAX_TEXT} characters")
    charge(rt, size // TEXT_PER_STEP)
    return "".join(texts)


def _add(rt: Runtime, first: TalangValue, *rest: TalangValue) -> TalangValue:
    if isinstance(first, str):
        return concat(rt, (first, *rest))
    total = as_number(first)
    for value in rest:
        if isinstance(value, str):
            raise Fault("expected all numbers or all strings")
        total = ARITHMETIC.add(total, as_number(value))
    return total


def _subtract(_rt: Runtime, first: TalangValue, *rest: TalangValue) -> TalangValue:
    total = as_number(first)
    if not rest:
        return ARITHMETIC.minus(total)
    for value in rest:
        total = ARITHMETIC.subtract(total, as_number(value))
    return total


def _multiply(_rt: Runtime, first: TalangValue, *rest: TalangValue) -> TalangValue:
    total = as_number(first)
    for value in rest:
        total = ARITHMETIC.multiply(total, as_number(value))
    return total


def _divide(_rt: Runtime, first: TalangValue, *rest: TalangValue) -> TalangValue:
    total = as_number(first)
    for value in rest:
        divisor = as_number(value)
        if not divisor:
            raise Fault("division by zero")
        total = ARITHMETIC.divide(total, divisor)
    return total


def _modulo(_rt: Runtime, first: TalangValue, *rest: TalangValue) -> TalangValue:
    total = as_number(first)
    for value in rest:
        divisor = as_number(value)
        if not divisor:
            raise Fault("division by zero")
        total = ARITHMETIC.remainder(total, divisor)
    return total


def _floor(_rt: Runtime, value: TalangValue) -> TalangValue:
    return as_number(value).to_integral_value(rounding=decimal.ROUND_FLOOR, context=ARITHMETIC)


def _ceil(_rt: Runtime, value: TalangValue) -> TalangValue:
    return as_number(value).to_integral_value(rounding=decimal.ROUND_CEILING, context=ARITHMETIC)


def _places(value: TalangValue) -> int:
    """Prepare the places of ``round``: a whole number from -100 to 100."""
    digits = as_int(value, "a whole number of places")
    if not -100 <= digits <= 100:
        raise Fault("round places must be between -100 and 100")
    return digits


def _round(_rt: Runtime, value: TalangValue, digits: int = 0) -> TalangValue:
    quantum = Decimal(1).scaleb(-digits, ARITHMETIC)
    number = as_number(value)
    if digits < 0:
        # every step in the language's context: the thread's default (28 digits) would round too
        scaled = number.scaleb(digits, ARITHMETIC).quantize(Decimal(1), decimal.ROUND_HALF_UP, ARITHMETIC)
        return scaled.scaleb(-digits, ARITHMETIC)
    return number.quantize(quantum, decimal.ROUND_HALF_UP, ARITHMETIC)


def _ordered(rt: Runtime, args: tuple[TalangValue, ...]) -> list[Decimal | datetime]:
    values: Sequence[TalangValue] = args
    if len(args) == 1 and isinstance(args[0], list | tuple):
        values = args[0]
        charge(rt, len(values))
    if not values:
        raise Fault("expected at least one value")
    return [
        v if isinstance(v, datetime) else as_time(v) if isinstance(v, str) else as_number(v) for v in values
    ]


def _min(rt: Runtime, *args: TalangValue) -> TalangValue:
    values = _ordered(rt, args)
    best = values[0]
    for value in values[1:]:
        if compare(value, best) < 0:
            best = value
    return best


def _max(rt: Runtime, *args: TalangValue) -> TalangValue:
    values = _ordered(rt, args)
    best = values[0]
    for value in values[1:]:
        if compare(value, best) > 0:
            best = value
    return best


_A, _B, _MORE = Param("a", N), Param("b", N), Param("more", N)
_NS = N | S
_NTL = N | T | L


BUILTINS = (
    Builtin(
        "+",
        "arithmetic",
        (Param("a", _NS), Param("b", _NS)),
        _NS,
        "Adds numbers, or concatenates when every argument is a string.",
        ["+", 0.1, 0.2],
        0.3,
        rest=Param("more", _NS),
        impl=_add,
    ),
    Builtin(
        "-",
        "arithmetic",
        (_A,),
        N,
        "Subtracts the following numbers from the first; negates a single one.",
        ["-", 10, 2.5, 0.5],
        7,
        rest=_MORE,
        impl=_subtract,
    ),
    Builtin(
        "*",
        "arithmetic",
        (_A, _B),
        N,
        "Multiplies the numbers.",
        ["*", 100, 0.15],
        15,
        rest=_MORE,
        impl=_multiply,
    ),
    Builtin(
        "/",
        "arithmetic",
        (_A, _B),
        N,
        "Divides the first number by the following ones (34 significant digits); "
        "division by zero is a runtime error.",
        ["/", 10, 4],
        2.5,
        rest=_MORE,
        impl=_divide,
    ),
    Builtin(
        "mod",
        "arithmetic",
        (_A, _B),
        N,
        "Remainder of dividing the first number by each following one, in turn (sign of the dividend).",
        ["mod", 7, 3],
        1,
        rest=_MORE,
        impl=_modulo,
    ),
    Builtin("floor", "arithmetic", (_A,), N, "Rounds down to an integer.", ["floor", -2.5], -3, impl=_floor),
    Builtin("ceil", "arithmetic", (_A,), N, "Rounds up to an integer.", ["ceil", 2.1], 3, impl=_ceil),
    Builtin(
        "round",
        "arithmetic",
        (Param("value", N), Param("places", N, prepare=_places, optional=True)),
        N,
        "Rounds half-up (away from zero) to `places` decimal places (default 0; negative rounds to tens...).",
        ["round", 2.345, 2],
        2.35,
        impl=_round,
    ),
    Builtin(
        "min",
        "arithmetic",
        (Param("a", _NTL),),
        N | T,
        "The smallest of the numbers (or times), given as arguments or as one list.",
        ["min", 3, 1, 2],
        1,
        rest=Param("more", N | T),
        impl=_min,
    ),
    Builtin(
        "max",
        "arithmetic",
        (Param("a", _NTL),),
        N | T,
        "The largest of the numbers (or times), given as arguments or as one list.",
        ["max", ["list", 3, 1, 2]],
        3,
        rest=Param("more", N | T),
        impl=_max,
    ),
)
