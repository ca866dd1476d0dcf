"""What the session aggregate's adapters share: statements built once per shape, and amounts as the
scaled integers ``Amount`` columns hold."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from openpromo.storage.schema.columns import AMOUNT_SCALE

_built: dict[tuple[Any, ...], Any] = {}

BIG = sa.BigInteger()


def statement(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """A statement built once (per dialect and shape) and run with bound values."""
    found = _built.get(key)
    if found is None:
        found = _built[key] = build()
    return found


def upsert(postgres: bool) -> Any:
    """The dialect's ``INSERT ... ON CONFLICT`` constructor."""
    return postgresql.insert if postgres else sqlite.insert


def scaled(amount: Any) -> int:
    """An amount as the scaled integer (millionths) an ``Amount`` column stores."""
    return int(Decimal(amount) * AMOUNT_SCALE)


def scaled_literal(amount: Any) -> sa.ColumnElement[Any]:
    """An amount as a raw scaled integer, for arithmetic on ``Amount`` columns (bypassing their
    conversion)."""
    return sa.literal(scaled(amount), sa.BigInteger())


def listed_ids(postgres: bool, column: Any) -> Any:
    """A comma-separated aggregate of integer ids (``string_agg`` / ``group_concat``)."""
    aggregate = sa.func.string_agg if postgres else sa.func.group_concat
    return aggregate(sa.cast(column, sa.String()), ",")


def parsed_ids(listed: str | None) -> frozenset[int]:
    return frozenset(int(a) for a in (listed or "").split(",") if a)


__all__ = ["BIG", "listed_ids", "parsed_ids", "scaled", "scaled_literal", "statement", "upsert"]
