"""Best prior price and price history on the wire (spec: BestPriorPriceRequest, BestPriorPrice,
BestPriorPriceMetadata, BestPriorTarget, PriceHistoryRequest, PriceHistoryResponse, History)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

from openpromo.services.models.base import Int64, Model, Time

Sku = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class BestPriorTarget(Model, kw_only=True):
    target_type: Literal["NONE", "AUDIENCE"]
    audience_id: Int64 | None = msgspec.field(default=None, name="audienceID")


class BestPriorPriceRequest(Model, kw_only=True):
    skus: Annotated[list[Sku], msgspec.Meta(min_length=1, max_length=100)]
    timeframe_end_date: Time
    timeframe: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,5}$")]
    timeframe_end_date_type: Literal["strict", "price", "sale"] | None = None
    strict_end_date: bool | None = None
    """The SDK generation before V25: ``true`` is ``strict``, ``false`` is ``sale``."""
    target: BestPriorTarget | None = None


class InfluencingCampaignDetails(Model, kw_only=True):
    campaign_id: int
    discount_value: Decimal


class AdjustmentDetails(Model, kw_only=True):
    reference_id: str
    selected_price_type: str
    value: Decimal


class BestPriorPriceMetadata(Model, kw_only=True):
    influencing_campaign_details: list[InfluencingCampaignDetails]
    adjustment_details: AdjustmentDetails | None = None


class BestPriorPrice(Model, kw_only=True):
    id: int
    sku: str
    observed_at: datetime
    context_id: str
    price: Decimal
    metadata: BestPriorPriceMetadata
    target: dict[str, Any]


class PriceHistoryRequest(Model, kw_only=True):
    sku: Sku
    start_date: Time
    end_date: Time


class History(Model, kw_only=True):
    id: int
    observed_at: datetime
    context_id: str
    price: Decimal
    metadata: BestPriorPriceMetadata
    target: dict[str, Any]


class PriceHistoryResponse(Model, kw_only=True):
    sku: str
    history: list[History]


__all__ = [
    "AdjustmentDetails",
    "BestPriorPrice",
    "BestPriorPriceMetadata",
    "BestPriorPriceRequest",
    "BestPriorTarget",
    "History",
    "InfluencingCampaignDetails",
    "PriceHistoryRequest",
    "PriceHistoryResponse",
]
