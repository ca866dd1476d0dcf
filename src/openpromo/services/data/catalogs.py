"""``CatalogData``: the narrow, typed port of cart item catalogs and their items, reached as
``uow.catalogs`` (docs/offers.md "Catalogs").

A sync first ``advance``s the catalog (one conditional update that takes the catalog's row lock on
PostgreSQL, and the writer lock on SQLite), so parallel syncs of one catalog run one after the other
and each answers its own version. Items are keyed by ``(catalog_id, sku)``; every statement names the
catalog, and ``account_id`` (the distribution key) is written on every row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, Protocol

FilterOp = Literal["EQ", "LT", "LE", "GT", "GE", "IN"]
FilterKind = Literal["number", "boolean", "text"]


@dataclass(frozen=True, slots=True)
class StoredItem:
    id: int
    sku: str
    price: Decimal | None
    attributes: dict[str, Any]
    product: dict[str, Any] | None
    prices: dict[str, Any]
    """Price adjustments by price type: ``{priceType: [adjustment documents]}``."""
    version: int
    created: datetime


@dataclass(frozen=True, slots=True)
class ItemWrite:
    """An item as it is to be stored (inserted, or written over the one with its SKU)."""

    sku: str
    price: Decimal | None
    attributes: dict[str, Any]
    product: dict[str, Any] | None
    prices: dict[str, Any]
    version: int
    created: datetime


@dataclass(frozen=True, slots=True)
class ItemFilter:
    """An item's attribute ``op`` ``values`` (one value unless ``IN``), compared as the attribute's
    ``kind`` (numbers as numbers, ``text`` for strings and times): an item whose value is of another
    kind, or that has no such attribute, never matches."""

    attribute: str
    op: FilterOp
    values: tuple[Any, ...]
    kind: FilterKind


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """What a session's cart item takes from the catalog item of its SKU."""

    id: int
    price: Decimal | None
    attributes: Mapping[str, Any]


class CatalogData(Protocol):
    def advance(self, account_id: int, catalog_id: int, now: datetime) -> Mapping[str, Any] | None:
        """Count one more version of the account's catalog and return its row as it is now (None: no
        such catalog)."""

    def items(self, catalog_id: int, skus: Sequence[str]) -> dict[str, StoredItem]:
        """The catalog's items with these SKUs, by SKU."""

    def write(self, account_id: int, catalog_id: int, items: Sequence[ItemWrite]) -> None:
        """Insert the items, writing over those whose SKU the catalog has (one statement for the batch)."""

    def patch_many(
        self,
        account_id: int,
        catalog_id: int,
        filters: Sequence[ItemFilter],
        attributes: Mapping[str, Any],
        price: Decimal | None,
        now: datetime,
    ) -> int:
        """Merge ``attributes`` into every item meeting all ``filters`` (none: every item) and set their
        ``price`` when given, counting a version of each; price observations are recorded for the items
        whose price changes. How many items matched."""

    def remove(self, catalog_id: int, skus: Sequence[str]) -> int:
        """Delete the items with these SKUs; how many there were."""

    def remove_many(self, catalog_id: int, filters: Sequence[ItemFilter]) -> int:
        """Delete every item meeting all ``filters`` (none: every item); how many there were."""


__all__ = ["CatalogData", "CatalogEntry", "FilterKind", "FilterOp", "ItemFilter", "ItemWrite", "StoredItem"]
