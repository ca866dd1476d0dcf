"""A ledger's balances as of any moment, without reading its history on the common path.

The stored figures hold for any moment in ``[as_of, valid_until)`` (both NULL for a ledger written
before balances had a window: its figures hold always). Later moments roll them forward from the open
lots whose start or expiry falls in ``(as_of, at]`` (an indexed read of few rows). Only a moment before
``as_of`` derives the balances from the ledger's entries and allocations (rare: a past ``endDate``).
"""

from __future__ import annotations

from datetime import datetime

from openpromo.engine.ledger import Figures, roll_forward
from openpromo.services.data.ledgers import LedgerData, OpenLedger


def figures_at(data: LedgerData, ledger: OpenLedger, at: datetime) -> Figures:
    if ledger.as_of is None:
        return ledger.figures.copy()
    if at < ledger.as_of:
        return data.derive(ledger.id, at)
    if ledger.valid_until is None or at < ledger.valid_until:
        return ledger.figures.copy()
    changing = data.changing(ledger.id, ledger.as_of, at)
    return roll_forward(ledger.figures, changing, ledger.as_of, at)


__all__ = ["figures_at"]
