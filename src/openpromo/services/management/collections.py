"""Use cases of collections: account-level ones, and a campaign's own.

A collection's items are strings, replaced whole by a CSV import with one ``item`` column (duplicates
dropped). Names are unique among the account's collections, and among a campaign's (409).
``scope`` is ``(application id, campaign id)`` for a campaign's collections, ``None`` for the account's.

The items stay a JSON list inside the collection's row, not a table of their own: they are only ever
replaced whole (an import is one ``UPDATE``), read whole (a rule's lookup would read them so) or paged,
and the database pages a JSON array itself (``Records.elements``: ``json_each`` /
``jsonb_array_elements ... WITH ORDINALITY`` with ``LIMIT``/``OFFSET``), so a page sends the page's items,
not the list. A table (``collection_items``, distributed by ``account_id`` with its collection) becomes
worth it once items are added or removed one by one, or filtered.
"""

from __future__ import annotations

from typing import Any

from openpromo.services.access import require_campaign
from openpromo.services.auth import ManagementPrincipal
from openpromo.services.errors import Conflict, InvalidInput, NotFound
from openpromo.services.management.subscriptions import require_applications
from openpromo.services.management.uploads import csv_rows, record_import
from openpromo.services.models.base import Page
from openpromo.services.models.convert import fields_of, from_row, given_fields
from openpromo.services.models.coupons import Import
from openpromo.services.models.gamification import (
    Collection,
    CollectionItem,
    NewCampaignCollection,
    NewCollection,
    UpdateCampaignCollection,
    UpdateCollection,
)
from openpromo.services.paging import PageRequest, list_page
from openpromo.services.ports import Clock, Row, UnitOfWork, UnitOfWorkFactory

Scope = tuple[int, int] | None
_SORT = {"created": "created", "name": "name", "id": "id", "modified": "modified"}


def collection_record(row: Row) -> Collection:
    return from_row(
        Collection,
        row,
        modified=row["modified"] or row["created"],
        created_by=row["created_by"] or 0,
        payload=None,
    )


class CollectionService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def _where(self, uow: UnitOfWork, principal: ManagementPrincipal, scope: Scope) -> dict[str, Any]:
        """The collections of ``scope`` (after checking its campaign exists)."""
        if scope is None:
            return {"account_id": principal.account_id, "campaign_id": None}
        require_campaign(uow.records, principal, *scope)
        return {"account_id": principal.account_id, "application_id": scope[0], "campaign_id": scope[1]}

    def _collection(self, uow: UnitOfWork, principal: ManagementPrincipal, ident: int, scope: Scope) -> Row:
        row = uow.records.get("collections", ident, **self._where(uow, principal, scope))
        if row is None:
            raise NotFound("collection", ident)
        return row

    def create(
        self, principal: ManagementPrincipal, data: NewCollection | NewCampaignCollection, scope: Scope = None
    ) -> Collection:
        now = self._clock.now()
        with self._uow() as uow:
            where = self._where(uow, principal, scope)
            if isinstance(data, NewCollection):
                require_applications(uow.records, principal.account_id, data.subscribed_applications_ids)
            if uow.records.find_one("collections", **where, name=data.name) is not None:
                raise Conflict(f"a collection named {data.name!r} exists already", pointer="/name")
            names = tuple(data.__struct_fields__)
            ident = uow.records.insert(
                "collections",
                {
                    **fields_of(data, *names),
                    **where,
                    "created": now,
                    "modified": now,
                    "items": [],
                    "created_by": principal.actor_id,
                },
            )
            row = uow.records.get("collections", ident)
            uow.commit()
        assert row is not None
        return collection_record(row)

    def list(
        self,
        principal: ManagementPrincipal,
        page: PageRequest,
        name: str | None,
        scope: Scope = None,
        *,
        with_total: bool = False,
    ) -> Page:
        with self._uow(write=False) as uow:
            where = self._where(uow, principal, scope)
            if name is not None:
                where["name"] = name
            return list_page(
                uow.records,
                "collections",
                where,
                page,
                collection_record,
                sortable=_SORT,
                also_total=with_total,
            )

    def get(self, principal: ManagementPrincipal, ident: int, scope: Scope = None) -> Collection:
        with self._uow(write=False) as uow:
            return collection_record(self._collection(uow, principal, ident, scope))

    def update(
        self,
        principal: ManagementPrincipal,
        ident: int,
        data: UpdateCollection | UpdateCampaignCollection,
        scope: Scope = None,
    ) -> Collection:
        with self._uow() as uow:
            self._collection(uow, principal, ident, scope)
            if isinstance(data, UpdateCollection):
                require_applications(uow.records, principal.account_id, data.subscribed_applications_ids)
            uow.records.update(
                "collections",
                ident,
                {**given_fields(data), "modified": self._clock.now(), "modified_by": principal.actor_id},
            )
            row = uow.records.get("collections", ident)
            uow.commit()
        assert row is not None
        return collection_record(row)

    def delete(self, principal: ManagementPrincipal, ident: int, scope: Scope = None) -> None:
        with self._uow() as uow:
            self._collection(uow, principal, ident, scope)
            uow.records.delete("collections", ident)
            uow.commit()

    def import_items(
        self, principal: ManagementPrincipal, ident: int, content: bytes, scope: Scope = None
    ) -> Import:
        now = self._clock.now()
        with self._uow() as uow:
            self._collection(uow, principal, ident, scope)
            items = parse_items(content)
            uow.records.update(
                "collections", ident, {"items": items, "modified": now, "modified_by": principal.actor_id}
            )
            record = record_import(uow, principal, "Collection", len(items), now, scope[0] if scope else None)
            uow.commit()
        return record

    def items(self, principal: ManagementPrincipal, ident: int, page: PageRequest) -> Page:
        """The items of any collection of the account (the spec's one route for both kinds)."""
        where = {"id": ident, "account_id": principal.account_id}
        with self._uow(write=False) as uow:
            if not uow.records.count("collections", **where):
                raise NotFound("collection", ident)
            found = uow.records.elements("collections", "items", where, skip=page.skip, limit=page.page_size)
        return Page(has_more=found.has_more, data=[CollectionItem(item=r["value"]) for r in found.rows])


def parse_items(content: bytes) -> list[str]:
    header, lines = csv_rows(content)
    if header != ["item"]:
        raise InvalidInput("the CSV has one column, item", pointer="/upFile")
    items = [cells.get("item", "") for _line, cells in lines]
    return list(dict.fromkeys(i for i in items if i))


__all__ = ["CollectionService", "Scope", "collection_record", "parse_items"]
