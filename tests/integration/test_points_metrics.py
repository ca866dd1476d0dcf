"""Loyalty points are counted from the ledger entries a transaction commits, never from one that rolls
back (``metrics.watch``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from prometheus_client import REGISTRY

from openpromo.metrics import points_written, watch
from openpromo.storage.database import Database


def _count(program: str, change: str) -> float:
    labels = {"program": program, "change": change}
    return REGISTRY.get_sample_value("openpromo_loyalty_points_total", labels) or 0.0


def test_points_count_when_their_transaction_commits() -> None:
    database = Database("sqlite:///:memory:", in_memory=True)
    watch(database.engine)
    before = {change: _count("9901", change) for change in ("added", "deducted", "expired")}
    try:
        # given one transaction that commits and one that rolls back
        with database.transaction() as conn:
            points_written(conn.info, [(9901, "addition", Decimal("12.5")), (9901, "expire", Decimal(2))])
            points_written(conn.info, [(9901, "subtraction", Decimal(3))])
        with pytest.raises(RuntimeError), database.transaction() as conn:
            points_written(conn.info, [(9901, "addition", Decimal(100))])
            raise RuntimeError("rolled back")
        # a transaction after them writes nothing
        with database.transaction():
            pass
    finally:
        database.dispose()
    # then only the committed entries count, by the change they made
    after = {change: _count("9901", change) - before[change] for change in before}
    assert after == {"added": 12.5, "deducted": 3.0, "expired": 2.0}
