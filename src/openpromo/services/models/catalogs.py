"""Catalog sync on the wire (spec: CatalogSyncRequest, CatalogAction, AddItemCatalogAction,
PatchItemCatalogAction, PatchManyItemsCatalogAction, RemoveItemCatalogAction,
RemoveManyItemsCatalogAction, CatalogActionFilter, AddPriceAdjustmentCatalogAction, NewPriceAdjustment).

An action's ``payload`` depends on its ``type``: the request arrives with raw payloads
(``CatalogSyncRequest``) and the API converts each into its typed action (``ACTION_PAYLOADS``), naming
``/actions/{i}/payload/...`` when one is malformed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from openpromo.services.models.base import Attributes, Model, NonEmpty, Number, Time
from openpromo.services.models.sessions import Product

ActionType = Literal["ADD", "PATCH", "PATCH_MANY", "REMOVE", "REMOVE_MANY", "ADD_PRICE_ADJUSTMENT"]
Sku = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class CatalogAction(Model, kw_only=True):
    type: ActionType
    payload: dict[str, Any]


class CatalogSyncRequest(Model, kw_only=True):
    actions: Annotated[list[CatalogAction], msgspec.Meta(min_length=1, max_length=1000)]
    version: Annotated[int, msgspec.Meta(ge=1, le=2**63 - 1)] | None = None


class CatalogActionFilter(Model, kw_only=True):
    attr: NonEmpty
    op: Literal["EQ", "LT", "LE", "GT", "GE", "IN"]
    value: Any


class AddItemCatalogAction(Model, kw_only=True):
    sku: Sku
    price: Number | None = None
    attributes: Attributes | None = None
    product: Product | None = None
    replace_if_exists: bool = False


class PatchItemCatalogAction(Model, kw_only=True):
    sku: Sku
    price: Number | None = None
    attributes: Attributes | None = None
    product: Product | None = None
    create_if_not_exists: bool = False


class PatchManyItemsCatalogAction(Model, kw_only=True):
    price: Number | None = None
    filters: list[CatalogActionFilter] | None = None
    attributes: Attributes | None = None


class RemoveItemCatalogAction(Model, kw_only=True):
    sku: Sku


class RemoveManyItemsCatalogAction(Model, kw_only=True):
    filters: list[CatalogActionFilter] | None = None


class NewPriceAdjustment(Model, kw_only=True):
    price_type: NonEmpty
    price: Number | None = None
    reference_id: NonEmpty
    calculated_at: Time | None = None
    effective_from: Time | None = None
    effective_until: Time | None = None
    context_id: str | None = None


class AddPriceAdjustmentCatalogAction(Model, kw_only=True):
    sku: Sku
    adjustments: Annotated[list[NewPriceAdjustment], msgspec.Meta(min_length=1)]


Payload = (
    AddItemCatalogAction
    | PatchItemCatalogAction
    | PatchManyItemsCatalogAction
    | RemoveItemCatalogAction
    | RemoveManyItemsCatalogAction
    | AddPriceAdjustmentCatalogAction
)

ACTION_PAYLOADS: dict[str, type[Payload]] = {
    "ADD": AddItemCatalogAction,
    "PATCH": PatchItemCatalogAction,
    "PATCH_MANY": PatchManyItemsCatalogAction,
    "REMOVE": RemoveItemCatalogAction,
    "REMOVE_MANY": RemoveManyItemsCatalogAction,
    "ADD_PRICE_ADJUSTMENT": AddPriceAdjustmentCatalogAction,
}


class CatalogSync(msgspec.Struct, kw_only=True, frozen=True):
    """A sync request with its payloads typed: every action of one ``type`` (the API checks)."""

    type: ActionType
    actions: list[Payload]
    version: int | None = None


__all__ = [
    "ACTION_PAYLOADS",
    "ActionType",
    "AddItemCatalogAction",
    "AddPriceAdjustmentCatalogAction",
    "CatalogAction",
    "CatalogActionFilter",
    "CatalogSync",
    "CatalogSyncRequest",
    "NewPriceAdjustment",
    "PatchItemCatalogAction",
    "PatchManyItemsCatalogAction",
    "Payload",
    "RemoveItemCatalogAction",
    "RemoveManyItemsCatalogAction",
]
