"""Best prior price: the lowest price of a SKU in the days before a moment (docs/offers.md "Best prior
price"), from the price observations (``services.data.prices``).

The window is ``[end - timeframe days, end)``, where ``end`` is, by ``timeframeEndDateType``:
``strict``, the ``timeframeEndDate`` itself; ``price``, when the price in force at that date started (the
oldest of the latest observations with that price); ``sale``, when its context (a sale's ``contextId``)
started. The price in force when the window opened counts as well as every price observed inside it;
the lowest wins (the earlier on a tie).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from openpromo.services.data.prices import StoredObservation
from openpromo.services.models.prices import (
    AdjustmentDetails,
    BestPriorPriceMetadata,
    History,
    InfluencingCampaignDetails,
)


def window_end(newest_first: Sequence[StoredObservation], end: datetime, kind: str) -> datetime:
    if kind == "strict" or not newest_first:
        return end
    key: Callable[[StoredObservation], object] = (
        (lambda o: o.price) if kind == "price" else (lambda o: o.context_id)
    )
    current, start = newest_first[0], newest_first[0].observed_at
    for observation in newest_first[1:]:
        if key(observation) != key(current):
            break
        start = observation.observed_at
    return start


def best_prior(
    newest_first: Sequence[StoredObservation], end: datetime, days: int
) -> StoredObservation | None:
    """The lowest price of ``[end - days, end)`` and of the one in force at its start."""
    start = end - timedelta(days=days)
    inside = [o for o in newest_first if start <= o.observed_at < end]
    before = next((o for o in newest_first if o.observed_at < start), None)
    candidates = [*inside, *([before] if before is not None else [])]
    return min(candidates, key=lambda o: (o.price, o.observed_at, o.id)) if candidates else None


def metadata(observation: StoredObservation) -> BestPriorPriceMetadata:
    """The campaigns that discounted the observed price, or the price adjustment that set it."""
    details = observation.details or {}
    adjustment = details.get("adjustmentDetails")
    return BestPriorPriceMetadata(
        influencing_campaign_details=[
            InfluencingCampaignDetails(
                campaign_id=int(c["campaignId"]), discount_value=Decimal(str(c["discountValue"]))
            )
            for c in details.get("influencingCampaignDetails", ())
        ],
        adjustment_details=AdjustmentDetails(
            reference_id=str(adjustment["referenceId"]),
            selected_price_type=str(adjustment["selectedPriceType"]),
            value=Decimal(str(adjustment["value"])),
        )
        if adjustment
        else None,
    )


def history_entry(observation: StoredObservation) -> History:
    return History(
        id=observation.id,
        observed_at=observation.observed_at,
        context_id=observation.context_id,
        price=observation.price,
        metadata=metadata(observation),
        target={},
    )


__all__ = ["best_prior", "history_entry", "metadata", "window_end"]
