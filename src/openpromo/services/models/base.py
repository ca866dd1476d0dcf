"""The base of every record the use cases take and return.

Attributes are snake_case Python names; the codec renames them to the spec's camelCase at the HTTP
edge (``rename="camel"``, with ``msgspec.field(name=...)`` where Talon.One's casing is irregular, such
as ``evaluationGroupID``). That rename is the one translation between the wire vocabulary and ours.
Optional response fields left at their default are omitted from the JSON.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

import msgspec

T = TypeVar("T")

# Amounts are stored as 64-bit integers of millionths (see openpromo.storage.schema.columns).
MAX_AMOUNT = Decimal(2**63 - 1).scaleb(-6)

NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
AttributeName = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z]\w*$")]
PageSize = Annotated[int, msgspec.Meta(ge=1, le=1000)]
Attributes = dict[str, Any]
Int64 = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]
Int32 = Annotated[int, msgspec.Meta(ge=-(2**31), le=2**31 - 1)]
"""Integers stored in 64-bit (ids) and 32-bit columns."""


# Strings stored in columns of 255 and 1000 characters (PostgreSQL refuses longer ones).
Text255 = Annotated[str, msgspec.Meta(max_length=255)]
Name255 = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
Text1000 = Annotated[str, msgspec.Meta(max_length=1000)]


class Amount(Decimal):
    """A non-negative amount in a request that storage can hold exactly: 0 ≤ x ≤ ``MAX_AMOUNT``.

    (msgspec constrains ints and floats only, so the range is checked in ``decode_hook``.)
    """

    maximum = MAX_AMOUNT


class Number(Decimal):
    """A decimal in a request (a price, a weight) that storage can hold exactly:
    -``MAX_AMOUNT`` ≤ x ≤ ``MAX_AMOUNT``; never NaN or infinite, never a string."""

    maximum = MAX_AMOUNT


class Time(datetime):
    """A point in time in a request: RFC 3339, the ``+0000`` offset the official clients send, or a
    bare date (meaning ``T00:00:00Z``). Decoded values are aware and in UTC."""

    @classmethod
    def parse(cls, text: str) -> Time:
        value = datetime.fromisoformat(text.replace("z", "Z"))
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return cls.combine(value.date(), value.time(), UTC)


def decode_hook(kind: type[Any], value: Any) -> Any:
    """msgspec ``dec_hook`` for OpenPromo's own types."""
    if kind is Time:
        if not isinstance(value, str):
            raise TypeError(f"Expected `str`, got `{type(value).__name__}`")
        try:
            return Time.parse(value)
        except ValueError:
            raise ValueError("Invalid RFC3339 encoded datetime") from None
    if kind is Amount:
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise TypeError(f"Expected `number`, got `{type(value).__name__}`")
        if not 0 <= value <= MAX_AMOUNT:
            raise ValueError(f"Expected `number` from 0 to {MAX_AMOUNT}")
        return Amount(value)
    if kind is Number:
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise TypeError(f"Expected `number`, got `{type(value).__name__}`")
        if not (isinstance(value, int) or value.is_finite()) or not -MAX_AMOUNT <= value <= MAX_AMOUNT:
            raise ValueError(f"Expected `number` from -{MAX_AMOUNT} to {MAX_AMOUNT}")
        return Number(value)
    raise NotImplementedError(kind)


def encode_hook(value: Any) -> Any:
    """msgspec ``enc_hook``: a Time encodes as the plain datetime it is."""
    if isinstance(value, datetime):
        return datetime.combine(value.date(), value.time(), value.tzinfo)
    if isinstance(value, Decimal):
        return Decimal(value)
    raise NotImplementedError(type(value))


def schema_hook(kind: type) -> dict[str, Any]:
    if kind is Time:
        return {"type": "string", "format": "date-time"}
    if kind is Amount:
        return {"type": "number", "minimum": 0, "maximum": float(MAX_AMOUNT)}
    if kind is Number:
        return {"type": "number", "minimum": -float(MAX_AMOUNT), "maximum": float(MAX_AMOUNT)}
    raise NotImplementedError(kind)


class Model(msgspec.Struct, rename="camel", omit_defaults=True, kw_only=True):
    """A record of the API: snake_case here, camelCase on the wire.

    Subclasses declare ``kw_only=True`` again (msgspec and mypy apply it per class), so required
    fields may follow optional ones in the spec's order.
    """


class Page(Model, kw_only=True):
    """A page of a list: ``{"hasMore": bool, "data": [...]}`` (``totalResultSize`` where the spec has it)."""

    has_more: bool | None = None
    total_result_size: int | None = None
    data: list[Any]


def replace(record: T, **changes: Any) -> T:
    return msgspec.structs.replace(record, **changes)  # type: ignore[type-var]


def utc_datetime(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


__all__ = [
    "MAX_AMOUNT",
    "Amount",
    "AttributeName",
    "Attributes",
    "Int32",
    "Int64",
    "Model",
    "Name",
    "Name255",
    "NonEmpty",
    "Number",
    "Page",
    "PageSize",
    "Text255",
    "Text1000",
    "Time",
    "decode_hook",
    "encode_hook",
    "replace",
    "schema_hook",
    "utc_datetime",
]
