"""Use cases of an application's stores.

A store is unique per application by ``integrationId``, which never changes (409 for a duplicate). A
campaign with ``linkedStoreIds`` runs only for sessions in those stores, so a store that campaigns link
cannot be deleted (409) until they unlink it: a campaign whose stores are all gone would otherwise run
everywhere.
"""

from __future__ import annotations

from typing import Any

from openpromo.services.access import require_application
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import Conflict, InvalidInput, NotFound
from openpromo.services.models.base import Page
from openpromo.services.models.convert import fields_of, from_row
from openpromo.services.models.definitions import NewStore, Store
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import AnyOf, Clock, Condition, Contains, Eq, Records, Row, UnitOfWorkFactory

_SORT = {
    "created": "created",
    "name": "name",
    "id": "id",
    "integrationId": "integration_id",
    "updated": "updated",
}


def _links(records: Records, app_id: int) -> dict[int, list[int]]:
    """Store id -> the live campaigns linking it."""
    links: dict[int, list[int]] = {}
    for campaign in records.find("campaigns", {"application_id": app_id, "deleted": False}).rows:
        for store in campaign["linked_store_ids"] or ():
            links.setdefault(store, []).append(campaign["id"])
    return links


def store_record(row: Row, links: dict[int, list[int]]) -> Store:
    return from_row(Store, row, linked_campaign_ids=links.get(row["id"]) or None)


def store_conditions(filters: dict[str, Any], links: dict[int, list[int]]) -> list[Condition]:
    """``name``, ``integration_id`` (exact), ``campaign_id`` (linked by that live campaign), ``query`` (a
    part of the name or integration id), as list conditions."""
    conditions: list[Condition] = []
    for key in ("name", "integration_id"):
        if filters.get(key) is not None:
            conditions.append(Eq(key, filters[key]))
    campaign = filters.get("campaign_id")
    if campaign is not None:
        conditions.append(Eq("id", sorted(store for store, ids in links.items() if campaign in ids)))
    query = filters.get("query")
    if query is not None:
        conditions.append(AnyOf((Contains("name", query), Contains("integration_id", query))))
    return conditions


class StoreService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(self, principal: ManagementPrincipal, app_id: int, data: NewStore) -> Store:
        now = self._clock.now()
        with self._uow() as uow:
            require_application(uow.records, principal.account_id, app_id)
            if uow.records.find_one("stores", application_id=app_id, integration_id=data.integration_id):
                raise Conflict(
                    f"a store with integration id {data.integration_id!r} exists", pointer="/integrationId"
                )
            ident = uow.records.insert(
                "stores",
                {
                    **fields_of(data, "name", "description", "attributes", "integration_id"),
                    "application_id": app_id,
                    "created": now,
                    "updated": now,
                    "created_by": principal.actor_id,
                },
            )
            row = uow.records.get("stores", ident)
            uow.commit()
        assert row is not None
        return store_record(row, {})

    def list(
        self,
        principal: ManagementPrincipal,
        app_id: int,
        page: PageRequest,
        filters: dict[str, Any],
        *,
        with_total: bool = False,
    ) -> Page:
        """``filters``: ``name``, ``integration_id`` (exact), ``campaign_id`` (linked), ``query`` (a part of
        the name or integration id)."""
        with self._uow(write=False) as uow:
            require_application(uow.records, principal.account_id, app_id)
            links = _links(uow.records, app_id)
            return list_page(
                uow.records,
                "stores",
                {"application_id": app_id},
                page,
                lambda row: store_record(row, links),
                conditions=store_conditions(filters, links),
                sortable=_SORT,
                also_total=with_total,
            )

    def _require(self, records: Records, principal: ManagementPrincipal, app_id: int, ident: int) -> Row:
        require_application(records, principal.account_id, app_id)
        row = records.get("stores", ident, application_id=app_id)
        if row is None:
            raise NotFound("store", ident)
        return row

    def get(self, principal: ManagementPrincipal, app_id: int, ident: int) -> Store:
        with self._uow(write=False) as uow:
            row = self._require(uow.records, principal, app_id, ident)
            links = _links(uow.records, app_id)
        return store_record(row, links)

    def update(self, principal: ManagementPrincipal, app_id: int, ident: int, data: NewStore) -> Store:
        with self._uow() as uow:
            row = self._require(uow.records, principal, app_id, ident)
            if row["integration_id"] != data.integration_id:
                raise InvalidInput("a store's integration id cannot change", pointer="/integrationId")
            uow.records.update(
                "stores",
                ident,
                {**fields_of(data, "name", "description", "attributes"), "updated": self._clock.now()},
            )
            updated = uow.records.get("stores", ident)
            links = _links(uow.records, app_id)
            uow.commit()
        assert updated is not None
        return store_record(updated, links)

    def delete(self, principal: ManagementPrincipal, app_id: int, ident: int) -> None:
        with self._uow() as uow:
            self._require(uow.records, principal, app_id, ident)
            linked = _links(uow.records, app_id).get(ident)
            if linked:
                raise Conflict(f"campaigns {linked} link this store; unlink it from them first")
            uow.records.delete("stores", ident, application_id=app_id)
            uow.commit()


__all__ = ["StoreService", "store_record"]
