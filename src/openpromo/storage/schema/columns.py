"""Column types shared by every table, chosen so SQLite and PostgreSQL store the same values exactly.

* Ids are 64-bit integers (``INTEGER PRIMARY KEY`` on SQLite so they alias the rowid).
* Amounts (money, loyalty points, budget counters) are stored as integers in millionths: both
  databases then do exact integer arithmetic in atomic ``UPDATE ... SET used = used + :x`` statements,
  and SQLite never sees a float. Six places cover every ISO 4217 minor unit and two-place points.
* Times are stored in UTC and always come back timezone-aware.
* JSON is ``JSONB`` on PostgreSQL and ``JSON`` (text) on SQLite.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect

AMOUNT_SCALE = Decimal(1_000_000)

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(JSONB(), "postgresql")


class Amount(sa.TypeDecorator[Decimal]):
    """A Decimal stored as a scaled 64-bit integer (millionths)."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * AMOUNT_SCALE).to_integral_value())

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        amount = Decimal(int(value)).scaleb(-6)
        # Drop trailing zeros but never switch to exponent notation (100, not 1E+2).
        return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A point in time: naive values are read as UTC, and results are always aware (UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        plain = datetime.combine(value.date(), value.time(), UTC)  # never a subclass, for the drivers
        return plain.replace(tzinfo=None) if dialect.name == "sqlite" else plain

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def pk() -> sa.Column[int]:
    return sa.Column("id", Id, primary_key=True, autoincrement=True)


def account_id() -> sa.Column[int]:
    return sa.Column("account_id", Id, nullable=False)


def application_id() -> sa.Column[int]:
    return sa.Column("application_id", Id, nullable=False)


def created() -> sa.Column[datetime]:
    return sa.Column("created", UtcDateTime(), nullable=False)


__all__ = [
    "AMOUNT_SCALE",
    "Amount",
    "Id",
    "Json",
    "UtcDateTime",
    "account_id",
    "application_id",
    "created",
    "pk",
]
