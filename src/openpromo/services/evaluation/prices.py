"""Cart items take what they lack from the catalog the application subscribes to: the item of their
SKU gives a missing price and the attributes the cart item does not send itself (docs/offers.md
"Catalogs")."""

from __future__ import annotations

from openpromo.services.data.records import SessionFields
from openpromo.services.data.sessions import SessionData
from openpromo.services.errors import InvalidInput
from openpromo.services.snapshots.snapshot import Snapshot


def fill_from_catalog(data: SessionData, snapshot: Snapshot, fields: SessionFields) -> None:
    """Fill the price (and ``catalogItemID``) and the missing attributes of every item whose SKU the
    catalog has (one read, only for applications with a catalog); 400 naming the first item sent
    without a price whose SKU has none there."""
    items = fields.cart_items
    if not items:
        return
    if snapshot.catalog_ids:
        entries = data.catalog_entries(snapshot.catalog_ids, sorted({item["sku"] for item in items}))
    else:
        entries = {}
    for index, item in enumerate(items):
        entry = entries.get(item["sku"])
        if item.get("price") is None:
            if entry is None or entry.price is None:
                raise InvalidInput(
                    "price is required unless the SKU is in a catalog connected to the application",
                    pointer=f"/customerSession/cartItems/{index}/price",
                )
            item["price"] = entry.price
        if entry is not None:
            item["catalogItemID"] = entry.id
            if entry.attributes:
                item["attributes"] = {**entry.attributes, **(item.get("attributes") or {})}


__all__ = ["fill_from_catalog"]
