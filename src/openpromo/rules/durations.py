"""Durations: the loyalty grammar (``30s``, ``5D``, ``2W_U``) and ``(amount, unit)`` pairs.

Grammar (DOMAIN B §6.5): ``<int><unit>`` with units ``s m h D W M Y``; the suffix ``_D`` (days
only) rounds the result down to the start of its day, ``_U`` (``D W M Y``) rounds it up to the end
of its day, week (Sunday), month or year.  ``immediate`` is a zero duration; ``unlimited`` is only
an expiry policy and cannot be added to a time.  Calendar units clamp the day of month
(Jan 31 + 1M = Feb 28/29).  Seconds to weeks are exact durations; months, years and rounding follow
the wall clock of a time zone (a loyalty program's), UTC unless one is given.
"""

from __future__ import annotations

import calendar
import decimal
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal

from .errors import Fault

__all__ = ["UNIT_NAMES", "Duration", "add_amount", "parse_duration", "shift"]

_GRAMMAR = re.compile(r"(?P<amount>[0-9]{1,6})(?P<unit>[smhDWMY])(?:_(?P<rounding>[DU]))?")
UNIT_NAMES = {
    "second": "s",
    "minute": "m",
    "hour": "h",
    "day": "D",
    "week": "W",
    "month": "M",
    "year": "Y",
}
_SECONDS = {"s": 1, "m": 60, "h": 3600, "D": 86400, "W": 604800}
_MICROS = Decimal(1_000_000)
_EXACT = decimal.Context(
    prec=60, rounding=decimal.ROUND_HALF_EVEN, traps=[decimal.InvalidOperation, decimal.Overflow]
)


@dataclass(frozen=True, slots=True)
class Duration:
    amount: int
    unit: str
    rounding: str | None = None


def parse_duration(text: str) -> Duration | None:
    """Parse the duration grammar; ``None`` when ``text`` is not a duration."""
    if text == "immediate":
        return Duration(0, "s")
    match = _GRAMMAR.fullmatch(text)
    if match is None:
        return None
    unit, rounding = match["unit"], match["rounding"]
    if (rounding == "D" and unit != "D") or (rounding == "U" and unit not in "DWMY"):
        return None
    return Duration(int(match["amount"]), unit, rounding)


def shift(moment: datetime, duration: Duration, sign: int = 1, zone: tzinfo | None = None) -> datetime:
    """``moment`` moved by ``duration`` (backwards when ``sign`` is -1), then rounded; months, years and
    the rounding to a day, week, month or year follow the wall clock of ``zone`` (default UTC). The
    answer is in UTC."""
    zone = zone or UTC
    try:
        if duration.unit in _SECONDS:
            moved = moment.astimezone(UTC) + timedelta(
                seconds=sign * duration.amount * _SECONDS[duration.unit]
            )
            local = moved.astimezone(zone)
        else:
            months = duration.amount * (12 if duration.unit == "Y" else 1)
            local = _add_months(moment.astimezone(zone), sign * months)
        return _round(local, duration).astimezone(UTC)
    except (OverflowError, ValueError):
        raise Fault("time out of range") from None


def add_amount(moment: datetime, amount: Decimal, unit: str) -> datetime:
    """``moment`` + ``amount`` of ``unit`` (a code of the grammar, ``s`` ... ``Y``; fractions below
    months, computed in Decimal and rounded half-even to the microsecond: never through float)."""
    moment = moment.astimezone(UTC)
    try:
        if unit in _SECONDS:
            seconds = _EXACT.multiply(amount, Decimal(_SECONDS[unit]))
            micros = _EXACT.multiply(seconds, _MICROS).to_integral_value(context=_EXACT)
            return moment + timedelta(microseconds=int(micros))
        if amount != amount.to_integral_value():
            raise Fault("months and years must be whole numbers")
        months = int(amount) * (12 if unit == "Y" else 1)
        return _add_months(moment, months)
    except (OverflowError, ValueError, ArithmeticError):
        raise Fault("time out of range") from None


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _round(moment: datetime, duration: Duration) -> datetime:
    if duration.rounding == "D":
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if duration.rounding != "U":
        return moment
    end = moment.replace(hour=23, minute=59, second=59, microsecond=0)
    if duration.unit == "W":
        end += timedelta(days=6 - moment.weekday())
    elif duration.unit == "M":
        end = end.replace(day=calendar.monthrange(end.year, end.month)[1])
    elif duration.unit == "Y":
        end = end.replace(month=12, day=31)
    return end
