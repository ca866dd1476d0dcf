"""``syncCatalog`` (``PUT /v1/catalogs/{catalogId}/sync``): add, patch and remove a catalog's items
(docs/offers.md "Catalogs").

One request holds actions of one type (the API checks), at most 1000, and commits whole: the catalog
counts one version per request and answers it. Item attributes are cart item attributes the account
defines (``CartItem``), checked as a session's cart items are; filters name them too. A price that an
item gets or changes is recorded as a price observation (``catalog``), and so is every adjustment with
a price (``adjustment``), for best prior prices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from openpromo.services.access import application_snapshot
from openpromo.services.attributes import Definitions, check_attributes, load_definitions
from openpromo.services.auth import IntegrationPrincipal
from openpromo.services.data.catalogs import FilterKind, ItemFilter, ItemWrite, StoredItem
from openpromo.services.data.prices import Observation
from openpromo.services.errors import ErrorDetail, InvalidInput, NotFound, raise_problems
from openpromo.services.integration.base import IntegrationService
from openpromo.services.models.catalogs import (
    AddItemCatalogAction,
    AddPriceAdjustmentCatalogAction,
    CatalogActionFilter,
    CatalogSync,
    NewPriceAdjustment,
    PatchItemCatalogAction,
    PatchManyItemsCatalogAction,
    RemoveItemCatalogAction,
    RemoveManyItemsCatalogAction,
)
from openpromo.services.models.programs import Catalog
from openpromo.services.models.sessions import Product
from openpromo.services.ports import UnitOfWork
from openpromo.services.records import catalog_record

_KINDS: dict[str, FilterKind] = {"number": "number", "boolean": "boolean", "string": "text", "time": "text"}
_NUMERIC_OPS = ("LT", "LE", "GT", "GE")


class CatalogSyncService(IntegrationService):
    def sync(self, principal: IntegrationPrincipal, catalog_id: int, request: CatalogSync) -> Catalog:
        now = self._clock.now()
        with self._uow() as uow:
            application_snapshot(self._snapshots, uow, principal)  # the key must still be in force
            catalog = uow.catalogs.advance(principal.account_id, catalog_id, now)
            if catalog is None:
                raise NotFound("catalog", catalog_id)
            current = int(catalog["version"]) - 1
            if request.version is not None and request.version != current:
                raise InvalidInput(
                    f"the catalog is at version {current}, not {request.version}", pointer="/version"
                )
            definitions = load_definitions(uow.records, principal.account_id, ["CartItem"])
            _Sync(uow, principal.account_id, catalog_id, definitions, now).apply(request)
            uow.commit()
        return catalog_record(catalog)


class _Sync:
    def __init__(
        self, uow: UnitOfWork, account_id: int, catalog_id: int, definitions: Definitions, now: datetime
    ) -> None:
        self._uow = uow
        self._account_id = account_id
        self._catalog_id = catalog_id
        self._definitions = definitions
        self._now = now

    def apply(self, request: CatalogSync) -> None:
        actions = request.actions
        if request.type in ("ADD", "PATCH"):
            self._write_items(actions)  # type: ignore[arg-type]
        elif request.type == "PATCH_MANY":
            self._patch_many(actions)  # type: ignore[arg-type]
        elif request.type == "REMOVE":
            self._remove(actions)  # type: ignore[arg-type]
        elif request.type == "REMOVE_MANY":
            self._remove_many(actions)  # type: ignore[arg-type]
        else:
            self._adjust(actions)  # type: ignore[arg-type]

    # -- one item an action ---------------------------------------------------------------------

    def _write_items(self, actions: Sequence[AddItemCatalogAction | PatchItemCatalogAction]) -> None:
        _refuse_duplicates([a.sku for a in actions])
        problems: list[ErrorDetail] = []
        for index, action in enumerate(actions):
            problems += self._attributes(action.attributes, f"/actions/{index}/payload/attributes")
        raise_problems(problems)
        existing = self._uow.catalogs.items(self._catalog_id, [a.sku for a in actions])
        writes = []
        for index, action in enumerate(actions):
            old = existing.get(action.sku)
            pointer = f"/actions/{index}/payload/sku"
            if isinstance(action, AddItemCatalogAction):
                if old is not None and not action.replace_if_exists:
                    raise InvalidInput(
                        f"the catalog has an item with SKU {action.sku!r} (replaceIfExists replaces it)",
                        pointer=pointer,
                    )
                attributes = dict(action.attributes or {})
            else:
                if old is None and not action.create_if_not_exists:
                    raise InvalidInput(
                        f"the catalog has no item with SKU {action.sku!r} (createIfNotExists creates it)",
                        pointer=pointer,
                    )
                attributes = {**(old.attributes if old else {}), **(action.attributes or {})}
            writes.append(self._item(old, action.sku, action.price, attributes, action.product))
        self._uow.catalogs.write(self._account_id, self._catalog_id, writes)
        self._observe([(w.sku, w.price) for w in writes if _changed(existing.get(w.sku), w.price)], "catalog")

    def _item(
        self,
        old: StoredItem | None,
        sku: str,
        price: Decimal | None,
        attributes: dict[str, Any],
        product: Product | None,
    ) -> ItemWrite:
        """The item written over ``old``: a price not sent keeps the old one, a product not sent is
        removed (as Talon.One documents for both actions)."""
        return ItemWrite(
            sku=sku,
            price=price if price is not None else (old.price if old else None),
            attributes=attributes,
            product={"name": product.name} if product is not None else None,
            prices=old.prices if old else {},
            version=old.version + 1 if old else 1,
            created=old.created if old else self._now,
        )

    def _remove(self, actions: Sequence[RemoveItemCatalogAction]) -> None:
        skus = [a.sku for a in actions]
        _refuse_duplicates(skus)
        self._uow.catalogs.remove(self._catalog_id, skus)

    def _adjust(self, actions: Sequence[AddPriceAdjustmentCatalogAction]) -> None:
        skus = [a.sku for a in actions]
        _refuse_duplicates(skus)
        existing = self._uow.catalogs.items(self._catalog_id, skus)
        writes, observed = [], []
        for index, action in enumerate(actions):
            old = existing.get(action.sku)
            if old is None:
                raise InvalidInput(
                    f"the catalog has no item with SKU {action.sku!r}",
                    pointer=f"/actions/{index}/payload/sku",
                )
            prices = {kind: list(entries) for kind, entries in old.prices.items()}
            for position, adjustment in enumerate(action.adjustments):
                _check_window(adjustment, f"/actions/{index}/payload/adjustments/{position}")
                if adjustment.price is None:
                    prices.pop(adjustment.price_type, None)
                    continue
                entries = [
                    e
                    for e in prices.get(adjustment.price_type, [])
                    if e["referenceId"] != adjustment.reference_id
                ]
                prices[adjustment.price_type] = [*entries, _adjustment_document(adjustment, self._now)]
                observed.append(self._observation(action.sku, adjustment, adjustment.price))
            writes.append(
                ItemWrite(
                    sku=old.sku,
                    price=old.price,
                    attributes=old.attributes,
                    product=old.product,
                    prices=prices,
                    version=old.version + 1,
                    created=old.created,
                )
            )
        self._uow.catalogs.write(self._account_id, self._catalog_id, writes)
        self._uow.prices.record(self._account_id, observed)

    def _observation(self, sku: str, adjustment: NewPriceAdjustment, price: Decimal) -> Observation:
        """The price history's record of one price adjustment (answered as its metadata)."""
        return Observation(
            sku=sku,
            price=price,
            observed_at=adjustment.effective_from or self._now,
            context_id=adjustment.context_id or "",
            price_type="adjustment",
            catalog_id=self._catalog_id,
            details={
                "influencingCampaignDetails": [],
                "adjustmentDetails": {
                    "referenceId": adjustment.reference_id,
                    "selectedPriceType": adjustment.price_type,
                    "value": str(price),
                },
            },
        )

    # -- many items an action -------------------------------------------------------------------

    def _patch_many(self, actions: Sequence[PatchManyItemsCatalogAction]) -> None:
        problems: list[ErrorDetail] = []
        for index, action in enumerate(actions):
            problems += self._attributes(action.attributes, f"/actions/{index}/payload/attributes")
        raise_problems(problems)
        for index, action in enumerate(actions):
            filters = self._filters(action.filters, f"/actions/{index}/payload/filters")
            self._uow.catalogs.patch_many(
                self._account_id,
                self._catalog_id,
                filters,
                action.attributes or {},
                action.price,
                self._now,
            )

    def _remove_many(self, actions: Sequence[RemoveManyItemsCatalogAction]) -> None:
        for index, action in enumerate(actions):
            filters = self._filters(action.filters, f"/actions/{index}/payload/filters")
            self._uow.catalogs.remove_many(self._catalog_id, filters)

    # -- checks ---------------------------------------------------------------------------------

    def _attributes(self, attributes: Mapping[str, Any] | None, pointer: str) -> list[ErrorDetail]:
        return check_attributes(attributes or {}, "CartItem", pointer, self._definitions)

    def _filters(self, filters: Sequence[CatalogActionFilter] | None, pointer: str) -> list[ItemFilter]:
        return [self._filter(f, f"{pointer}/{i}") for i, f in enumerate(filters or [])]

    def _filter(self, f: CatalogActionFilter, pointer: str) -> ItemFilter:
        defined = self._definitions.attributes.get(("CartItem", f.attr))
        if defined is None:
            raise InvalidInput(
                f'The attribute "{f.attr}" is not defined on CartItem entities.', pointer=f"{pointer}/attr"
            )
        kind = _KINDS.get(defined)
        if kind is None:
            raise InvalidInput(
                f'items cannot be filtered on "{f.attr}", an attribute of type {defined}',
                pointer=f"{pointer}/attr",
            )
        if f.op in _NUMERIC_OPS and kind != "number":
            raise InvalidInput(
                f'{f.op} compares numbers, and "{f.attr}" is an attribute of type {defined}',
                pointer=f"{pointer}/op",
            )
        if f.op == "IN":
            if not isinstance(f.value, str):
                raise InvalidInput("IN takes a comma-separated list of values", pointer=f"{pointer}/value")
            parts: list[Any] = [part.strip() for part in f.value.split(",")]
        else:
            parts = [f.value]
        values = tuple(_coerced(part, kind, defined, f"{pointer}/value") for part in parts)
        return ItemFilter(attribute=f.attr, op=f.op, values=values, kind=kind)

    def _observe(self, prices: Sequence[tuple[str, Decimal | None]], kind: str) -> None:
        self._uow.prices.record(
            self._account_id,
            [
                Observation(
                    sku=sku, price=price, observed_at=self._now, price_type=kind, catalog_id=self._catalog_id
                )
                for sku, price in prices
                if price is not None
            ],
        )


def _changed(old: StoredItem | None, price: Decimal | None) -> bool:
    return price is not None and (old is None or old.price != price)


def _refuse_duplicates(skus: Sequence[str]) -> None:
    seen: set[str] = set()
    for index, sku in enumerate(skus):
        if sku in seen:
            raise InvalidInput(
                f"the SKU {sku!r} occurs in more than one action of the request",
                pointer=f"/actions/{index}/payload/sku",
            )
        seen.add(sku)


def _coerced(value: Any, kind: FilterKind, defined: str, pointer: str) -> Any:
    if kind == "number":
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return Decimal(value)
        if isinstance(value, str):
            try:
                number = Decimal(value.strip())
            except InvalidOperation:
                number = None
            if number is not None and number.is_finite():
                return number
    elif kind == "boolean":
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
    elif isinstance(value, str):
        return value
    raise InvalidInput(f"the value must be a {defined}, as the attribute is", pointer=pointer)


def _check_window(adjustment: NewPriceAdjustment, pointer: str) -> None:
    start, end = adjustment.effective_from, adjustment.effective_until
    if start is not None and end is not None and end <= start:
        raise InvalidInput("effectiveUntil must be after effectiveFrom", pointer=f"{pointer}/effectiveUntil")


def _adjustment_document(adjustment: NewPriceAdjustment, now: datetime) -> dict[str, Any]:
    """An adjustment as the item stores it (its ``calculatedAt`` defaults to when it arrived)."""

    def moment(value: datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "price": str(adjustment.price),
        "referenceId": adjustment.reference_id,
        "calculatedAt": moment(adjustment.calculated_at or now),
        "effectiveFrom": moment(adjustment.effective_from),
        "effectiveUntil": moment(adjustment.effective_until),
        "contextId": adjustment.context_id,
    }


__all__ = ["CatalogSyncService"]
