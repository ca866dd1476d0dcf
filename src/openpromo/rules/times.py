"""Time functions: ``now parseTime formatTime date year ... days daysBetween addDuration ...``.

Times are tz-aware ``datetime``; string literals in time positions are parsed (RFC 3339) at
compile time, strings read from paths at run time.  Durations (``"5D"``), unit names and the text
of ``parseTime`` are prepared the same way: parsed once when literal.  Calendar parts are taken in
UTC and returned as numbers (the Go core returns strings; loose equality makes
``["=", ["month", t], "1"]`` work too).  ``weekday`` counts from Sunday = 0.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from .durations import UNIT_NAMES, Duration, add_amount, parse_duration, shift
from .errors import Fault
from .runtime import Runtime
from .signatures import Builtin, Param
from .types import Kind, TalangValue
from .values import ARITHMETIC, as_number, as_text, as_time, format_time, parse_time

__all__ = ["BUILTINS"]

N, S, B, T = Kind.NUMBER, Kind.STRING, Kind.BOOLEAN, Kind.TIME
_DAY_MICROS = Decimal(86_400_000_000)


def _time_text(value: TalangValue) -> datetime:
    """Prepare the text of ``parseTime``."""
    text = as_text(value)
    parsed = parse_time(text)
    if parsed is None:
        raise Fault(f"invalid time {text[:40]!r}: expected RFC 3339")
    return parsed


def _amount(value: TalangValue) -> Duration | Decimal:
    """Prepare the amount of ``addDuration``: a duration string (``"5D"``) or a number of units."""
    if not isinstance(value, str):
        return as_number(value)
    duration = parse_duration(value)
    if duration is None:
        raise Fault(
            f"invalid duration {value[:40]!r}: expected e.g. 30s, 40m, 1h, 5D, 7W, 10M, 15Y, 2W_U, 30D_D"
        )
    return duration


def _unit(value: TalangValue) -> str:
    """Prepare the unit of ``addDuration``: its code in the duration grammar (``minutes`` -> ``m``)."""
    text = as_text(value)
    unit = UNIT_NAMES.get(text.lower().removesuffix("s"))
    if unit is None:
        raise Fault(
            f"unknown time unit {text[:40]!r}: expected seconds, minutes, hours, days, weeks, months or years"
        )
    return unit


def _now(rt: Runtime) -> TalangValue:
    return rt.ctx.now


def _parse_time(_rt: Runtime, moment: datetime) -> TalangValue:
    return moment


def _format_time(_rt: Runtime, moment: TalangValue) -> TalangValue:
    return format_time(as_time(moment))


def _date(_rt: Runtime, moment: TalangValue) -> TalangValue:
    return as_time(moment).astimezone(UTC).date().isoformat()


def _part(read: Callable[[datetime], int]) -> Callable[[Runtime, TalangValue], TalangValue]:
    def impl(_rt: Runtime, moment: TalangValue) -> TalangValue:
        return Decimal(read(as_time(moment).astimezone(UTC)))

    return impl


def _span_days(start: datetime, end: datetime) -> Decimal:
    delta = end - start
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return ARITHMETIC.divide(Decimal(micros), _DAY_MICROS)


def _days(rt: Runtime, moment: TalangValue) -> TalangValue:
    return _span_days(rt.ctx.now, as_time(moment))


def _days_between(_rt: Runtime, start: TalangValue, end: TalangValue) -> TalangValue:
    return _span_days(as_time(start), as_time(end))


def _move(sign: int) -> Callable[..., TalangValue]:
    def impl(
        _rt: Runtime, moment: TalangValue, amount: Duration | Decimal, unit: str | None = None
    ) -> TalangValue:
        start = as_time(moment)
        if isinstance(amount, Duration):
            if unit is not None:
                raise Fault(f"a duration like {_text(amount)!r} takes no unit")
            return shift(start, amount, sign)
        if unit is None:
            raise Fault(
                "a number of units needs a unit (seconds, minutes, hours, days, weeks, months, years)"
            )
        return add_amount(start, amount if sign > 0 else amount.copy_negate(), unit)

    return impl


def _text(duration: Duration) -> str:
    return f"{duration.amount}{duration.unit}" + (f"_{duration.rounding}" if duration.rounding else "")


def _before(_rt: Runtime, a: TalangValue, b: TalangValue) -> TalangValue:
    return as_time(a) < as_time(b)


def _after(_rt: Runtime, a: TalangValue, b: TalangValue) -> TalangValue:
    return as_time(a) > as_time(b)


def _between_times(_rt: Runtime, moment: TalangValue, low: TalangValue, high: TalangValue) -> TalangValue:
    return as_time(low) < as_time(moment) < as_time(high)


_T = Param("time", T)
_T1 = "2024-03-10T15:04:05Z"


def _part_fn(name: str, read: Callable[[datetime], int], summary: str, result: int) -> Builtin:
    return Builtin(name, "time", (_T,), N, summary, [name, _T1], result, impl=_part(read))


def _move_fn(name: str, sign: int, summary: str, example: list[object], result: str) -> Builtin:
    params = (
        _T,
        Param("amount", N | S, prepare=_amount),
        Param("unit", S, prepare=_unit, optional=True),
    )
    return Builtin(name, "time", params, T, summary, example, result, impl=_move(sign))


BUILTINS = (
    Builtin(
        "now",
        "time",
        (),
        T,
        "The evaluation time handed in by the engine.",
        ["now"],
        "2024-03-10T12:00:00Z",
        impl=_now,
    ),
    Builtin(
        "parseTime",
        "time",
        (Param("text", S, prepare=_time_text),),
        T,
        "Parses an RFC 3339 time.",
        ["parseTime", "2024-03-10T16:04:05+01:00"],
        "2024-03-10T15:04:05Z",
        impl=_parse_time,
    ),
    Builtin(
        "formatTime",
        "time",
        (_T,),
        S,
        "Formats a time as RFC 3339 in UTC.",
        ["formatTime", "2024-03-10T16:04:05+01:00"],
        "2024-03-10T15:04:05Z",
        impl=_format_time,
    ),
    Builtin("date", "time", (_T,), S, "The UTC date as YYYY-MM-DD.", ["date", _T1], "2024-03-10", impl=_date),
    _part_fn("year", lambda t: t.year, "The UTC year.", 2024),
    _part_fn("month", lambda t: t.month, "The UTC month (1-12).", 3),
    _part_fn("monthDay", lambda t: t.day, "The UTC day of the month (1-31).", 10),
    _part_fn(
        "weekday",
        lambda t: t.isoweekday() % 7,
        "The UTC day of the week (0 = Sunday ... 6 = Saturday).",
        0,
    ),
    _part_fn("hour", lambda t: t.hour, "The UTC hour (0-23).", 15),
    _part_fn("minute", lambda t: t.minute, "The UTC minute (0-59).", 4),
    Builtin(
        "days",
        "time",
        (_T,),
        N,
        "Fractional days from now to the time (negative when in the past).",
        ["days", "2024-03-11T00:00:00Z"],
        0.5,
        impl=_days,
    ),
    Builtin(
        "daysBetween",
        "time",
        (Param("start", T), Param("end", T)),
        N,
        "Fractional days from start to end.",
        ["daysBetween", "2024-03-01T00:00:00Z", "2024-03-02T12:00:00Z"],
        1.5,
        impl=_days_between,
    ),
    _move_fn(
        "addDuration",
        1,
        'The time moved forward by a duration (`"5D"`, `"1M_U"`) or by an '
        "amount of units (seconds, minutes, hours, days, weeks, months, years).",
        ["addDuration", _T1, 3, "minutes"],
        "2024-03-10T15:07:05Z",
    ),
    _move_fn(
        "subDuration",
        -1,
        "The time moved backward; same arguments as `addDuration`.",
        ["subDuration", _T1, "1D"],
        "2024-03-09T15:04:05Z",
    ),
    Builtin(
        "before",
        "time",
        (Param("a", T), Param("b", T)),
        B,
        "True when time a is before time b.",
        ["before", "2024-01-01T00:00:00Z", _T1],
        True,
        impl=_before,
    ),
    Builtin(
        "after",
        "time",
        (Param("a", T), Param("b", T)),
        B,
        "True when time a is after time b.",
        ["after", "2024-01-01T00:00:00Z", _T1],
        False,
        impl=_after,
    ),
    Builtin(
        "betweenTimes",
        "time",
        (_T, Param("min", T), Param("max", T)),
        B,
        "True when min < time < max.",
        ["betweenTimes", _T1, "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"],
        True,
        impl=_between_times,
    ),
)
