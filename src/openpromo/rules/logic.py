"""Control flow, comparison and context conditions: ``and or not if catch noop do``, ``= != < ...``.

``and``, ``or``, ``if``, ``catch`` and ``do`` are forms: their arguments are evaluated lazily, left to
right, and only as far as needed.  ``catch`` recovers from runtime errors (and drops effects
emitted by the failed expression) but never from an exhausted step budget.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import BudgetExceeded, TalangRuntimeError
from .runtime import Runtime
from .signatures import Arg, Builtin, Eval, Param, block, call_block, charge, evaluator
from .types import ANY, Kind, TalangValue
from .values import compare, loose_equal, size, truthy, whole_number

__all__ = ["BUILTINS"]

B, N, T = Kind.BOOLEAN, Kind.NUMBER, Kind.TIME
Impl = Callable[..., TalangValue]


def _and(args: tuple[Arg, ...], _path: object, _op: str) -> Eval:
    parts = tuple(evaluator(a) for a in args)

    def run(rt: Runtime) -> TalangValue:
        return all(truthy(part(rt)) for part in parts)

    return run


def _or(args: tuple[Arg, ...], _path: object, _op: str) -> Eval:
    parts = tuple(evaluator(a) for a in args)

    def run(rt: Runtime) -> TalangValue:
        return any(truthy(part(rt)) for part in parts)

    return run


def _if(args: tuple[Arg, ...], _path: object, _op: str) -> Eval:
    cond, then = evaluator(args[0]), evaluator(args[1])
    otherwise = evaluator(args[2]) if len(args) > 2 else None

    def run(rt: Runtime) -> TalangValue:
        if truthy(cond(rt)):
            return then(rt)
        return otherwise(rt) if otherwise is not None else None

    return run


def _catch(args: tuple[Arg, ...], _path: object, _op: str) -> Eval:
    fallback, body = evaluator(args[0]), evaluator(args[1])

    def run(rt: Runtime) -> TalangValue:
        mark = len(rt.effects)
        try:
            return body(rt)
        except BudgetExceeded:
            raise
        except TalangRuntimeError:
            del rt.effects[mark:]
            return fallback(rt)

    return run


def _do(args: tuple[Arg, ...], _path: object, _op: str) -> Eval:
    value, fn = evaluator(args[0]), block(args[1])

    def run(rt: Runtime) -> TalangValue:
        return call_block(rt, fn, value(rt))

    return run


def _not(_rt: Runtime, value: TalangValue) -> TalangValue:
    return not truthy(value)


def _noop(_rt: Runtime) -> TalangValue:
    return None


def _equal(rt: Runtime, first: TalangValue, *rest: TalangValue) -> TalangValue:
    charge(rt, size(first) * len(rest))
    return all(loose_equal(first, other) for other in rest)


def _not_equal(rt: Runtime, first: TalangValue, *rest: TalangValue) -> TalangValue:
    charge(rt, size(first) * len(rest))
    return not any(loose_equal(first, other) for other in rest)


def _less(_rt: Runtime, first: TalangValue, *rest: TalangValue) -> TalangValue:
    return all(compare(first, other) < 0 for other in rest)


def _less_equal(_rt: Runtime, first: TalangValue, *rest: TalangValue) -> TalangValue:
    return all(compare(first, other) <= 0 for other in rest)


def _greater(_rt: Runtime, first: TalangValue, *rest: TalangValue) -> TalangValue:
    return all(compare(first, other) > 0 for other in rest)


def _greater_equal(_rt: Runtime, first: TalangValue, *rest: TalangValue) -> TalangValue:
    return all(compare(first, other) >= 0 for other in rest)


def _between(_rt: Runtime, *args: TalangValue) -> TalangValue:
    *values, low, high = args
    return all(compare(low, v) < 0 < compare(high, v) for v in values)


def _coupon_valid(rt: Runtime) -> TalangValue:
    return rt.ctx.coupon_valid


def _coupon_valid_no_redeem(rt: Runtime) -> TalangValue:
    return rt.ctx.coupon_valid_no_redeem


def _referral_valid(rt: Runtime) -> TalangValue:
    return rt.ctx.referral_valid


def _loyalty_card_valid(rt: Runtime) -> TalangValue:
    return rt.ctx.loyalty_card_valid


def _in_audience(rt: Runtime, audience: int) -> TalangValue:
    return audience in rt.ctx.audiences


_X, _Y = Param("a", ANY), Param("b", ANY)
_NT = N | T
_ORDER = (Param("a", _NT), Param("b", _NT))


def _cmp(name: str, impl: Impl, summary: str, example: object, result: bool) -> Builtin:
    return Builtin(
        name,
        "comparison",
        _ORDER,
        B,
        summary,
        example,
        result,
        rest=Param("c", _NT),
        impl=impl,
    )


BUILTINS = (
    Builtin(
        "and",
        "logic",
        (),
        B,
        "True when every argument is truthy; stops at the first falsy one.",
        ["and", True, [">", 2, 1]],
        True,
        rest=Param("condition"),
        rest_min=1,
        form=_and,
    ),
    Builtin(
        "or",
        "logic",
        (),
        B,
        "True when any argument is truthy; stops at the first truthy one.",
        ["or", False, ["=", 1, 1]],
        True,
        rest=Param("condition"),
        rest_min=1,
        form=_or,
    ),
    Builtin(
        "not",
        "logic",
        (Param("value"),),
        B,
        "Negates the truthiness of the value.",
        ["not", False],
        True,
        impl=_not,
    ),
    Builtin(
        "if",
        "logic",
        (Param("condition"), Param("then"), Param("else", optional=True)),
        ANY,
        "Evaluates `then` when the condition is truthy, else `else` (null when absent).",
        ["if", ["<", 1, 2], "yes", "no"],
        "yes",
        form=_if,
    ),
    Builtin(
        "catch",
        "logic",
        (Param("fallback"), Param("expression")),
        ANY,
        "Value of the expression, or the fallback when it raises a runtime error "
        "(effects emitted by the failed expression are dropped).",
        ["catch", 0, [".", "Session", "Attributes", "missing"]],
        0,
        form=_catch,
    ),
    Builtin("noop", "logic", (), Kind.NULL, "Does nothing; returns null.", ["noop"], None, impl=_noop),
    Builtin(
        "do",
        "logic",
        (Param("value"), Param("fn", lambda_arity=1)),
        ANY,
        "Applies the lambda to the value.",
        ["do", 21, [["x"], ["*", [".", "x"], 2]]],
        42,
        form=_do,
    ),
    Builtin(
        "=",
        "comparison",
        (_X, _Y),
        B,
        'True when the first argument loosely equals every other (`1` equals `"1"`).',
        ["=", 1, "1"],
        True,
        rest=Param("c"),
        impl=_equal,
    ),
    Builtin(
        "!=",
        "comparison",
        (_X, _Y),
        B,
        "True when the first argument loosely equals none of the others.",
        ["!=", "a", "b", "c"],
        True,
        rest=Param("c"),
        impl=_not_equal,
    ),
    _cmp("<", _less, "True when the first number or time is less than every other.", ["<", 1, 2, 3], True),
    _cmp("<=", _less_equal, "True when the first number or time is at most every other.", ["<=", 2, 2], True),
    _cmp(
        ">", _greater, "True when the first number or time is greater than every other.", [">", 3, 1, 2], True
    ),
    _cmp(
        ">=",
        _greater_equal,
        "True when the first number or time is at least every other.",
        [">=", 1, 2],
        False,
    ),
    Builtin(
        "between",
        "comparison",
        (Param("value", _NT), Param("low", _NT), Param("high", _NT)),
        B,
        "True when every value lies strictly between the last two arguments (`low < v < high`).",
        ["between", 1, 2, 0, 3],
        True,
        rest=Param("more", _NT),
        impl=_between,
    ),
    Builtin(
        "couponValid",
        "condition",
        (),
        B,
        "True when the session's coupon is valid for this campaign (it is redeemed at close).",
        ["couponValid"],
        True,
        impl=_coupon_valid,
    ),
    Builtin(
        "couponValidNoRedeem",
        "condition",
        (),
        B,
        "True when the session's coupon is valid; it is not redeemed.",
        ["couponValidNoRedeem"],
        True,
        impl=_coupon_valid_no_redeem,
    ),
    Builtin(
        "referralValid",
        "condition",
        (),
        B,
        "True when the session's referral code is valid.",
        ["referralValid"],
        True,
        impl=_referral_valid,
    ),
    Builtin(
        "loyaltyCardValid",
        "condition",
        (),
        B,
        "True when the session's loyalty card is valid and active.",
        ["loyaltyCardValid"],
        True,
        impl=_loyalty_card_valid,
    ),
    Builtin(
        "inAudience",
        "condition",
        (Param("audienceId", N, prepare=whole_number("an audience id")),),
        B,
        "True when the profile belongs to the audience.",
        ["inAudience", 7],
        True,
        impl=_in_audience,
    ),
)
