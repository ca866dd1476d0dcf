"""Reading values: ``.`` (path read) and ``.|`` (safe read with a fallback).

``[".", Root, key...]`` reads from a context root; ``[".", name, key...]`` from a binding or lambda
parameter (resolved to a frame slot at compile time).  Keys index maps by name and lists by
zero-based position; a number key on a map is its decimal text (``Loyalty`` is keyed by program
id).  A missing root, key or index is a runtime error naming the path read so far.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from .errors import BudgetExceeded, TalangRuntimeError
from .runtime import Runtime
from .signatures import Arg, Builtin, Eval, Param, evaluator
from .types import ANY, Kind, TalangValue

__all__ = ["BUILTINS", "ROOTS", "read_key", "render_path"]

ROOTS = frozenset(
    {
        "Application",
        "Campaign",
        "Coupon",
        "Event",
        "Item",
        "Loyalty",
        "Profile",
        "Referral",
        "Session",
        "Store",
    }
)


def render_path(parts: tuple[object, ...]) -> str:
    return ".".join(str(p) for p in parts)


def read_key(value: TalangValue, key: TalangValue) -> tuple[bool, TalangValue]:
    """One step of a path: ``(found, value)``; ints and floats from the engine become Decimals."""
    if isinstance(value, Mapping):
        name = key if isinstance(key, str) else _key_text(key)
        if name is None or name not in value:
            return False, None
        found: TalangValue = value[name]
    elif isinstance(value, list | tuple):
        index = _whole(key)
        if index is None or not 0 <= index < len(value):
            return False, None
        found = value[index]
    else:
        return False, None
    if type(found) is int:
        return True, Decimal(found)
    if type(found) is float:
        return True, Decimal(repr(found))
    return True, found


def _whole(key: TalangValue) -> int | None:
    """A number key as an int; ``None`` for fractions, NaN, infinities and numbers beyond 10**18
    (converting ``1E+900000`` to an int would take seconds, printing it raises ``ValueError``)."""
    if isinstance(key, bool) or not isinstance(key, int | Decimal):
        return None
    if isinstance(key, Decimal):
        if not key.is_finite() or key.adjusted() > 18 or key != key.to_integral_value():
            return None
        return int(key)
    return key if abs(key) <= 10**18 else None


def _key_text(key: TalangValue) -> str | None:
    index = _whole(key)
    return None if index is None else str(index)


def _safe_read(args: tuple[Arg, ...], _path: object, _op: str) -> Eval:
    fallback, read = evaluator(args[0]), evaluator(args[1])

    def run(rt: Runtime) -> TalangValue:
        try:
            return read(rt)
        except BudgetExceeded:
            raise
        except TalangRuntimeError:
            return fallback(rt)

    return run


BUILTINS = (
    Builtin(
        ".",
        "path",
        (Param("root", Kind.STRING),),
        ANY,
        "Reads a path from a context root, a binding or a lambda parameter; a missing path is a runtime "
        "error.",
        [".", "Session", "Total"],
        30,
        rest=Param("key", Kind.STRING | Kind.NUMBER),
    ),
    Builtin(
        ".|",
        "path",
        (Param("fallback"), Param("read")),
        ANY,
        "Safe read: the value of the `.` read, or the fallback when the path is missing.",
        [".|", "none", [".", "Session", "Attributes", "missing"]],
        "none",
        form=_safe_read,
    ),
)
