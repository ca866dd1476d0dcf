"""Use cases of catalogs and their items. Items arrive with the Integration API's catalog sync
(``services.integration.catalogs``); cart items of a session take a missing price and missing
attributes from the item of their SKU in the catalog the application subscribes to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import NotFound
from openpromo.services.management.subscriptions import require_applications
from openpromo.services.models.base import Page
from openpromo.services.models.convert import fields_of, from_row
from openpromo.services.models.programs import Catalog, CatalogItem, ItemAttribute, NewCatalog
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Clock, Eq, Row, UnitOfWorkFactory
from openpromo.services.records import catalog_record


def catalog_item_record(row: Row, attribute_ids: Mapping[str, int]) -> CatalogItem:
    """The item as the spec shows it: its attributes a list of ``{attributeid, name, value}``, by name."""
    values = row["attributes"] or {}
    attributes = [
        ItemAttribute(attributeid=attribute_ids.get(name, 0), name=name, value=values[name])
        for name in sorted(values)
    ]
    return from_row(CatalogItem, row, catalogid=row["catalog_id"], attributes=attributes or None)


class CatalogService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(self, principal: ManagementPrincipal, data: NewCatalog) -> Catalog:
        now = self._clock.now()
        with self._uow() as uow:
            require_applications(uow.records, principal.account_id, data.subscribed_applications_ids)
            catalog_id = uow.records.insert(
                "catalogs",
                {
                    **fields_of(data, "name", "description", "subscribed_applications_ids"),
                    "account_id": principal.account_id,
                    "created": now,
                    "modified": now,
                    "created_by": principal.actor_id,
                },
            )
            row = uow.records.get("catalogs", catalog_id)
            uow.commit()
        assert row is not None
        return catalog_record(row)

    def items(
        self,
        principal: ManagementPrincipal,
        catalog_id: int,
        page: PageRequest,
        filters: dict[str, Any],
        *,
        with_total: bool = False,
    ) -> Page:
        """``filters``: ``skus`` and ``product_names`` (exact, any of them)."""
        # the distribution key first (docs/scaling.md), then the catalog
        where: dict[str, Any] = {"account_id": principal.account_id, "catalog_id": catalog_id}
        if filters.get("skus"):
            where["sku"] = list(filters["skus"])
        with self._uow(write=False) as uow:
            if uow.records.get("catalogs", catalog_id, account_id=principal.account_id) is None:
                raise NotFound("catalog", catalog_id)
            names = filters.get("product_names")
            attribute_ids = {
                row["name"]: row["id"]
                for row in uow.records.find(
                    "attributes", {"account_id": principal.account_id, "entity": "CartItem"}
                ).rows
            }
            return list_page(
                uow.records,
                "catalog_items",
                where,
                page,
                lambda row: catalog_item_record(row, attribute_ids),
                conditions=[Eq("product.name", list(names))] if names else [],
                also_total=with_total,
            )


__all__ = ["CatalogService", "catalog_item_record"]
