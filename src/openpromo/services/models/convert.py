"""Between stored rows (snake_case column dicts; JSON columns hold spec-shaped documents) and records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, TypeVar

import msgspec

from openpromo.services.models.base import Time, decode_hook, encode_hook

_encoder = msgspec.json.Encoder(decimal_format="number", enc_hook=encode_hook)
_decoder = msgspec.json.Decoder(float_hook=Decimal)

M = TypeVar("M", bound=msgspec.Struct)


def from_row(model: type[M], row: Mapping[str, Any], **extra: Any) -> M:
    """Build a record from a row: columns match attributes by (snake_case) name."""
    values = {k: encode_hook(v) if isinstance(v, Time) else v for k, v in {**row, **extra}.items()}
    return msgspec.convert(SimpleNamespace(**values), model, from_attributes=True, dec_hook=decode_hook)


def document(value: Any) -> Any:
    """A record (or list of records) as the JSON document stored in a JSON column (wire casing)."""
    if value is None:
        return None
    return _decoder.decode(_encoder.encode(value))


def fields_of(record: msgspec.Struct, *names: str) -> dict[str, Any]:
    """Selected attributes of a record as a column dict; nested records become JSON documents."""
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(record, name)
        out[name] = document(value) if isinstance(value, msgspec.Struct | list | dict) else value
    return out


def given_fields(record: msgspec.Struct, names: Sequence[str] | None = None) -> dict[str, Any]:
    """The attributes of ``record`` (or of ``names``) that an update sets: those that are not None."""
    chosen = record.__struct_fields__ if names is None else names
    return fields_of(record, *[n for n in chosen if getattr(record, n) is not None])


__all__ = ["document", "fields_of", "from_row", "given_fields"]
