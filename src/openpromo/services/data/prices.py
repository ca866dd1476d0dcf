"""``PriceData``: the narrow, typed port of price observations (``price_history``), reached as
``uow.prices`` (docs/offers.md "Best prior price"). Reads go by account, SKU and time through the
``(account_id, sku, observed_at)`` index."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Observation:
    """A price of a SKU seen at a moment: a catalog price, an adjustment, a campaign's discounted price."""

    sku: str
    price: Decimal
    observed_at: datetime
    context_id: str = ""
    price_type: str | None = None
    """``catalog``, ``adjustment`` or ``campaign``."""
    catalog_id: int | None = None
    application_id: int | None = None
    details: Mapping[str, Any] | None = None
    """What stands behind the price, as the spec's ``BestPriorPriceMetadata`` (camelCase, amounts as
    strings): ``influencingCampaignDetails`` of a campaign's price, ``adjustmentDetails`` of an
    adjustment."""


@dataclass(frozen=True, slots=True)
class StoredObservation(Observation):
    id: int = 0


class PriceData(Protocol):
    def record(self, account_id: int, observations: Sequence[Observation]) -> None:
        """Append observations (one statement, run for the batch)."""

    def history(self, account_id: int, sku: str, start: datetime, end: datetime) -> list[StoredObservation]:
        """The SKU's observations in ``[start, end)``, oldest first (at most 1000)."""

    def latest(
        self, account_id: int, skus: Sequence[str], at: datetime
    ) -> dict[str, list[StoredObservation]]:
        """For each SKU, its observations up to ``at``, newest first (at most 1000 a SKU)."""

    def current(self, account_id: int, skus: Sequence[str], at: datetime) -> dict[str, StoredObservation]:
        """Each SKU's newest observation up to ``at`` (one statement; SKUs never observed are absent)."""


__all__ = ["Observation", "PriceData", "StoredObservation"]
