"""Cart items sent without a price take it from a catalog the application subscribes to."""

from __future__ import annotations

from openpromo.services.data.records import SessionFields
from openpromo.services.data.sessions import SessionData
from openpromo.services.errors import InvalidInput
from openpromo.services.snapshots.snapshot import Snapshot


def fill_prices(data: SessionData, snapshot: Snapshot, fields: SessionFields) -> None:
    """Set the price (and ``catalogItemID``) of every item sent without one; 400 naming the item when
    no subscribed catalog has a price for its SKU."""
    items = fields.cart_items
    missing = [i for i, item in enumerate(items) if item.get("price") is None]
    if not missing:
        return
    skus = sorted({items[i]["sku"] for i in missing})
    prices = data.catalog_prices(snapshot.catalog_ids, skus) if snapshot.catalog_ids else {}
    for index in missing:
        found = prices.get(items[index]["sku"])
        if found is None or found[1] is None:
            raise InvalidInput(
                "price is required unless the SKU is in a catalog connected to the application",
                pointer=f"/customerSession/cartItems/{index}/price",
            )
        items[index]["price"] = found[1]
        items[index]["catalogItemID"] = found[0]


__all__ = ["fill_prices"]
