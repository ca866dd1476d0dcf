"""The base of every record the use cases take and return.

Attributes are snake_case Python names; the codec renames them to the spec's camelCase at the HTTP
edge (``rename="camel"``, with ``msgspec.field(name=...)`` where Talon.One's casing is irregular, such
as ``evaluationGroupID``). That rename is the one translation between the wire vocabulary and ours.
Optional response fields left at their default are omitted from the JSON.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

import msgspec

T = TypeVar("T")

NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
AttributeName = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z]\w*$")]
PageSize = Annotated[int, msgspec.Meta(ge=1, le=1000)]
Attributes = dict[str, Any]


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
    raise NotImplementedError(kind)


def encode_hook(value: Any) -> Any:
    """msgspec ``enc_hook``: a Time encodes as the plain datetime it is."""
    if isinstance(value, datetime):
        return datetime.combine(value.date(), value.time(), value.tzinfo)
    raise NotImplementedError(type(value))


def schema_hook(kind: type) -> dict[str, Any]:
    if kind is Time:
        return {"type": "string", "format": "date-time"}
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
    "AttributeName",
    "Attributes",
    "Model",
    "Name",
    "NonEmpty",
    "Page",
    "PageSize",
    "replace",
    "utc_datetime",
]
