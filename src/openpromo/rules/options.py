"""Option maps of effect calls (``{"name": ..., "pending": "on_action"}``): validation and reading.

``options(spec)`` is the ``prepare`` of an option-map parameter: it reads a literal map once at
compile time (its ``Fault`` message becomes a ``TalangTypeError``) and a computed map at run time,
so the effect receives the validated fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .durations import parse_duration
from .errors import Fault
from .signatures import Prepare
from .types import TalangValue
from .values import as_int, as_map, as_number, as_text

__all__ = [
    "OptionMap",
    "OptionSpec",
    "choice",
    "decimal_or_none",
    "int_or_none",
    "options",
    "read_options",
    "spec",
    "text_or_none",
]

Reader = Callable[[TalangValue], object]
OptionSpec = Mapping[str, Reader]


def choice(*allowed: str, durations: bool = False) -> Reader:
    """A string from ``allowed`` (or, with ``durations``, any duration of the grammar)."""

    def read(value: TalangValue) -> object:
        text = as_text(value)
        if text in allowed or (durations and text not in ("immediate", "unlimited") and parse_duration(text)):
            return text
        expected = ", ".join(allowed) + (" or a duration" if durations else "")
        raise Fault(f"invalid value {text!r}: expected {expected}")

    return read


def _text(value: TalangValue) -> object:
    return as_text(value)


def _count(value: TalangValue) -> object:
    number = as_int(value, "a whole number")
    if number < 0:
        raise Fault("expected a non-negative number")
    return number


def _amount(value: TalangValue) -> object:
    number = as_number(value)
    if number < 0:
        raise Fault("expected a non-negative number")
    return number


def _attributes(value: TalangValue) -> object:
    return dict(as_map(value))


_READERS: dict[str, Reader] = {"text": _text, "count": _count, "amount": _amount, "map": _attributes}


def spec(**fields: str | Reader) -> OptionSpec:
    """Build a spec; string values name a reader (``text``, ``count``, ``amount``, ``map``)."""
    return {key: _READERS[value] if isinstance(value, str) else value for key, value in fields.items()}


def read_options(value: TalangValue, options: OptionSpec) -> dict[str, object]:
    if value is None:
        return {}
    result: dict[str, object] = {}
    for key, item in as_map(value).items():
        reader = options.get(key)
        if reader is None:
            raise Fault(f"unknown option {key!r}: expected {', '.join(sorted(options))}", at=(key,))
        try:
            result[key] = reader(item)
        except Fault as fault:
            raise Fault(f"option {key!r}: {fault.message}", at=(key,)) from None
    return result


@dataclass(frozen=True, slots=True, eq=False)
class OptionMap:
    """The ``prepare`` of an option-map parameter: the map's validated fields.  ``keys`` lets the
    documentation and conformance tests check that every option is described and exercised."""

    spec: OptionSpec

    def __call__(self, value: TalangValue) -> object:
        return read_options(value, self.spec)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(sorted(self.spec))


def options(spec: OptionSpec) -> Prepare:
    return OptionMap(spec)


def text_or_none(options: Mapping[str, object], key: str) -> str | None:
    value = options.get(key)
    return value if isinstance(value, str) else None


def int_or_none(options: Mapping[str, object], key: str) -> int | None:
    value = options.get(key)
    return value if isinstance(value, int) else None


def decimal_or_none(options: Mapping[str, object], key: str) -> Decimal | None:
    value = options.get(key)
    return value if isinstance(value, Decimal) else None
