"""The adapter of ``services.data.prices``: price observations in ``price_history``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from openpromo.services.data.prices import Observation, StoredObservation
from openpromo.storage.schema.account import price_history

H = price_history.c
LATEST = 1000


def _stored(row: Any) -> StoredObservation:
    return StoredObservation(
        id=row.id,
        sku=row.sku,
        price=row.price,
        observed_at=row.observed_at,
        context_id=row.context_id or "",
        price_type=row.price_type,
        catalog_id=row.catalog_id,
        application_id=row.application_id,
        details=row.details,
    )


class SqlPriceData:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def record(self, account_id: int, observations: Sequence[Observation]) -> None:
        if not observations:
            return
        rows = [
            {
                "account_id": account_id,
                "application_id": o.application_id,
                "catalog_id": o.catalog_id,
                "sku": o.sku,
                "price": o.price,
                "observed_at": o.observed_at,
                "context_id": o.context_id or None,
                "price_type": o.price_type,
                "details": dict(o.details) if o.details else None,
            }
            for o in observations
        ]
        self._conn.execute(price_history.insert(), rows)  # compiled once, whatever the batch's size

    def history(self, account_id: int, sku: str, start: datetime, end: datetime) -> list[StoredObservation]:
        rows = self._conn.execute(
            sa.select(price_history)
            .where(H.account_id == account_id, H.sku == sku, H.observed_at >= start, H.observed_at < end)
            .order_by(H.observed_at, H.id)
            .limit(LATEST)
        )
        return [_stored(r) for r in rows]

    def latest(
        self, account_id: int, skus: Sequence[str], at: datetime
    ) -> dict[str, list[StoredObservation]]:
        found: dict[str, list[StoredObservation]] = {sku: [] for sku in skus}
        for sku in skus:
            rows = self._conn.execute(
                sa.select(price_history)
                .where(H.account_id == account_id, H.sku == sku, H.observed_at <= at)
                .order_by(H.observed_at.desc(), H.id.desc())
                .limit(LATEST)
            )
            found[sku] = [_stored(r) for r in rows]
        return found

    def current(self, account_id: int, skus: Sequence[str], at: datetime) -> dict[str, StoredObservation]:
        if not skus:
            return {}
        newest = (
            sa.select(
                price_history,
                sa.func.row_number()
                .over(partition_by=H.sku, order_by=(H.observed_at.desc(), H.id.desc()))
                .label("newest"),
            )
            .where(H.account_id == account_id, H.sku.in_(skus), H.observed_at <= at)
            .subquery()
        )
        rows = self._conn.execute(
            sa.select(*(newest.c[c.name] for c in price_history.c)).where(newest.c.newest == 1)
        )
        return {row.sku: _stored(row) for row in rows}


__all__ = ["SqlPriceData"]
