"""Coercions and comparisons shared by the built-ins.

Every helper raises ``Fault`` (never a Python error) when a value has the wrong kind.  Numbers use
one explicit decimal context (34 significant digits, like decimal128) so results do not depend on
the caller's thread-local context and cannot grow without bound.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from .errors import Fault
from .types import TalangValue, kind_name, kind_of

__all__ = [
    "ARITHMETIC",
    "MAX_ITEMS",
    "MAX_TEXT",
    "TEXT_PER_STEP",
    "as_int",
    "as_list",
    "as_map",
    "as_number",
    "as_text",
    "as_time",
    "compare",
    "format_number",
    "format_time",
    "loose_equal",
    "parse_time",
    "size",
    "to_text",
    "truthy",
    "whole_number",
]

ARITHMETIC = decimal.Context(
    prec=34,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
MAX_TEXT = 100_000
MAX_ITEMS = 100_000
TEXT_PER_STEP = 1_000
"""Building a string costs one step per this many characters, so memory stays bounded by the budget."""


def _wrong(expected: str, value: object) -> Fault:
    return Fault(f"expected {expected}, got {kind_name(kind_of(value))}")


def as_number(value: object) -> Decimal:
    if type(value) is Decimal:
        return value
    if isinstance(value, bool):
        raise _wrong("a number", value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raise _wrong("a number", value)


def as_int(value: object, what: str = "an integer") -> int:
    number = as_number(value)
    if not number.is_finite() or number != number.to_integral_value():
        raise Fault(f"expected {what}, got {format_number(number)}")
    if abs(number) > 10**18:
        raise Fault(f"expected {what}, got a number out of range")
    return int(number)


def whole_number(what: str) -> Callable[[TalangValue], int]:
    """The ``prepare`` of a parameter that takes an id or count: a literal ``7.5`` is a compile
    error, a computed one a runtime error."""

    def prepare(value: TalangValue) -> int:
        return as_int(value, what)

    return prepare


def as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    raise _wrong("a string", value)


def as_list(value: object) -> Sequence[TalangValue]:
    if isinstance(value, list | tuple):
        return value
    raise _wrong("a list", value)


def as_map(value: object) -> Mapping[str, TalangValue]:
    if isinstance(value, Mapping):
        return value
    raise _wrong("a map", value)


def parse_time(text: str) -> datetime | None:
    """Parse RFC 3339 (also ``+0000`` offsets and bare dates); naive times are UTC."""
    if len(text) < 10 or len(text) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def as_time(value: object) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        parsed = parse_time(value)
        if parsed is None:
            raise Fault(f"expected a time (RFC 3339), got {value[:40]!r}")
        return parsed
    raise _wrong("a time", value)


def format_number(value: Decimal) -> str:
    """Plain notation without trailing zeros (``1.50`` -> ``1.5``); scientific when huge."""
    if not value.is_finite():
        return str(value)
    normal = value.normalize(ARITHMETIC)
    if abs(normal.adjusted()) > 40:
        return str(normal)
    return format(normal, "f")


def format_time(value: datetime) -> str:
    """RFC 3339 in UTC with a ``Z``."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def to_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, Decimal | int | float):
        return format_number(as_number(value))
    if isinstance(value, datetime):
        return format_time(as_time(value))
    raise Fault(f"cannot convert a {kind_name(kind_of(value))} to a string")


def truthy(value: object) -> bool:
    """``false``, ``null``, ``0``, ``""`` and empty lists/maps are false; all else is true."""
    if value is True:
        return True
    if value is False or value is None:
        return False
    if isinstance(value, Decimal | int | float):
        return bool(value)
    if isinstance(value, str | list | tuple | Mapping):
        return len(value) > 0
    return True


def loose_equal(left: object, right: object) -> bool:
    """Equality across kinds: ``1 = "1"``, ``true = "true"``, a time equals its RFC 3339 text;
    lists (Python lists or tuples alike) and maps are equal when their items are, loosely."""
    if left is right:
        return True
    same = type(left)
    if same is type(right) and (same is str or same is Decimal):
        return left == right  # the common case: two strings or two numbers
    left_kind, right_kind = kind_of(left), kind_of(right)
    if left_kind == right_kind:
        if isinstance(left, datetime) and isinstance(right, datetime):
            return as_time(left) == as_time(right)
        if isinstance(left, list | tuple) and isinstance(right, list | tuple):
            return len(left) == len(right) and all(map(loose_equal, left, right))
        if isinstance(left, Mapping) and isinstance(right, Mapping):
            return left.keys() == right.keys() and all(loose_equal(left[k], right[k]) for k in left)
        return left == right
    if isinstance(right, str):
        left, right = right, left
    if not isinstance(left, str) or right is None:
        return False
    if isinstance(right, bool):
        return left == ("true" if right else "false")
    if isinstance(right, Decimal | int | float):
        try:
            return Decimal(left.strip()) == right
        except (decimal.InvalidOperation, ValueError):
            return False
    if isinstance(right, datetime):
        parsed = parse_time(left)
        return parsed is not None and parsed == as_time(right)
    return False


def size(value: object) -> int:
    """The number of items of a list or map (0 for scalars): what comparing it costs."""
    return len(value) if isinstance(value, list | tuple | Mapping) else 0


def compare(left: object, right: object) -> int:
    """Order two numbers or two times (strings are read as numbers or RFC 3339 times)."""
    if isinstance(left, datetime) or isinstance(right, datetime):
        a_time, b_time = as_time(left), as_time(right)
        return (a_time > b_time) - (a_time < b_time)
    if isinstance(left, str) and isinstance(right, str):
        a_parsed, b_parsed = parse_time(left), parse_time(right)
        if a_parsed is not None and b_parsed is not None:
            return (a_parsed > b_parsed) - (a_parsed < b_parsed)
    a_num, b_num = as_number(left), as_number(right)
    return (a_num > b_num) - (a_num < b_num)
